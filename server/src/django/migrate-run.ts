/**
 * What `migrate` does on an empty database, operation by operation: the executor applies the full
 * plan (graph.migrationPlan), and each operation first updates the migration state
 * (state_forwards), then the database (database_forwards). A relation field whose target model is
 * not in the state yet cannot be given a column: schema_editor.create_model / add_field fail with
 * `ValueError: Related model 'app.model' cannot be resolved`. Models that are proxies, unmanaged, or
 * swapped out in the historical state (their CreateModel has `options={"swappable": X}` and X names
 * another model) get no table, so their relation fields need nothing
 * (Operation.allow_migrate_model → Options.can_migrate).
 */
import { splitKey, type MigrationKey } from './graph';
import type { KnownRelation } from './knowledge';
import type { OperationFacts } from './migrations';
import { swapperSettingName } from './models';
import { sameLabel, type DjangoProject, type MigrationInfo } from './project';
import type { RelationCall, RelationKind, RelationTarget } from './references';

/** How a relation field names its target. */
export type RelationVia = { kind: 'setting'; setting: string } | { kind: 'label'; label: string };

/** A relation field `migrate` creates, whose target model was created elsewhere. */
export interface OrderedRelation {
  /** The migration whose operation creates the field. */
  consumer: MigrationKey;
  /** The operation's index in the consumer's operations (top level). */
  operation: number;
  /** The model that holds the field, as the operation names it. */
  model: string;
  field: string;
  /** Where the field is written, when the consumer is a file djswap read. */
  relation?: RelationCall;
  /** The model the field points at, in force ("tokens.Application"). */
  target: string;
  via: RelationVia;
  kind: RelationKind;
  /** The migration whose CreateModel puts the target in the state, and that operation's index. */
  creator: MigrationKey;
  creatorOperation: number;
  /** The graph orders the consumer after the creator (or, in one migration, the operations are in order). */
  ordered: boolean;
  /** Whether the consumer or one of its ancestors has dependencies djswap could not read. */
  orderUnknown: boolean;
  /** `migrate` reaches the field before the target exists: it fails here, unless it failed earlier. */
  failsNow: boolean;
  /** The first failure of the plan: the error `migrate` on an empty database stops with. */
  first: boolean;
  /** The outcome depends on the release of a package: what each release does. */
  release?: string;
}

export interface MigrateRun {
  /** Relations that nothing in the graph orders after their target's CreateModel, in plan order. */
  unordered: OrderedRelation[];
  /** Why the run was not simulated: Django fails before migrating anything. */
  skipped?: string;
}

/** A model operation reduced to what the run needs. */
interface StepOperation {
  kind: 'create' | 'field' | 'delete' | 'rename';
  model: string;
  renamedTo?: string;
  fields: { field: string; target: RelationTarget | KnownRelation['target']; relation?: RelationCall; kind: RelationKind }[];
  /** Only for create: the historical model's swappable setting; 'unknown' when it cannot be read. */
  swappable?: string | 'unknown';
  noTable?: boolean;
  /** The operation changes the state only (SeparateDatabaseAndState's state_operations). */
  stateOnly?: boolean;
  /** The operation touches the database only (SeparateDatabaseAndState's database_operations). */
  databaseOnly?: boolean;
  index: number;
}

interface HistoricalModel {
  label: string;
  creator: MigrationKey;
  creatorOperation: number;
  swappable?: string | 'unknown';
  noTable?: boolean;
}

/** What `migrate` does on an empty database with this project (the project computes it once, when first asked). */
export function migrateRun(project: DjangoProject): MigrateRun {
  return project.migrateRun;
}

