#!/usr/bin/env node
// What one keystroke costs today, measured in-process on the compiled engine (out/), without the
// protocol: node bench/breakdown.mjs DIR FILE   (DJSWAP_PARSER picks the backend)
//
// - parse the edited file from scratch, and incrementally after a one-character edit;
// - summarise it (syntax/python.ts summarizeModule);
// - Workspace.analyze() with every file cached (the project model and the rules rebuilt from facts),
//   which the language server runs after each change; and once more with the file changed.
// Medians of 15.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(REPO, 'out', 'server', 'src', ...p.split('/')));

function median(f, n = 15) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

const [dirArg, fileArg] = process.argv.slice(2);
const dir = path.resolve(dirArg);
const file = path.resolve(dir, fileArg);
const { loadPythonParser } = out('syntax/parser.js');
const { summarizeModule } = out('syntax/python.js');
const { Workspace } = out('engine/workspace.js');
const parser = await loadPythonParser();
const text = fs.readFileSync(file, 'utf8');
const report = { backend: parser.backend, file: path.relative(dir, file), bytes: text.length, lines: text.split('\n').length };
report.parseMs = median(() => parser.parse(text).dispose());
const at = text.lastIndexOf('\n', Math.floor(text.length * 0.7));
const edited = text.slice(0, at) + '#' + text.slice(at);
const row = text.slice(0, at).split('\n').length - 1;
const column = at - (text.lastIndexOf('\n', at - 1) + 1);
const edit = { startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row, column }, oldEndPosition: { row, column }, newEndPosition: { row, column: column + 1 } };
const incremental = [];
for (let i = 0; i < 15; i++) {
  const tree = parser.parse(text);
  tree.edit(edit);
  const t = performance.now();
  parser.parse(edited, tree).dispose();
  incremental.push(performance.now() - t);
  tree.dispose();
}
incremental.sort((a, b) => a - b);
report.incrementalParseMs = incremental[7];
report.summarizeMs = median(() => {
  const tree = parser.parse(text);
  summarizeModule(tree, text);
  tree.dispose();
}) - report.parseMs;
const workspace = new Workspace({ roots: [dir], parser });
const t0 = performance.now();
workspace.analyze();
report.firstAnalyzeMs = performance.now() - t0;
report.cachedAnalyzeMs = median(() => workspace.analyze(), 7);
report.cachedModelOnlyMs = median(() => workspace.analyze(() => false), 7);
workspace.files.openDocument(file, text, 1);
report.analyzeAfterEditMs = median((i) => {
  workspace.files.changeDocument(file, [{ start: at, end: at, text: i % 2 ? '' : '#' }], i + 2);
  workspace.analyze();
}, 7);
process.stdout.write(JSON.stringify(report) + '\n');
