import { dirname } from 'node:path';
import type { EntryKind, ParsedFile, SourceTree } from '../django/source';

type Listing = { name: string; kind: EntryKind }[];

/**
 * What a computation read from a SourceTree, and what it got. The engine's SourceTree hands out the
 * same ParsedFile object until a file changes, so replaying the reads tells whether the computation
 * would see anything different today: if not, its result still holds.
 */
export class ReadLog {
  private readonly kinds = new Map<string, EntryKind | undefined>();
  private readonly listings = new Map<string, Listing>();
  private readonly parses = new Map<string, ParsedFile | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  noteKind(file: string, kind: EntryKind | undefined): void {
    if (!this.kinds.has(file)) this.kinds.set(file, kind);
  }

  noteListing(dir: string, listing: Listing): void {
    if (!this.listings.has(dir)) this.listings.set(dir, listing);
  }

  noteText(file: string, text: string | undefined): void {
    if (!this.texts.has(file)) this.texts.set(file, text);
  }

  noteParse(file: string, parsed: ParsedFile | undefined): void {
    if (!this.parses.has(file)) this.parses.set(file, parsed);
  }

  /** Notes every read of `other` (a kept part's reads, which count as the build's). */
  merge(other: ReadLog): void {
    for (const [file, kind] of other.kinds) this.noteKind(file, kind);
    for (const [dir, listing] of other.listings) this.noteListing(dir, listing);
    for (const [file, parsed] of other.parses) this.noteParse(file, parsed);
    for (const [file, text] of other.texts) this.noteText(file, text);
  }

  /** The parsed file a read got, if the file was read. */
  parsed(file: string): ParsedFile | undefined {
    return this.parses.get(file);
  }

  /**
   * Whether every read would give the same answer from `tree` now. With `changed`, the files that
   * may have changed since the log was last found valid, only their reads are replayed.
   */
  stillValid(tree: SourceTree, changed?: Iterable<string>): boolean {
    if (changed && !Array.isArray(changed)) changed = [...changed];
    if (changed) {
      for (const file of changed) {
        if (this.parses.has(file) && tree.parse(file) !== this.parses.get(file)) return false;
        if (this.texts.has(file) && tree.text?.(file) !== this.texts.get(file)) return false;
        if (this.kinds.has(file) && tree.kind(file) !== this.kinds.get(file)) return false;
        const dir = dirname(file);
        if (this.kinds.has(dir) && tree.kind(dir) !== this.kinds.get(dir)) return false;
        const listing = this.listings.get(dir);
        if (listing) {
          const now = tree.list(dir);
          if (now !== listing && !sameListing(now, listing)) return false;
        }
      }
      return true;
    }
    for (const [file, parsed] of this.parses) if (tree.parse(file) !== parsed) return false;
    for (const [file, text] of this.texts) if (tree.text?.(file) !== text) return false;
    for (const [file, kind] of this.kinds) if (tree.kind(file) !== kind) return false;
    for (const [dir, listing] of this.listings) {
      const now = tree.list(dir);
      if (now !== listing && !sameListing(now, listing)) return false;
    }
    return true;
  }

}

function sameListing(a: Listing, b: Listing): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].kind !== b[i].kind) return false;
  return true;
}

/** Something that keeps facts derived from parsed files (see SourceTree.derive). */
export interface DerivedFacts {
  derive<T>(parsed: ParsedFile, key: string, compute: () => T): T;
}

/** Where the parts of a build are kept (see SourceTree.keep): a part's value and its own reads. */
export interface KeptParts {
  /** The part kept under `key`, while its reads still hold and `inputs` are the same objects. */
  kept(key: string, inputs: unknown[]): { value: unknown; reads: ReadLog } | undefined;
  store(key: string, inputs: unknown[], value: unknown, reads: ReadLog): void;
}

/**
 * A SourceTree that notes every read into `always` (what a whole project was read from, rules
 * included) and into the log attached for the computation running now, if any.
 */
export class RecordingTree implements SourceTree {
  log?: ReadLog;

  constructor(
    readonly inner: SourceTree,
    private readonly facts?: DerivedFacts,
    readonly always?: ReadLog,
    private readonly parts?: KeptParts,
  ) {}

  kind(file: string): EntryKind | undefined {
    const kind = this.inner.kind(file);
    this.always?.noteKind(file, kind);
    this.log?.noteKind(file, kind);
    return kind;
  }

  list(dir: string): Listing {
    const listing = this.inner.list(dir);
    this.always?.noteListing(dir, listing);
    this.log?.noteListing(dir, listing);
    return listing;
  }

  parse(file: string): ParsedFile | undefined {
    const parsed = this.inner.parse(file);
    this.always?.noteParse(file, parsed);
    this.log?.noteParse(file, parsed);
    return parsed;
  }

  text(file: string): string | undefined {
    const text = this.inner.text?.(file);
    this.always?.noteText(file, text);
    this.log?.noteText(file, text);
    return text;
  }

  derive<T>(parsed: ParsedFile, key: string, compute: () => T): T {
    return this.facts ? this.facts.derive(parsed, key, compute) : compute();
  }

  keep<T>(key: string, inputs: unknown[], compute: () => T): T {
    if (!this.parts) return compute();
    const kept = this.parts.kept(key, inputs);
    if (kept) {
      // What the part read is what this build rests on too.
      this.always?.merge(kept.reads);
      return kept.value as T;
    }
    const reads = new ReadLog();
    const value = this.recording(reads, compute);
    this.parts.store(key, inputs, value, reads);
    return value;
  }

  /** Runs `work` with its reads noted into `log`. */
  recording<T>(log: ReadLog | undefined, work: () => T): T {
    const previous = this.log;
    this.log = log;
    try {
      return work();
    } finally {
      this.log = previous;
    }
  }
}