export function simulateMigrate(project: DjangoProject): MigrateRun {
  const blocking = project.graph.problems.find(
    (p) =>
      p.kind === 'cycle' ||
      p.kind === 'missing-parent' ||
      p.kind === 'missing-child' ||
      p.kind === 'conflict' ||
      (p.kind === 'unmigrated-dependency' && p.reason !== 'unmigrated'),
  );
  if (blocking) return { unordered: [], skipped: `Django stops before migrating: ${blocking.message}` };
  const stepsOf = new Map<MigrationKey, StepOperation[]>();
  for (const [key, migration] of project.migrations) if (project.graph.nodes.has(key)) stepsOf.set(key, operationsOf(migration));
  const newest = runPlan(project, stepsOf, new Set());
  // Migrations a package added in a later release, which reorder the plan: the project may run an
  // older one. What differs between the two is said, not claimed.
  const older = olderRelease(project);
  if (!older) return { unordered: newest };
  const before = runPlan(project, stepsOf, older.excluded);
  const id = (r: OrderedRelation) => `${r.consumer}|${r.operation}|${r.model}|${r.field}`;
  const beforeById = new Map(before.map((r) => [id(r), r]));
  const newestIds = new Set(newest.map(id));
  const describe = (r: OrderedRelation | undefined) =>
    !r ? 'it is ordered' : r.first ? `\`migrate\` fails here (\`${cannotResolveText(r.target, r.kind)}\`)` : r.failsNow ? 'it would fail here once past an earlier failure' : 'it works only by the order of the app labels';
  const combined: OrderedRelation[] = [];
  for (const r of [...newest, ...before.filter((b) => !newestIds.has(id(b)))]) {
    const other = newestIds.has(id(r)) ? beforeById.get(id(r)) : undefined;
    const inNewest = newestIds.has(id(r)) ? r : undefined;
    const inOlder = newestIds.has(id(r)) ? other : r;
    if (inNewest && inOlder && inNewest.first === inOlder.first && inNewest.failsNow === inOlder.failsNow) {
      combined.push(inNewest);
      continue;
    }
    // The milder outcome is the one that holds for every release.
    const first = (inNewest?.first ?? false) && (inOlder?.first ?? false);
    const failsNow = (inNewest?.failsNow ?? false) && (inOlder?.failsNow ?? false);
    combined.push({
      ...r,
      first,
      failsNow,
      release: `with ${older.package} ${older.since} or later ${describe(inNewest)}; with an earlier release ${describe(inOlder)}`,
    });
  }
  return { unordered: combined };
}

/**
 * Django's text when a relation's target is not in the state: a ForeignKey's lazy reference is the
 * lower-cased label, a ManyToManyField's through model keeps the label as written.
 */
export function cannotResolveText(target: string, kind: RelationKind): string {
  return `ValueError: Related model '${kind === 'ManyToManyField' ? target : target.toLowerCase()}' cannot be resolved`;
}

/** The known migrations a package added in its newest releases, when the project may run an older one. */
function olderRelease(project: DjangoProject): { excluded: Set<MigrationKey>; package: string; since: string } | undefined {
  const excluded = new Set<MigrationKey>();
  let found: { package: string; since: string } | undefined;
  for (const migration of project.migrations.values()) {
    const since = migration.known?.since;
    if (!since || !project.graph.nodes.has(migration.key)) continue;
    excluded.add(migration.key);
    found ??= { package: project.appsByLabel.get(migration.app)?.known?.package ?? migration.app, since };
  }
  if (!found) return undefined;
  // A migration of the project that depends on one of them needs that release.
  for (const key of project.graph.nodes.keys()) {
    if (excluded.has(key)) continue;
    if (project.graph.parents(key).some((p) => excluded.has(p) && project.migrations.get(key)?.origin !== 'builtin')) return undefined;
  }
  return { excluded, ...found };
}

