import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateConfig, ConfigError, type DjswapConfig } from '../engine/config';
import { readSource } from '../engine/files';
import { fixToFixpoint, type FixRun } from '../engine/fixes';
import { nodeFileSystem } from '../engine/fs';
import { RecordingFileSystem } from '../engine/recording-fs';
import { Workspace, type AnalysisResult, type EngineDiagnostic, type ProjectSummary } from '../engine/workspace';
import { describeCoverage } from '../engine/coverage';
import { RULES } from '../rules/registry';
import { loadPythonParser } from '../syntax/parser';
import { unifiedDiff } from './diff';
import { counts, displayPath, plural, Progress, type Output } from './output';
import { githubReport } from './render-github';
import { jsonReport } from './render-json';
import { sarifReport } from './render-sarif';
import { renderText } from './render-text';
import { ResultCache } from './result-cache';
import { unreadableReason, UsageError, version } from './usage';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckOptions {
  format: Format;
  /** `python manage.py showmigrations --list` output: the migrations a database has applied. */
  history?: string;
  /** A SQLite database to read the applied migrations from. */
  database?: string;
  /** Comma-separated codes or prefixes; repeated flags add up. */
  select?: string[];
  ignore?: string[];
  settings?: string;
  fix?: boolean;
  unsafeFixes?: boolean;
  diff?: boolean;
  exitZero?: boolean;
  quiet?: boolean;
  statistics?: boolean;
  /** Keep the report here and reuse it while no file it was computed from changed. */
  cacheDir?: string;
}

/** Something the user should know that is not a finding; warnings say the check saw less than asked. */
interface Note {
  level: 'warning' | 'note';
  message: string;
}

/** What a check found, before it is rendered: all a cached run needs. */
export interface CheckReport {
  diagnostics: EngineDiagnostic[];
  notes: Note[];
  projects: { summary: ProjectSummary }[];
  /** How many files the reported projects hold, within the paths given. */
  files: number;
}

export interface CliEnvironment {
  output: Output;
  cwd: string;
  env: Record<string, string | undefined>;
}

const DISABLED = 'checking is turned off here by `enable = false` under [tool.djswap] in pyproject.toml';
const NO_PROJECT = 'no Django project found (looked for manage.py, [tool.djswap] settings in pyproject.toml, DJANGO_SETTINGS_MODULE, a lone settings.py)';

/** Rule codes from the command line, validated like the configuration's. */
function codeList(values: string[] | undefined, flag: string): string[] | undefined {
  if (values === undefined) return undefined;
  const codes = values.flatMap((v) => v.split(',')).map((c) => c.trim().toUpperCase()).filter(Boolean);
  try {
    validateConfig({ [flag]: codes }, `--${flag}`, 'toml');
  } catch (error) {
    // "--select: 'select': 'XYZ' is not ..." reads better as "--select: 'XYZ' is not ...".
    if (error instanceof ConfigError) throw new UsageError(error.message.replace(`--${flag}: '${flag}': `, `--${flag}: `));
    throw error;
  }
  return codes;
}

function matches(code: string, prefixes: string[]): boolean {
  return prefixes.some((p) => code.startsWith(p));
}

/**
 * How the command line's rule selection combines with pyproject.toml's, as in ruff: `--select`
 * starts over (pyproject's `select` and `ignore` no longer apply, the command line's `--ignore`
 * does), while `--ignore` alone takes rules away from what pyproject.toml selects.
 */
export interface Selection {
  overrides: Partial<DjswapConfig>;
  /** Rules still reported after the command line's `--ignore`. */
  keep(code: string): boolean;
}

export function selectionOf(options: Pick<CheckOptions, 'select' | 'ignore' | 'settings' | 'history' | 'database'>, cwd = process.cwd()): Selection {
  const overrides: Partial<DjswapConfig> = {};
  if (options.history !== undefined) overrides.history = path.resolve(cwd, options.history);
  if (options.database !== undefined) overrides.database = path.resolve(cwd, options.database);
  const select = codeList(options.select, 'select');
  const ignore = codeList(options.ignore, 'ignore');
  let keep = (_code: string) => true;
  if (select) {
    overrides.select = select;
    overrides.ignore = ignore ?? [];
  } else if (ignore) {
    keep = (code) => !matches(code, ignore);
  }
  if (options.settings !== undefined) {
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(options.settings)) throw new UsageError(`--settings: '${options.settings}' is not a dotted module name (e.g. config.settings.dev)`);
    overrides.settingsModule = options.settings;
  }
  return { overrides, keep };
}

