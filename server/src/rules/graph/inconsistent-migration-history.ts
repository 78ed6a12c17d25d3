import * as path from 'node:path';
import { keyOf, splitKey, type MigrationKey } from '../../django/graph';
import { sameLabel, type DjangoProject, type SwappableState } from '../../django/project';
import type { Location } from '../../django/source';
import type { AppliedHistory } from '../../django/history';
import { danglingAppliedReferences, historicalCreations } from '../../django/migrate-run';
import { namedSetting, settingRelated } from '../common';
import { classSpan, dependencySpan } from '../fix';
import type { Finding, RelatedInformation, Rule, RuleContext } from '../types';

export const inconsistentMigrationHistory: Rule = {
  code: 'SWP306',
  name: 'inconsistent-migration-history',
  summary: "A database's applied migrations no longer fit the code or settings: migrate refuses, or leaves a table missing or orphaned",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Given which migrations a database has applied — read, read-only, from the SQLite database the settings
name, or from \`python manage.py showmigrations --list\` output passed with \`--history\` (any database, production
included) — computes what \`migrate\` will do there with the current code and settings, and reports it on the
setting that changed the graph:
- Django's consistency check: \`InconsistentMigrationHistory\` (an applied migration now depends on one that is not);
- the applied state it renders next: a relation of an applied migration, through a swappable setting, to a model
  no applied migration creates — \`ValueError: The field admin.LogEntry.user was declared with a lazy reference to
  'users.user', but app 'users' doesn't provide model 'user'.\` (or \`... but app 'oauthapp' isn't installed.\`);
- a setting swapped back to its default whose model the database never created (the package's migration ran while
  it was swapped out): no error from \`migrate\`, then \`OperationalError: no such table\` — an error when the
  history's order shows it, a warning when it only may have happened;
- a swap of a model whose \`CreateModel\` has no \`swappable\` option (django-waffle's \`Flag\`): \`migrate\`
  succeeds, the old table stays with its rows, and the new model starts empty (warning).`,
    whyIsThisBad: `A swappable setting changed after the first \`migrate\` rewires the graph: migrations the database
has applied now depend on migrations it has not, or point at models it does not have. \`migrate\` and
\`makemigrations\` stop with \`InconsistentMigrationHistory: Migration admin.0001_initial is applied before its
dependency users.0001_initial on database 'default'.\` — and the foreign keys already in the database keep pointing
at the old table. Where Django says nothing, the data is what breaks: a table that was never created, or rows left
in a table nothing reads. The known ways out drop tables, fake migrations and need two deployments; finding it
before \`migrate\` leaves time to choose.`,
    example: `# settings.py, after the project had been migrated with the default user model
AUTH_USER_MODEL = "users.User"`,
    useInstead: `# Either keep the setting as the database knows it, or move the user model with a planned,
# faked migration (see \`djswap plan\` and Django's "Changing to a custom user model mid-project").`,
    fixSafety: `No fix: the way out depends on the data. The hover on the setting, and the "Plan Swappable Model
Change" command, write the steps for this project.`,
    references: [
      { title: 'Django: Changing to a custom user model mid-project', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#changing-to-a-custom-user-model-mid-project' },
      { title: 'Django: showmigrations', url: 'https://docs.djangoproject.com/en/stable/ref/django-admin/#showmigrations' },
      { title: 'Django ticket #25313: custom user model mid-project', url: 'https://code.djangoproject.com/ticket/25313' },
    ],
  },
  check(context) {
    const { project } = context;
    const history = project.history;
    if (!history) return [];
    const applied = new Set(history.applied);
    const where = path.relative(project.config.root, history.location);
    const source = `${history.source === 'database' ? 'the database' : 'the showmigrations output'} ${where.startsWith('..') ? path.basename(history.location) : where}`;
    const findings: Finding[] = [];

    // Django's MigrationLoader.check_consistent_history, collecting every inconsistency.
    const inconsistencies: { child: MigrationKey; parent: MigrationKey }[] = [];
    for (const key of history.applied) {
      if (!project.graph.nodes.has(key)) continue;
      for (const parent of project.graph.parents(key)) {
        if (applied.has(parent)) continue;
        const squash = project.migrations.get(parent);
        const replaces = squash?.replaces?.entries ?? [];
        if (replaces.length > 0 && replaces.every((e) => e.kind === 'key' && applied.has(keyOf(e.app, e.name)))) continue;
        inconsistencies.push({ child: key, parent });
      }
    }
    const bySetting = new Map<string, { child: MigrationKey; parent: MigrationKey }[]>();
    for (const pair of inconsistencies) {
      const edge = project.graph.edge(pair.child, pair.parent);
      // A run_before from the migration that creates a swappable setting's model is that setting's edge too.
      const setting =
        edge?.kind === 'swappable' ? edge.setting : edge?.kind === 'run_before' ? project.swappables.find((s) => s.swapped && s.creatingMigration === edge.declaredIn)?.setting : undefined;
      if (setting) {
        bySetting.set(setting, [...(bySetting.get(setting) ?? []), pair]);
        continue;
      }
      const child = project.migrations.get(pair.child);
      const parent = project.migrations.get(pair.parent);
      const anchor: Location | undefined =
        child?.file && child.origin === 'workspace' && edge && edge.declaredIn === pair.child
          ? { file: child.file, span: dependencySpan(child, edge.index) }
          : parent?.file && parent.origin === 'workspace'
            ? { file: parent.file, span: classSpan(parent) }
            : undefined;
      if (!anchor) continue;
      findings.push({
        ...anchor,
        severity: 'error',
        message: `\`migrate\` on ${source} fails with \`InconsistentMigrationHistory: ${djangoText(pair)}\`: \`${pair.parent}\` was added, renamed or made a dependency after \`${pair.child}\` ran there.`,
      });
    }
    for (const [setting, pairs] of bySetting) {
      const state = project.swappable(setting);
      const anchor = state?.assignment ? { file: state.assignment.location.file, span: state.assignment.valueSpan } : firstWorkspaceChild(project, pairs);
      if (!state || !anchor) continue;
      const children = [...new Set(pairs.map((p) => p.child))];
      const previous = previousTarget(project, state, applied);
      findings.push({
        ...anchor,
        severity: 'error',
        message:
          `\`migrate\` on ${source} fails with \`InconsistentMigrationHistory: ${djangoText(pairs[0])}\` ` +
          `${namedSetting(context, state)} now names \`${state.value}\`, but ${children.length} applied migration${children.length === 1 ? '' : 's'} (${listKeys(children)}) ran when it named ${previous ? `\`${previous}\`` : 'another model'}: ` +
          `the database's foreign keys still point at ${previous ? `\`${previous}\`'s table` : 'the old table'}. Changing a swappable setting after the first migrate needs a planned, faked migration — see the hover on the setting or \`djswap plan\`.`,
        related: [...migrationsRelated(project, children, 'applied, depends on it'), ...settingRelated(state)],
      });
    }

    // Django checks the history first; only a consistent one gets as far as rendering the applied state.
    if (inconsistencies.length === 0) findings.push(...danglingReferences(context, applied, source));
    for (const state of project.swappables) {
      if (!state.inUse) continue;
      findings.push(...swappedBack(context, state, history, source));
      if (!bySetting.has(state.setting)) findings.push(...tableLeftBehind(context, state, applied, source));
    }
    return findings;
  },
};

