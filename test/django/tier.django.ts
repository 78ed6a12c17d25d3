import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, REPO } from '../helpers/paths';

/**
 * The Django tier (`npm run test:django`): every claim djswap makes, checked against real Django.
 *
 * For every scenario of test/django/scenarios (scripts/django/generate.py), every project of test/oracle and
 * every rule fixture that is a Django project (has manage.py), it runs `djswap check --format json` and real
 * Django (test/django/runner.py, every Django version scripts/django/setup.mjs provides) and asserts:
 *  (a) each djswap error is a failure Django showed, and its message names what Django said (SIGNATURES);
 *  (b) a project djswap reports no error or warning on is clean under Django;
 *  (c) djswap reports every finding a scenario expects (file, line, and a code for its kind: CODES_FOR_KIND);
 *  (d) `check --fix --unsafe-fixes` makes the failures its fixes answer go away, and breaks nothing.
 * At most two Django processes run at a time. DJSWAP_DJANGO_FILTER=regex limits the projects (by id).
 * Results, with every disagreement, go to test-results/django-tier/results.json.
 */

const TIER = path.join(REPO, 'test', 'django');
const RUNNER = path.join(TIER, 'runner.py');
const SCENARIOS = path.join(TIER, 'scenarios');
const ORACLE = path.join(REPO, 'test', 'oracle');
const RESULTS = path.join(REPO, 'test-results', 'django-tier');
const BIN = path.join(REPO, 'bin', 'djswap.js');
const SYSTEM_PYTHON = '/usr/bin/python3';
const DJANGO_JOBS = 2;

// ---- what Django printed ---------------------------------------------------------------------------------

interface CommandRecord {
  argv: string;
  exit_code: number | null;
  stdout: string;
  stderr: string;
  outcome: 'ok' | 'error' | 'changes' | 'question' | 'timeout';
  error_class: string | null;
  error_message: string | null;
  check_ids: string[];
}

interface DjangoRun {
  django_version: string;
  commands: Record<string, CommandRecord>;
  sequence: (Record<string, unknown> & { extra_same_db?: Record<string, CommandRecord> }) | null;
  runner_notes: string[];
}

interface ExpectedFinding {
  file: string;
  line: number;
  kind: string;
  severity: string;
  django_says: string | null;
  related?: { file: string; line: number }[];
}

interface Expected {
  scenario: string;
  commands: Record<string, CommandRecord>;
  sequence: Record<string, unknown> | null;
  findings: ExpectedFinding[];
  django_runs?: { django: string; file: string }[];
  plan?: { env?: Record<string, string> };
}

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  fix: { title: string; safe: boolean } | null;
}

interface Interpreter {
  django: string;
  python: string;
}

/** Every command a run holds, with where it is in the record ("commands.migrate", "sequence.state_b_migrate_same_db"). */
function records(run: DjangoRun): [string, CommandRecord][] {
  const out: [string, CommandRecord][] = Object.entries(run.commands).map(([name, r]) => [`commands.${name}`, r]);
  for (const [name, value] of Object.entries(run.sequence ?? {})) {
    if (value && typeof value === 'object' && 'outcome' in value) out.push([`sequence.${name}`, value as CommandRecord]);
  }
  for (const [name, r] of Object.entries(run.sequence?.extra_same_db ?? {})) out.push([`sequence.extra_same_db.${name}`, r]);
  return out;
}