/** What was asked for: the analysis roots, and which files' findings to report. */
export interface Targets {
  roots: string[];
  inScope(file: string): boolean;
  /** Every path given is the whole of its root: nothing needs filtering. */
  whole: boolean;
}

function within(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function holds(dir: string, name: string): boolean {
  try {
    return fs.statSync(path.join(dir, name)).isFile();
  } catch {
    return false;
  }
}

/** Files that mark the folder a Python project is run or tested from. */
const PROJECT_MARKERS = ['manage.py', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'pytest.ini', 'setup.py'];

/**
 * The project a folder belongs to: the nearest folder at or above it with a manage.py, else with
 * another project file (pyproject.toml, setup.cfg, tox.ini, pytest.ini, setup.py); for a folder in
 * the working directory the search stops there. Without any: the working directory for a folder in
 * it (a lone settings.py there), else the folder itself.
 */
function projectRootOf(dir: string, cwd: string): string {
  const inside = within(dir, cwd);
  const ancestors: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    ancestors.push(current);
    if ((inside && current === cwd) || path.dirname(current) === current) break;
  }
  for (const markers of [['manage.py'], PROJECT_MARKERS]) {
    const found = ancestors.find((folder) => markers.some((m) => holds(folder, m)));
    if (found) return found;
  }
  return inside ? cwd : dir;
}

/**
 * Each path is analysed within its project (see projectRootOf), and only findings under the paths
 * given are reported: the migration graph needs the whole project even to check one file.
 */
