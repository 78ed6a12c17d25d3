import * as path from 'node:path';
import picomatch from 'picomatch';
import { DjangoProject, readManagePy, type ProjectConfig } from '../django/project';
import { ReadLog, RecordingTree } from '../django/reads';
import { projectSignature, sameSignature } from '../django/signature';
import { DJANGO_SUMMARY_OPTIONS } from '../django/summary';
import type { Location, ParsedFile } from '../django/source';
import { RULES } from '../rules/registry';
import type { Finding, Rule, RuleContext, Severity } from '../rules/types';
import type { LineColumn } from '../syntax/text';
import type { PythonParser, Span } from '../syntax/tree';
import { mergeConfig, readPyprojectConfig, ruleEnabled, type DjswapConfig } from './config';
import { scanWorkspace, type WorkspaceScan } from './discovery';
import { loadHistory } from './history';
import { SettingHistory, type SettingChange } from './setting-history';
import type { AppliedHistory } from '../django/history';
import { FileCache } from './files';
import { parseInParallel } from './parallel-parse';
import { nodeFileSystem, type FileSystem } from './fs';
import { isSuppressed, suppressionsOf } from './suppressions';

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
  /** Worker threads for parsing a workspace (0: the main thread only); by default DJSWAP_WORKERS, else one per idle core. */
  workers?: number;
}

interface ProjectEntry {
  config: ProjectConfig;
  options: DjswapConfig;
  pythonFiles: string[];
}

/** A project as last built, and the rule results computed from it. */
interface BuiltProject {
  project: DjangoProject;
  config: ProjectConfig;
  history?: AppliedHistory;
  signature: string[];
  /** The file cache's generation when the reads were last found valid. */
  checkedAt: number;
  /** By rule code, or rule code and file for rules that check files one at a time. */
  units: Map<string, RuleUnit>;
  summary?: ProjectSummary;
}

/** One rule's diagnostics on the project or on one file, with what they were computed from. */
interface RuleUnit {
  options: DjswapConfig;
  reads: ReadLog;
  checkedAt: number;
  diagnostics: EngineDiagnostic[];
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
  /** What discovery read (manage.py, pyproject.toml...): when it changes, discovery runs again. */
  private discovery?: { tree: RecordingTree; texts: Map<string, string | undefined>; at: number };

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

  setOverrides(overrides: Partial<DjswapConfig>): void {
    this.overrides = overrides;
    this.discovered = false;
  }

  /** Walk the roots again: needed when manage.py, settings or pyproject files come and go. */
  rediscover(): void {
    this.discovered = false;
  }

