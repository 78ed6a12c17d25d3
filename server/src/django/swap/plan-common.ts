import { splitKey, type MigrationKey } from '../graph';
import type { DjangoProject, SwappableState } from '../project';
import type { FieldState, ModelState } from './model-state';
import type { PlanDeployment, PlanStep } from './plan-data';

/** What every part of the planner works from. */
export interface PlanContext {
  project: DjangoProject;
  state: SwappableState;
  setting: string;
  from: string;
  to: string;
  fromState: ModelState;
  /**
   * Migrations of the old model's app, never applied, that change or delete it (a `makemigrations`
   * run after the setting changed writes a DeleteModel that would drop the table): the plan deletes them.
   */
  fromPending: MigrationKey[];
  /** The last migration of the old model's app that stays, and the number of the next one. */
  fromLeaf?: MigrationKey;
  fromNextNumber: string;
  /** The first line of every migration the plan writes: how a later plan recognises them. */
  header: string;
  /** Migrations a plan for this same change wrote (found by their first line). */
  ours: Set<MigrationKey>;
  /** True when the database read (or, without one, the assumption) has applied the migration. */
  applied(key: MigrationKey): boolean;
  historyKnown: boolean;
  /** The project-relative path of a file. */
  rel(file: string): string;
  notes: string[];
}

/** A reason the plan cannot be made safely: the planner's answer, not an error. */
export class NoSafePlan extends Error {}

/** The migration that makes the database record the change, on each database. */
export function migrateStep(): PlanStep {
  return { kind: 'command', argv: ['python', 'manage.py', 'migrate'], summary: 'Apply the migrations.' };
}

/** SQL that records migrations as applied without running them, once per database. */
export function recordStep(keys: MigrationKey[], why: string): PlanStep {
  const statements = keys.map((key) => {
    const [app, name] = splitKey(key);
    const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
    return `INSERT INTO django_migrations (app, name, applied) SELECT ${quoted(app)}, ${quoted(name)}, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM django_migrations WHERE app = ${quoted(app)} AND name = ${quoted(name)});`;
  });
  return { kind: 'sql', sqlite: statements, postgresql: statements, summary: why };
}

export function deployment(title: string, why: string, done: boolean, steps: PlanStep[]): PlanDeployment {
  return { title, why, done, steps };
}

/** The next free migration number after these migrations: `0003` after `0002_x`. */
export function nextNumber(keys: MigrationKey[]): string {
  let highest = 0;
  for (const key of keys) {
    const number = /^(\d+)_/.exec(splitKey(key)[1]);
    if (number) highest = Math.max(highest, Number(number[1]));
  }
  return String(highest + 1).padStart(4, '0');
}

/** The dependencies a migration creating these fields needs (as `makemigrations` would write them). */
export function fieldDependencies(context: PlanContext, fields: FieldState[], ownApp: string): ({ app: string; name: string } | { setting: string })[] {
  const out: ({ app: string; name: string } | { setting: string })[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    if (!f.target) continue;
    if ('setting' in f.target) {
      const setting = f.target.setting;
      const target = context.project.swappable(setting);
      // Settings read through a package's helper (oauth2_settings) have no Django setting to name.
      if (setting === context.setting || !target || (target.spec && target.spec.reference.object !== 'django.conf.settings')) continue;
      if (!seen.has(setting)) out.push({ setting });
      seen.add(setting);
      continue;
    }
    const app = f.target.label.split('.')[0];
    if (!f.target.label.includes('.') || app === ownApp || seen.has(app)) continue;
    const leaf = context.project.graph.leafNodes(app)[0];
    if (leaf) out.push({ app, name: splitKey(leaf)[1] });
    seen.add(app);
  }
  return out;
}

/** The first line of the migrations a plan writes for this change. */
export function planHeader(setting: string, from: string, to: string): string {
  return `# Written by djswap plan for ${setting}: ${from} -> ${to}.`;
}
