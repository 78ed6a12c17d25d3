#!/usr/bin/env node
// npm run ecosystem [-- --update] [--only a,b] [--settings-runs] [--timeout 300]
//
// Runs the built CLI on public Django projects checked out at pinned commits (test/ecosystem/projects.json)
// under .ecosystem/<name>/ (or $DJSWAP_ECOSYSTEM_DIR/<name>/), summarises what it found, and compares the
// summary with the committed baseline. Exit 1 on any difference, unless --update rewrites the baseline;
// the reviewed verdicts of findings that did not change are kept, new findings are marked "unreviewed".
// Projects not checked out are reported as skipped.
//
// --settings-runs runs instead the projects whose settings djswap does not find by itself, with the
// arguments their "settingsRun" gives (the obvious `--settings X`), against baseline-settings-runs.json.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIST = path.join(REPO, 'test', 'ecosystem', 'projects.json');
const CLI = path.join(REPO, 'bin', 'djswap.js');

function parseArgs(argv) {
  const options = { update: false, only: undefined, settingsRuns: false, timeout: 300 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--update') options.update = true;
    else if (arg === '--settings-runs') options.settingsRuns = true;
    else if (arg === '--only') options.only = new Set(argv[++i].split(','));
    else if (arg === '--timeout') options.timeout = Number(argv[++i]);
    else {
      console.error(`ecosystem: unknown argument ${arg}`);
      process.exit(2);
    }
  }
  return options;
}

/** One project's run, reduced to what the baseline keeps (no timings: they differ on every run). */
function runProject(entry, dir, options) {
  const args = [CLI, 'check', '.', '--format', 'json', '--exit-zero', ...(entry.args ?? []), ...(options.settingsRuns ? entry.settingsRun : [])];
  // From inside the checkout, as its developers would run it: a path given from elsewhere falls back
  // to the working folder as the project root when the checkout has no manage.py or pyproject.toml.
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: options.timeout * 1000, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', DJSWAP_GIT: '0' } });
  const seconds = (performance.now() - started) / 1000;
  const stderr = (child.stderr ?? '').split(dir).join('<project>');
  const notes = stderr.split('\n').filter((line) => line.startsWith('djswap: note: ')).map((line) => line.slice('djswap: note: '.length));
  const failure = stderr.split('\n').filter((line) => line.trim() && !line.startsWith('djswap: note: '));
  const result = { status: 'ok', exitCode: child.status, notes, seconds };
  if (child.error?.code === 'ETIMEDOUT') return { ...result, status: 'timeout', error: `no answer after ${options.timeout} s` };
  let report;
  try {
    report = JSON.parse(child.stdout);
  } catch {
    return { ...result, status: 'failed', error: failure.join('\n').slice(0, 2000) || `exit ${child.status}, no JSON` };
  }
  const counts = { error: 0, warning: 0, information: 0 };
  const informationByCode = {};
  const findings = [];
  for (const d of report.diagnostics) {
    counts[d.severity] = (counts[d.severity] ?? 0) + 1;
    if (d.severity === 'information') informationByCode[d.code] = (informationByCode[d.code] ?? 0) + 1;
    else findings.push({ code: d.code, severity: d.severity, file: d.file, line: d.line, message: d.message });
  }
  if (failure.length > 0) result.stderr = failure.join('\n').slice(0, 2000);
  return { ...result, projects: report.projects, counts, informationByCode: sortedObject(informationByCode), findings };
}

/** HEAD of a git checkout, or undefined for a plain copy of the tree. */
function checkedOutCommit(dir) {
  if (!fs.existsSync(path.join(dir, '.git'))) return undefined;
  const git = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : undefined;
}

