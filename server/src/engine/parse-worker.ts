import { parentPort, workerData } from 'node:worker_threads';
import { DJANGO_SUMMARY_OPTIONS } from '../django/summary';
import { loadPythonParser } from '../syntax/parser';
import { summarizeModule } from '../syntax/python';
import type { ParserBackend } from '../syntax/tree';
import { readSource } from './files';
import { nodeFileSystem } from './fs';

/** What a worker sends back for one file. */
export type ParsedInWorker = { file: string; text: string; readOnlyReason?: string; module: unknown } | { file: string; skipped?: string };

/**
 * A worker thread that reads and summarizes files for the main thread, on the same parser backend.
 * Batches of paths come in; JSON of the summaries goes out (parsing JSON is far cheaper than
 * parsing Python, and cheaper than structured cloning).
 */
async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const { backend, maxFileBytes } = workerData as { backend: ParserBackend; maxFileBytes: number };
  const parser = await loadPythonParser(backend);
  port.on('message', (files: string[]) => {
    const out: ParsedInWorker[] = [];
    for (const file of files) {
      const source = readSource(nodeFileSystem, file, maxFileBytes);
      if (!('text' in source)) {
        out.push({ file, skipped: source.skipped });
        continue;
      }
      const tree = parser.parse(source.text);
      try {
        out.push({ file, text: source.text, readOnlyReason: source.readOnlyReason, module: summarizeModule(tree, source.text, DJANGO_SUMMARY_OPTIONS) });
      } finally {
        tree.dispose();
      }
    }
    port.postMessage(JSON.stringify(out));
  });
  port.postMessage('ready');
}

void serve();
