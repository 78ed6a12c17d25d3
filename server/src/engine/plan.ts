import * as path from 'node:path';
import { splitKey, type MigrationKey } from '../django/graph';
import { sameLabel, type DjangoProject, type ModelInfo, type SwappableState } from '../django/project';
import type { SettingChange } from './setting-history';

/**
 * The plan for changing a swappable setting in one project, as a Markdown document: the project's
 * own app labels, migration names, files and the SQL to run on each database.
 */
export interface PlanRequest {
  setting: string;
  /** The model the setting should name ("users.User"); defaults to its current value, or the one custom model there is. */
  target?: string;
  change?: SettingChange;
}

export function choosePlanSetting(project: DjangoProject): string {
  const risky = project.swappables.find((s) => s.inUse && s.swapped === true && s.assignment);
  return risky?.setting ?? 'AUTH_USER_MODEL';
}

export function planSwappableChange(project: DjangoProject, request: PlanRequest): string {
  const state = project.swappable(request.setting);
  if (!state) return `# No swappable setting \`${request.setting}\`\n\nKnown here: ${project.swappables.filter((s) => s.inUse).map((s) => `\`${s.setting}\``).join(', ')}.\n`;
  const rel = (file: string) => {
    const relative = path.relative(project.config.root, file).split(path.sep).join('/');
    return relative.startsWith('..') ? path.basename(file) : relative;
  };
  const target = request.target ?? (state.swapped ? state.value : candidates(project, state)[0]?.label) ?? '<app_label>.<ModelName>';
  const from = previousValue(project, state, request.change);
  const [targetApp, targetModel] = target.split('.');
  const [fromApp, fromModel] = from.split('.');
  const fromTable = tableOf(project, from);
  const settingsFile = state.assignment ? rel(state.assignment.location.file) : project.settings.file ? rel(project.settings.file) : 'settings.py';
  const dependents = dependentsOf(project, state);
  const history = project.history;
  const appliedDependents = history ? dependents.filter((k) => history.applied.includes(k)) : [];
  const createdIn = state.target && sameLabel(state.target.label, target) ? state.creatingMigration : undefined;
  const firstOfApp = project.graph.rootNodes(targetApp)[0];
  const modelFile = project.modelByLabel(target)?.file;
  const isDot = state.spec?.declaredBy === 'django-oauth-toolkit';
  const base = state.spec?.replacementBases[0]?.split('.').pop() ?? 'models.Model';
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

  const out: string[] = [];
  out.push(`# Changing \`${state.setting}\` from \`${from}\` to \`${target}\``, '');
  out.push(`Project \`${rel(project.config.root) || '.'}\`, settings \`${project.config.settingsModule ?? '?'}\` (${settingsFile}).`, '');
  out.push('## Where things stand', '');
  out.push(`- \`${state.setting}\` is ${state.value === undefined ? 'not known statically' : state.state === 'default' ? `not set: the default \`${state.defaultLabel}\`` : `\`${state.value}\``}; declared by ${state.declaredBy}.`);
  out.push(`- ${dependents.length} migration${dependents.length === 1 ? '' : 's'} depend on it: ${list(dependents)}.`);
  if (history) {
    out.push(`- The database read (${rel(history.location)}) has applied ${appliedDependents.length} of them${appliedDependents.length ? `: ${list(appliedDependents)}` : ''}.`);
  }
  if (request.change) {
    out.push(
      `- In git it changed from ${request.change.from ? `"${request.change.from}"` : 'unset'} to "${request.change.to}" ${request.change.commit ? `in ${request.change.commit.hash.slice(0, 10)} ("${request.change.commit.subject}")` : 'in uncommitted changes'}, after ${list(request.change.before.map((b) => b.key))}.`,
    );
  }
  if (modelFile) out.push(`- \`${target}\` is defined in ${rel(modelFile)}${createdIn ? ` and created by \`${createdIn}\`` : ''}.`);
  out.push('');

  out.push('## If no database has been migrated yet', '');
  out.push('Nothing to move: this is the documented setup.', '');
  out.push(`1. Define \`${targetModel}\` in \`${targetApp}\`${modelFile ? ` (${rel(modelFile)})` : ''}, subclassing \`${base}\`.`);
  out.push(`2. Set \`${state.setting} = "${target}"\` in ${settingsFile}.`);
  out.push(
    isDot
      ? `3. \`python manage.py makemigrations ${targetApp}\`: create the model in \`${targetApp}\`'s **first** migration${firstOfApp ? ` (\`${splitKey(firstOfApp)[1]}\`)` : ''}.`
      : `3. \`python manage.py makemigrations ${targetApp}\`: the model must be created in \`${targetApp}\`'s **first** migration${firstOfApp ? ` (\`${splitKey(firstOfApp)[1]}\`)` : ''}, because \`swappable_dependency\` resolves to \`("${targetApp}", "__first__")\`.`,
  );
  if (isDot) out.push(`4. In that migration, add \`run_before = [("oauth2_provider", "0001_initial")]\`: django-oauth-toolkit's migrations do not depend on the setting.`);
  out.push(`${isDot ? 5 : 4}. \`python manage.py migrate\`.`, '');

  out.push('## Moving a database that has been migrated (keeps the data)', '');
  const alone = isDot
    ? `leaves django-oauth-toolkit's tables with foreign keys to \`${fromTable}\` (without \`run_before\`: saving new rows then fails with IntegrityError), or makes \`migrate\` stop with \`InconsistentMigrationHistory\` (with it)`
    : `makes \`migrate\` stop with \`InconsistentMigrationHistory\`${appliedDependents[0] ? ` ("Migration ${appliedDependents[0]} is applied before its dependency ${targetApp}.${firstOfApp ? splitKey(firstOfApp)[1] : '0001_initial'} on database 'default'.")` : ''}`;
  out.push(
    `Every database migrated with \`${from}\` has its rows in \`${fromTable}\` and foreign keys to it. Setting \`${state.setting}\` alone ${alone}. The safe path makes \`${target}\` take over the existing table, and tells the database that the migration creating it already ran.`,
    '',
  );
  out.push('Back up each database first.', '');
  out.push(`1. Make \`${target}\` use the existing table, with the same fields as \`${from}\` for now:`, '');
  out.push('   ```python');
  out.push(`   class ${targetModel}(${base}):`);
  out.push('       class Meta:');
  out.push(`           db_table = "${fromTable}"`);
  out.push('   ```');
  out.push(`   Many-to-many tables are named after \`db_table\` (e.g. \`${fromTable}_groups\`), so they are reused too.`);
  const existing = createdIn ? project.migrations.get(createdIn) : undefined;
  out.push(
    existing?.file
      ? `2. \`${rel(existing.file)}\` exists: add \`"db_table": "${fromTable}"\` to its \`CreateModel\` options (or delete it and run \`python manage.py makemigrations ${targetApp}\` again)${isDot ? `, and give it \`run_before = [("oauth2_provider", "0001_initial")]\`` : ''}. It must be \`${targetApp}\`'s first migration and create only this model. Do not run \`migrate\` yet.`
      : `2. \`python manage.py makemigrations ${targetApp}\` — it must write \`${targetApp}/migrations/0001_initial.py\` with only this model${isDot ? `, and add \`run_before = [("oauth2_provider", "0001_initial")]\` to it` : ''}. Do not run \`migrate\` yet.`,
  );
  out.push(`3. Set \`${state.setting} = "${target}"\` in ${settingsFile}.`);
  out.push(`4. On **each** database (every developer's, CI, staging, production), record that migration as applied and move the content type, in \`python manage.py dbshell\`:`, '');
  out.push('   ```sql');
  out.push(`   INSERT INTO django_migrations (app, name, applied) VALUES (${quote(targetApp)}, ${quote('0001_initial')}, CURRENT_TIMESTAMP);`);
  out.push(`   UPDATE django_content_type SET app_label = ${quote(targetApp)}, model = ${quote(targetModel.toLowerCase())} WHERE app_label = ${quote(fromApp)} AND model = ${quote((fromModel ?? '').toLowerCase())};`);
  out.push('   ```');
  out.push(
    `   \`migrate --fake ${targetApp} 0001\` cannot do this: \`migrate\` checks the history first and stops. Where databases are only changed by deployments, ship the same statements as a \`migrations.RunSQL\` in an app whose migrations already ran (e.g. \`${suggestApp(project, targetApp)}\`), deploy that first, and the model and setting in a second deployment.`,
  );
  out.push(`5. \`python manage.py migrate\` — \`python manage.py showmigrations ${targetApp}\` shows \`[X] 0001_initial\`.`);
  out.push(`6. Later, if you want the table renamed: remove \`db_table\`, run \`makemigrations ${targetApp}\` (an \`AlterModelTable\`), and \`migrate\`.`, '');

  out.push('## What not to do', '');
  out.push(`- Do not run \`migrate ${fromApp} zero\` or drop \`${fromTable}\`: the rows, and every foreign key to them, are what you are keeping.`);
  out.push(`- Do not create \`${target}\` in a later migration of an app that is already migrated: the \`"__first__"\` dependency would point at a migration that does not create it.`);
  out.push('');
  return out.join('\n');
}

