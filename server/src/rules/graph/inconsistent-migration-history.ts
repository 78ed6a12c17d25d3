import * as path from 'node:path';
import { keyOf, splitKey, type MigrationKey } from '../../django/graph';
import { sameLabel, type DjangoProject, type SwappableState } from '../../django/project';
import type { Location } from '../../django/source';
import { namedSetting, settingRelated } from '../common';
import { classSpan, dependencySpan } from '../migration-edits';
import type { Finding, RelatedInformation, Rule, RuleContext } from '../types';

export const inconsistentMigrationHistory: Rule = {
  code: 'SWP306',
  name: 'inconsistent-migration-history',
  summary: "A database's applied migrations no longer fit the code: migrate will refuse (InconsistentMigrationHistory)",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Given which migrations a database has applied — read, read-only, from the SQLite database the settings
name, or from \`python manage.py showmigrations --list\` output passed with \`--history\` (any database, production
included) — computes what Django's consistency check will say with the current code and settings, and reports it
on the setting that changed the graph. It also predicts two failures that are not
\`InconsistentMigrationHistory\`: a swapped-in model created in a later migration of an app whose first migration
is already applied (a lazy-reference \`ValueError\`), and a setting swapped back to its default (no error at all,
then \`no such table\` at run time).`,
    whyIsThisBad: `A swappable setting changed after the first \`migrate\` rewires the graph: migrations the database
has applied now depend on migrations it has not. \`migrate\` and \`makemigrations\` stop with
\`InconsistentMigrationHistory: Migration admin.0001_initial is applied before its dependency users.0001_initial on
database 'default'.\` — and the foreign keys already in the database keep pointing at the old table. The known ways
out drop tables, fake migrations and need two deployments; finding it before \`migrate\` leaves time to choose.`,
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

    for (const state of project.swappables) {
      if (!state.inUse) continue;
      findings.push(...lazyReference(context, state, applied, source), ...swappedBack(context, state, applied, source));
      if (!bySetting.has(state.setting)) findings.push(...swappedAfterOwner(context, state, applied, source));
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

/** The swapped-in model is created after its app's first migration, which the database has applied already. */
function lazyReference(context: RuleContext, state: SwappableState, applied: Set<MigrationKey>, source: string): Finding[] {
  const { project } = context;
  if (state.swapped !== true || !state.creatingMigration || !state.targetApp || !state.assignment) return [];
  const app = state.targetApp.label;
  const root = project.graph.rootNodes(app)[0];
  if (!root || root === state.creatingMigration || !applied.has(root) || applied.has(state.creatingMigration)) return [];
  const consumers = [...applied].filter((key) => project.graph.edge(key, root)?.setting === state.setting);
  if (consumers.length === 0) return [];
  const field = relationField(project, consumers[0], state.setting);
  const [label, model] = [state.value!.split('.')[0], state.value!.split('.')[1].toLowerCase()];
  return [
    {
      file: state.assignment.location.file,
      span: state.assignment.valueSpan,
      severity: 'error',
      message:
        `\`migrate\` on ${source} fails: \`${state.value}\` is created in \`${state.creatingMigration}\`, but ${source} has applied \`${root}\`, the first migration of \`${app}\`, and ${listKeys(consumers)} already depend on it for ${state.setting}. ` +
        `Django renders the applied state first and stops with \`ValueError: The field ${field ?? `${consumers[0]}`} was declared with a lazy reference to '${label}.${model}', but app '${label}' doesn't provide model '${model}'.\``,
      related: [...migrationsRelated(project, consumers, 'applied, depends on the first migration'), ...settingRelated(state)],
    },
  ];
}

/** The setting points back at its default, but the database was migrated with a replacement. */
function swappedBack(context: RuleContext, state: SwappableState, applied: Set<MigrationKey>, source: string): Finding[] {
  const { project } = context;
  if (state.swapped !== false) return [];
  const replacement = replacementsOf(project, state).find((m) => {
    const created = [...project.migrations.values()].find(
      (mig) => mig.app === m.app && (mig.operations ?? []).some((op) => op.kind === 'CreateModel' && op.model.toLowerCase() === m.name.toLowerCase()),
    );
    return created && applied.has(created.key);
  });
  if (!replacement?.facts || !replacement.file) return [];
  const table = `${state.defaultLabel.split('.')[0]}_${state.defaultLabel.split('.')[1].toLowerCase()}`;
  const anchor = state.assignment ? { file: state.assignment.location.file, span: state.assignment.valueSpan } : { file: replacement.file, span: replacement.facts.nameSpan };
  return [
    {
      ...anchor,
      severity: 'warning',
      message:
        `${namedSetting(context, state)} names the default \`${state.defaultLabel}\`, but ${source} has applied the migration that creates \`${replacement.label}\`: if it was migrated with ${state.setting} = "${replacement.label}", ` +
        `\`${table}\` was never created. \`migrate\` will not complain; the first query of \`${state.defaultLabel}\` fails with \`OperationalError: no such table: ${table}\`, and the existing foreign keys still point at \`${replacement.label}\`'s table.`,
      related: [{ file: replacement.file, span: replacement.facts.nameSpan, message: `${replacement.label} is applied in this database` }],
    },
  ];
}

/**
 * A package that declares no dependency on its own setting (django-oauth-toolkit) has applied the
 * migration whose tables point at the default model; the replacement is not migrated yet. Nothing
 * stops migrate, and the old foreign keys stay.
 */
function swappedAfterOwner(context: RuleContext, state: SwappableState, applied: Set<MigrationKey>, source: string): Finding[] {
  const { project } = context;
  if (!state.spec || state.spec.ownerDeclaresDependency || state.swapped !== true || !state.creatingMigration || !state.assignment) return [];
  if (applied.has(state.creatingMigration)) return [];
  const owner = state.defaultLabel.split('.')[0];
  const consumers = [...applied].filter((key) => {
    const m = project.migrations.get(key);
    return m?.app === owner && (m.known?.references?.includes(state.setting) || (m.relations ?? []).some((r) => r.relation.target.kind === 'setting' && r.relation.target.setting === state.setting));
  });
  if (consumers.length === 0) return [];
  const tables = (project.appsByLabel.get(owner)?.known?.models ?? [])
    .filter((m) => !m.abstract && !m.swappable?.includes(state.setting) && (m.relations ?? []).some((r) => 'setting' in r.target && r.target.setting === state.setting))
    .map((m) => `${owner}_${m.name.toLowerCase()}`);
  const defaultTable = `${owner}_${state.defaultLabel.split('.')[1].toLowerCase()}`;
  return [
    {
      file: state.assignment.location.file,
      span: state.assignment.valueSpan,
      severity: 'error',
      message:
        `${namedSetting(context, state)} now names \`${state.value}\`, but ${source} has applied ${listKeys(consumers)} already: ${tables.length ? tables.map((t) => `\`${t}\``).join(', ') : 'its tables'} keep foreign keys to \`${defaultTable}\`. ` +
        `\`migrate\` creates \`${state.value}\`'s table without complaint, and saving a row that points at a new one fails with \`IntegrityError: insert or update on table "${tables[0] ?? owner}" violates foreign key constraint\`. ` +
        `Adding \`run_before\` now turns this into InconsistentMigrationHistory: the way out is a planned, faked migration (\`djswap plan\`).`,
      related: settingRelated(state),
    },
  ];
}

/** "admin.LogEntry.user": a relation to the setting in a migration (or a known package model of its app). */
function relationField(project: DjangoProject, key: MigrationKey, setting: string): string | undefined {
  const migration = project.migrations.get(key);
  const [app] = splitKey(key);
  for (const r of migration?.relations ?? []) {
    if (r.relation.target.kind === 'setting' && r.relation.target.setting === setting) return `${app}.${r.model}.${r.field}`;
  }
  for (const model of project.appsByLabel.get(app)?.known?.models ?? []) {
    for (const relation of model.relations ?? []) if ('setting' in relation.target && relation.target.setting === setting) return `${app}.${model.name}.${relation.field}`;
  }
  return undefined;
}
