import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DjangoProject, ProjectConfig } from '../django/project';
import type { Location, ParsedFile } from '../django/source';
import { RULES } from '../rules/registry';
import type { CodeRole, Finding, Rule, RuleContext, Severity } from '../rules/types';
import type { LineColumn } from '../syntax/text';
import type { Span } from '../syntax/tree';
import { ruleEnabled, type DjswapConfig } from './config';
import type { ProjectCoverage } from './coverage';
import { installedDistribution } from './environment';
import type { FileCache } from './files';
import type { ProjectBuild } from './incremental';
import type { ProjectEntry } from './projects';
import { ReadLog } from './read-log';
import type { SettingChange } from './setting-history';
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

/** A project as last built, and the rule results computed from it. */
export interface BuiltProject extends ProjectBuild {
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

/**
 * Runs the rules on a built project: one unit per whole-project rule and per file of a per-file rule,
 * each kept while what it read is unchanged and the project means the same; turns findings into
 * diagnostics (positions, suppressions, per-file ignores, findings in installed code moved to where
 * the user can act).
 */
export class RuleRunner {
  constructor(
    private readonly files: FileCache,
    private readonly settingChange: (project: DjangoProject, setting: string) => SettingChange | undefined,
  ) {}

  run(built: BuiltProject, entry: ProjectEntry, onlyRules: ((rule: Rule) => boolean) | undefined, held: string[]): EngineDiagnostic[] {
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
export function countHeld(held: string[]): ProjectCoverage['unverified'] {
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