function djangoText(pair: { child: MigrationKey; parent: MigrationKey }): string {
  return `Migration ${pair.child} is applied before its dependency ${pair.parent} on database 'default'.`;
}

function listKeys(keys: string[]): string {
  return keys.length > 4 ? `${keys.slice(0, 4).join(', ')} and ${keys.length - 4} more` : keys.join(', ');
}

function firstWorkspaceChild(project: DjangoProject, pairs: { child: MigrationKey }[]): Location | undefined {
  for (const { child } of pairs) {
    const m = project.migrations.get(child);
    if (m?.file && m.origin === 'workspace') return { file: m.file, span: classSpan(m) };
  }
  return undefined;
}

function migrationsRelated(project: DjangoProject, keys: string[], message: string): RelatedInformation[] {
  return keys.slice(0, 8).flatMap((key) => {
    const m = project.migrations.get(key);
    return m?.file ? [{ file: m.file, span: classSpan(m), message: `${key}: ${message}` }] : [];
  });
}

/** The model the setting most likely named when the database was migrated: one whose creating migration is applied. */
function previousTarget(project: DjangoProject, state: SwappableState, applied: Set<MigrationKey>): string | undefined {
  const candidates = [state.defaultLabel, ...replacementsOf(project, state).map((m) => m.label)].filter((label) => !sameLabel(label, state.value ?? ''));
  for (const label of candidates) {
    const app = label.split('.')[0];
    const model = label.split('.')[1].toLowerCase();
    for (const key of applied) {
      const migration = project.migrations.get(key);
      if (!migration || migration.app !== app) continue;
      const creates = migration.known?.creates?.some((m) => m.toLowerCase() === model) || (migration.operations ?? []).some((op) => op.kind === 'CreateModel' && op.model.toLowerCase() === model);
      if (creates) return label;
    }
  }
  return undefined;
}

