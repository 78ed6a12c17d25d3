import type { MigrationKey } from '../graph';
import type { OperationFacts } from '../migrations';
import { sameLabel, type MigrationInfo } from '../project';
import { NoSafePlan, type PlanContext } from './plan-common';
import type { PlanStep } from './plan-data';

/** Migrations that declare a swappable dependency on the setting: they depend on its model's app once it changes. */
export function dependentsOf(context: PlanContext): MigrationKey[] {
  const { project, setting } = context;
  const out = new Set<MigrationKey>();
  for (const migration of project.migrations.values()) {
    const declared =
      (migration.dependencies?.entries ?? []).some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === setting) ||
      (migration.known?.dependencies ?? []).includes(`setting:${setting}`);
    if (!declared) continue;
    const key = project.graph.canonical(migration.key);
    if (key) out.add(key);
  }
  return [...out].sort();
}

/** Relation fields in migrations that name the old model by label instead of through the setting. */
export function hardReferences(context: PlanContext): string[] {
  const { project, from, fromState } = context;
  const out: string[] = [];
  for (const migration of project.migrations.values()) {
    if (migration.origin !== 'workspace') continue;
    for (const { model, field, relation } of migration.relations ?? []) {
      if (relation.target.kind !== 'label') continue;
      const label = relation.target.label.includes('.') ? relation.target.label : `${migration.app}.${relation.target.label}`;
      const self = migration.app === fromState.app && model.toLowerCase() === fromState.name.toLowerCase();
      if (!self && sameLabel(label, from)) out.push(`${migration.key} (${model}.${field})`);
    }
  }
  return out;
}

/** What `swappable_dependency(settings.X)` resolves to: the first migration of the app X names. */
export function keyOfSetting(context: PlanContext, setting: string): MigrationKey | undefined {
  const value = context.project.swappable(setting)?.value;
  return value ? context.project.graph.rootNodes(value.split('.')[0])[0] : undefined;
}

/** Operations of a migration that concern something else than the model (by name). */
export function pendingOperationsOn(migration: MigrationInfo, model: string): string[] {
  const out: string[] = [];
  const lower = model.toLowerCase();
  const visit = (ops: OperationFacts[]) => {
    for (const op of ops) {
      if (op.kind === 'CreateModel' || op.kind === 'AddField' || op.kind === 'AlterField' || op.kind === 'DeleteModel') {
        if (op.model.toLowerCase() !== lower) out.push(`${op.kind} ${op.model}`);
      } else if (op.kind === 'SeparateDatabaseAndState') {
        visit(op.state);
        visit(op.database);
      } else out.push(op.kind === 'other' ? op.name : op.kind);
    }
  };
  visit(migration.operations ?? []);
  return out;
}


/** Delete steps for the old model's app's migrations that were never applied and change or delete the model. */
export function pendingDeletes(context: PlanContext): PlanStep[] {
  const { project, fromState, from } = context;
  return context.fromPending.map((key) => {
    const migration = project.migrations.get(key);
    const other = migration ? pendingOperationsOn(migration, fromState.name) : ['?'];
    if (!migration?.file || other.length > 0) throw new NoSafePlan(`${key} was never applied and changes ${from}, but also does ${other.join(', ')}: remove it yourself (keep the rest in a new migration), then plan again.`);
    const drops = (migration.operations ?? []).some((op) => op.kind === 'DeleteModel');
    return {
      kind: 'edit' as const,
      file: context.rel(migration.file),
      delete: true as const,
      summary: `${key} was never applied${drops ? `, and applying it would drop ${fromState.table} with ${from}'s rows` : ''}: the plan's migration replaces it.`,
    };
  });
}