function firstLine(r: CommandRecord): string {
  const text = r.outcome === 'changes' ? r.stdout.trim().split('\n').join(' ') : `${r.error_class}: ${(r.error_message ?? '').split('\n').slice(0, 5).join(' ')}`;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

// ---- rule code -> what Django says when the rule's error is real --------------------------------------------

interface Signature {
  /** What Django's output must show. */
  shows: (r: CommandRecord) => boolean;
  /** Words one of which the djswap message must contain to name it. */
  named: string[];
  /** Only a runtime probe can show it. */
  runtime?: boolean;
  /** The system check id, for signatures that are one. */
  checkId?: string;
}

const exception = (cls: string, text?: RegExp, runtime = false): Signature => ({
  shows: (r) => r.outcome === 'error' && !!r.error_class && (r.error_class === cls || r.error_class.endsWith(`.${cls}`)) && (!text || text.test(r.error_message ?? '')),
  named: [cls],
  runtime,
});
const checkId = (id: string): Signature => ({ shows: (r) => r.outcome === 'error' && r.check_ids.includes(id), named: [id], checkId: id });

/** The objects a system check id is reported on ("blog.Post.author: (fields.E301) ..."). */
function checkObjects(r: CommandRecord, id: string): string[] {
  const out: string[] = [];
  for (const match of `${r.stdout}\n${r.stderr}`.matchAll(new RegExp(`^(\\S+): \\(${id.replace('.', '\\.')}\\)`, 'gm'))) out.push(match[1]);
  return out;
}

/**
 * Whether a record shows the signature for the diagnostic: a check id must be reported on the object the
 * message names (`blog.Post.author`) when the message names one of the form app.Model.field.
 */
function showsFor(s: Signature, r: CommandRecord, d: JsonDiagnostic): boolean {
  if (!s.shows(r)) return false;
  if (s === SIG.unresolved) {
    // "Related model 'x.y' cannot be resolved": the model the message names must be the one Django names.
    const claimed = [...d.message.matchAll(/Related model '([^']+)' cannot be resolved/g)].map((m) => m[1]);
    return claimed.length === 0 || claimed.some((model) => (r.error_message ?? '').includes(`'${model}'`));
  }
  if (!s.checkId) return true;
  const named = [...d.message.matchAll(/`([A-Za-z_]\w*\.[A-Za-z_]\w*\.[A-Za-z_]\w*)`/g)].map((m) => m[1]);
  if (named.length === 0) return true;
  return checkObjects(r, s.checkId).some((object) => named.includes(object));
}

const SIG = {
  swappedOut: checkId('fields.E301'),
  accessorClash: checkId('fields.E304'),
  notOfTheForm: checkId('models.E001'),
  notInstalled: checkId('models.E002'),
  unresolved: exception('ValueError', /^Related model .* cannot be resolved/),
  invalidReference: exception('ValueError', /^Invalid model reference/),
  dependencyOnAppWithoutMigrations: exception('ValueError', /^Dependency on app with no migrations/),
  dependencyOnUnknownApp: exception('ValueError', /^Dependency on unknown app/),
  cycle: exception('CircularDependencyError'),
  nodeNotFound: exception('NodeNotFoundError'),
  conflict: { ...exception('CommandError', /^Conflicting migrations/), named: ['CommandError', 'Conflicting migrations'] },
  inconsistent: exception('InconsistentMigrationHistory'),
  targetNotInstalled: exception('ImproperlyConfigured', /refers to model .* that has not been installed/),
  notTheForm: exception('ImproperlyConfigured', /must be of the form/),
  appsNotReady: exception('AppRegistryNotReady'),
  settingUndefined: exception('AttributeError', /^'Settings' object has no attribute/),
  managerSwapped: exception('AttributeError', /^Manager isn't available/, true),
  unknownModel: exception('LookupError', /doesn't have a .* model/),
  relationNotInstalled: checkId('fields.E300'),
  noTable: exception('OperationalError', /^no such table/, true),
  noColumn: exception('OperationalError', /^no such column/, true),
} satisfies Record<string, Signature>;

/** The one table of the tier: which Django failures make each rule's error true. */
const SIGNATURES: Record<string, Signature[]> = {
  SWP101: [SIG.swappedOut],
  SWP102: [SIG.managerSwapped, SIG.noTable],
  SWP103: [SIG.targetNotInstalled, SIG.appsNotReady],
  SWP104: [SIG.managerSwapped, SIG.noTable],
  SWP201: [SIG.unresolved],
  SWP202: [SIG.unresolved],
  SWP203: [SIG.unresolved, SIG.noTable],
  SWP204: [SIG.managerSwapped],
  SWP205: [SIG.cycle],
  SWP206: [SIG.unresolved],
  SWP301: [SIG.nodeNotFound, SIG.dependencyOnUnknownApp],
  SWP302: [SIG.cycle],
  SWP303: [SIG.conflict],
  SWP304: [SIG.nodeNotFound],
  SWP305: [SIG.dependencyOnAppWithoutMigrations, SIG.dependencyOnUnknownApp, SIG.noTable],
  SWP306: [SIG.inconsistent, SIG.noTable, SIG.noColumn],
  SWP401: [SIG.invalidReference, SIG.notOfTheForm, SIG.notTheForm],
  SWP402: [SIG.targetNotInstalled, SIG.notInstalled, SIG.unknownModel, SIG.relationNotInstalled],
  SWP403: [SIG.settingUndefined],
  SWP307: [SIG.noColumn, SIG.noTable, SIG.nodeNotFound],
  SWP404: [SIG.inconsistent],
  SWP405: [SIG.accessorClash],
};

/** test/oracle/README.md's table (plus the kinds the scenarios add): which rule codes answer each kind of finding. */
const CODES_FOR_KIND: Record<string, string[]> = {
  'hard-ref-swapped-model': ['SWP101', 'SWP203', 'SWP204'],
  'hard-ref-swappable-model': ['SWP101', 'SWP203'],
  'swapped-model-used-at-runtime': ['SWP102'],
  'missing-run-before': ['SWP201'],
  'hardcoded-dependency-on-swappable': ['SWP203'],
  'missing-swappable-dependency': ['SWP203'],
  'swappable-target-created-later': ['SWP202'],
  'relation-before-target-in-migration': ['SWP206'],
  'missing-migration-dependency': ['SWP301', 'SWP304'],
  'circular-dependency': ['SWP302', 'SWP205'],
  'conflicting-leaves': ['SWP303'],
  'bad-swappable-setting': ['SWP401'],
  'swappable-target-missing': ['SWP402'],
  'swappable-target-unmigrated': ['SWP305'],
  'swappable-setting-missing': ['SWP405'],
  'undefined-swappable-setting': ['SWP403'],
  'mid-project-swap': ['SWP306', 'SWP404'],
  'partially-applied-squash': ['SWP306', 'SWP307'],
  'swappable-meta-on-replacement': ['SWP104'],
};

// ---- the projects ----------------------------------------------------------------------------------------------

interface Project {
  id: string;
  dir: string;
  source: 'scenario' | 'oracle' | 'fixture';
  expected?: Expected;
  history?: { applied_migrations: [string, string][] };
  /** The Django version whose makemigrations wrote the migrations, where the headers say. */
  writtenBy?: string;
}

function generatedBy(dir: string): string | undefined {
  for (const file of walk(dir)) {
    if (!/\/migrations\/\d{4}_[^/]*\.py$/.test(file)) continue;
    const match = /^# Generated by Django (\S+) on/m.exec(fs.readFileSync(file, 'utf8'));
    if (match) return match[1];
  }
  return undefined;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name === '__pycache__') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

function readJson<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined;
}

function discover(): Project[] {
  const projects: Project[] = [];
  const add = (root: string, source: Project['source'], prefix: string) => {
    if (!fs.existsSync(root)) return;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!fs.existsSync(path.join(dir, 'manage.py'))) continue;
      projects.push({
        id: `${prefix}/${name}`,
        dir,
        source,
        expected: readJson<Expected>(path.join(dir, 'expected.json')),
        history: readJson(path.join(dir, 'history.json')),
        writtenBy: generatedBy(dir),
      });
    }
  };
  add(SCENARIOS, 'scenario', 'scenarios');
  add(ORACLE, 'oracle', 'oracle');
  for (const family of ['models', 'migrations', 'graph', 'settings', 'projects']) add(path.join(FIXTURES, family), 'fixture', `fixtures/${family}`);
  const filter = process.env.DJSWAP_DJANGO_FILTER ? new RegExp(process.env.DJSWAP_DJANGO_FILTER) : undefined;
  return projects.filter((p) => !filter || filter.test(p.id));
}