/** Workspace models that could stand for the setting: custom users for AUTH_USER_MODEL, subclasses of the abstract bases. */
function replacementsOf(project: DjangoProject, state: SwappableState) {
  return project.models.filter(
    (m) =>
      m.origin === 'workspace' &&
      !m.abstract &&
      !m.proxy &&
      (state.setting === 'AUTH_USER_MODEL' ? m.userModel : (state.spec?.replacementBases ?? []).some((base) => m.lineage.includes(base))),
  );
}

/**
 * The applied migrations point, through a swappable setting, at a model no applied migration creates
 * (a model added to an app whose first migration is applied; a package's setting changed after its
 * migrations ran): the migrate command renders the applied state before anything else and stops.
 */
function danglingReferences(context: RuleContext, applied: Set<MigrationKey>, source: string): Finding[] {
  const { project } = context;
  const references = danglingAppliedReferences(project, applied);
  if (references.length === 0) return [];
  const findings: Finding[] = [];
  const bySetting = new Map<string, typeof references>();
  for (const reference of references) {
    if (reference.via.kind !== 'setting') continue;
    bySetting.set(reference.via.setting, [...(bySetting.get(reference.via.setting) ?? []), reference]);
  }
  for (const [setting, group] of bySetting) {
    const state = project.swappable(setting);
    if (!state?.assignment || state.value === undefined) continue;
    const consumers = [...new Set(group.map((r) => r.consumer))];
    const creating = state.creatingMigration;
    findings.push({
      file: state.assignment.location.file,
      span: state.assignment.valueSpan,
      severity: 'error',
      message:
        `\`migrate\` on ${source} fails before it applies anything: ${namedSetting(context, state)} names \`${state.value}\`, but ${listKeys(consumers)}, applied there, point${consumers.length === 1 ? 's' : ''} at it through the setting and no applied migration creates it${creating ? ` (\`${state.value}\` is created in \`${creating}\`, not applied there)` : ''}. ` +
        `Django renders the applied state first and stops with \`ValueError: ${group[0].message}\`${group.length > 1 ? ` (and ${group.length - 1} more field${group.length === 2 ? '' : 's'})` : ''}. ` +
        `Changing a swappable setting after the first migrate needs a planned, faked migration — see the hover on the setting or \`djswap plan\`.`,
      related: [...migrationsRelated(project, consumers, 'applied, points at it'), ...settingRelated(state)],
    });
  }
  return findings;
}