/** The relations of one plan that nothing orders after their target's CreateModel, in plan order. */
function runPlan(project: DjangoProject, stepsOf: Map<MigrationKey, StepOperation[]>, excluded: Set<MigrationKey>): OrderedRelation[] {
  const plan = excluded.size === 0 ? project.graph.migrationPlan() : project.graph.planWithout(excluded);
  // Where each model is created first, in plan order: the creator a relation waits for.
  const creators = new Map<string, { key: MigrationKey; index: number }>();
  for (const key of plan) {
    const [app] = splitKey(key);
    for (const step of stepsOf.get(key) ?? []) {
      if (step.kind !== 'create' || step.databaseOnly) continue;
      const label = lower(`${app}.${step.model}`);
      if (!creators.has(label)) creators.set(label, { key, index: step.index });
    }
  }
  const state = new Map<string, HistoricalModel>();
  const ancestorsOf = new Map<MigrationKey, Set<MigrationKey>>();
  const ancestors = (key: MigrationKey) => {
    let set = ancestorsOf.get(key);
    if (!set) ancestorsOf.set(key, (set = excluded.size === 0 ? project.graph.ancestors(key) : ancestorsWithout(project, key, excluded)));
    return set;
  };
  // Dependencies djswap cannot read, or swappable ones on a setting whose value it does not know.
  const partialKeys = new Set(
    [...project.migrations.values()]
      .filter(
        (m) =>
          m.dependencies?.partial ||
          m.runBefore?.partial ||
          (m.dependencies?.entries ?? []).some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && project.resolveDependency(e) === null) ||
          (m.known?.dependencies ?? []).some((d) => d.startsWith('setting:') && project.swappable(d.slice('setting:'.length))?.value === undefined),
      )
      .map((m) => m.key),
  );
  const orderUnknown = (key: MigrationKey) => partialKeys.has(key) || [...ancestors(key)].some((a) => partialKeys.has(a));
  const unordered: OrderedRelation[] = [];
  let failed = false;

  for (const key of plan) {
    const [app] = splitKey(key);
    for (const step of stepsOf.get(key) ?? []) {
      const label = lower(`${app}.${step.model}`);
      if (step.kind === 'delete') {
        if (!step.databaseOnly) state.delete(label);
        continue;
      }
      if (step.kind === 'rename') {
        const model = state.get(label);
        if (model && step.renamedTo && !step.databaseOnly) {
          state.delete(label);
          state.set(lower(`${app}.${step.renamedTo}`), { ...model, label: `${app}.${step.renamedTo}` });
        }
        continue;
      }
      if (step.kind === 'create' && !step.databaseOnly) {
        state.set(label, { label: `${app}.${step.model}`, creator: key, creatorOperation: step.index, swappable: step.swappable, noTable: step.noTable });
      }
      if (step.stateOnly) continue;
      const holder = state.get(label) ?? (step.kind === 'create' ? { label, creator: key, creatorOperation: step.index, swappable: step.swappable, noTable: step.noTable } : undefined);
      if (!holder || !hasTable(project, holder)) continue;
      for (const field of step.fields) {
        const resolved = resolveTarget(project, field.target, app, step.model);
        if (!resolved) continue;
        const targetApp = project.appsByLabel.get(resolved.label.split('.')[0]);
        // Unmigrated apps' models are in the state from the start; unread apps prove nothing.
        if (!targetApp || (targetApp.migrations !== 'package' && targetApp.migrations !== 'known')) continue;
        const existing = state.get(lower(resolved.label));
        const creator = existing ? { key: existing.creator, index: existing.creatorOperation } : creators.get(lower(resolved.label));
        if (!creator) continue;
        const sameMigration = creator.key === key;
        const ordered = sameMigration ? creator.index <= step.index : ancestors(key).has(creator.key);
        if (ordered && existing) continue;
        const failsNow = !existing;
        unordered.push({
          consumer: key,
          operation: step.index,
          model: step.model,
          field: field.field,
          relation: field.relation,
          target: existing?.label ?? resolved.label,
          via: resolved.via,
          kind: field.kind,
          creator: creator.key,
          creatorOperation: creator.index,
          ordered,
          orderUnknown: !sameMigration && orderUnknown(key),
          failsNow,
          first: failsNow && !failed,
        });
        if (failsNow) failed = true;
      }
    }
  }
  return unordered;
}

function ancestorsWithout(project: DjangoProject, key: MigrationKey, excluded: Set<MigrationKey>): Set<MigrationKey> {
  const seen = new Set<MigrationKey>();
  const stack = project.graph.parents(key).filter((p) => !excluded.has(p));
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const p of project.graph.parents(next)) if (!excluded.has(p) && !seen.has(p)) stack.push(p);
  }
  return seen;
}

function lower(label: string): string {
  return label.toLowerCase();
}

/** Whether `migrate` gives the historical model a table (Options.can_migrate); false when unknown. */
function hasTable(project: DjangoProject, model: HistoricalModel): boolean {
  if (model.noTable) return false;
  if (model.swappable === 'unknown') return false;
  if (!model.swappable) return true;
  const value = project.swappable(model.swappable)?.value ?? settingString(project, model.swappable);
  if (value === undefined) return false;
  return sameLabel(value, model.label);
}

