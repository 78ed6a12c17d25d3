import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DjangoProject, ProjectConfig } from '../django/project';
import { ReadLog, RecordingTree } from './read-log';
import { buildOrReuse, FileFacts, sameMeaning, type ProjectBuild } from './incremental';
import { DJANGO_SUMMARY_OPTIONS } from '../django/summary';
import type { Location, ParsedFile } from '../django/source';
import { RULES } from '../rules/registry';
import type { CodeRole, Finding, Rule, RuleContext, Severity } from '../rules/types';
import type { LineColumn } from '../syntax/text';
import type { PythonParser, Span } from '../syntax/tree';
import { ruleEnabled, type DjswapConfig } from './config';
import { scanWorkspace, type WorkspaceScan } from './discovery';
import { discoverProjects, type ProjectEntry } from './projects';
import { projectCoverage, type ProjectCoverage } from './coverage';
import { installedDistribution } from './environment';
import { loadHistory } from './history';
import { SettingHistory, type SettingChange } from './setting-history';
import type { AppliedHistory } from '../django/history';
import { FileCache } from './files';
import { nodeFileSystem, type FileSystem } from './fs';
import { isSuppressed, suppressionsOf } from './suppressions';

/** Files parsed between two turns of the event loop while a workspace is first read. */
const PREWARM_BATCH = 32;

/** Paths that settings, models, migrations and app configs usually have. */
const LIKELY_RELEVANT = /(\/migrations\/[^/]+\.py|\/models\.py|\/models\/.+\.py|settings[^/]*\.py|\/settings\/.+\.py|\/apps\.py|\/manage\.py)$/;

export const RULE_DOCS_BASE = 'https://github.com/djswap/djswap/blob/main/docs/rules/';

export interface EngineRange {
  start: LineColumn;
  end: LineColumn;
}

export interface EngineEdit {
  file: string;
  span: Span;
  range: EngineRange;
  newText: string;
}

export interface EngineDiagnostic {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  range: EngineRange;
  related: { file: string; span: Span; range: EngineRange; message: string }[];
  fix?: { title: string; safe: boolean; edits: EngineEdit[] };
  docsUrl: string;
  /** The root of the project that reported it. */
  project: string;
}

export interface ProjectSummary {
  root: string;
  settingsModule?: string;
  settingsFile?: string;
  settingsSource: ProjectConfig['settingsSource'];
  apps: number;
  models: number;
  migrations: number;
  /** What was checked and what could not be. */
  coverage: ProjectCoverage;
}

export interface AnalysisResult {
  projects: { config: ProjectConfig; project: DjangoProject; options: DjswapConfig; summary: ProjectSummary }[];
  diagnostics: EngineDiagnostic[];
  /** Things the user should know that are not findings: unreadable files, unknown settings. */
  notes: string[];
}

export interface WorkspaceOptions {
  roots: string[];
  parser: PythonParser;
  fs?: FileSystem;
  /** Configuration that wins over pyproject.toml (command-line flags, editor settings). */
  overrides?: Partial<DjswapConfig>;
  env?: Record<string, string | undefined>;
  maxFileBytes?: number;
  /** Paths in notes are shown relative to this folder (the working directory of a command). */
  displayRoot?: string;
}

/** A project as last built, and the rule results computed from it. */
interface BuiltProject extends ProjectBuild {
  /** By rule code, or rule code and file for rules that check files one at a time. */
  units: Map<string, RuleUnit>;
}

/** One rule's diagnostics on the project or on one file, with what they were computed from. */
interface RuleUnit {
  options: DjswapConfig;
  reads: ReadLog;
  checkedAt: number;
  diagnostics: EngineDiagnostic[];
  /** Errors and warnings held back for an unknown premise: the premise of each. */
  unverified: string[];
}

export class Workspace {
  readonly files: FileCache;
  readonly fs: FileSystem;
  private scans: WorkspaceScan[] = [];
  private entries: ProjectEntry[] = [];
  private discovered = false;
  private overrides: Partial<DjswapConfig>;
  /** Applied-migration histories by project root, loaded by loadHistories(). */
  private readonly histories = new Map<string, AppliedHistory | { error: string }>();
  private readonly settingHistory: SettingHistory;
  private readonly env: Record<string, string | undefined>;
  private readonly built = new Map<string, BuiltProject>();
  private readonly facts = new FileFacts();
  /** What discovery read (manage.py, pyproject.toml...): when it changes, discovery runs again. */
  private discovery?: { tree: RecordingTree; at: number; notes: string[] };