// ---- running things --------------------------------------------------------------------------------------------

/** A tiny pool: at most `size` tasks at a time. */
function pool(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
const djangoSlot = pool(DJANGO_JOBS);
const DJSWAP_TIMEOUT_MS = 120_000;
/** One project's Django commands, each bounded by the runner's own COMMAND_TIMEOUT (180 s). */
const RUNNER_TIMEOUT_MS = 15 * 60_000;

function runDjango(project: string, python: string, fixture: boolean): Promise<DjangoRun> {
  const args = [RUNNER, project, '--python', python, ...(fixture ? ['--complete-settings'] : [])];
  return djangoSlot(
    () =>
      new Promise((resolve, reject) => {
        execFile(SYSTEM_PYTHON, args, { maxBuffer: 64 * 1024 * 1024, timeout: RUNNER_TIMEOUT_MS, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, stdout, stderr) => {
          if (error) reject(new Error(`runner failed on ${project}: ${stderr || error.message}`));
          else resolve(JSON.parse(stdout) as DjangoRun);
        });
      }),
  );
}

function copyProject(source: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-tier-'));
  fs.cpSync(source, target, { recursive: true, filter: (src) => !/__pycache__|db\.sqlite3/.test(path.basename(src)) });
  return target;
}

interface DjswapRun {
  exitCode: number | null;
  diagnostics: JsonDiagnostic[];
  stderr: string;
}

/** `djswap check . --format json` in a copy of the project; with the applied history of a sequence project. */
function runDjswap(dir: string, project: Project, extra: string[] = []): DjswapRun {
  const args = [BIN, 'check', '.', '--format', 'json', ...extra];
  if (project.history) {
    const file = path.join(os.tmpdir(), `djswap-tier-history-${process.pid}-${path.basename(dir)}.txt`);
    fs.writeFileSync(file, project.history.applied_migrations.map(([app, name]) => `[X]  ${app}.${name}\n`).join(''));
    args.push('--history', file);
  }
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.DJANGO_SETTINGS_MODULE;
  // A fixture takes djswap well under a second: two minutes is a hang, reported as this project's failure.
  const done = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: DJSWAP_TIMEOUT_MS });
  let diagnostics: JsonDiagnostic[] = [];
  try {
    const output = JSON.parse(done.stdout) as { diagnostics: JsonDiagnostic[]; projects?: { root: string }[] };
    // Django runs the project at the root: a project nested in the fixture (its own manage.py) is not what it judges.
    const nested = (output.projects ?? []).map((p) => p.root).filter((root) => root !== '.' && root !== '');
    diagnostics = output.diagnostics.filter((d) => !nested.some((root) => d.file === root || d.file.startsWith(`${root}/`)));
  } catch {
    // exit code 2: a usage or configuration error, on stderr
  }
  return { exitCode: done.status, diagnostics, stderr: done.stderr };
}

