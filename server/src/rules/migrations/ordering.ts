import { splitKey, type MigrationKey } from '../../django/graph';
import { cannotResolveText, migrateRun, type OrderedRelation } from '../../django/migrate-run';
import type { DjangoProject } from '../../django/project';
import type { RuleContext, Severity } from '../types';

/**
 * The relations `migrate` creates on an empty database with nothing in the graph ordering them after
 * their target's CreateModel, and what each one means: the first failure is what Django stops with,
 * a later one is never reached, and one whose target happens to exist already works by the order the
 * plan walks the graph in (leaf nodes sorted by app label, then parents sorted).
 */
export function unorderedRelations(project: DjangoProject): OrderedRelation[] {
  // Operations out of order inside one migration are SWP206's.
  return migrateRun(project).unordered.filter((r) => !r.ordered && r.consumer !== r.creator);
}

/** The setting a relation goes through, when it names its target through one. */
export function settingOf(relation: OrderedRelation): string | undefined {
  return relation.via.kind === 'setting' ? relation.via.setting : undefined;
}

/**
 * The migration, itself or an ancestor, that declares `swappable_dependency(settings.X)` (or
 * `swapper.dependency(...)`) for X: Django turns it into (app, "__first__") of the model in force,
 * so the key relies on that for X.
 */
export function swappableReliance(project: DjangoProject, key: MigrationKey, setting: string): MigrationKey | undefined {
  for (const candidate of [key, ...project.graph.ancestors(key)]) {
    if (declaresSwappableDependency(project, candidate, setting)) return candidate;
  }
  return undefined;
}

/**
 * A migration, itself or an ancestor, whose dependencies djswap cannot all resolve: a list it cannot
 * read in full, or a swappable dependency on a setting whose value it does not know (a setting named
 * through a swapper prefix). Any ordering may hide there.
 */
export function unresolvedOrdering(project: DjangoProject, key: MigrationKey): string | undefined {
  for (const candidate of [key, ...project.graph.ancestors(key)]) {
    const migration = project.migrations.get(candidate);
    if (migration?.dependencies?.partial) return `the dependencies of \`${candidate}\` are not all known`;
    const entry = (migration?.dependencies?.entries ?? []).find((e) => (e.kind === 'swappable' || e.kind === 'swapper') && project.resolveDependency(e) === null);
    if (entry && (entry.kind === 'swappable' || entry.kind === 'swapper')) return `\`${candidate}\` has a swappable dependency on \`${entry.setting}\`, whose value is not known`;
  }
  return undefined;
}

/** Whether the migration declares a swappable dependency on the setting. */
export function declaresSwappableDependency(project: DjangoProject, key: MigrationKey, setting: string): boolean {
  const migration = project.migrations.get(key);
  if (migration?.known) return migration.known.dependencies.includes(`setting:${setting}`);
  return (migration?.dependencies?.entries ?? []).some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === setting);
}

/**
 * Error for the failure `migrate` stops with; warning for one it would meet later, or for an order
 * that holds only by how the app labels sort. In test code (a test app, never installed elsewhere,
 * its label fixed) an order that holds is information.
 */
export function severityFor(context: RuleContext, relations: OrderedRelation[], file: string | undefined): Severity {
  if (relations.some((r) => r.first)) return 'error';
  if (relations.some((r) => r.failsNow)) return 'warning';
  return file && context.codeRole(file) === 'test' ? 'information' : 'warning';
}

/** Django's text for a relation whose target is not in the state yet. */
export function cannotResolve(relation: Pick<OrderedRelation, 'target' | 'kind'>): string {
  return cannotResolveText(relation.target, relation.kind);
}

/**
 * What happens on an empty database, for the worst of the relations: "`migrate` ... fails with X",
 * "stops earlier", or "works only by the order of the app labels".
 */
export function outcome(project: DjangoProject, relations: OrderedRelation[]): string {
  const release = relations.find((r) => r.release)?.release;
  return release ? `${plainOutcome(project, relations)} (it depends on the release: ${release})` : plainOutcome(project, relations);
}

function plainOutcome(project: DjangoProject, relations: OrderedRelation[]): string {
  const first = relations.find((r) => r.first);
  if (first) return `\`migrate\` on an empty database applies \`${first.consumer}\` first and fails with \`${cannotResolve(first)}\``;
  const later = relations.find((r) => r.failsNow);
  if (later) {
    const stop = migrateRun(project).unordered.find((r) => r.first);
    return (
      `\`migrate\` on an empty database would apply \`${later.consumer}\` first and fail with \`${cannotResolve(later)}\`` +
      (stop ? ` — it stops earlier, on \`${stop.consumer}\`, so this one shows once that is fixed` : '')
    );
  }
  const lucky = relations[0];
  return (
    `\`migrate\` applies \`${lucky.creator}\` first today only because of the order it walks the graph in (leaf migrations sorted by app label, each after its dependencies): ` +
    `with labels that sort the other way, or a new dependency, it applies \`${lucky.consumer}\` first and fails with \`${cannotResolve(lucky)}\``
  );
}

/** The relation field as "Model.field" for messages. */
export function fieldName(relation: OrderedRelation): string {
  return `${relation.model}.${relation.field}`;
}

export function unverifiedOrder(relations: OrderedRelation[]): string | undefined {
  const unknown = relations.find((r) => r.orderUnknown);
  return unknown ? `the dependencies of \`${unknown.consumer}\` or of a migration before it are not all known` : undefined;
}

/**
 * A relation through a setting that the creating migration has to order with run_before: it is in
 * the app that declares the setting (its migrations name the setting without a dependency on the
 * model in force: django-oauth-toolkit, a swapper app's own relations), or in code the project does
 * not edit.
 */
export function needsRunBefore(context: RuleContext, relation: OrderedRelation): boolean {
  const { project } = context;
  const setting = settingOf(relation);
  if (!setting) return false;
  if (swappableReliance(project, relation.consumer, setting)) return false;
  const creator = project.migrations.get(relation.creator);
  if (!creator?.file || creator.origin !== 'workspace' || context.codeRole(creator.file) === 'installed') return false;
  const state = project.swappable(setting);
  const owner = state?.defaultLabel.split('.')[0];
  const consumer = project.migrations.get(relation.consumer);
  const editable = consumer?.file !== undefined && consumer.origin === 'workspace' && context.codeRole(consumer.file) !== 'installed';
  return splitKey(relation.consumer)[0] === owner || !editable;
}
