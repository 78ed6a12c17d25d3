#!/usr/bin/env node
// npm run bench [-- --sizes S,M,L --backends native,wasm --repeat 3 --edits 300 ...]
//
// For each size and parser backend, in one run: the floor (find, read and parse the relevant files,
// nothing else), `djswap check` cold and warm, and the language server over stdio (initialize to
// complete diagnostics, didChange to fresh diagnostics, hover, definition, source.fixAll, memory).
// Every figure is also given as a ratio to the floor measured in the same run. Prints tables and
// writes bench/results/latest.json. See BENCHMARKS.md for the method.

import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureProject } from './generate.mjs';
import { lspScenario } from './lib/lsp-session.mjs';
import { findRuff, measureReal, renderReal } from './lib/real.mjs';
import { linearFit, median } from './lib/stats.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOOK = path.join(REPO, 'bench', 'lib', 'rusage-hook.cjs');

const DEFAULTS = {
  sizes: ['S', 'M', 'L'],
  backends: ['native', 'wasm'],
  repeat: 3,
  edits: 300,
  hovers: 100,
  fixAlls: 20,
  quietMs: 500,
  editBudgetS: 900,
  seed: 1,
  lsp: true,
  cli: true,
  parseAll: true,
  generatedDir: undefined,
  real: process.env.DJSWAP_BENCH_REAL || undefined,
  ruff: undefined,
  out: path.join(REPO, 'bench', 'results', 'latest.json'),
};

function parseArgs(argv) {
  const o = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--sizes') o.sizes = next() === 'none' ? [] : argv[i].split(',');
    else if (a === '--backends') o.backends = next().split(',');
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--edits') o.edits = Number(next());
    else if (a === '--hovers') o.hovers = Number(next());
    else if (a === '--fixalls') o.fixAlls = Number(next());
    else if (a === '--quiet-ms') o.quietMs = Number(next());
    else if (a === '--edit-budget-s') o.editBudgetS = Number(next());
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--out') o.out = path.resolve(next());
    else if (a === '--generated-dir') o.generatedDir = path.resolve(next());
    else if (a === '--real') o.real = path.resolve(next());
    else if (a === '--ruff') o.ruff = path.resolve(next());
    else if (a === '--no-lsp') o.lsp = false;
    else if (a === '--no-cli') o.cli = false;
    else if (a === '--no-parse-all') o.parseAll = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown argument ${a} (see --help)`);
  }
  return o;
}

const HELP = `usage: npm run bench -- [options]
  --sizes S,M,L          sizes to generate and measure (tiny, S, M, L, XL)
  --backends native,wasm parser backends (DJSWAP_PARSER; "auto" lets djswap choose)
  --repeat 3             runs of the floor, the cold and the warm check (medians are reported)
  --edits 300            scripted didChange edits in the large models file
  --hovers 100           hover and definition requests (when the server offers them)
  --fixalls 20           source.fixAll code-action requests
  --quiet-ms 500         quiet period that ends "complete workspace diagnostics"
  --edit-budget-s 900    stop the edits of one size/backend after this long (reported)
  --no-lsp, --no-cli, --no-parse-all
  --out FILE             JSON results (default bench/results/latest.json)
  --generated-dir DIR    where generated projects live (default bench/.generated)
  --real DIR             also time \`djswap check DIR\` against \`ruff check --select DJ DIR\` (a real
                         tree fetched outside the repo; default $DJSWAP_BENCH_REAL); --sizes none skips
                         the generated projects
  --ruff PATH            the ruff executable (default: \`ruff\` on PATH)
`;

/** Runs `node [--require hook] args` and measures wall time, CPU time and peak RSS of that process. */
function measure(args, env = {}) {
  const rusage = path.join(os.tmpdir(), `djswap-bench-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', HOOK, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env, DJSWAP_BENCH_RUSAGE: rusage },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      let usage = {};
      try {
        usage = JSON.parse(fs.readFileSync(rusage, 'utf8'));
        fs.rmSync(rusage, { force: true });
      } catch {
        // the process died before writing it
      }
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}\n${err.slice(-3000)}`));
        return;
      }
      resolve({ wallMs, cpuMs: (usage.userMs ?? NaN) + (usage.systemMs ?? NaN), userMs: usage.userMs, systemMs: usage.systemMs, maxRssMb: (usage.maxRssKb ?? NaN) / 1024, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

const pick = (runs, key) => median(runs.map((r) => r[key]));

function freshCacheHome(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `djswap-bench-cache-${label}-`));
}

