#!/usr/bin/env node
// Where the engine's memory goes after indexing a project, measured in-process on the compiled
// engine (out/): node --expose-gc bench/memory.mjs DIR   (DJSWAP_PARSER picks the backend)
//
// 1. Workspace.analyze() as the language server does on start-up: heap, external and RSS, before and
//    after a full garbage collection (native trees are freed by the garbage collector only).
// 2. The same files again, layer by layer, to split the retained heap: the texts alone, their
//    PyModule summaries, their line indexes; what is left is facts, the project model and results.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(REPO, 'out', 'server', 'src', ...p.split('/')));

if (typeof globalThis.gc !== 'function') {
  process.stderr.write('run with node --expose-gc\n');
  process.exit(2);
}

const MB = 1024 * 1024;
function usage(collect = true) {
  if (collect) for (let i = 0; i < 3; i++) globalThis.gc();
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB, arrayBuffersMb: m.arrayBuffers / MB, rssMb: m.rss / MB };
}
const delta = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));

/** Objects and array slots in a plain-data tree, to put a size on summaries. */
function countNodes(value, seen = new Set()) {
  let objects = 0;
  let slots = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    objects++;
    const values = Array.isArray(v) ? v : Object.values(v);
    slots += values.length;
    for (const x of values) if (x !== null && typeof x === 'object') stack.push(x);
  }
  return { objects, slots };
}

function measureWorkspace(Workspace, parser, dir, base, report) {
  const workspace = new Workspace({ roots: [dir], parser });
  const t0 = performance.now();
  const result = workspace.analyze();
  report.analyzeMs = performance.now() - t0;
  report.afterAnalyzeNoGc = usage(false);
  report.engine = delta(base, usage());
  const parsed = workspace.files.parsed; // Map<string, EngineFile | null>
  const files = [...parsed.entries()].filter(([, f]) => f).map(([file]) => file);
  report.parsedFiles = files.length;
  report.textBytes = files.reduce((n, f) => n + parsed.get(f).text.length, 0);
  report.lines = files.reduce((n, f) => n + parsed.get(f).lines.lineCount, 0);
  const nodes = countNodes(files.map((f) => parsed.get(f).module));
  report.summaryObjects = nodes.objects;
  report.summarySlots = nodes.slots;
  report.diagnostics = result.diagnostics.length;
  return files;
}

async function main() {
  const dir = path.resolve(process.argv[2] ?? '.');
  const { loadPythonParser } = out('syntax/parser.js');
  const { Workspace } = out('engine/workspace.js');
  const { summarizeModule } = out('syntax/python.js');
  const { LineIndex } = out('syntax/text.js');
  const parser = await loadPythonParser();
  const report = { dir: path.relative(REPO, dir), backend: parser.backend };

  const base = usage();
  // In a function of its own, so that nothing of the workspace outlives it.
  const files = measureWorkspace(Workspace, parser, dir, base, report);
  report.leftAfterDropMb = usage().heapUsedMb - base.heapUsedMb;

  // Layer by layer, on the same files.
  const layers = {};
  let before = usage();
  const texts = files.map((f) => new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(f)));
  let after = usage();
  layers.texts = delta(before, after);
  before = after;
  const summaries = texts.map((text) => {
    const tree = parser.parse(text);
    try {
      return summarizeModule(tree, text);
    } finally {
      tree.dispose();
    }
  });
  after = usage();
  layers.summaries = delta(before, after);
  before = after;
  const lines = texts.map((t) => new LineIndex(t));
  after = usage();
  layers.lineIndexes = delta(before, after);
  report.layers = layers;
  report.layers.factsModelAndResults = {
    heapUsedMb: report.engine.heapUsedMb - layers.texts.heapUsedMb - layers.summaries.heapUsedMb - layers.lineIndexes.heapUsedMb,
  };
  report.keepAlive = texts.length + summaries.length + lines.length;
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
