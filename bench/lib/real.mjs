// djswap against Ruff on a real tree, in one run: `djswap check DIR` and `ruff check --select DJ DIR`
// alternate (A B A B ...), both from inside DIR and both cold (djswap with an empty cache home, ruff
// with --no-cache, which also keeps it from writing .ruff_cache into the tree). Each process is timed
// by /usr/bin/time (wall, user, system, peak RSS of that process), the same way for both.
// Then the warm djswap run: `--cache-dir` primed once, timed N times.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './stats.mjs';

const TIME = '/usr/bin/time';

/** The ruff executable: the one given, else the first `ruff` on PATH; undefined when there is none. */
export function findRuff(given) {
  if (given) return fs.existsSync(given) ? given : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'ruff');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a command under /usr/bin/time; resolves with wall, CPU and peak RSS of that process. */
function timed(command, args, { cwd, env }) {
  const report = path.join(os.tmpdir(), `djswap-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', '%e %U %S %M', '-o', report, command, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      let fields;
      try {
        // The last line: /usr/bin/time puts "Command exited with non-zero status N" before it.
        fields = fs.readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        fs.rmSync(report, { force: true });
      } catch {
        reject(new Error(`${command} ${args.join(' ')}: no timing (${err.slice(-500)})`));
        return;
      }
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${err.slice(-2000)}`));
        return;
      }
      const [wallS, userS, systemS, maxRssKb] = fields;
      resolve({ wallMs: wallS * 1000, cpuMs: (userS + systemS) * 1000, maxRssMb: maxRssKb / 1024, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

function summarize(runs) {
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), maxRssMb: median(runs.map((r) => r.maxRssMb)), runs: runs.map(({ stdout, ...rest }) => rest) };
}

/** Counts .py files as both tools would see them, for the report (no skipping: an order of size). */
function countPython(dir) {
  let count = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') stack.push(path.join(current, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.py')) count++;
    }
  }
  return count;
}

export async function measureReal({ repo, dir, ruff, repeat, log }) {
  if (!fs.existsSync(TIME)) {
    log(`  real tree: ${TIME} is missing (Debian: apt-get install time); skipped`);
    return undefined;
  }
  const node = process.execPath;
  const cli = path.join(repo, 'bin', 'djswap.js');
  const check = (extra, env) => timed(node, [cli, 'check', '.', '--format', 'json', '--exit-zero', ...extra], { cwd: dir, env });
  const ruffArgs = ['check', '--select', 'DJ', '--no-cache', '--exit-zero', '--quiet', '.'];
  const result = { dir, pyFiles: countPython(dir), ruff: ruff ?? null };
  if (!ruff) log('  real tree: ruff not found (on PATH or --ruff PATH; `python3 -m venv DIR && DIR/bin/pip install ruff`): djswap only');
  const djswapRuns = [];
  const ruffRuns = [];
  const caches = [];
  let report;
  for (let r = 0; r < repeat; r++) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-bench-real-'));
    caches.push(home);
    const d = await check([], { XDG_CACHE_HOME: home });
    report = JSON.parse(d.stdout);
    djswapRuns.push(d);
    if (ruff) ruffRuns.push(await timed(ruff, ruffArgs, { cwd: dir, env: {} }));
  }
  result.djswap = summarize(djswapRuns);
  result.djswap.diagnostics = report.diagnostics.length;
  result.djswap.projects = report.projects.map((p) => ({ root: p.root, apps: p.apps, models: p.models, migrations: p.migrations }));
  if (ruff) {
    result.ruffRuns = summarize(ruffRuns);
    // Pair by pair, so that drift on a shared machine cancels out.
    result.ratio = {
      wall: median(djswapRuns.map((d, i) => d.wallMs / ruffRuns[i].wallMs)),
      cpu: median(djswapRuns.map((d, i) => d.cpuMs / ruffRuns[i].cpuMs)),
      rss: median(djswapRuns.map((d, i) => d.maxRssMb / ruffRuns[i].maxRssMb)),
    };
  }
  const warmHome = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-bench-real-warm-'));
  caches.push(warmHome);
  const cacheArgs = ['--cache-dir', path.join(warmHome, 'djswap')];
  await check(cacheArgs, { XDG_CACHE_HOME: warmHome });
  const warm = [];
  for (let r = 0; r < repeat; r++) warm.push(await check(cacheArgs, { XDG_CACHE_HOME: warmHome }));
  result.warm = summarize(warm);
  for (const c of caches) fs.rmSync(c, { recursive: true, force: true });
  const d = result.djswap;
  log(
    `  real tree ${path.basename(dir)} (${result.pyFiles} .py files): djswap ${d.wallMs.toFixed(0)} ms, ${d.maxRssMb.toFixed(0)} MB` +
      (ruff ? ` · ruff ${result.ruffRuns.wallMs.toFixed(0)} ms, ${result.ruffRuns.maxRssMb.toFixed(0)} MB · ×${result.ratio.wall.toFixed(2)} wall` : '') +
      ` · warm ${result.warm.wallMs.toFixed(0)} ms`,
  );
  return result;
}

export function renderReal(real, table) {
  const fmt = (n) => (n === undefined || n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(0));
  const rows = [['djswap check (cold)', fmt(real.djswap.wallMs), fmt(real.djswap.cpuMs), fmt(real.djswap.maxRssMb)]];
  if (real.ruffRuns) {
    rows.push(['ruff check --select DJ', fmt(real.ruffRuns.wallMs), fmt(real.ruffRuns.cpuMs), fmt(real.ruffRuns.maxRssMb)]);
    rows.push(['djswap / ruff (pair by pair)', `×${real.ratio.wall.toFixed(2)}`, `×${real.ratio.cpu.toFixed(2)}`, `×${real.ratio.rss.toFixed(2)}`]);
  }
  rows.push(['djswap check --cache-dir (warm)', fmt(real.warm.wallMs), fmt(real.warm.cpuMs), fmt(real.warm.maxRssMb)]);
  const targets = [];
  const mark = (label, value, limit, text) => targets.push([label, value === undefined || Number.isNaN(value) ? 'n/a' : `${text} ${value <= limit ? 'met' : 'not met'}`]);
  if (real.ratio) mark('cold check ≤ 1.5× ruff (wall, pair by pair)', real.ratio.wall, 1.5, `×${real.ratio.wall?.toFixed(2)}`);
  mark('cold check peak RSS ≤ 150 MB', real.djswap.maxRssMb, 150, `${fmt(real.djswap.maxRssMb)} MB`);
  mark('warm check ≤ 150 ms', real.warm.wallMs, 150, `${fmt(real.warm.wallMs)} ms`);
  return `Real tree: ${real.dir} (${real.pyFiles} .py files; medians of ${real.djswap.runs.length} alternating runs)\n\n${table(['command', 'wall ms', 'CPU ms', 'peak RSS MB'], rows)}\n\n${table(['target', 'result'], targets)}`;
}