async function measureCli(o, dir, manifest, backend, log) {
  const env = { DJSWAP_PARSER: backend };
  const floor = [];
  const cold = [];
  const warm = [];
  // Cold runs keep nothing; warm runs keep the report in a cache folder of their own (--cache-dir).
  const check = (cacheHome, cached = false) =>
    measure([path.join('bin', 'djswap.js'), 'check', dir, '--format', 'json', '--exit-zero', ...(cached ? ['--cache-dir', path.join(cacheHome, 'djswap')] : [])], { ...env, XDG_CACHE_HOME: cacheHome });
  let report;
  const caches = [];
  for (let r = 0; r < o.repeat; r++) {
    // Interleaved, so that drift on a shared machine hits both alike.
    const f = await measure([path.join('bench', 'floor.mjs'), dir], env);
    floor.push({ ...f, detail: JSON.parse(f.stdout) });
    const cacheHome = freshCacheHome('cold');
    caches.push(cacheHome);
    const c = await check(cacheHome);
    report = JSON.parse(c.stdout);
    cold.push({ ...c, durationMs: report.summary.durationMs });
  }
  const warmHome = freshCacheHome('warm');
  caches.push(warmHome);
  await check(warmHome, true); // fills the cache
  for (let r = 0; r < o.repeat; r++) {
    const w = await check(warmHome, true);
    warm.push({ ...w, durationMs: JSON.parse(w.stdout).summary.durationMs });
  }
  for (const c of caches) fs.rmSync(c, { recursive: true, force: true });
  const file = JSON.parse((await measure([path.join('bench', 'floor.mjs'), dir, '--file', path.join(dir, manifest.bigModelsFile)], env)).stdout).file;
  let all;
  if (o.parseAll) all = JSON.parse((await measure([path.join('bench', 'floor.mjs'), dir, '--all'], env)).stdout).all;
  const counts = {};
  for (const d of report.diagnostics) counts[d.code] = (counts[d.code] ?? 0) + 1;
  const strip = (runs) => runs.map(({ stdout, stderr, detail, ...rest }) => rest);
  const summary = {
    floor: {
      wallMs: pick(floor, 'wallMs'),
      cpuMs: pick(floor, 'cpuMs'),
      maxRssMb: pick(floor, 'maxRssMb'),
      inProcessMs: median(floor.map((f) => f.detail.floorMs)),
      walkMs: median(floor.map((f) => f.detail.walkMs)),
      readMs: median(floor.map((f) => f.detail.readMs)),
      parseMs: median(floor.map((f) => f.detail.parseMs)),
      files: floor[0].detail.files,
      bytes: floor[0].detail.bytes,
      runs: strip(floor),
    },
    cold: { wallMs: pick(cold, 'wallMs'), cpuMs: pick(cold, 'cpuMs'), maxRssMb: pick(cold, 'maxRssMb'), engineMs: pick(cold, 'durationMs'), runs: strip(cold) },
    warm: { wallMs: pick(warm, 'wallMs'), cpuMs: pick(warm, 'cpuMs'), maxRssMb: pick(warm, 'maxRssMb'), engineMs: pick(warm, 'durationMs'), runs: strip(warm) },
    editFloor: file,
    parseAll: all,
    findings: { counts, expectedSWP101: manifest.expected.SWP101, filesChecked: report.summary.files, projects: report.projects },
  };
  const fl = summary.floor.wallMs;
  summary.cold.ratio = summary.cold.wallMs / fl;
  summary.cold.cpuRatio = summary.cold.cpuMs / summary.floor.cpuMs;
  summary.warm.ratio = summary.warm.wallMs / fl;
  log(`    floor ${fl.toFixed(0)} ms (${summary.floor.files} files, parse ${summary.floor.parseMs.toFixed(0)} ms) · cold ${summary.cold.wallMs.toFixed(0)} ms (×${summary.cold.ratio.toFixed(2)}) · warm ${summary.warm.wallMs.toFixed(0)} ms (×${summary.warm.ratio.toFixed(2)}) · RSS ${summary.cold.maxRssMb.toFixed(0)} MB`);
  if ((counts.SWP101 ?? 0) !== manifest.expected.SWP101) log(`    note: djswap reported ${counts.SWP101 ?? 0} SWP101, the generator planted ${manifest.expected.SWP101}`);
  return summary;
}

function fmt(n, digits = 0) {
  return n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits);
}