/** The setting points back at its default, but the database was migrated with a replacement. */
function swappedBack(context: RuleContext, state: SwappableState, history: AppliedHistory, source: string): Finding[] {
  const { project } = context;
  if (state.swapped !== false) return [];
  const applied = new Set(history.applied);
  // The default model's table is missing only if its CreateModel says `swappable` (it was skipped
  // while swapped out); a model created without it has its table whatever the setting said.
  const creation = historicalCreations(project).get(state.defaultLabel.toLowerCase());
  if (!creation || creation.swappable !== state.setting || !applied.has(creation.creator)) return [];
  let createdBy: MigrationKey | undefined;
  const replacement = replacementsOf(project, state).find((m) => {
    const created = [...project.migrations.values()].find(
      (mig) => mig.app === m.app && (mig.operations ?? []).some((op) => op.kind === 'CreateModel' && op.model.toLowerCase() === m.name.toLowerCase()),
    );
    if (created && applied.has(created.key)) createdBy = created.key;
    return created && applied.has(created.key);
  });
  if (!replacement?.facts || !replacement.file || !createdBy) return [];
  const table = `${state.defaultLabel.split('.')[0]}_${state.defaultLabel.split('.')[1].toLowerCase()}`;
  const anchor = state.assignment ? { file: state.assignment.location.file, span: state.assignment.valueSpan } : { file: replacement.file, span: replacement.facts.nameSpan };
  // In the order the database applied them: the replacement first means the package's migration ran
  // while its model was swapped out (the documented run_before), so it created no table.
  const order = history.ordered ? history.applied : undefined;
  const ranSwapped = order !== undefined && order.indexOf(createdBy) >= 0 && order.indexOf(createdBy) < order.indexOf(creation.creator);
  return [
    {
      ...anchor,
      severity: ranSwapped ? 'error' : 'warning',
      message: ranSwapped
        ? `${namedSetting(context, state)} names the default \`${state.defaultLabel}\`, but ${source} applied \`${creation.creator}\` after \`${createdBy}\`, which creates \`${replacement.label}\`: it ran while \`${state.defaultLabel}\` was swapped out and created no \`${table}\`. ` +
          `\`migrate\` has nothing left to apply and says nothing; the first query of \`${state.defaultLabel}\` fails with \`OperationalError: no such table: ${table}\`, and the existing foreign keys still point at \`${replacement.label}\`'s table.`
        : `${namedSetting(context, state)} names the default \`${state.defaultLabel}\`, but ${source} has applied \`${createdBy}\`, which creates \`${replacement.label}\`: if \`${creation.creator}\` ran while ${state.setting} = "${replacement.label}", ` +
          `\`${table}\` was never created. \`migrate\` will not complain; the first query of \`${state.defaultLabel}\` fails with \`OperationalError: no such table: ${table}\`, and the existing foreign keys still point at \`${replacement.label}\`.`,
      related: [{ file: replacement.file, span: replacement.facts.nameSpan, message: `${replacement.label} is applied in this database` }],
    },
  ];
}

/**
 * The default model's CreateModel has no `swappable` option (django-waffle's Flag): its table was
 * created and stays after the swap, and nothing moves its rows into the new model's table.
 */
function tableLeftBehind(context: RuleContext, state: SwappableState, applied: Set<MigrationKey>, source: string): Finding[] {
  const { project } = context;
  if (state.swapped !== true || !state.assignment || !state.creatingMigration || applied.has(state.creatingMigration)) return [];
  const creation = historicalCreations(project).get(state.defaultLabel.toLowerCase());
  if (!creation || creation.swappable !== undefined || !applied.has(creation.creator)) return [];
  const [app, model] = state.defaultLabel.split('.');
  const table = `${app}_${model.toLowerCase()}`;
  return [
    {
      file: state.assignment.location.file,
      span: state.assignment.valueSpan,
      severity: 'warning',
      message:
        `${namedSetting(context, state)} now names \`${state.value}\`, and ${source} has applied \`${creation.creator}\` but not \`${state.creatingMigration}\`: \`migrate\` succeeds and creates \`${state.value}\`'s table empty. ` +
        `\`${table}\` stays, with its rows: \`${creation.creator}\` creates \`${state.defaultLabel}\` without the swappable option, so nothing drops or copies it, and nothing reads it any more. Copy the rows in a data migration of \`${state.value!.split('.')[0]}\` if they matter.`,
      related: settingRelated(state),
    },
  ];
}