function settingString(project: DjangoProject, setting: string): string | undefined {
  const assignment = project.settings.values.get(setting);
  return assignment?.value.kind === 'str' ? assignment.value.value : undefined;
}

/** The label a relation target stands for under the settings in force. */
function resolveTarget(
  project: DjangoProject,
  target: RelationTarget | KnownRelation['target'],
  app: string,
  model: string,
): { label: string; via: RelationVia } | undefined {
  if ('setting' in target && !('kind' in target)) return settingTarget(project, target.setting);
  if ('label' in target && !('kind' in target)) return { label: target.label, via: { kind: 'label', label: target.label } };
  const written = target as RelationTarget;
  switch (written.kind) {
    case 'setting':
      return settingTarget(project, written.setting, written.defaultLabel);
    case 'swapper': {
      const setting = swapperSettingName(written.app, written.model);
      return settingTarget(project, setting, `${written.app}.${written.model}`);
    }
    case 'label': {
      if (written.label === 'self') return { label: `${app}.${model}`, via: { kind: 'label', label: written.label } };
      const label = written.label.includes('.') ? written.label : `${app}.${written.label}`;
      return label.split('.').length === 2 ? { label, via: { kind: 'label', label: written.label } } : undefined;
    }
    default:
      return undefined;
  }
}

function settingTarget(project: DjangoProject, setting: string, fallback?: string): { label: string; via: RelationVia } | undefined {
  const state = project.swappable(setting);
  const value = state ? (state.value ?? undefined) : (settingString(project, setting) ?? fallback);
  if (!value || value.split('.').length !== 2) return undefined;
  return { label: value, via: { kind: 'setting', setting } };
}

/** The model operations of a migration, from its file or from what is known of its release. */
function operationsOf(migration: MigrationInfo): StepOperation[] {
  if (migration.known) {
    const known = migration.known;
    if (known.operations) {
      return known.operations.map((op, index) => ({
        kind: op.kind === 'CreateModel' ? 'create' : 'field',
        model: op.model,
        fields: op.relations.map((r) => ({ field: r.field, target: r.target, kind: r.kind ?? 'ForeignKey' })),
        swappable: op.kind === 'CreateModel' ? op.swappable : undefined,
        index,
      }));
    }
    // Created there, fields not known: the model exists, nothing is checked.
    return (known.creates ?? []).map((model, index) => ({ kind: 'create', model, fields: [], swappable: 'unknown', index }));
  }
  const out: StepOperation[] = [];
  const add = (op: OperationFacts, index: number, flags: Pick<StepOperation, 'stateOnly' | 'databaseOnly'>) => {
    switch (op.kind) {
      case 'CreateModel':
        out.push({
          kind: 'create',
          model: op.model,
          fields: op.fields.flatMap((f) => (f.relation ? [{ field: f.name, target: f.relation.target, relation: f.relation, kind: f.relation.kind }] : [])),
          swappable: op.optionsUnknown ? 'unknown' : op.swappable?.setting,
          noTable: op.noTable,
          index,
          ...flags,
        });
        break;
      case 'AddField':
      case 'AlterField':
        if (op.field.relation) out.push({ kind: 'field', model: op.model, fields: [{ field: op.field.name, target: op.field.relation.target, relation: op.field.relation, kind: op.field.relation.kind }], index, ...flags });
        break;
      case 'DeleteModel':
        out.push({ kind: 'delete', model: op.model, fields: [], index, ...flags });
        break;
      case 'RenameModel':
        out.push({ kind: 'rename', model: op.from, renamedTo: op.to, fields: [], index, ...flags });
        break;
      case 'SeparateDatabaseAndState':
        for (const inner of op.state) add(inner, index, { stateOnly: true });
        for (const inner of op.database) add(inner, index, { databaseOnly: true });
        break;
    }
  };
  (migration.operations ?? []).forEach((op, index) => add(op, index, {}));
  return out;
}

/** What the migration that creates a model says about it in the historical state. */
export interface HistoricalCreation {
  label: string;
  creator: MigrationKey;
  creatorOperation: number;
  /** The CreateModel's swappable option: a setting, none (undefined), or 'unknown'. */
  swappable?: string | 'unknown';
}

/**
 * Every model's CreateModel, by lower-case label: the first one in graph order. A model whose
 * CreateModel has no `swappable` option is never swapped out in the migration state, whatever the
 * settings say: `apps.get_model()` in a data migration returns it with its table.
 */
