import * as path from 'node:path';
import type { DjangoProject, ProjectConfig } from '../django/project';
import { ReadLog, RecordingTree } from './read-log';
import { buildOrReuse, FileFacts, sameMeaning } from './incremental';
import { DJANGO_SUMMARY_OPTIONS } from '../django/summary';
import type { Rule } from '../rules/types';
import type { PythonParser } from '../syntax/tree';
import type { DjswapConfig } from './config';
import { scanWorkspace, type WorkspaceScan } from './discovery';
import { discoverProjects, type ProjectEntry } from './projects';
import { projectCoverage, type ProjectCoverage } from './coverage';
import { loadHistory } from './history';
import { SettingHistory, type SettingChange } from './setting-history';
import type { AppliedHistory } from '../django/history';
import { FileCache } from './files';
import { nodeFileSystem, type FileSystem } from './fs';
import { compareDiagnostics, countHeld, RuleRunner, type BuiltProject, type EngineDiagnostic } from './rule-runner';

export { codeRole, compareDiagnostics, RULE_DOCS_BASE, type EngineDiagnostic, type EngineEdit, type EngineRange } from './rule-runner';

/** Files parsed between two turns of the event loop while a workspace is first read. */
const PREWARM_BATCH = 32;

/** Paths that settings, models, migrations and app configs usually have. */
const LIKELY_RELEVANT = /(\/migrations\/[^/]+\.py|\/models\.py|\/models\/.+\.py|settings[^/]*\.py|\/settings\/.+\.py|\/apps\.py|\/manage\.py)$/;

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
  private readonly rules: RuleRunner;
  /** What discovery read (manage.py, pyproject.toml...): when it changes, discovery runs again. */
  private discovery?: { tree: RecordingTree; at: number; notes: string[] };

  constructor(private readonly options: WorkspaceOptions) {
    this.fs = options.fs ?? nodeFileSystem;
    this.files = new FileCache(this.fs, options.parser, options.maxFileBytes, DJANGO_SUMMARY_OPTIONS);
    this.settingHistory = new SettingHistory(options.parser);
    this.overrides = options.overrides ?? {};
    this.env = options.env ?? process.env;
    this.rules = new RuleRunner(this.files, (project, setting) => this.settingChange(project, setting));
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
      const diagnostics = this.rules.run(built, entry, onlyRules, held);
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
}
