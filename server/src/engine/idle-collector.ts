
/**
 * One full garbage collection once the process has been quiet for a while. Every analysis of an
 * edit leaves garbage, and the native parser's trees are freed only when V8 collects their
 * wrappers, memory V8 does not count: left to itself V8 keeps growing into both while the user
 * types, although what the engine keeps stays the same (bench/edit-memory.mjs shows it).
 */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly quietMs = 2000,
    private readonly collect: (() => void) | undefined = fullCollection(),
  ) {}

  /** Notes activity: the collection runs `quietMs` after the last call, and never keeps the process alive. */
  touch(): void {
    if (!this.collect) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect?.();
    }, this.quietMs);
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** V8's full collection, where the process was started with --expose-gc (the VS Code client starts it so). */
function fullCollection(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  return typeof exposed === 'function' ? exposed : undefined;
}
