#!/usr/bin/env node
// In-process split of one cold `djswap check DIR`: discover, prewarm (read and parse the likely
// relevant files), histories, analyze (project model and rules), with file counts and heap.
//
//   npm run build && node --expose-gc bench/phases.mjs DIR
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Workspace } = require(path.join(REPO, 'out/server/src/engine/workspace.js'));
const { loadPythonParser } = require(path.join(REPO, 'out/server/src/syntax/parser.js'));

const dir = path.resolve(process.argv[2] ?? '.');
const phases = {};
let t = performance.now();
const lap = (name) => {
  const now = performance.now();
  phases[name] = Math.round(now - t);
  t = now;
};
const workspace = new Workspace({ roots: [dir], parser: await loadPythonParser(), env: {}, displayRoot: dir });
lap('load parser');
const entries = workspace.discover();
lap('discover');
await workspace.prewarm();
const prewarmParsed = workspace.files.parseCount;
lap('prewarm');
await workspace.loadHistories();
lap('histories');
const result = workspace.analyze();
lap('analyze');
globalThis.gc?.();
const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ phases, cpuMs: Math.round((cpu.user + cpu.system) / 1000), pythonFiles: entries.reduce((n, e) => n + e.pythonFiles.length, 0), prewarmParsed, parsed: workspace.files.parseCount, diagnostics: result.diagnostics.length, heapAfterGcMb: heapMb, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), heapTotalMb: Math.round(process.memoryUsage().heapTotal / 2 ** 20), externalMb: Math.round(process.memoryUsage().external / 2 ** 20), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