  constructor(private readonly options: WorkspaceOptions) {
    this.fs = options.fs ?? nodeFileSystem;
    this.files = new FileCache(this.fs, options.parser, options.maxFileBytes, DJANGO_SUMMARY_OPTIONS);
    this.settingHistory = new SettingHistory(options.parser);
    this.overrides = options.overrides ?? {};
    this.env = options.env ?? process.env;
  }

  get roots(): string[] {
    return this.options.roots;
  }

  private get displayRoot(): string {
    return this.options.displayRoot ?? this.options.roots[0] ?? process.cwd();
  }

  setOverrides(overrides: Partial<DjswapConfig>): void {
    this.overrides = overrides;
    this.discovered = false;
  }

  /** Walk the roots again: needed when manage.py, settings or pyproject files come and go. */
  rediscover(): void {
    this.discovered = false;
  }

  /** Throws ConfigError for a bad configuration of the folder checked. */
  discover(): ProjectEntry[] {
    if (this.discovered && this.discoveryHolds()) return this.entries;
    if (!this.discovered) {
      this.scans = this.options.roots.map((root) => scanWorkspace(this.fs, root));
      for (const scan of this.scans) this.files.seedListings(scan.listings);
    }
    const tree = new RecordingTree(this.files);
    tree.log = new ReadLog();
    this.discovery = { tree, at: this.files.generation, notes: [] };
    const previous = new Map(this.entries.map((e) => [e.config.root, e]));
    this.entries = [];
    for (const scan of this.scans) {
      const found = discoverProjects({ scan, tree, overrides: this.overrides, env: this.env, displayRoot: this.displayRoot });
      this.discovery.notes.push(...found.notes);
      for (const entry of found.entries) {
        // An entry that came out the same keeps its identity, and with it what was built from it.
        const before = previous.get(entry.config.root);
        const same = before && JSON.stringify([before.config, before.options]) === JSON.stringify([entry.config, entry.options]) && before.pythonFiles.join('\0') === entry.pythonFiles.join('\0');
        this.entries.push(same ? before : entry);
      }
    }
    this.discovered = true;
    return this.entries;
  }

  private discoveryHolds(): boolean {
    const discovery = this.discovery;
    if (!discovery) return true;
    const changed = this.files.changedSince(discovery.at);
    if (changed && changed.length === 0) return true;
    const holds = discovery.tree.log!.stillValid(this.files, changed);
    if (holds) discovery.at = this.files.generation;
    return holds;
  }

  get scanNotes(): string[] {
    return [...this.scans.flatMap((s) => s.notes), ...(this.discovery?.notes ?? [])];
  }