function list(keys: string[]): string {
  if (keys.length === 0) return 'none';
  return keys.length > 8 ? `${keys.slice(0, 8).map((k) => `\`${k}\``).join(', ')} and ${keys.length - 8} more` : keys.map((k) => `\`${k}\``).join(', ');
}

function candidates(project: DjangoProject, state: SwappableState): ModelInfo[] {
  return project.models.filter(
    (m) => m.origin === 'workspace' && !m.abstract && !m.proxy && (state.setting === 'AUTH_USER_MODEL' ? m.userModel : (state.spec?.replacementBases ?? []).some((b) => m.lineage.includes(b))),
  );
}

/** What the databases were migrated with: git's previous value, else the default. */
function previousValue(project: DjangoProject, state: SwappableState, change?: SettingChange): string {
  if (change) return change.from ?? state.defaultLabel;
  return state.swapped ? state.defaultLabel : state.value ?? state.defaultLabel;
}

function tableOf(project: DjangoProject, label: string): string {
  const [app, model] = label.split('.');
  return `${app}_${(model ?? '').toLowerCase()}`;
}

function dependentsOf(project: DjangoProject, state: SwappableState): MigrationKey[] {
  const out = new Set<MigrationKey>();
  for (const [child, parents] of project.graph.edges) for (const origin of parents.values()) if (origin.setting === state.setting) out.add(child);
  for (const m of project.migrations.values()) {
    if ((m.relations ?? []).some((r) => r.relation.target.kind === 'setting' && r.relation.target.setting === state.setting)) out.add(m.key);
    if (m.known?.references?.includes(state.setting)) out.add(m.key);
  }
  return [...out].sort();
}

function suggestApp(project: DjangoProject, exclude: string): string {
  return project.apps.find((a) => a.origin === 'workspace' && a.label !== exclude && project.graph.appNodes(a.label).length > 0)?.label ?? '<an app with applied migrations>';
}
