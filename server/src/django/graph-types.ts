/** The data a migration graph is built from and made of: keys, edges, inputs, problems. */

export type MigrationKey = string; // "app.name"

export const keyOf = (app: string, name: string): MigrationKey => `${app}.${name}`;

export function splitKey(key: MigrationKey): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** Why an edge exists: each points back to the entry that declared it. */
export interface EdgeOrigin {
  kind: 'dependency' | 'swappable' | 'run_before';
  /** The migration whose file declares the edge. */
  declaredIn: MigrationKey;
  /** Index of the entry in its list. */
  index: number;
  /** For swappable dependencies: the setting that produced it. */
  setting?: string;
  /** `__first__` / `__latest__` entries resolve to a concrete node; this is what was written. */
  written: MigrationKey;
}

export interface GraphNodeInput {
  app: string;
  name: string;
  /** Dependencies, already resolved from settings where they are swappable; null where unknown. */
  dependencies: ({ key: MigrationKey; kind: 'dependency' | 'swappable'; setting?: string } | null)[];
  runBefore: (MigrationKey | null)[];
  replaces: MigrationKey[];
  /** Its dependencies are not all known (`[...] + app_settings.EXTRA`): edges may be missing. */
  partial?: boolean;
}

export type GraphProblem =
  | { kind: 'missing-parent'; origin: MigrationKey; missing: MigrationKey; index: number; message: string }
  | { kind: 'missing-child'; origin: MigrationKey; missing: MigrationKey; index: number; message: string }
  | { kind: 'unmigrated-dependency'; origin: MigrationKey; app: string; index: number; via: 'dependency' | 'run_before'; reason: 'no-migrations' | 'unknown-app' | 'unmigrated'; message: string }
  | { kind: 'cycle'; members: MigrationKey[]; message: string }
  | { kind: 'conflict'; app: string; leaves: MigrationKey[]; message: string };

export interface GraphOptions {
  /** Apps whose migrations are known: every migration of theirs is a node. */
  migratedApps: Set<string>;
  /** Installed apps without a migrations package. */
  unmigratedApps: Set<string>;
  /**
   * Apps installed but whose migrations are not known (third-party packages outside the workspace):
   * references into them are not validated.
   */
  opaqueApps: Set<string>;
  /** Known apps whose migration list may be older than the installed version. */
  mayHaveNewerMigrations?: Set<string>;
  /** Applied migrations (from a database or showmigrations), for squashed-migration handling. */
  applied?: Set<MigrationKey>;
}

/** A node of the graph with its edges both ways. */
export interface GraphNode {
  key: MigrationKey;
  app: string;
  name: string;
  parents: Set<MigrationKey>;
  children: Set<MigrationKey>;
}
