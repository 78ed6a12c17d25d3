import * as path from 'node:path';
import type { PythonParser } from '../syntax/tree';
import type { DjswapConfig } from './config';
import { declarationAt, definitionAt, hoverAt, type HoverInfo, type NavigationContext } from './navigation';
import { buildSwapPlan, choosePlanSetting, planMarkdown } from './plan';
import type { SwapPlan } from '../django/swap/plan-data';
import { buildGraphView, toSvg, type GraphView } from './graph-view';
import type { EngineRange } from './workspace';
import type { TextChange } from './files';
import { fixToFixpoint, type FixRun } from './fixes';
import type { FileSystem } from './fs';
import { Workspace, type AnalysisResult } from './workspace';
import { ConfigError } from './config';
import { scanWorkspace } from './discovery';
import { settingsCandidates, type SettingsCandidate } from './settings-candidates';
import { isDiscoveryFile } from './watch';

export interface FolderOptions {
  root: string;
  overrides: Partial<DjswapConfig>;
}

export type FileEvent = { file: string; type: 'created' | 'changed' | 'deleted' };

/**
 * What an editor session needs from the engine, without protocol types: one Workspace per
 * workspace folder, open documents routed to the folder that holds them.
 */
export interface SessionTarget {
  file: string;
  range: EngineRange;
}

export class Session {
  private workspaces: Workspace[] = [];
  /** Bumped by every change; the last analysis is reused while it stands. */
  private generation = 0;
  private last?: { generation: number; result: AnalysisResult };

  constructor(
    private readonly parser: PythonParser,
    private readonly fs?: FileSystem,
    private readonly env?: Record<string, string | undefined>,
  ) {}

  setFolders(folders: FolderOptions[]): void {
    this.generation++;
    const previous = new Map(this.workspaces.map((w) => [w.roots[0], w]));
    this.workspaces = folders.map((folder) => {
      const existing = previous.get(folder.root);
      if (existing) {
        existing.setOverrides(folder.overrides);
        return existing;
      }
      return new Workspace({ roots: [folder.root], parser: this.parser, fs: this.fs, overrides: folder.overrides, env: this.env });
    });
  }

  get folders(): Workspace[] {
    return this.workspaces;
  }