/** After a fix in a sequence project, state A must stay what the database ran: keep the pre-fix text there. */
function keepStateA(original: string, fixed: string): void {
  const historyFile = path.join(fixed, 'history.json');
  if (!fs.existsSync(historyFile)) return;
  const history = JSON.parse(fs.readFileSync(historyFile, 'utf8'));
  const stateA = history.state_a;
  for (const file of walk(original)) {
    const rel = path.relative(original, file).split(path.sep).join('/');
    if (/(^|\/)(expected[^/]*|history)\.json$/.test(rel)) continue;
    const after = path.join(fixed, rel);
    const before = fs.readFileSync(file, 'utf8');
    if (!fs.existsSync(after) || fs.readFileSync(after, 'utf8') === before) continue;
    if (stateA.files_added_since.includes(rel) || rel in stateA.files_changed_since) continue;
    stateA.files_changed_since[rel] = before;
  }
  fs.writeFileSync(historyFile, JSON.stringify(history, null, 2) + '\n');
}

// ---- judging ---------------------------------------------------------------------------------------------------

interface Disagreement {
  check: 'a' | 'b' | 'c' | 'd' | 'recorded';
  project: string;
  django: string | null;
  rule: string | null;
  djswap: string;
  django_did: string;
}

const disagreements: Disagreement[] = [];
const unverified: Disagreement[] = [];
const notes: string[] = [];

/** A fixture Django cannot even start (a module it imports is not there): not a runnable Django project. */
function notRunnable(project: Project, run: DjangoRun): string | undefined {
  const check = run.commands.check;
  if (project.source !== 'fixture' || check.outcome !== 'error') return undefined;
  return /^(ModuleNotFoundError|ImportError)$/.test(check.error_class ?? '') ? `${check.error_class}: ${check.error_message}` : undefined;
}

/** Whether djswap reported every finding the project expects, at any severity. */
function reportsAllExpected(project: Project, djswap: DjswapRun): boolean {
  return (project.expected?.findings ?? []).every((f) => djswap.diagnostics.some((d) => d.file === f.file && d.line === f.line && (CODES_FOR_KIND[f.kind] ?? []).includes(d.code)));
}

function describeRun(run: DjangoRun): string {
  const failed = records(run).filter(([, r]) => r.outcome !== 'ok' && !r.argv.includes('showmigrations'));
  return failed.length === 0 ? 'every command succeeded' : failed.map(([where, r]) => `${where}: ${firstLine(r)}`).join('\n');
}