export function historicalCreations(project: DjangoProject): Map<string, HistoricalCreation> {
  return project.historicalCreations;
}

export function readHistoricalCreations(project: DjangoProject): Map<string, HistoricalCreation> {
  const map = new Map<string, HistoricalCreation>();
  const keys = [...project.migrations.keys()].sort();
  const live = keys.filter((key) => project.graph.nodes.has(key));
  const plan = project.graph.migrationPlan();
  const position = new Map(plan.map((key, index) => [key, index]));
  live.sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity));
  for (const key of live) {
    const migration = project.migrations.get(key)!;
    for (const step of operationsOf(migration)) {
      if (step.kind !== 'create' || step.databaseOnly) continue;
      const label = lower(`${migration.app}.${step.model}`);
      if (!map.has(label)) map.set(label, { label: `${migration.app}.${step.model}`, creator: key, creatorOperation: step.index, swappable: step.swappable });
    }
  }
  return map;
}

/** A relation of the applied migration state whose target the state does not have. */
export interface DanglingReference {
  /** `app.Model.field`, as Django names it. */
  field: string;
  consumer: MigrationKey;
  via: RelationVia;
  /** The lower-cased label Django looks for. */
  target: string;
  /** Django's text for it (django.core.checks.model_checks._check_lazy_references). */
  message: string;
}

/**
 * What `migrate` renders first on a database that has applied some migrations: the state of the
 * applied ones (the migrate command's pre_migrate_state). Every relation field there whose target
 * model no applied migration creates is a lazy reference Django cannot resolve, and StateApps fails
 * with `ValueError: The field ... was declared with a lazy reference to ...` (messages sorted, the
 * first one printed first), before anything is applied.
 */
export function danglingAppliedReferences(project: DjangoProject, applied: Set<MigrationKey>): DanglingReference[] {
  const plan = project.graph.migrationPlan().filter((key) => applied.has(key));
  const models = new Map<string, string>();
  const holders: { key: MigrationKey; app: string; model: string; field: string; target: RelationTarget | KnownRelation['target'] }[] = [];
  for (const key of plan) {
    const migration = project.migrations.get(key);
    if (!migration) continue;
    const [app] = splitKey(key);
    for (const step of operationsOf(migration)) {
      const label = lower(`${app}.${step.model}`);
      if (step.databaseOnly) continue;
      if (step.kind === 'create') models.set(label, step.model);
      else if (step.kind === 'delete') models.delete(label);
      else if (step.kind === 'rename' && step.renamedTo) {
        models.delete(label);
        models.set(lower(`${app}.${step.renamedTo}`), step.renamedTo);
      }
      for (const field of step.fields) holders.push({ key, app, model: models.get(label) ?? step.model, field: field.field, target: field.target });
    }
  }
  // Fields altered later replace earlier ones: one entry per field, the last one.
  const byField = new Map<string, (typeof holders)[number]>();
  for (const holder of holders) byField.set(`${holder.app}.${holder.model}.${holder.field}`.toLowerCase(), holder);
  const appsInState = new Set([...models.keys()].map((label) => label.split('.')[0]));
  const out: DanglingReference[] = [];
  for (const holder of byField.values()) {
    if (!models.has(lower(`${holder.app}.${holder.model}`))) continue;
    const resolved = resolveTarget(project, holder.target, holder.app, holder.model);
    if (!resolved) continue;
    const [targetApp, targetModel] = resolved.label.split('.');
    const app = project.appsByLabel.get(targetApp);
    // Unmigrated apps are in the state as they are; unread ones prove nothing.
    if (!app || (app.migrations !== 'package' && app.migrations !== 'known')) continue;
    if (models.has(lower(resolved.label))) continue;
    const field = `${holder.app}.${holder.model}.${holder.field}`;
    const target = lower(resolved.label);
    const error = appsInState.has(targetApp) ? `app '${targetApp}' doesn't provide model '${targetModel.toLowerCase()}'` : `app '${targetApp}' isn't installed`;
    out.push({ field, consumer: holder.key, via: resolved.via, target, message: `The field ${field} was declared with a lazy reference to '${target}', but ${error}.` });
  }
  return out.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