  workspaceFor(file: string): Workspace | undefined {
    let best: Workspace | undefined;
    for (const w of this.workspaces) {
      const relative = path.relative(w.roots[0], file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      if (!best || w.roots[0].length > best.roots[0].length) best = w;
    }
    return best;
  }

  open(file: string, text: string, version: number): void {
    this.generation++;
    this.workspaceFor(file)?.files.openDocument(file, text, version);
    if (isDiscoveryFile(file)) this.workspaceFor(file)?.rediscover();
  }

  change(file: string, changes: TextChange[] | { full: string }, version: number): void {
    this.generation++;
    const workspace = this.workspaceFor(file);
    workspace?.files.changeDocument(file, changes, version);
    if (workspace && isDiscoveryFile(file)) workspace.rediscover();
  }

  close(file: string): void {
    this.generation++;
    this.workspaceFor(file)?.files.closeDocument(file);
  }

  /** A file's text as the editor has it (open buffers over the disk); undefined when missing. */
  text(file: string): string | undefined {
    return (this.workspaceFor(file) ?? this.workspaces[0])?.files.text(file);
  }

  version(file: string): number | null {
    return this.workspaceFor(file)?.files.documentVersion(file) ?? null;
  }

  /** Files created, changed or deleted on disk. */
  fileEvents(events: FileEvent[]): void {
    this.generation++;
    for (const event of events) {
      const workspace = this.workspaceFor(event.file);
      if (!workspace) continue;
      if (!workspace.files.isOpen(event.file)) workspace.files.invalidate(event.file);
      // New folders and files change listings and discovery; a changed manage.py or pyproject too.
      if (event.type !== 'changed' || isDiscoveryFile(event.file)) workspace.rediscover();
      // A deleted folder takes what was cached under it along.
      if (event.type === 'deleted') workspace.files.invalidateTree(event.file);
    }
  }

  analyze(): AnalysisResult {
    const generation = this.generation;
    const merged: AnalysisResult = { projects: [], diagnostics: [], notes: [] };
    for (const w of this.workspaces) {
      const result = w.analyze();
      // One by one: spreading 130,000 diagnostics or notes into push() overflows the call stack.
      for (const p of result.projects) merged.projects.push(p);
      for (const d of result.diagnostics) merged.diagnostics.push(d);
      for (const n of result.notes) merged.notes.push(n);
    }
    this.last = { generation, result: merged };
    return merged;
  }

  async loadHistories(): Promise<void> {
    for (const w of this.workspaces) await w.loadHistories();
    this.generation++;
  }

  async prewarm(report: (done: number, total: number) => void): Promise<void> {
    let offset = 0;
    for (const w of this.workspaces) {
      let last = 0;
      await w.prewarm((done, total) => {
        last = total;
        report(offset + done, offset + total);
      });
      offset += last;
    }
  }

  /** The analysis of the current state: the last one when nothing changed since. */
  current(): AnalysisResult {
    return this.last && this.last.generation === this.generation ? this.last.result : this.analyze();
  }

  private navigation(file: string): NavigationContext | undefined {
    const workspace = this.workspaceFor(file);
    const parsed = workspace?.files.parse(file);
    if (!workspace || !parsed) return undefined;
    const result = this.current();
    const owner =
      result.projects.find((p) => p.project.files.has(file)) ??
      result.projects.filter((p) => !path.relative(p.config.root, file).startsWith('..')).sort((a, b) => b.config.root.length - a.config.root.length)[0];
    if (!owner) return undefined;
    return { project: owner.project, file: parsed, parse: (f) => workspace.files.parse(f), diagnostics: result.diagnostics.filter((d) => d.file === file) };
  }

  hover(file: string, offset: number): (HoverInfo & { range: EngineRange }) | undefined {
    const context = this.navigation(file);
    const hover = context ? hoverAt(context, offset) : undefined;
    return hover && context ? { ...hover, range: { start: context.file.lines.position(hover.span.start), end: context.file.lines.position(hover.span.end) } } : undefined;
  }

  definition(file: string, offset: number): SessionTarget[] {
    const context = this.navigation(file);
    return context ? this.targets(definitionAt(context, offset)) : [];
  }

  declaration(file: string, offset: number): SessionTarget[] {
    const context = this.navigation(file);
    return context ? this.targets(declarationAt(context, offset)) : [];
  }

  /** The plan for changing a swappable setting, for the project that holds `file` (or the first one). */
  plan(options: { file?: string; setting?: string; target?: string; from?: string }): { plan: SwapPlan; markdown: string; root: string } | undefined {
    const result = this.current();
    const owner =
      (options.file ? result.projects.find((p) => p.project.files.has(options.file!) || !path.relative(p.config.root, options.file!).startsWith('..')) : undefined) ?? result.projects[0];
    if (!owner) return undefined;
    const setting = options.setting ?? choosePlanSetting(owner.project);
    const workspace = this.workspaceFor(owner.config.root) ?? this.workspaces[0];
    const plan = buildSwapPlan(owner.project, { setting, target: options.target, from: options.from, change: workspace?.settingChange(owner.project, setting, { removals: true }) });
    return { plan, markdown: planMarkdown(plan), root: owner.config.root };
  }

  /** The migration graph around what `file` is (a migration, an app), rendered to SVG. */
  async graph(options: { file?: string; app?: string; around?: string; depth?: number }): Promise<{ view: GraphView; svg: string } | undefined> {
    const result = this.current();
    const owner =
      (options.file ? result.projects.find((p) => p.project.files.has(options.file!) || !path.relative(p.config.root, options.file!).startsWith('..')) : undefined) ?? result.projects[0];
    if (!owner) return undefined;
    const { project } = owner;
    let { app, around } = options;
    if (!app && !around && options.file) {
      around = project.migrationOfFile(options.file)?.key;
      if (!around) app = project.appOfFile(options.file)?.label;
    }
    const view = buildGraphView(project, result.diagnostics, { app, around, depth: options.depth ?? 2 });
    return { view, svg: await toSvg(view) };
  }

  /**
   * Settings modules the user may choose, per workspace folder: those the projects use and name,
   * then the settings files of the folder. A broken configuration still lets the files be proposed.
   */
  settingsCandidates(): SettingsCandidate[] {
    let projects: AnalysisResult['projects'] = [];
    try {
      projects = this.current().projects;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
    const out: SettingsCandidate[] = [];
    for (const workspace of this.workspaces) {
      const root = workspace.roots[0];
      const coverage = projects.filter((p) => this.workspaceFor(p.config.root) === workspace).map((p) => p.summary.coverage);
      const show = (file: string) => path.relative(root, file).split(path.sep).join('/');
      for (const candidate of settingsCandidates(scanWorkspace(workspace.fs, root), coverage, show)) out.push(candidate);
    }
    return out;
  }

  private targets(list: { file: string; span: { start: number; end: number } }[]): SessionTarget[] {
    const out: SessionTarget[] = [];
    for (const t of list) {
      const parsed = this.workspaceFor(t.file)?.files.parse(t.file);
      if (parsed) out.push({ file: t.file, range: { start: parsed.lines.position(t.span.start), end: parsed.lines.position(t.span.end) } });
    }
    return out;
  }

  /**
   * Safe (or also unsafe) fixes for one file, to a fixpoint, without touching what the editor
   * shows: the result is the file's text before and after.
   */
  fixAllInFile(file: string, options: { unsafe: boolean; codes?: Set<string> }): { before: string; after: string } | undefined {
    const workspace = this.workspaceFor(file);
    if (!workspace) return undefined;
    const run = scratch(workspace, () => fixToFixpoint(workspace, { unsafe: options.unsafe, files: new Set([file]), codes: options.codes }));
    return run.changed.get(file);
  }

  fixAllInWorkspace(options: { unsafe: boolean }): Map<string, { before: string; after: string }> {
    const out = new Map<string, { before: string; after: string }>();
    for (const workspace of this.workspaces) {
      const run = scratch(workspace, () => fixToFixpoint(workspace, { unsafe: options.unsafe }));
      for (const [file, change] of run.changed) out.set(file, change);
    }
    return out;
  }
}

function scratch(workspace: Workspace, work: () => FixRun): FixRun {
  const snapshot = workspace.files.snapshotDocuments();
  const run = work();
  workspace.files.restoreDocuments(snapshot, run.changed.keys());
  return run;
}

