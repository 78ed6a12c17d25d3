#!/usr/bin/env node
// Memory over an editing session, in-process: the engine indexes DIR, opens the large models file
// and takes the benchmark's scripted edits one by one (each followed by Workspace.analyze(), as the
// server does), printing heap used (after a full GC), heap total and RSS every 50 edits.
//
//   npm run build && node --expose-gc bench/edit-memory.mjs DIR FILE [--edits 300]
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { offsetAt, scriptEdits } from './lib/edits.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Workspace } = require(path.join(REPO, 'out/server/src/engine/workspace.js'));
const { loadPythonParser } = require(path.join(REPO, 'out/server/src/syntax/parser.js'));

const args = process.argv.slice(2);
const dir = path.resolve(args[0]);
const file = path.resolve(dir, args[1]);
const count = args.includes('--edits') ? Number(args[args.indexOf('--edits') + 1]) : 300;
const mb = (n) => Math.round(n / 2 ** 20);
const sample = (label) => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${label}\theap ${mb(m.heapUsed)} MB\theapTotal ${mb(m.heapTotal)} MB\texternal ${mb(m.external)} MB\trss ${mb(m.rss)} MB\n`);
};
const workspace = new Workspace({ roots: [dir], parser: await loadPythonParser(), env: {}, displayRoot: dir });
await workspace.prewarm();
workspace.analyze();
sample('indexed');
let text = fs.readFileSync(file, 'utf8');
workspace.files.openDocument(file, text, 1);
workspace.analyze();
const { edits } = scriptEdits(text, count);
const times = [];
for (let i = 0; i < edits.length; i++) {
  const edit = edits[i];
  const start = offsetAt(text, edit.range.start);
  const end = offsetAt(text, edit.range.end);
  const t0 = performance.now();
  workspace.files.changeDocument(file, [{ start, end, text: edit.text }], i + 2);
  text = text.slice(0, start) + edit.text + text.slice(end);
  workspace.analyze();
  times.push(performance.now() - t0);
  if ((i + 1) % 50 === 0) sample(`edit ${i + 1}`);
}
times.sort((a, b) => a - b);
process.stdout.write(`per edit: p50 ${times[Math.floor(times.length / 2)].toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms\n`);