export function resolveTargets(paths: string[], cwd: string): Targets {
  const roots: string[] = [];
  const files = new Set<string>();
  const dirs: string[] = [];
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new UsageError(`${given}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      try {
        fs.accessSync(full, fs.constants.R_OK | fs.constants.X_OK);
      } catch {
        throw new UsageError(`${given}: cannot read this folder: ${unreadableReason(full)}`);
      }
      dirs.push(full);
      roots.push(projectRootOf(full, cwd));
    } else if (stat.isFile()) {
      try {
        fs.accessSync(full, fs.constants.R_OK);
      } catch {
        throw new UsageError(`${given}: cannot read this file: ${unreadableReason(full)}`);
      }
      files.add(full);
      roots.push(projectRootOf(path.dirname(full), cwd));
    } else {
      throw new UsageError(`${given}: not a file or folder`);
    }
  }
  const unique = [...new Set(roots)].filter((root, _, all) => !all.some((other) => other !== root && within(root, other)));
  const whole = files.size === 0 && dirs.every((d) => unique.includes(d));
  return { roots: unique, whole, inScope: (file) => whole || files.has(file) || dirs.some((d) => within(file, d)) };
}

/** What the command line asks that cannot work: a missing --history or --database file, flags that exclude each other. */
export function checkCombination(options: CheckOptions, cwd: string): void {
  for (const [flag, file] of [['--history', options.history], ['--database', options.database]] as const) {
    if (file === undefined) continue;
    const full = path.resolve(cwd, file);
    if (!fs.existsSync(full)) throw new UsageError(`${flag}: ${file}: no such file`);
    try {
      fs.accessSync(full, fs.constants.R_OK);
    } catch {
      throw new UsageError(`${flag}: ${file}: cannot read this file: ${unreadableReason(full)}`);
    }
  }
  if (options.statistics && options.format !== 'text') throw new UsageError(`--statistics prints a table; it does not go with --format ${options.format}`);
  if (options.diff && options.format !== 'text') throw new UsageError(`--diff prints a unified diff; it does not go with --format ${options.format}`);
}

/** Files the analysis needed but could not read: the check is incomplete, which is not a pass. */
function failOnUnreadable(workspace: Workspace, cwd: string): void {
  const unreadable = [...workspace.files.skipped].filter(([, reason]) => reason === 'could not be read').map(([file]) => file).sort();
  if (unreadable.length === 0) return;
  const more = unreadable.length > 1 ? ` (and ${plural(unreadable.length - 1, 'more unreadable file')})` : '';
  throw new UsageError(`cannot read ${displayPath(unreadable[0], cwd)}: ${unreadableReason(unreadable[0])}${more}`);
}

/**
 * A settings module named by the configuration (--settings, [tool.djswap] settings,
 * DJANGO_SETTINGS_MODULE) that does not exist: nothing would be checked, which must not pass.
 */
function failOnMissingSettings(result: AnalysisResult, cwd: string): void {
  const from = { configuration: '--settings', 'pyproject.toml': '[tool.djswap] settings in pyproject.toml', environment: 'DJANGO_SETTINGS_MODULE' } as const;
  for (const { summary } of result.projects) {
    if (!summary.settingsModule || summary.settingsFile) continue;
    const source = from[summary.settingsSource as keyof typeof from];
    if (!source) continue;
    throw new UsageError(`settings module '${summary.settingsModule}' (from ${source}) was not found under ${displayPath(summary.root, cwd)}`);
  }
}

/** Never write outside the folders being checked: not through a link that leads out of them. */
function insideFolders(roots: string[]): { accepts: (file: string) => boolean; refused: Map<string, string> } {
  const realRoots = roots.map(realpathOr);
  const decided = new Map<string, boolean>();
  const refused = new Map<string, string>();
  const accepts = (file: string) => {
    let inside = decided.get(file);
    if (inside === undefined) {
      const real = realpathOr(file);
      inside = realRoots.some((root) => real !== root && within(real, root));
      decided.set(file, inside);
      if (!inside) refused.set(file, real);
    }
    return inside;
  };
  return { accepts, refused };
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Writes fixed texts back, keeping a byte-order mark the file had. */
function writeFixes(run: FixRun, cwd: string): void {
  for (const [file, change] of run.changed) {
    try {
      const head = Buffer.alloc(3);
      const fd = fs.openSync(file, 'r');
      const read = fs.readSync(fd, head, 0, 3, 0);
      fs.closeSync(fd);
      const bom = read === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
      fs.writeFileSync(file, (bom ? '\ufeff' : '') + change.after);
    } catch (error) {
      throw new UsageError(`${displayPath(file, cwd)}: could not write the fix: ${(error as Error).message}`);
    }
  }
}

/** The folder GitHub resolves annotation and SARIF paths against: the checkout, when running in Actions. */
function reportBase(env: Record<string, string | undefined>, cwd: string): string {
  const workspace = env.GITHUB_WORKSPACE;
  return workspace && path.isAbsolute(workspace) ? workspace : cwd;
}

/**
 * Where this invocation's report is kept, when it may be (`--cache-dir` or DJSWAP_CACHE_DIR, and
 * neither --fix nor --diff). The one definition of the cache key: the first stage of a cached run
 * (cached-check.ts) asks it too.
 */
export function resultCacheFor(paths: string[], options: CheckOptions, environment: CliEnvironment): ResultCache<CheckReport> | undefined {
  const { cwd, env } = environment;
  const cacheDir = options.cacheDir ?? env.DJSWAP_CACHE_DIR;
  return cacheDir && !options.fix && !options.diff
    ? new ResultCache<CheckReport>(path.resolve(cwd, cacheDir), {
        version: version(),
        argv: [...paths.map((p) => path.resolve(cwd, p)), JSON.stringify([options.select, options.ignore, options.settings, options.history, options.database])],
        cwd,
        env: { DJANGO_SETTINGS_MODULE: env.DJANGO_SETTINGS_MODULE, DJSWAP_GIT: env.DJSWAP_GIT },
      })
    : undefined;
}

/** The texts of the reported files, read when first asked (a kept report holds positions, not texts). */
export function textsOnDisk(): (file: string) => string | undefined {
  const texts = new Map<string, string | undefined>();
  return (file) => {
    if (!texts.has(file)) {
      const source = readSource(nodeFileSystem, file, Number.MAX_SAFE_INTEGER);
      texts.set(file, 'text' in source ? source.text : undefined);
    }
    return texts.get(file);
  };
}

export async function check(paths: string[], options: CheckOptions, environment: CliEnvironment): Promise<number> {
  const { output, cwd, env } = environment;
  const started = performance.now();
  checkCombination(options, cwd);
  const selection = selectionOf(options, cwd);
  const targets = resolveTargets(paths, cwd);
  const progress = new Progress(output, output.interactive && !options.quiet);
  const say = (line: string) => {
    if (!options.quiet) output.err(line);
  };
  const cache = resultCacheFor(paths, options, environment);
  const cached = cache?.load();
  if (cached) return render(cached, textsOnDisk(), undefined, options, environment, started);
  // With a cache, every question to the file system is noted, so the next run can check them.
  const recording = cache ? new RecordingFileSystem(nodeFileSystem) : undefined;
  const workspace = new Workspace({ roots: targets.roots, parser: await loadPythonParser(), overrides: selection.overrides, env, fs: recording, displayRoot: cwd });
  let result: AnalysisResult;
  try {
    progress.step('djswap: looking for Django projects…');
    const entries = workspace.discover();
    await workspace.prewarm();
    await workspace.loadHistories();
    const pythonFiles = entries.reduce((n, e) => n + e.pythonFiles.length, 0);
    progress.step(`djswap: checking ${plural(pythonFiles, 'file')} in ${plural(entries.length, 'project')}…`, pythonFiles);
    result = workspace.analyze((rule) => selection.keep(rule.code));
    failOnUnreadable(workspace, cwd);
    failOnMissingSettings(result, cwd);
  } finally {
    progress.clear();
  }
  const report = (list: EngineDiagnostic[]) => list.filter((d) => selection.keep(d.code) && targets.inScope(d.file));
  let diagnostics = report(result.diagnostics);
  const projectFiles = [...new Set(result.projects.flatMap((p) => [...p.project.files.keys()]))].filter(targets.inScope);
  const disabled = workspace.discover().length > 0 && result.projects.length === 0;
  const notes: Note[] = [
    ...(disabled ? [{ level: 'note' as const, message: DISABLED }] : result.projects.length === 0 ? [{ level: 'warning' as const, message: NO_PROJECT }] : []),
    ...result.projects.flatMap((p) => (p.summary.coverage.blind ? [{ level: 'warning' as const, message: `${displayPath(p.summary.root, cwd) || '.'}: nothing could be checked: ${p.summary.coverage.blind}` }] : [])),
    ...result.notes.map((message) => ({ level: 'note' as const, message })),
  ];
  const found = (list: EngineDiagnostic[]): CheckReport => ({ diagnostics: list, notes, projects: result.projects.map((p) => ({ summary: p.summary })), files: projectFiles.length });
  if (cache && recording) {
    const problem = cache.store(found(diagnostics), recording.reads(), workspace.gitConsulted ? targets.roots : []);
    if (problem) say(`djswap: note: ${problem}\n`);
  }

  let fixed: Fixed;
  if (options.fix || options.diff) {
    const fixCodes = new Set(RULES.map((r) => r.code).filter(selection.keep));
    const writable = insideFolders(targets.roots);
    const scopeFiles = targets.whole ? undefined : new Set(workspace.discover().flatMap((e) => e.pythonFiles).filter(targets.inScope));
    progress.step('djswap: applying fixes…', projectFiles.length);
    let run: FixRun;
    try {
      run = fixToFixpoint(workspace, { unsafe: options.unsafeFixes === true, files: scopeFiles, codes: fixCodes, writable: writable.accepts });
    } finally {
      progress.clear();
    }
    for (const [file, real] of writable.refused) say(`djswap: note: ${displayPath(file, cwd)} was not fixed: it is a link to ${real}, outside the checked folders\n`);
    const changedFiles = [...run.changed.keys()].sort();
    if (options.diff) {
      for (const file of changedFiles) {
        const change = run.changed.get(file)!;
        output.out(unifiedDiff(displayPath(file, cwd), change.before, change.after));
      }
      const n = run.applied.length;
      say(n === 0 ? 'No fixes available.\n' : `Would fix ${plural(n, 'problem')} in ${plural(changedFiles.length, 'file')}.\n`);
      return options.exitZero || changedFiles.length === 0 ? 0 : 1;
    }
    writeFixes(run, cwd);
    fixed = { applied: run.applied, files: changedFiles };
    diagnostics = report(run.remaining);
  }

  return render(found(diagnostics), (file) => workspace.files.text(file), fixed, options, environment, started);
}

type Fixed = { applied: FixRun['applied']; files: string[] } | undefined;

function render(report: CheckReport, text: (file: string) => string | undefined, fixed: Fixed, options: CheckOptions, environment: CliEnvironment, started: number): number {
  if (options.format !== 'sarif') return renderReport(report, text, fixed, options, environment, started);
  const { output, cwd, env } = environment;
  const { diagnostics, notes } = report;
  if (fixed && fixed.applied.length > 0 && !options.quiet) output.err(`djswap: fixed ${plural(fixed.applied.length, 'problem')} in ${plural(fixed.files.length, 'file')}\n`);
  const coverage = report.projects.map((p) => ({ level: 'note' as const, message: describeCoverage(p.summary.coverage, (f) => displayPath(f, cwd)).join('\n') }));
  const log = sarifReport({ rules: RULES, diagnostics, text, base: reportBase(env, cwd), version: version(), notes: [...notes, ...coverage] });
  output.out(JSON.stringify(log, null, 2) + '\n');
  return exitCodeOf(diagnostics, options);
}

/**
 * Prints a report in every format but SARIF, and returns the exit code. SARIF is left to render(): it
 * carries every rule's documentation, and with it the rules themselves, which the first stage of a
 * cached run does not load.
 */
export function renderReport(report: CheckReport, text: (file: string) => string | undefined, fixed: Fixed, options: CheckOptions, environment: CliEnvironment, started: number): number {
  const { output, cwd, env } = environment;
  const { diagnostics, notes } = report;
  const say = (line: string) => {
    if (!options.quiet) output.err(line);
  };
  switch (options.format) {
    case 'json':
      for (const note of notes) say(`djswap: ${note.level}: ${note.message}\n`);
      if (fixed && fixed.applied.length > 0) say(`djswap: fixed ${plural(fixed.applied.length, 'problem')} in ${plural(fixed.files.length, 'file')}\n`);
      output.out(JSON.stringify(jsonReport(report, diagnostics, text, cwd, report.files, performance.now() - started), null, 2) + '\n');
      break;
    case 'github': {
      if (fixed && fixed.applied.length > 0) say(`djswap: fixed ${plural(fixed.applied.length, 'problem')} in ${plural(fixed.files.length, 'file')}\n`);
      const githubNotes = [
        ...notes.map((n) => ({ level: n.level === 'warning' ? ('warning' as const) : ('notice' as const), message: n.message })),
        ...report.projects.map((p) => ({ level: 'notice' as const, message: describeCoverage(p.summary.coverage, (f) => displayPath(f, cwd)).join('\n') })),
      ];
      // What was not checked is said even with --quiet: a green run must not hide it.
      output.out(githubReport({ diagnostics, text, base: reportBase(env, cwd), notes: options.quiet ? githubNotes.filter((n) => n.level === 'warning') : githubNotes }));
      if (!options.quiet) output.out(plainSummary(diagnostics, report.files));
      break;
    }
    default:
      for (const note of notes) say(`djswap: ${note.level}: ${note.message}\n`);
      output.out(
        renderText({
          diagnostics,
          text,
          cwd,
          color: output.color,
          files: report.files,
          quiet: options.quiet === true,
          statistics: options.statistics === true,
          unsafeFixes: options.unsafeFixes === true,
          fixed,
        }),
      );
      if (!options.quiet && !options.statistics) {
        const lines = report.projects.flatMap((p) => describeCoverage(p.summary.coverage, (f) => displayPath(f, cwd)));
        const warnings = notes.filter((n) => n.level === 'warning').map((n) => `Warning: ${n.message}`);
        if (lines.length + warnings.length > 0) output.out(`\n${[...warnings, ...lines].join('\n')}\n`);
      }
  }
  return exitCodeOf(diagnostics, options);
}

/** 1 when an error or a warning is reported (unless --exit-zero), else 0. */
function exitCodeOf(diagnostics: EngineDiagnostic[], options: CheckOptions): number {
  const { errors, warnings } = counts(diagnostics);
  return options.exitZero ? 0 : errors + warnings > 0 ? 1 : 0;
}

/** The last line of `--format github`: a plain line in the job's log. */
function plainSummary(diagnostics: EngineDiagnostic[], files: number): string {
  const { errors, warnings, infos } = counts(diagnostics);
  return `djswap: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} information in ${plural(files, 'file')} checked.\n`;
}
