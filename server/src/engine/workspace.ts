import * as path from 'node:path';
import picomatch from 'picomatch';
import { DjangoProject, readManagePy, type ProjectConfig } from '../django/project';
import type { Location } from '../django/source';
import { RULES } from '../rules/registry';
import type { Finding, Rule, RuleContext, Severity } from '../rules/types';
import type { LineColumn } from '../syntax/text';
import type { PythonParser, Span } from '../syntax/tree';
import { mergeConfig, readPyprojectConfig, ruleEnabled, type DjswapConfig } from './config';
import { scanWorkspace, type WorkspaceScan } from './discovery';
import { FileCache } from './files';
import { nodeFileSystem, type FileSystem } from './fs';
import { isSuppressed, suppressionsOf } from './suppressions';

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
}

interface ProjectEntry {
  config: ProjectConfig;
  options: DjswapConfig;
  pythonFiles: string[];
}

export class Workspace {
  readonly files: FileCache;
  readonly fs: FileSystem;
  private scans: WorkspaceScan[] = [];
  private entries: ProjectEntry[] = [];
  private discovered = false;
  private overrides: Partial<DjswapConfig>;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly options: WorkspaceOptions) {
    this.fs = options.fs ?? nodeFileSystem;
    this.files = new FileCache(this.fs, options.parser, options.maxFileBytes);
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
    if (this.discovered) return this.entries;
    this.scans = this.options.roots.map((root) => scanWorkspace(this.fs, root));
    this.entries = [];
    for (const scan of this.scans) for (const entry of this.projectsOf(scan)) this.entries.push(entry);
    this.discovered = true;
    return this.entries;
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
        const text = this.files.text(candidate);
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
      if (this.files.kind(src) === 'dir' && !sourceRoots.includes(src)) sourceRoots.push(src);
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
      const parsed = this.files.parse(manageFile);
      const facts = parsed ? readManagePy(parsed) : { pathEntries: [] };
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

  /** Builds every project from the (cached) files and runs the rules. */
  analyze(onlyRules?: (rule: Rule) => boolean): AnalysisResult {
    const result: AnalysisResult = { projects: [], diagnostics: [], notes: [] };
    const entries = this.discover();
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!entry.options.enable) continue;
      const project = new DjangoProject(entry.config, this.files);
      const summary: ProjectSummary = {
        root: entry.config.root,
        settingsModule: entry.config.settingsModule,
        settingsFile: project.settings.file,
        settingsSource: entry.config.settingsSource,
        apps: project.apps.length,
        models: project.models.filter((m) => m.origin !== 'builtin').length,
        migrations: [...project.migrations.values()].filter((m) => m.origin !== 'builtin').length,
      };
      result.projects.push({ config: entry.config, project, options: entry.options, summary });
      for (const problem of project.problems) result.notes.push(`${path.relative(process.cwd(), entry.config.root) || '.'}: ${problem}`);
      for (const diagnostic of this.runRules(project, entry, onlyRules)) {
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

  private runRules(project: DjangoProject, entry: ProjectEntry, onlyRules?: (rule: Rule) => boolean): EngineDiagnostic[] {
    const options = entry.options;
    const relative = (file: string) => path.relative(entry.config.root, file) || path.basename(file);
    const context: RuleContext = {
      project,
      file: (file) => this.files.parse(file),
      filesContaining: (needles) => entry.pythonFiles.filter((file) => {
        const text = this.files.text(file);
        return text !== undefined && needles.some((n) => text.includes(n));
      }),
      reusable: !entry.config.manageFile,
      relative,
      where: (location: Location) => {
        const parsed = this.files.parse(location.file);
        const line = parsed ? parsed.lines.position(location.span.start).line + 1 : 0;
        return `${relative(location.file)}:${line}`;
      },
    };
    const ignores = Object.entries(options.perFileIgnores).map(([glob, codes]) => ({ match: picomatch(glob, { dot: true }), codes: codes.map((c) => c.toUpperCase()) }));
    const out: EngineDiagnostic[] = [];
    for (const rule of RULES) {
      if (onlyRules && !onlyRules(rule)) continue;
      if (!ruleEnabled(options, rule.code)) continue;
      const override = options.severity[rule.code];
      if (override === 'off') continue;
      let findings: Finding[];
      try {
        findings = rule.check(context);
      } catch (error) {
        // A rule that fails on odd input must not take the others down with it.
        const message = error instanceof Error ? error.stack ?? error.message : String(error);
        process.stderr.write(`djswap: rule ${rule.code} failed: ${message}\n`);
        continue;
      }
      for (const finding of findings) {
        const parsed = this.files.parse(finding.file);
        if (!parsed) continue;
        const rel = path.relative(entry.config.root, finding.file).split(path.sep).join('/');
        if (ignores.some((i) => i.match(rel) && i.codes.some((c) => rule.code.startsWith(c)))) continue;
        const range = toRange(parsed.lines, finding.span);
        if (isSuppressed(this.suppressions(finding.file, parsed.text), range.start.line, rule.code)) continue;
        out.push(this.toDiagnostic(rule, finding, override ?? finding.severity, range, entry.config.root));
      }
    }
    return out;
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

  private toDiagnostic(rule: Rule, finding: Finding, severity: Severity, range: EngineRange, root: string): EngineDiagnostic {
    const rangeOf = (file: string, span: Span): EngineRange => {
      const parsed = this.files.parse(file);
      return parsed ? toRange(parsed.lines, span) : { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
    };
    const writable = finding.fix?.edits.every((e) => !this.files.parse(e.file)?.readOnlyReason);
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

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}

export function compareDiagnostics(a: EngineDiagnostic, b: EngineDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
