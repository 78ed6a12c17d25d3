#!/usr/bin/env node
// The floor: find the files a swappable-model checker must read (manage.py, the settings package,
// apps.py, models modules and packages, migrations), read them and parse each with tree-sitter
// through the project's own parser loader, and nothing else. Prints one JSON object.
//
//   node bench/floor.mjs DIR [--all] [--file FILE]      (DJSWAP_PARSER=native|wasm picks the backend)
//
// --all also reads and parses every .py file, to show what parsing everything would cost.
// --file also times parsing one file from scratch (median of 21): the floor of an edit to it.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const started = performance.now();
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Folders the engine does not walk either (server/src/engine/discovery.ts). */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.idea', '.vscode', '.cache', 'htmlcov', 'site-packages', 'dist-packages', '.eggs']);

export function walk(root) {
  const files = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    if (entries.some((e) => e.name === 'pyvenv.cfg')) continue;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.endsWith('.egg-info')) stack.push(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) files.push(full);
    }
  }
  return files.sort();
}

/** What a swappable-model checker has to read, decided from paths alone. */
export function isRelevant(file) {
  const parts = file.split(path.sep);
  const name = parts[parts.length - 1];
  const parent = parts[parts.length - 2];
  if (name === 'manage.py' || name === 'settings.py' || name === 'apps.py' || name === 'models.py') return true;
  if (parts.slice(0, -1).includes('settings')) return true;
  if (parts.slice(0, -1).includes('models')) return true;
  if (parent === 'migrations') return name !== '__init__.py' && !/^[_~.]/.test(name);
  return false;
}

function main() {
  const args = process.argv.slice(2);
  const root = path.resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--file') ?? '.');
  const all = args.includes('--all');
  const single = args.includes('--file') ? path.resolve(args[args.indexOf('--file') + 1]) : undefined;
  const { loadPythonParser } = require(path.join(REPO, 'out', 'server', 'src', 'syntax', 'parser.js'));
  return loadPythonParser().then((parser) => {
    const loaded = performance.now();
    const t0 = performance.now();
    const everything = walk(root);
    const relevant = everything.filter(isRelevant);
    const walkMs = performance.now() - t0;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const measure = (files) => {
      let readMs = 0;
      let parseMs = 0;
      let bytes = 0;
      for (const file of files) {
        const r0 = performance.now();
        const data = fs.readFileSync(file);
        const text = decoder.decode(data);
        const r1 = performance.now();
        const tree = parser.parse(text);
        tree.dispose();
        parseMs += performance.now() - r1;
        readMs += r1 - r0;
        bytes += data.length;
      }
      return { files: files.length, bytes, readMs, parseMs };
    };
    const floor = measure(relevant);
    const out = {
      backend: parser.backend,
      loadParserMs: loaded - started,
      walkMs,
      ...floor,
      floorMs: walkMs + floor.readMs + floor.parseMs,
      pyFiles: everything.length,
    };
    if (single) {
      const text = fs.readFileSync(single, 'utf8');
      const times = [];
      for (let i = 0; i < 21; i++) {
        const p0 = performance.now();
        parser.parse(text).dispose();
        times.push(performance.now() - p0);
      }
      times.sort((a, b) => a - b);
      out.file = { path: path.relative(root, single), bytes: Buffer.byteLength(text), lines: text.split('\n').length, parseMs: times[10] };
    }
    if (all) {
      const every = measure(everything);
      out.all = { ...every, ms: walkMs + every.readMs + every.parseMs };
    }
    out.processMs = performance.now() - started;
    process.stdout.write(JSON.stringify(out) + '\n');
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