function said(d: JsonDiagnostic, limit = 100000): string {
  const text = `${d.code} ${d.severity} ${d.file}:${d.line}: ${d.message}`;
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * (a) for one error. The rule's signatures its message names are the claim; the claim holds when the run
 * shows one of them. It cannot be checked when only a runtime probe could show it and there is none, or
 * when Django stopped earlier in every command that could show it (another failure masks it).
 */
function judgeError(d: JsonDiagnostic, run: DjangoRun, hadProbe: boolean): { ok: boolean; unverifiable: boolean; why: string } {
  const signatures = SIGNATURES[d.code] ?? [];
  if (signatures.length === 0) return { ok: false, unverifiable: false, why: `${d.code} has no Django signature in the table: an error it cannot back` };
  const claimed = signatures.filter((s) => s.named.some((word) => d.message.includes(word)));
  const shownAny = signatures.filter((s) => records(run).some(([, r]) => showsFor(s, r, d)));
  if (claimed.length === 0) {
    const what = shownAny.length ? `Django failed as the rule says, but the message names none of ${shownAny.flatMap((s) => s.named).join(', ')}` : `the message names none of the rule's Django failures (${signatures.flatMap((s) => s.named).join(', ')}), and Django shows none of them`;
    return { ok: false, unverifiable: false, why: `${what}:\n${describeRun(run)}` };
  }
  if (claimed.some((s) => records(run).some(([, r]) => showsFor(s, r, d)))) return { ok: true, unverifiable: false, why: '' };
  const sameKindElsewhere = claimed.flatMap((s) => records(run).filter(([, r]) => s.shows(r)));
  if (sameKindElsewhere.length > 0) return { ok: false, unverifiable: true, why: `masked: Django stopped at the same failure on another object: ${sameKindElsewhere.map(([where, r]) => `${where}: ${firstLine(r)}`).join('; ')}` };
  if (claimed.every((s) => s === SIG.inconsistent) && !run.sequence) return { ok: false, unverifiable: true, why: 'needs a database with the applied history the message speaks of; this project has no sequence (history.json)' };
  if (claimed.every((s) => s.runtime) && !hadProbe) return { ok: false, unverifiable: true, why: `only a runtime probe could show ${claimed.flatMap((s) => s.named).join('/')}, and this project has none:\n${describeRun(run)}` };
  const statics = records(run).filter(([where]) => /^commands\.(check|makemigrations_check|migrate)$/.test(where) || where === 'sequence.state_b_migrate_same_db');
  const stoppedEarlier = statics.length > 0 && statics.every(([, r]) => r.outcome === 'error');
  if (stoppedEarlier && !claimed.some((s) => s.runtime)) return { ok: false, unverifiable: true, why: `masked: Django stopped earlier in every command:\n${describeRun(run)}` };
  return { ok: false, unverifiable: false, why: `Django did not fail that way (${claimed.flatMap((s) => s.named).join('/')}):\n${describeRun(run)}` };
}

/** makemigrations --check finding model changes in migrations another Django (or a hand) wrote: not a swappable-model failure. */
function isDrift(r: CommandRecord, project: Project, version: string): boolean {
  return (r.outcome === 'changes' || r.outcome === 'question') && project.writtenBy !== version;
}

/** (b): the failures that make a project not clean for this version (drift of migrations another Django wrote is not one). */
function failures(run: DjangoRun, project: Project): [string, CommandRecord][] {
  return records(run).filter(([where, r]) => {
    if (r.outcome === 'ok' || where.endsWith('showmigrations')) return false;
    if (isDrift(r, project, run.django_version)) return false;
    if (where === 'sequence.state_a_migrate' || where === 'sequence.state_a_probe') return false;
    return true;
  });
}

/** A failure, independent of the command that showed it. */
function failureKey(r: CommandRecord): string {
  return JSON.stringify([r.outcome, r.error_class, (r.error_message ?? '').split('\n')[0], r.check_ids]);
}

function summary(r: CommandRecord): string {
  return JSON.stringify([r.exit_code, r.outcome, r.error_class, r.error_message, r.check_ids]);
}

// ---- the suite -------------------------------------------------------------------------------------------------

const setup = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'django', 'setup.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const interpreters: Interpreter[] = setup.status === 0 ? (JSON.parse(setup.stdout) as Interpreter[]) : [];
const projects = discover();

interface ProjectWork {
  djswap: DjswapRun;
  runs: Map<string, DjangoRun>;
  fixed?: { djswap: DjswapRun; runs: Map<string, DjangoRun>; fixedDiagnostics: JsonDiagnostic[] };
}
const work = new Map<string, ProjectWork>();
const started = Date.now();
const timings: Record<string, number> = {};

describe('Django tier', function () {
  this.timeout(0);

  before(async function () {
    if (interpreters.length === 0) throw new Error(`scripts/django/setup.mjs found no Django (exit ${setup.status})`);
    if (!interpreters.some((i) => i.django.startsWith('5.'))) {
      console.log(`  Django tier: only Django ${interpreters.map((i) => i.django).join(', ')} is available (no Python package index for 5.2): running on it alone.`);
    }
    const t0 = Date.now();
    for (const project of projects) {
      const copy = copyProject(project.dir);
      work.set(project.id, { djswap: runDjswap(copy, project), runs: new Map() });
      fs.rmSync(copy, { recursive: true, force: true });
    }
    timings.djswapMs = Date.now() - t0;
    const t1 = Date.now();
    const jobs: Promise<void>[] = [];
    for (const project of projects) {
      const entry = work.get(project.id)!;
      for (const i of interpreters) {
        jobs.push(runDjango(project.dir, i.python, project.source === 'fixture').then((run) => void entry.runs.set(i.django, run)));
      }
      const fixable = entry.djswap.diagnostics.filter((d) => d.fix);
      if (fixable.length > 0) {
        const copy = copyProject(project.dir);
        const fixedDjswap = runDjswap(copy, project, ['--fix', '--unsafe-fixes']);
        keepStateA(project.dir, copy);
        const fixed = { djswap: fixedDjswap, runs: new Map<string, DjangoRun>(), fixedDiagnostics: fixable };
        entry.fixed = fixed;
        for (const i of interpreters) {
          jobs.push(runDjango(copy, i.python, project.source === 'fixture').then((run) => void fixed.runs.set(i.django, run)));
        }
        jobs.push(Promise.allSettled(jobs.slice(-interpreters.length)).then(() => fs.rmSync(copy, { recursive: true, force: true })));
      }
    }
    await Promise.all(jobs);
    timings.djangoMs = Date.now() - t1;
  });

  after(function () {
    fs.mkdirSync(RESULTS, { recursive: true });
    const coverage = coverageByRule();
    fs.writeFileSync(
      path.join(RESULTS, 'results.json'),
      JSON.stringify({ django: interpreters.map((i) => i.django), projects: projects.length, timings: { ...timings, totalMs: Date.now() - started }, coverage, notes, disagreements, unverified, fixes: fixReport(), djswap: Object.fromEntries([...work].map(([id, w]) => [id, w.djswap.diagnostics.map((d) => said(d))])) }, null, 2) + '\n',
    );
    console.log(`\n  Django tier: ${projects.length} projects on Django ${interpreters.map((i) => i.django).join(' and ')}; ${disagreements.length} disagreements, ${unverified.length} unverifiable errors (test-results/django-tier/results.json)`);
    console.log(`  timings: djswap ${Math.round(timings.djswapMs / 1000)} s, Django ${Math.round(timings.djangoMs / 1000)} s, total ${Math.round((Date.now() - started) / 1000)} s`);
  });

  for (const project of projects) {
    describe(project.id, () => {
      it('djswap runs', () => {
        const { djswap } = work.get(project.id)!;
        assert.ok(djswap.exitCode === 0 || djswap.exitCode === 1, `djswap exited ${djswap.exitCode}: ${djswap.stderr}`);
      });

      if (project.expected && project.source !== 'fixture') {
        it('(c) djswap reports every finding the project expects', () => {
          const { djswap } = work.get(project.id)!;
          const missing = project.expected!.findings.filter((f) => {
            const codes = CODES_FOR_KIND[f.kind] ?? [];
            // A cycle has no single culprit: any of its edges (the finding's and its related ones) will do.
            const places = f.kind === 'circular-dependency' ? [f, ...(f.related ?? [])] : [f];
            return !djswap.diagnostics.some((d) => places.some((p) => d.file === p.file && d.line === p.line) && codes.includes(d.code));
          });
          for (const f of missing) {
            disagreements.push({ check: 'c', project: project.id, django: null, rule: (CODES_FOR_KIND[f.kind] ?? []).join('/'), djswap: `nothing at ${f.file}:${f.line} with ${(CODES_FOR_KIND[f.kind] ?? []).join(' or ')}`, django_did: `${f.kind} (${f.severity}${f.django_says ? `, Django says ${f.django_says}` : ''})` });
          }
          assert.deepEqual(
            missing.map((f) => `${f.kind} at ${f.file}:${f.line}`),
            [],
            `djswap said:\n${djswap.diagnostics.map((d) => said(d)).join('\n') || '(nothing)'}`,
          );
        });
      }

      for (const interpreter of interpreters) {
        const version = interpreter.django;
        describe(`Django ${version}`, () => {
          beforeEach(function () {
            const run = work.get(project.id)?.runs.get(version);
            const why = run && notRunnable(project, run);
            if (why) {
              const note = `${project.id} [${version}]: not a runnable Django project (${why}): skipped`;
              if (!notes.includes(note)) notes.push(note);
              this.skip();
            }
          });

          const recorded = project.expected && recordedFor(project, version);
          if (recorded) {
            it('Django still does what the project records', () => {
              const run = work.get(project.id)!.runs.get(version)!;
              const live = new Map(records(run).map(([where, r]) => [where, summary(r)]));
              const differences = records({ django_version: version, commands: recorded.commands, sequence: recorded.sequence, runner_notes: [] } as DjangoRun)
                .filter(([where, r]) => live.has(where) && live.get(where) !== summary(r))
                .map(([where, r]) => `${where}: recorded ${summary(r)}, now ${live.get(where)}`);
              for (const d of differences) disagreements.push({ check: 'recorded', project: project.id, django: version, rule: null, djswap: '', django_did: d });
              assert.deepEqual(differences, []);
            });
          }

          it('(a) every djswap error is a failure Django shows, named in its message', () => {
            const { djswap, runs } = work.get(project.id)!;
            const run = runs.get(version)!;
            const hadProbe = records(run).some(([where]) => where.includes('probe'));
            const problems: string[] = [];
            for (const d of djswap.diagnostics.filter((x) => x.severity === 'error')) {
              const verdict = judgeError(d, run, hadProbe);
              if (verdict.ok) continue;
              const entry: Disagreement = { check: 'a', project: project.id, django: version, rule: d.code, djswap: said(d), django_did: verdict.why };
              if (verdict.unverifiable) unverified.push(entry);
              else {
                disagreements.push(entry);
                problems.push(`${said(d, 300)}\n  -> ${verdict.why}`);
              }
            }
            assert.deepEqual(problems, []);
          });

          it('(b) a project djswap is silent on is clean under Django', function () {
            const { djswap, runs } = work.get(project.id)!;
            const loud = djswap.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
            if (loud.length > 0) this.skip();
            const run = runs.get(version)!;
            const failed = failures(run, project);
            if (failed.length > 0 && project.expected?.plan?.env && reportsAllExpected(project, djswap)) {
              // The failure depends on the environment the run set, which the code does not hold: djswap can only inform.
              notes.push(`${project.id} [${version}]: fails with the environment ${JSON.stringify(project.expected.plan.env)}; djswap reported the expected findings as ${djswap.diagnostics.map((d) => d.severity).join(', ')}`);
              this.skip();
            }
            for (const [where, r] of failed) {
              disagreements.push({ check: 'b', project: project.id, django: version, rule: null, djswap: djswap.diagnostics.length ? djswap.diagnostics.map((d) => said(d)).join('\n') : 'no error or warning', django_did: `${where}: ${firstLine(r)}` });
            }
            assert.deepEqual(failed.map(([where, r]) => `${where}: ${firstLine(r)}`), []);
          });

          it('(d) djswap --fix --unsafe-fixes makes the failures its fixes answer go away, and breaks nothing', function () {
            const entry = work.get(project.id)!;
            if (!entry.fixed) this.skip();
            const before = entry.runs.get(version)!;
            const after = entry.fixed!.runs.get(version)!;
            const problems: string[] = [];
            // A failure that appears nowhere in the run before the fix is one the fix brought.
            const known = new Set(records(before).filter(([, r]) => r.outcome !== 'ok').map(([, r]) => failureKey(r)));
            const afterBy = new Map(records(after));
            // An unsafe fix that changes a model leaves a migration to write (its docs say so): until makemigrations
            // runs, a query may miss the table or column that migration would create.
            const pending = afterBy.get('commands.makemigrations_check')?.outcome === 'changes';
            const awaitsMigration = (r: CommandRecord) => pending && (SIG.noTable.shows(r) || SIG.noColumn.shows(r));
            for (const d of entry.fixed!.fixedDiagnostics) {
              for (const s of (SIGNATURES[d.code] ?? []).filter((x) => x.named.some((word) => d.message.includes(word)))) {
                const was = records(before).filter(([, r]) => showsFor(s, r, d));
                const still = records(after).filter(([, r]) => showsFor(s, r, d));
                if (was.length > 0 && still.length > 0) problems.push(`after fixing ${said(d, 300)}\n  Django still fails: ${still.map(([where, r]) => `${where}: ${firstLine(r)}`).join('; ')}`);
                for (const [where] of was) {
                  const now = afterBy.get(where);
                  // makemigrations finding model changes where it failed before: the failure hid them, the fix did not bring them.
                  if (now && now.outcome !== 'ok' && now.outcome !== 'changes' && !awaitsMigration(now) && !isDrift(now, project, version) && !known.has(failureKey(now)) && !still.some(([w]) => w === where)) problems.push(`after fixing ${said(d, 300)}\n  ${where} fails differently: ${firstLine(now)}`);
                }
              }
            }
            const wasOk = new Set(records(before).filter(([, r]) => r.outcome === 'ok').map(([where]) => where));
            for (const [where, r] of failures(after, project)) {
              if (wasOk.has(where)) problems.push(`the fixes (${entry.fixed!.fixedDiagnostics.map((d) => d.code).join(', ')}) break ${where}: ${firstLine(r)}`);
            }
            for (const p of problems) disagreements.push({ check: 'd', project: project.id, django: version, rule: entry.fixed!.fixedDiagnostics.map((d) => d.code).join(','), djswap: entry.fixed!.fixedDiagnostics.map((d) => said(d)).join('\n'), django_did: p });
            assert.deepEqual(problems, []);
          });
        });
      }
    });
  }
});

/** Per project with fixes: what was fixed, and per version whether every command then succeeds. */
function fixReport(): Record<string, { fixed: string[]; clean: Record<string, boolean> }> {
  const out: Record<string, { fixed: string[]; clean: Record<string, boolean> }> = {};
  for (const project of projects) {
    const fixed = work.get(project.id)?.fixed;
    if (!fixed) continue;
    out[project.id] = {
      fixed: fixed.fixedDiagnostics.map((d) => `${d.code} ${d.file}:${d.line}${d.fix?.safe ? '' : ' (unsafe)'}`),
      clean: Object.fromEntries([...fixed.runs].map(([version, run]) => [version, failures(run, project).length === 0])),
    };
  }
  return out;
}

/** What expected.json (or expected.django-<version>.json) records for a version, if anything. */
function recordedFor(project: Project, version: string): Expected | undefined {
  const expected = project.expected!;
  const runsListed = expected.django_runs ?? [{ django: (expected as unknown as { django_version: string }).django_version, file: 'expected.json' }];
  const entry = runsListed.find((r) => r.django === version);
  if (!entry) return undefined;
  return entry.file === 'expected.json' ? expected : readJson<Expected>(path.join(project.dir, entry.file));
}

/** Per rule: projects whose expected findings it answers, projects it reported on, projects where Django confirmed its error. */
function coverageByRule(): Record<string, { expected: number; reported: number; confirmed: number }> {
  const out: Record<string, { expected: number; reported: number; confirmed: number }> = {};
  const bump = (code: string, key: 'expected' | 'reported' | 'confirmed', seen: Set<string>) => {
    if (seen.has(`${code}:${key}`)) return;
    seen.add(`${code}:${key}`);
    out[code] ??= { expected: 0, reported: 0, confirmed: 0 };
    out[code][key]++;
  };
  for (const project of projects) {
    const seen = new Set<string>();
    for (const f of project.expected?.findings ?? []) for (const code of CODES_FOR_KIND[f.kind] ?? []) bump(code, 'expected', seen);
    const entry = work.get(project.id);
    if (!entry) continue;
    for (const d of entry.djswap.diagnostics) {
      bump(d.code, 'reported', seen);
      if (d.severity === 'error' && [...entry.runs.values()].some((run) => judgeError(d, run, true).ok)) bump(d.code, 'confirmed', seen);
    }
  }
  return Object.fromEntries(Object.entries(out).sort());
}
