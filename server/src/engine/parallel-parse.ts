import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PyModule } from '../syntax/python';
import type { ParserBackend } from '../syntax/tree';
import type { FileCache } from './files';
import type { ParsedInWorker } from './parse-worker';

/** Files handed out at a time: small enough to balance the threads, large enough to amortise a message. */
const BATCH = 16;
/** A worker takes a while to load its parser: below this many files per worker it does not pay. */
const MIN_FILES_PER_WORKER = 150;

/**
 * Cores nobody else is using, besides this thread's. A worker on a busy core only adds the cost of
 * moving summaries between threads.
 */
export function idleCores(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.floor(cores - 1 - os.loadavg()[0]));
}

export interface ParallelParseOptions {
  backend: ParserBackend;
  maxFileBytes: number;
  report?: (done: number, total: number) => void;
  /** Worker threads besides the main one (at most three); by default one per idle core. */
  workers?: number;
  /** false: the main thread only collects, parsing only what no live worker is left to take. */
  mainThreadParses?: boolean;
}

/**
 * Reads and summarizes files into the cache on every core: worker threads take batches from a
 * queue, and so does the main thread, which also takes in the workers' results between its own
 * batches. A worker that cannot start or fails leaves its files to the main thread.
 */
export async function parseInParallel(cache: FileCache, files: string[], options: ParallelParseOptions): Promise<void> {
  const pending = files.filter((f) => !cache.hasParsed(f));
  const total = pending.length;
  let done = 0;
  const report = () => options.report?.(done, total);
  const queue: string[][] = [];
  for (let i = 0; i < total; i += BATCH) queue.push(pending.slice(i, i + BATCH));
  const wanted = Math.min(options.workers ?? Math.min(idleCores(), Math.floor(total / MIN_FILES_PER_WORKER)), 3, total);
  const script = path.join(__dirname, 'parse-worker.js');
  const workers: Worker[] = [];
  let inFlight = 0;
  let live = 0;
  let wake: (() => void) | undefined;
  const settle = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  if (wanted > 0 && fs.existsSync(script)) {
    for (let i = 0; i < wanted; i++) {
      let busy = false;
      let alive = true;
      live++;
      const worker = new Worker(script, { workerData: { backend: options.backend, maxFileBytes: options.maxFileBytes } });
      const feed = () => {
        const batch = queue.shift();
        if (!batch) return;
        busy = true;
        inFlight++;
        worker.postMessage(batch);
      };
      worker.on('message', (message: string) => {
        if (message !== 'ready') {
          busy = false;
          inFlight--;
          for (const result of JSON.parse(message) as ParsedInWorker[]) {
            if ('text' in result) cache.install(result.file, result.text, result.module as PyModule, result.readOnlyReason);
            done++;
          }
          report();
        }
        feed();
        settle();
      });
      const lost = () => {
        // Its batch is parsed by the main thread when the analysis asks for it.
        if (busy) inFlight--;
        busy = false;
        if (alive) live--;
        alive = false;
        settle();
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      workers.push(worker);
    }
  }
  try {
    while (queue.length > 0 || inFlight > 0) {
      if (queue.length > 0 && (options.mainThreadParses !== false || live === 0)) {
        const batch = queue.shift()!;
        for (const file of batch) cache.parse(file);
        done += batch.length;
        report();
        // Lets the workers' results in.
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