  /** Throws ConfigError for a bad pyproject.toml. */
  discover(): ProjectEntry[] {
    if (this.discovered && this.discoveryHolds()) return this.entries;
    if (!this.discovered) {
      this.scans = this.options.roots.map((root) => scanWorkspace(this.fs, root));
      for (const scan of this.scans) this.files.seedListings(scan.listings);
    }
    const tree = new RecordingTree(this.files);
    tree.log = new ReadLog();
    this.discovery = { tree, texts: new Map(), at: this.files.generation };
    const previous = new Map(this.entries.map((e) => [e.config.root, e]));
    this.entries = [];
    for (const scan of this.scans) {
      for (const entry of this.projectsOf(scan)) {
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
    const holds = discovery.tree.log!.stillValid(this.files, changed) && [...discovery.texts].every(([file, text]) => this.files.text(file) === text);
    if (holds) discovery.at = this.files.generation;
    return holds;
  }

  /** Reads of discovery, noted so that a change to them is seen. */
  private discoveryText(file: string): string | undefined {
    const text = this.files.text(file);
    this.discovery?.texts.set(file, text);
    return text;
  }

  get scanNotes(): string[] {
    return this.scans.flatMap((s) => s.notes);
  }

  private pyprojectConfig(dir: string, scan: WorkspaceScan): Partial<DjswapConfig> {
    // The nearest pyproject.toml at or above the project folder, inside the workspace.
    let current = dir;
    for (;;) {
      const candidate = path.join(current, 'pyproject.toml');
      if (scan.pyprojects.includes(candidate)) {
        const text = this.discoveryText(candidate);
        if (text !== undefined) {
          const config = readPyprojectConfig(text, path.relative(process.cwd(), candidate) || candidate);
          if (config) return config;
        }
      }
      if (current === scan.root || path.dirname(current) === current) return {};
      current = path.dirname(current);
    }
  }

  private projectsOf(scan: WorkspaceScan): ProjectEntry[] {
    const out: ProjectEntry[] = [];
    const make = (root: string, settingsModule: string | undefined, source: ProjectConfig['settingsSource'], manageFile?: string, pathEntries: string[] = []): ProjectEntry => {
      const fromPyproject = this.pyprojectConfig(root, scan);
      const options = mergeConfig(fromPyproject, this.overrides);
      const sourceRoots = [root, ...pathEntries.map((p) => path.resolve(root, p))];
      const src = path.join(root, 'src');
      if (this.discovery!.tree.kind(src) === 'dir' && !sourceRoots.includes(src)) sourceRoots.push(src);
      let chosen = settingsModule;
      let chosenSource = source;
      if (this.overrides.settingsModule) {
        chosen = this.overrides.settingsModule;
        chosenSource = 'configuration';
      } else if (!chosen && fromPyproject.settingsModule) {
        chosen = fromPyproject.settingsModule;
        chosenSource = 'pyproject.toml';
      } else if (!chosen && this.env.DJANGO_SETTINGS_MODULE) {
        chosen = this.env.DJANGO_SETTINGS_MODULE;
        chosenSource = 'environment';
      }
      const sitePackages = [...scan.sitePackages, ...options.sitePackages.map((p) => path.resolve(root, p))];
      const within = (f: string) => !path.relative(root, f).startsWith('..');
      return {
        config: { root, manageFile, settingsModule: chosen, settingsSource: chosenSource, sourceRoots: unique(sourceRoots), sitePackages: unique(sitePackages) },
        options,
        pythonFiles: scan.pythonFiles.filter(within),
      };
    };
    for (const manageFile of scan.manageFiles) {
      const parsed = this.discovery!.tree.parse(manageFile);
      const facts = parsed ? readManagePy(parsed) : { pathEntries: [] };
      // manage.py may hand over to a module of the project (`from awx import manage`): look there too.
      if (!facts.settingsModule && parsed) {
        for (const imp of parsed.module.imports) {
          const module = imp.kind === 'from' ? imp.module : imp.names[0]?.name;
          if (!module || imp.level > 0) continue;
          for (const candidate of [path.join(path.dirname(manageFile), ...module.split('.'), '__init__.py'), path.join(path.dirname(manageFile), ...module.split('.')) + '.py']) {
            const imported = this.discovery!.tree.kind(candidate) === 'file' ? this.discovery!.tree.parse(candidate) : undefined;
            const found = imported ? readManagePy(imported).settingsModule : undefined;
            if (found) facts.settingsModule = found;
          }
          if (facts.settingsModule) break;
        }
      }
      out.push(make(path.dirname(manageFile), facts.settingsModule, 'manage.py', manageFile, facts.pathEntries));
    }
    if (out.length > 0) return out;
    const rootConfig = this.pyprojectConfig(scan.root, scan);
    if (this.overrides.settingsModule || rootConfig.settingsModule || this.env.DJANGO_SETTINGS_MODULE) {
      return [make(scan.root, undefined, 'pyproject.toml')];
    }
    if (scan.settingsFiles.length === 1) {
      const relative = path.relative(scan.root, scan.settingsFiles[0]).replace(/\.py$/, '');
      const parts = relative.split(path.sep);
      if (parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) return [make(scan.root, parts.join('.'), 'settings.py')];
    }
    return [];
  }

  /**
   * Reads and parses the files a project is likely made of (settings, models, migrations, apps.py)
   * on every core, yielding to the event loop as it goes so that requests are still answered. The
   * analysis that follows finds them cached.
   */
  async prewarm(report: (done: number, total: number) => void = () => {}): Promise<void> {
    const entries = this.discover();
    const candidates = [...new Set(entries.flatMap((e) => e.pythonFiles))].filter((file) => LIKELY_RELEVANT.test(file.split(path.sep).join('/')));
    const fromEnvironment = this.env.DJSWAP_WORKERS !== undefined && /^\d+$/.test(this.env.DJSWAP_WORKERS) ? Number(this.env.DJSWAP_WORKERS) : undefined;
    await parseInParallel(this.files, candidates, { backend: this.options.parser.backend, maxFileBytes: this.files.maxFileBytes, report, workers: this.options.workers ?? fromEnvironment });
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
    const generation = this.files.generation;
    if (previous && previous.config === entry.config && previous.history === history && previous.project.reads.stillValid(this.files, this.files.changedSince(previous.checkedAt))) {
      previous.checkedAt = generation;
      return previous;
    }
    const changed = previous ? this.files.changedSince(previous.checkedAt) : undefined;
    const project = new DjangoProject(entry.config, this.files, { history, previous: previous?.project, changed });
    const signature = [String(this.files.structureVersion), String(history ? identityOf(history) : 0), ...projectSignature(project)];
    const built: BuiltProject = { project, config: entry.config, history, signature, checkedAt: generation, units: previous && sameSignature(previous.signature, signature) ? previous.units : new Map() };
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
      for (const note of history?.notes ?? []) result.notes.push(`${path.relative(process.cwd(), history!.location)}: ${note}`);
      const built = this.build(entry, history);
      const { project } = built;
      const summary: ProjectSummary = (built.summary ??= {
        root: entry.config.root,
        settingsModule: entry.config.settingsModule,
        settingsFile: project.settings.file,
        settingsSource: entry.config.settingsSource,
        apps: project.apps.length,
        models: project.models.filter((m) => m.origin !== 'builtin').length,
        migrations: [...project.migrations.values()].filter((m) => m.origin !== 'builtin').length,
      });
      result.projects.push({ config: entry.config, project, options: entry.options, summary });
      for (const problem of project.problems) result.notes.push(`${path.relative(process.cwd(), entry.config.root) || '.'}: ${problem}`);
      for (const diagnostic of this.runRules(built, entry, onlyRules)) {
        const key = `${diagnostic.code}|${diagnostic.file}|${diagnostic.span.start}|${diagnostic.span.end}|${diagnostic.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.diagnostics.push(diagnostic);
      }
    }
    for (const [file, reason] of this.files.skipped) result.notes.push(`${path.relative(process.cwd(), file)}: ${reason}`);
    for (const note of this.scanNotes) result.notes.push(note);
    result.diagnostics.sort(compareDiagnostics);
    return result;
  }

  private runRules(built: BuiltProject, entry: ProjectEntry, onlyRules?: (rule: Rule) => boolean): EngineDiagnostic[] {
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
        if (!entry.config.manageFile) return true;
        if (entry.config.sitePackages.some((site) => !path.relative(site, file).startsWith('..'))) return true;
        return path.relative(entry.config.root, file).startsWith('..');
      },
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
        return;
      }
      const reads = (log = new ReadLog());
      volatile = false;
      try {
        let findings: Finding[];
        try {
          findings = project.recordReads(reads, work);
        } catch (error) {
          // A rule that fails on odd input must not take the others down with it.
          const message = error instanceof Error ? error.stack ?? error.message : String(error);
          process.stderr.write(`djswap: rule ${rule.code} failed: ${message}\n`);
          return;
        }
        const diagnostics: EngineDiagnostic[] = [];
        for (const finding of findings) {
          const parsed = read(finding.file);
          if (!parsed) continue;
          const rel = path.relative(entry.config.root, finding.file).split(path.sep).join('/');
          if (ignores.some((i) => i.match(rel) && i.codes.some((c) => rule.code.startsWith(c)))) continue;
          const range = toRange(parsed.lines, finding.span);
          if (isSuppressed(this.suppressions(finding.file, parsed.text), range.start.line, rule.code)) continue;
          diagnostics.push(this.toDiagnostic(rule, finding, severity ?? finding.severity, range, entry.config.root, read));
        }
        if (!volatile) units.set(key, { options, reads, checkedAt: generation, diagnostics });
        for (const d of diagnostics) out.push(d);
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

function toRange(lines: { position(offset: number): LineColumn }, span: Span): EngineRange {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number that stands for an object for as long as it lives. */
function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}

export function compareDiagnostics(a: EngineDiagnostic, b: EngineDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