function sortedObject(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const findingKey = (f) => `${f.code} ${f.file}:${f.line} ${f.message}`;
const placeKey = (f) => `${f.code} ${f.file}:${f.line}`;

/** What changed between the baseline entry and this run, one line each. */
function differences(before, now) {
  const out = before ? [] : ['new in the baseline'];
  before ??= {};
  for (const key of ['status', 'exitCode', 'error']) {
    if ((before[key] ?? null) !== (now[key] ?? null)) out.push(`${key}: ${JSON.stringify(before[key] ?? null)} -> ${JSON.stringify(now[key] ?? null)}`);
  }
  const describe = (p) => `${p.root}: settings ${p.settings ?? 'none'}, ${p.apps} apps, ${p.models} models, ${p.migrations} migrations`;
  const projectsBefore = (before.projects ?? []).map(describe);
  const projectsNow = (now.projects ?? []).map(describe);
  for (const p of projectsBefore) if (!projectsNow.includes(p)) out.push(`- project ${p}`);
  for (const p of projectsNow) if (!projectsBefore.includes(p)) out.push(`+ project ${p}`);
  for (const severity of ['error', 'warning', 'information']) {
    const a = before.counts?.[severity] ?? 0;
    const b = now.counts?.[severity] ?? 0;
    if (a !== b) out.push(`${severity}: ${a} -> ${b}`);
  }
  const codes = new Set([...Object.keys(before.informationByCode ?? {}), ...Object.keys(now.informationByCode ?? {})]);
  for (const code of [...codes].sort()) {
    const a = before.informationByCode?.[code] ?? 0;
    const b = now.informationByCode?.[code] ?? 0;
    if (a !== b) out.push(`information ${code}: ${a} -> ${b}`);
  }
  const keysBefore = new Map((before.findings ?? []).map((f) => [findingKey(f), f]));
  const keysNow = new Set((now.findings ?? []).map(findingKey));
  for (const [key, f] of keysBefore) if (!keysNow.has(key)) out.push(`- ${f.severity} ${key}${f.verdict && f.verdict !== 'unreviewed' ? ` (was judged ${f.verdict})` : ''}`);
  for (const f of now.findings ?? []) if (!keysBefore.has(findingKey(f))) out.push(`+ ${f.severity} ${findingKey(f)}`);
  for (const note of before.notes ?? []) if (!(now.notes ?? []).includes(note)) out.push(`- note ${note}`);
  for (const note of now.notes ?? []) if (!(before.notes ?? []).includes(note)) out.push(`+ note ${note}`);
  return out;
}

/** The new baseline entry: this run, with the verdicts of findings that did not change. */
function withVerdicts(entry, before, other) {
  const reviewed = new Map();
  for (const source of [other, before]) for (const f of source?.findings ?? []) if (f.verdict && f.verdict !== 'unreviewed') reviewed.set(findingKey(f), f);
  const earlier = new Map((before?.findings ?? []).map((f) => [placeKey(f), f]));
  const findings = entry.findings?.map((f) => {
    const known = reviewed.get(findingKey(f));
    if (known) return { ...f, verdict: known.verdict, why: known.why };
    // Same place, new wording: the old judgement helps the reviewer but is not carried over.
    const previous = earlier.get(placeKey(f));
    const previously = previous?.verdict && previous.verdict !== 'unreviewed' ? { previously: { message: previous.message, verdict: previous.verdict, why: previous.why } } : {};
    return { ...f, verdict: 'unreviewed', why: '', ...previously };
  });
  const { seconds: _seconds, ...kept } = entry;
  return findings ? { ...kept, findings } : kept;
}

function pad(text, width) {
  text = String(text);
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function summaryLine(entry, result) {
  if (!result) return `${pad(entry.name, 30)} skipped (not checked out)`;
  if (result.status !== 'ok') return `${pad(entry.name, 30)} ${result.status}: ${result.error.split('\n')[0]}`;
  const found = result.projects.length === 0 ? 'no project' : result.projects.map((p) => `${p.settings ?? `${p.root} (no settings)`} ${p.apps}/${p.models}/${p.migrations}`).join('; ');
  const { error, warning, information } = result.counts;
  const verdicts = result.findings.reduce((n, f) => ({ ...n, [f.verdict ?? 'unreviewed']: (n[f.verdict ?? 'unreviewed'] ?? 0) + 1 }), {});
  const judged = result.findings.length ? ` [${Object.entries(verdicts).map(([v, n]) => `${n} ${v}`).join(', ')}]` : '';
  return `${pad(entry.name, 30)} ${pad(`${result.seconds.toFixed(1)} s`, 8)} E${error} W${warning} I${information}${judged}  ${found}`;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const list = JSON.parse(fs.readFileSync(LIST, 'utf8'));
  const baselineFile = path.join(REPO, 'test', 'ecosystem', options.settingsRuns ? 'baseline-settings-runs.json' : 'baseline.json');
  const otherFile = path.join(REPO, 'test', 'ecosystem', options.settingsRuns ? 'baseline.json' : 'baseline-settings-runs.json');
  const readBaseline = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { projects: {} });
  const baseline = readBaseline(baselineFile);
  const other = readBaseline(otherFile);
  const root = process.env.DJSWAP_ECOSYSTEM_DIR ? path.resolve(process.env.DJSWAP_ECOSYSTEM_DIR) : path.join(REPO, '.ecosystem');
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli.js'))) {
    console.error('ecosystem: dist/cli.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const next = { projects: {} };
  let changed = 0;
  let skipped = 0;
  const report = [];
  for (const entry of list) {
    const before = baseline.projects[entry.name];
    const dir = path.join(root, entry.name);
    if ((options.only && !options.only.has(entry.name)) || (options.settingsRuns && !entry.settingsRun)) {
      if (before) next.projects[entry.name] = before;
      continue;
    }
    if (!fs.existsSync(dir)) {
      skipped++;
      console.log(summaryLine(entry, undefined));
      if (before) next.projects[entry.name] = before;
      continue;
    }
    const checkedOut = checkedOutCommit(dir);
    if (checkedOut && checkedOut !== entry.commit) console.log(`${pad(entry.name, 30)} note: checked out at ${checkedOut}, the list pins ${entry.commit}`);
    const result = runProject(entry, dir, options);
    const judged = withVerdicts(result, before, other.projects[entry.name]);
    console.log(summaryLine(entry, { ...judged, seconds: result.seconds }));
    next.projects[entry.name] = judged;
    const diff = differences(before, judged);
    if (diff.length > 0) {
      changed++;
      report.push(`${entry.name}:`, ...diff.map((line) => `  ${line}`));
    }
  }
  const unreviewed = Object.values(next.projects).flatMap((p) => p.findings ?? []).filter((f) => f.verdict === 'unreviewed').length;
  console.log('');
  if (report.length > 0) console.log(report.join('\n') + '\n');
  console.log(`${changed} project(s) differ from ${path.relative(REPO, baselineFile)}; ${skipped} skipped; ${unreviewed} finding(s) unreviewed.`);
  if (options.update) {
    fs.writeFileSync(baselineFile, JSON.stringify(next, null, 2) + '\n');
    console.log(`wrote ${path.relative(REPO, baselineFile)}`);
    return 0;
  }
  return changed > 0 ? 1 : 0;
}

process.exitCode = main();
