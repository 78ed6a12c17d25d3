import * as path from 'node:path';
import type { SourceTree } from '../django/source';
import { ConfigError, djswapTable, readPyproject, type DjswapConfig } from './config';
import type { WorkspaceScan } from './discovery';

/** The `[tool.djswap]` configuration of each folder of a workspace, and the folders around a place in it. */
export class FolderConfigs {
  private readonly configs = new Map<string, Partial<DjswapConfig> | undefined>();

  constructor(
    private readonly scan: WorkspaceScan,
    private readonly tree: SourceTree,
    /** A path as notes show it. */
    private readonly show: (file: string) => string,
    /** Where notes for the user go (a broken pyproject.toml in a sub-folder). */
    private readonly notes: string[],
  ) {}

  pyprojectDocument(file: string): Record<string, unknown> | undefined {
    const text = this.tree.text?.(file);
    if (text === undefined) return undefined;
    try {
      return readPyproject(text, this.show(file));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // A broken file in a sub-folder (a template, a fixture) is that folder's problem, not the run's.
      if (path.dirname(file) === this.scan.root) throw error;
      this.notes.push(`${error.message}; its settings were not read`);
      return undefined;
    }
  }

  /** `[tool.djswap]` of the pyproject.toml in a folder, if any. */
  configAt(dir: string): Partial<DjswapConfig> | undefined {
    if (this.configs.has(dir)) return this.configs.get(dir);
    const file = path.join(dir, 'pyproject.toml');
    let config: Partial<DjswapConfig> | undefined;
    if (this.scan.pyprojects.includes(file)) {
      const document = this.pyprojectDocument(file);
      if (document) config = djswapTable(document, this.show(file));
    }
    this.configs.set(dir, config);
    return config;
  }

  /** The nearest `[tool.djswap]` at or above a folder, inside the workspace. */
  nearestConfig(dir: string): Partial<DjswapConfig> {
    for (let current = dir; ; current = path.dirname(current)) {
      const config = this.configAt(current);
      if (config) return config;
      if (current === this.scan.root || path.dirname(current) === current || !within(current, this.scan.root)) return {};
    }
  }

  /** Folders above `dir`, up to the workspace root. */
  ancestors(dir: string): string[] {
    const out: string[] = [];
    for (let current = path.dirname(dir); within(current, this.scan.root) && current !== dir; current = path.dirname(current)) {
      out.push(current);
      if (current === this.scan.root || path.dirname(current) === current) break;
    }
    return out;
  }

  /** The nearest folder at or above `dir` that holds a repository's packaging or VCS files; else the workspace root. */
  repositoryRootOf(dir: string): string {
    for (let current = dir; within(current, this.scan.root); current = path.dirname(current)) {
      for (const marker of ['pyproject.toml', 'setup.py', 'setup.cfg', '.git']) if (this.tree.kind(path.join(current, marker)) !== undefined) return current;
      if (current === this.scan.root || path.dirname(current) === current) break;
    }
    return this.scan.root;
  }
}

export function within(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