  /**
   * Reads and parses the files a project is likely made of (settings, models, migrations, apps.py),
   * yielding to the event loop between batches so that requests are still answered. The analysis
   * that follows finds them cached. (Parsing on worker threads cost more CPU than it saved wall time
   * here, and the native binding could abort the process from a worker.)
   */
  async prewarm(report: (done: number, total: number) => void = () => {}): Promise<void> {
    const entries = this.discover();
    const candidates = [...new Set(entries.flatMap((e) => e.pythonFiles))].filter((file) => LIKELY_RELEVANT.test(file.split(path.sep).join('/')) && !this.files.hasParsed(file));
    for (let done = 0; done < candidates.length; done += PREWARM_BATCH) {
      for (const file of candidates.slice(done, done + PREWARM_BATCH)) this.files.parse(file);
      report(Math.min(done + PREWARM_BATCH, candidates.length), candidates.length);
      // Between batches the event loop answers requests and takes in edits.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Reads each project's applied migrations (a showmigrations file, or its SQLite database), for the
   * rules that compare the code with what a database has applied. Needs the settings, so it builds
   * the projects once without history first.
   */
  async loadHistories(): Promise<void> {
    this.histories.clear();
    for (const entry of this.discover()) {
      if (!entry.options.enable) continue;
      const { project } = this.build(entry, undefined);
      const history = await loadHistory(project, this.fs, { historyFile: entry.options.history, database: entry.options.database });
      if (history) this.histories.set(entry.config.root, history);
    }
  }

  /** Whether an answer came from git, which the files read do not cover. */
  gitConsulted = false;

  /** When a swappable setting took its current value, from git (undefined outside a repository). */
  settingChange(project: DjangoProject, setting: string, options: { removals?: boolean } = {}): SettingChange | undefined {
    const state = project.swappable(setting);
    if (!state || this.env.DJSWAP_GIT === '0') return undefined;
    this.gitConsulted = true;
    return this.settingHistory.changeOf(project, state, options);
  }

  /**
   * The project of an entry: the last one built while none of the files it was read from changed,
   * else a new one. Rule results survive a rebuild that did not change what the project means.
   */
  private build(entry: ProjectEntry, history: AppliedHistory | undefined): BuiltProject {
    const root = entry.config.root;
    const previous = this.built.get(root);
    const { build, reused } = buildOrReuse(previous, entry.config, history, this.files, this.facts);
    if (reused) return previous!;
    const built: BuiltProject = { ...build, units: previous && sameMeaning(previous, build) ? previous.units : new Map() };
    this.built.set(root, built);
    return built;
  }

  /** Builds every project from the (cached) files and runs the rules. */
  analyze(onlyRules?: (rule: Rule) => boolean): AnalysisResult {
    const result: AnalysisResult = { projects: [], diagnostics: [], notes: [] };
    const entries = this.discover();
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!entry.options.enable) continue;
      const loaded = this.histories.get(entry.config.root);
      const history = loaded && 'applied' in loaded ? loaded : undefined;
      if (loaded && 'error' in loaded) result.notes.push(loaded.error);
      for (const note of history?.notes ?? []) result.notes.push(`${path.relative(this.displayRoot, history!.location)}: ${note}`);
      const built = this.build(entry, history);
      const { project } = built;
      const held: string[] = [];
      const diagnostics = this.runRules(built, entry, onlyRules, held);
      const coverage = projectCoverage(entry.config, project, countHeld(held));
      const summary: ProjectSummary = {
        root: entry.config.root,
        settingsModule: entry.config.settingsModule,
        settingsFile: project.settings.file,
        settingsSource: entry.config.settingsSource,
        apps: coverage.apps,
        models: coverage.models,
        migrations: coverage.migrations,
        coverage,
      };
      result.projects.push({ config: entry.config, project, options: entry.options, summary });
      for (const problem of project.problems) result.notes.push(`${path.relative(this.displayRoot, entry.config.root) || '.'}: ${problem}`);
      for (const diagnostic of diagnostics) {
        const key = `${diagnostic.code}|${diagnostic.file}|${diagnostic.span.start}|${diagnostic.span.end}|${diagnostic.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.diagnostics.push(diagnostic);
      }
    }
    for (const [file, reason] of this.files.skipped) result.notes.push(`${path.relative(this.displayRoot, file)}: ${reason}`);
    for (const note of this.scanNotes) result.notes.push(note);
    result.diagnostics.sort(compareDiagnostics);
    return result;
  }

  private runRules(built: BuiltProject, entry: ProjectEntry, onlyRules: ((rule: Rule) => boolean) | undefined, held: string[]): EngineDiagnostic[] {
    const { project } = built;
    const options = entry.options;
    const relative = (file: string) => path.relative(entry.config.root, file) || path.basename(file);
    // The reads of the rule unit running now, and whether it asked something files cannot tell.
    let log: ReadLog | undefined;
    let volatile = false;
    const read = (file: string) => {
      const parsed = this.files.parse(file);
      log?.noteParse(file, parsed);
      return parsed;
    };
    const context: RuleContext = {
      project,
      file: read,
      text: (file) => {
        const text = this.files.text(file);
        log?.noteText(file, text);
        return text;
      },
      filesContaining: (needles) => this.filesContaining(entry, needles),
      isReusable: (file) => {
        const role = codeRole(entry.config, file);
        return role === 'reusable' || role === 'installed';
      },
      codeRole: (file) => codeRole(entry.config, file),
      relative,
      settingChange: (setting) => {
        volatile = true;
        return this.settingChange(project, setting);
      },
      where: (location: Location) => {
        const parsed = read(location.file);
        const line = parsed ? parsed.lines.position(location.span.start).line + 1 : 0;
        return `${relative(location.file)}:${line}`;
      },
    };
    const ignores = Object.entries(options.perFileIgnores).map(([glob, codes]) => ({ match: picomatch(glob, { dot: true }), codes: codes.map((c) => c.toUpperCase()) }));
    const out: EngineDiagnostic[] = [];
    const units = new Map<string, RuleUnit>();
    const generation = this.files.generation;
    const changes = new Map<number, string[] | undefined>();
    const changedSince = (since: number) => {
      if (!changes.has(since)) changes.set(since, this.files.changedSince(since));
      return changes.get(since);
    };
    const runUnit = (key: string, rule: Rule, severity: Severity | undefined, work: () => Finding[]) => {
      const cached = built.units.get(key);
      if (cached && cached.options === options && cached.reads.stillValid(this.files, changedSince(cached.checkedAt))) {
        cached.checkedAt = generation;
        units.set(key, cached);
        for (const d of cached.diagnostics) out.push(d);
        for (const reason of cached.unverified) held.push(`${rule.code}\0${reason}`);
        return;
      }
      const reads = (log = new ReadLog());
      volatile = false;
      try {
        let findings: Finding[];
        try {
          findings = built.tree.recording(reads, work);
        } catch (error) {
          // A rule that fails on odd input must not take the others down with it.
          const message = error instanceof Error ? error.stack ?? error.message : String(error);
          process.stderr.write(`djswap: rule ${rule.code} failed: ${message}\n`);
          return;
        }
        const diagnostics: EngineDiagnostic[] = [];
        const unverified: string[] = [];
        for (const found of findings) {
          const finding = this.whereUserCanAct(found, entry, project, read);
          const parsed = finding && read(finding.file);
          if (!finding || !parsed) continue;
          const level = severity ?? finding.severity;
          // A claim resting on something djswap could not know is not made; the coverage says so.
          if (finding.unverified && level !== 'information') {
            unverified.push(finding.unverified);
            continue;
          }
          const rel = path.relative(entry.config.root, finding.file).split(path.sep).join('/');
          if (ignores.some((i) => i.match(rel) && i.codes.some((c) => rule.code.startsWith(c)))) continue;
          const range = toRange(parsed.lines, finding.span);
          if (isSuppressed(this.suppressions(finding.file, parsed.text), range.start.line, rule.code)) continue;
          diagnostics.push(this.toDiagnostic(rule, finding, severity ?? finding.severity, range, entry.config.root, read));
        }
        if (!volatile) units.set(key, { options, reads, checkedAt: generation, diagnostics, unverified });
        for (const d of diagnostics) out.push(d);
        for (const reason of unverified) held.push(`${rule.code}\0${reason}`);
      } finally {
        log = undefined;
      }
    };
    for (const rule of RULES) {
      if (onlyRules && !onlyRules(rule)) {
        for (const [key, unit] of built.units) if (key === rule.code || key.startsWith(`${rule.code}|`)) units.set(key, unit);
        continue;
      }
      if (!ruleEnabled(options, rule.code)) continue;
      const override = options.severity[rule.code];
      if (override === 'off') continue;
      if (rule.checkFiles) {
        let checks: ReturnType<NonNullable<Rule['checkFiles']>>;
        try {
          checks = rule.checkFiles(context);
        } catch (error) {
          const message = error instanceof Error ? error.stack ?? error.message : String(error);
          process.stderr.write(`djswap: rule ${rule.code} failed: ${message}\n`);
          continue;
        }
        for (const file of checks.files) runUnit(`${rule.code}|${file}`, rule, override, () => checks.check(file));
      } else if (rule.check) {
        const check = rule.check;
        runUnit(rule.code, rule, override, () => check(context));
      }
    }
    built.units = units;
    return out;
  }

  /**
   * A finding in an installed package's code is shown where the user can act: on the INSTALLED_APPS
   * entry that brings the package in, naming the distribution and the file; installed files are not
   * edited, so it has no fix.
   */
  private whereUserCanAct(finding: Finding, entry: ProjectEntry, project: DjangoProject, read: (file: string) => ParsedFile | undefined): Finding | undefined {
    const site = entry.config.sitePackages.find((dir) => isWithin(finding.file, dir));
    if (!site) return finding;
    const app = project.appOfFile(finding.file);
    const anchor = app?.entryLocation ?? (project.settings.file ? { file: project.settings.file, span: { start: 0, end: 0 } } : undefined);
    if (!anchor) return undefined;
    const topModule = path.relative(site, finding.file).split(path.sep)[0].replace(/\.py$/, '');
    const distribution = installedDistribution(this.files, site, topModule) ?? topModule;
    const parsed = read(finding.file);
    const line = parsed ? parsed.lines.position(finding.span.start).line + 1 : 0;
    const where = `${path.relative(site, finding.file).split(path.sep).join('/')}:${line}`;
    return {
      ...finding,
      file: anchor.file,
      span: anchor.span,
      message: `${distribution} (installed), ${where}: ${finding.message}`,
      related: [{ file: finding.file, span: finding.span, message: `in ${distribution}` }, ...(finding.related ?? [])],
      fix: undefined,
    };
  }

  private readonly containing = new WeakMap<string[], { all: Set<string>; byNeedles: Map<string, { generation: number; members: Set<string>; files: string[] }> }>();

  /** Python files of a project whose text holds one of the needles; only changed files are searched again. */
  private filesContaining(entry: ProjectEntry, needles: string[]): string[] {
    let index = this.containing.get(entry.pythonFiles);
    if (!index) this.containing.set(entry.pythonFiles, (index = { all: new Set(entry.pythonFiles), byNeedles: new Map() }));
    const { all, byNeedles } = index;
    const key = needles.join('\0');
    const holds = (file: string) => this.files.containsAny(file, needles);
    const cached = byNeedles.get(key);
    const changed = cached ? this.files.changedSince(cached.generation) : undefined;
    if (cached && changed) {
      let moved = false;
      for (const file of changed) {
        if (!all.has(file) || holds(file) === cached.members.has(file)) continue;
        if (!cached.members.delete(file)) cached.members.add(file);
        moved = true;
      }
      cached.generation = this.files.generation;
      if (moved) cached.files = entry.pythonFiles.filter((file) => cached.members.has(file));
      return cached.files;
    }
    const files = entry.pythonFiles.filter(holds);
    byNeedles.set(key, { generation: this.files.generation, members: new Set(files), files });
    return files;
  }

  private suppressionCache = new WeakMap<object, ReturnType<typeof suppressionsOf>>();
  private suppressions(file: string, text: string) {
    const parsed = this.files.parse(file)!;
    let cached = this.suppressionCache.get(parsed);
    if (!cached) {
      cached = suppressionsOf(text);
      this.suppressionCache.set(parsed, cached);
    }
    return cached;
  }

  private toDiagnostic(rule: Rule, finding: Finding, severity: Severity, range: EngineRange, root: string, read: (file: string) => ParsedFile | undefined): EngineDiagnostic {
    const rangeOf = (file: string, span: Span): EngineRange => {
      const parsed = read(file);
      return parsed ? toRange(parsed.lines, span) : { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
    };
    const writable = finding.fix?.edits.every((e) => { read(e.file); return !this.files.parse(e.file)?.readOnlyReason; });
    return {
      code: rule.code,
      name: rule.name,
      severity,
      message: finding.message,
      file: finding.file,
      span: finding.span,
      range,
      related: (finding.related ?? []).map((r) => ({ ...r, range: rangeOf(r.file, r.span) })),
      fix:
        finding.fix && writable
          ? { title: finding.fix.title, safe: finding.fix.safe, edits: finding.fix.edits.map((e) => ({ ...e, range: rangeOf(e.file, e.span) })) }
          : undefined,
      docsUrl: `${RULE_DOCS_BASE}${rule.code}.md`,
      project: root,
    };
  }
}

/** Folders whose code is never shipped: tests, test apps, examples, demos. */
const TEST_FOLDER = /^(tests?|testing|testapp|test_app|tests_app|testproject|test_project|test_projects|example|examples|example_project|sandbox|demo|demos)$/;

/** Whose code a file is, for how loud a finding on it should be (see RuleContext.codeRole). */
export function codeRole(config: ProjectConfig, file: string): CodeRole {
  if (config.sitePackages.some((site) => isWithin(file, site))) return 'installed';
  const base = config.sourceRoots.find((root) => isWithin(file, root)) ?? config.root;
  if (path.relative(base, file).split(path.sep).slice(0, -1).some((part) => TEST_FOLDER.test(part))) return 'test';
  const manageDir = config.manageFile ? path.dirname(config.manageFile) : undefined;
  if (config.testHarness || !manageDir || !isWithin(file, manageDir)) return 'reusable';
  return 'site';
}

function isWithin(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** `code\0reason` entries counted, in first-seen order. */
function countHeld(held: string[]): ProjectCoverage['unverified'] {
  const counts = new Map<string, number>();
  for (const entry of held) counts.set(entry, (counts.get(entry) ?? 0) + 1);
  return [...counts].map(([entry, count]) => {
    const [code, reason] = entry.split('\0');
    return { code, reason, count };
  });
}

function toRange(lines: { position(offset: number): LineColumn }, span: Span): EngineRange {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}



export function compareDiagnostics(a: EngineDiagnostic, b: EngineDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