function ratio(n, base) {
  return n === null || n === undefined || !base ? '' : ` ×${(n / base).toFixed(2)}`;
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function renderTables(results) {
  const out = [];
  const runs = results.runs;
  if (results.real) out.push(renderReal(results.real, table), '');
  if (runs.length === 0) return out.join('\n');
  out.push('Command line (medians; ×floor = ratio to the floor of the same size and backend)\n');
  out.push(
    table(
      ['size', 'backend', 'py files', 'relevant', 'floor ms', 'cold ms', 'cold CPU ms', 'cold RSS MB', 'warm ms', 'parse-all ms'],
      runs.map((r) => [
        r.size,
        r.backend,
        r.project.pyFiles,
        r.cli?.floor.files ?? '',
        r.cli ? fmt(r.cli.floor.wallMs) : '',
        r.cli ? `${fmt(r.cli.cold.wallMs)}${ratio(r.cli.cold.wallMs, r.cli.floor.wallMs)}` : '',
        r.cli ? `${fmt(r.cli.cold.cpuMs)}${ratio(r.cli.cold.cpuMs, r.cli.floor.cpuMs)}` : '',
        r.cli ? `${fmt(r.cli.cold.maxRssMb)}${ratio(r.cli.cold.maxRssMb, r.cli.floor.maxRssMb)}` : '',
        r.cli ? `${fmt(r.cli.warm.wallMs)}${ratio(r.cli.warm.wallMs, r.cli.floor.wallMs)}` : '',
        r.cli?.parseAll ? fmt(r.cli.parseAll.ms) : '',
      ]),
    ),
  );
  if (runs.some((r) => r.lsp)) {
    out.push('\nLanguage server over stdio (×floor: whole-project floor, wall or CPU; ×file: parsing the edited file from scratch; CPU/edit: server CPU time over the edits, per edit)\n');
    out.push(
      table(
        ['size', 'backend', 'init→diags ms', 'server CPU ms', 'didChange p50/p95/max ms', 'p95 ×file', 'CPU/edit ms', 'hover p95', 'definition p95', 'fixAll p95 ms', 'RSS indexed/edited/paused MB'],
        runs
          .filter((r) => r.lsp)
          .map((r) => {
            const l = r.lsp;
            const fileMs = r.cli?.editFloor?.parseMs;
            return [
              r.size,
              r.backend,
              `${fmt(l.indexing?.completeMs)}${ratio(l.indexing?.completeMs, r.cli?.floor.wallMs)}`,
              `${fmt(l.indexing?.serverCpuMs)}${ratio(l.indexing?.serverCpuMs, r.cli?.floor.cpuMs)}`,
              l.didChange ? `${fmt(l.didChange.p50, 1)} / ${fmt(l.didChange.p95, 1)} / ${fmt(l.didChange.max, 1)}${l.didChange.count < l.didChange.requested ? ` (${l.didChange.count} of ${l.didChange.requested})` : ''}` : 'n/a',
              l.didChange && fileMs ? `×${(l.didChange.p95 / fileMs).toFixed(1)}` : '',
              l.didChange?.count ? fmt((l.afterEdits.serverCpuMs - l.indexing.serverCpuMs) / l.didChange.count) : '',
              l.hover ? fmt(l.hover.p95, 1) : 'n/a',
              l.definition ? fmt(l.definition.p95, 1) : 'n/a',
              l.fixAll ? fmt(l.fixAll.p95, 0) : 'n/a',
              `${fmt(l.indexing?.rssMb)} / ${fmt(l.afterEdits?.rssMb)} / ${fmt(l.afterPause?.rssMb)}`,
            ];
          }),
      ),
    );
  }
  const targets = targetRows(results);
  if (targets.length > 0) {
    out.push('\nTargets (L)\n');
    out.push(table(['target', ...results.options.backends], targets));
  }
  const series = seriesRows(results);
  if (series.length > 0) {
    const files = results.options.sizes.map((s) => results.runs.find((r) => r.size === s && r.cli)?.cli.floor.files).map((n) => n ?? '?');
    out.push(`\nGrowth with size: least-squares line over the sizes run, against relevant files (${files.join(' / ')})\n`);
    out.push(table(['metric', 'backend', ...results.options.sizes, 'per 1k files', 'intercept', 'r²'], series));
  }
  return out.join('\n');
}

function targetRows(results) {
  const L = (backend) => results.runs.find((r) => r.size === 'L' && r.backend === backend);
  if (!results.options.backends.some((b) => L(b))) return [];
  const rows = [];
  const mark = (value, limit, unit = '') => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(unit === '×' ? 2 : 0)}${unit === '×' ? '×' : ` ${unit}`} ${value <= limit ? 'met' : 'not met'}`);
  const row = (label, get, limit, unit) => rows.push([label, ...results.options.backends.map((b) => (L(b) ? mark(get(L(b)), limit, unit) : ''))]);
  row('cold check ≤ 500 ms', (r) => r.cli?.cold.wallMs, 500, 'ms');
  row('cold check ≤ 1.5× floor', (r) => r.cli?.cold.ratio, 1.5, '×');
  row('warm check ≤ 150 ms', (r) => r.cli?.warm.wallMs, 150, 'ms');
  row('didChange→diagnostics p95 ≤ 20 ms', (r) => r.lsp?.didChange?.p95, 20, 'ms');
  row('hover p95 ≤ 10 ms', (r) => r.lsp?.hover?.p95 ?? NaN, 10, 'ms');
  row('definition p95 ≤ 10 ms', (r) => r.lsp?.definition?.p95 ?? NaN, 10, 'ms');
  row('initialize→complete diagnostics ≤ 1 s', (r) => r.lsp?.indexing?.completeMs, 1000, 'ms');
  row('server RSS after 300 edits ≤ 200 MB', (r) => r.lsp?.afterEdits?.rssMb, 200, 'MB');
  row('… and after a 3 s pause ≤ 200 MB', (r) => r.lsp?.afterPause?.rssMb, 200, 'MB');
  return rows;
}

function seriesRows(results) {
  const sizes = results.options.sizes;
  if (sizes.length < 2) return [];
  const rows = [];
  const metrics = [
    ['floor ms', (r) => r.cli?.floor.wallMs],
    ['cold check ms', (r) => r.cli?.cold.wallMs],
    ['cold check RSS MB', (r) => r.cli?.cold.maxRssMb],
    ['init→diags ms', (r) => r.lsp?.indexing?.completeMs],
    ['didChange p50 ms', (r) => r.lsp?.didChange?.p50],
    ['server RSS MB (indexed)', (r) => r.lsp?.indexing?.rssMb],
  ];
  for (const backend of results.options.backends) {
    for (const [label, get] of metrics) {
      const points = sizes.map((s) => results.runs.find((r) => r.size === s && r.backend === backend)).filter((r) => r?.cli && typeof get(r) === 'number');
      if (points.length < 2) continue;
      const fit = linearFit(points.map((r) => r.cli.floor.files / 1000), points.map(get));
      rows.push([
        label,
        backend,
        ...sizes.map((s) => {
          const r = points.find((p) => p.size === s);
          return r ? fmt(get(r)) : '';
        }),
        fit ? fmt(fit.slope) : '',
        fit ? fmt(fit.intercept) : '',
        fit && points.length > 2 ? fit.r2.toFixed(3) : '',
      ]);
    }
  }
  return rows;
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(HELP);
    return;
  }
  for (const needed of ['dist/server.js', 'dist/cli.js', 'out/server/src/syntax/parser.js']) {
    if (!fs.existsSync(path.join(REPO, needed))) throw new Error(`${needed} is missing: run \`npm run build\` first (npm run bench does)`);
  }
  const log = (line) => process.stderr.write(line + '\n');
  const results = {
    version: 1,
    startedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverageAtStart: os.loadavg() },
    options: { ...o, out: path.relative(REPO, o.out), generatedDir: o.generatedDir && path.relative(REPO, o.generatedDir) },
    runs: [],
  };
  if (o.real) {
    log(`real tree: ${o.real}`);
    results.real = await measureReal({ repo: REPO, dir: o.real, ruff: findRuff(o.ruff), repeat: o.repeat, log });
  }
  for (const size of o.sizes) {
    const g0 = performance.now();
    const { dir, manifest, generated } = ensureProject(size, o.seed, o.generatedDir ? path.join(o.generatedDir, `${size}-${o.seed}`) : undefined);
    log(`${size}: ${manifest.pyFiles} .py files, ${manifest.migrations} migrations, ${(manifest.bytes / 1e6).toFixed(1)} MB, ${manifest.apps} apps${generated ? ` (generated in ${((performance.now() - g0) / 1000).toFixed(1)} s)` : ''} — ${path.relative(REPO, dir)}`);
    for (const backend of o.backends) {
      log(`  ${backend}`);
      const run = { size, backend, project: { pyFiles: manifest.pyFiles, migrations: manifest.migrations, bytes: manifest.bytes, apps: manifest.apps, models: manifest.models, bigModelsFile: manifest.bigModelsFile, bigModelsLines: manifest.bigModelsLines, contentHash: manifest.contentHash } };
      if (o.cli) run.cli = await measureCli(o, dir, manifest, backend, log);
      if (o.lsp) {
        run.lsp = await lspScenario({ repo: REPO, dir, manifest, backend, edits: o.edits, hovers: o.hovers, fixAlls: o.fixAlls, quietMs: o.quietMs, editBudgetMs: o.editBudgetS * 1000, log });
        if (run.lsp.stderr) run.lsp.stderr = run.lsp.stderr.slice(-1000);
      }
      results.runs.push(run);
      fs.mkdirSync(path.dirname(o.out), { recursive: true });
      fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
    }
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAtEnd = os.loadavg();
  results.tables = renderTables(results);
  fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`\n${results.tables}\n\nwrote ${path.relative(process.cwd(), o.out)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`bench: ${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
