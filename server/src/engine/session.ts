import * as path from 'node:path';
import type { PythonParser } from '../syntax/tree';
import type { DjswapConfig } from './config';
import type { TextChange } from './files';
import { fixToFixpoint, type FixRun } from './fixes';
import type { FileSystem } from './fs';
import { Workspace, type AnalysisResult } from './workspace';

export interface FolderOptions {
  root: string;
  overrides: Partial<DjswapConfig>;
}

export type FileEvent = { file: string; type: 'created' | 'changed' | 'deleted' };

/**
 * What an editor session needs from the engine, without protocol types: one Workspace per
 * workspace folder, open documents routed to the folder that holds them.
 */
export class Session {
  private workspaces: Workspace[] = [];

  constructor(
    private readonly parser: PythonParser,
    private readonly fs?: FileSystem,
    private readonly env?: Record<string, string | undefined>,
  ) {}

  setFolders(folders: FolderOptions[]): void {
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
    this.workspaceFor(file)?.files.openDocument(file, text, version);
    if (isDiscoveryFile(file)) this.workspaceFor(file)?.rediscover();
  }

  change(file: string, changes: TextChange[] | { full: string }, version: number): void {
    const workspace = this.workspaceFor(file);
    workspace?.files.changeDocument(file, changes, version);
    if (workspace && isDiscoveryFile(file)) workspace.rediscover();
  }

  close(file: string): void {
    this.workspaceFor(file)?.files.closeDocument(file);
  }

  version(file: string): number | null {
    return this.workspaceFor(file)?.files.documentVersion(file) ?? null;
  }

  /** Files created, changed or deleted on disk. */
  fileEvents(events: FileEvent[]): void {
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
    const merged: AnalysisResult = { projects: [], diagnostics: [], notes: [] };
    for (const w of this.workspaces) {
      const result = w.analyze();
      // One by one: spreading 130,000 diagnostics or notes into push() overflows the call stack.
      for (const p of result.projects) merged.projects.push(p);
      for (const d of result.diagnostics) merged.diagnostics.push(d);
      for (const n of result.notes) merged.notes.push(n);
    }
    return merged;
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

function isDiscoveryFile(file: string): boolean {
  const base = path.basename(file);
  return base === 'manage.py' || base === 'pyproject.toml';
}
