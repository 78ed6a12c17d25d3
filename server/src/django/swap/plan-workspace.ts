import * as path from 'node:path';
import { keyOf, splitKey, type MigrationKey } from '../graph';
import { DATABASE_OPTIONS, type FieldState } from './model-state';
import { contentTypeFunction, createModelOperation, fieldOperation, operationItem, py, renderMigration, stateOnly, usedNames, type Dependency } from './migration-writer';
import type { PlanDeployment, PlanStep } from './plan-data';
import { NoSafePlan, deployment, fieldDependencies, migrateStep, recordStep, type PlanContext } from './plan-common';
import { dependentsOf, hardReferences, keyOfSetting, pendingDeletes, pendingOperationsOn } from './plan-checks';
import { editTargetModel, readTargetModel, type DeclaredField, type TargetModel } from './target-model';

const AUTO_FIELDS = new Set(['AutoField', 'BigAutoField', 'SmallAutoField']);

/** `models.BigAutoField(...)` → `BigAutoField`. */
export function fieldClass(text: string): string {
  return /^\s*([\w.]+)\s*\(/.exec(text)?.[1].split('.').pop() ?? '';
}

/** Whether `AddField` can fill the rows a table already has without asking for a value. */
function addable(text: string): boolean {
  if (/\bnull\s*=\s*True\b|\bdefault\s*=|\bdb_default\s*=|\bauto_now(_add)?\s*=\s*True\b|ManyToManyField/.test(text)) return true;
  // CharField(blank=True) and friends: Django fills the rows with "".
  return /\bblank\s*=\s*True\b/.test(text) && /(Char|Text|Email|URL|Slug|FilePath)Field$/.test(fieldClass(text));
}

function withSerializeFalse(text: string): string {
  if (/\bserialize\s*=/.test(text)) return text;
  return text.replace(/\)\s*$/, (end) => `, serialize=False${end}`).replace('(, ', '(');
}

/**
 * A replacement model of the project takes over the old model's table: its first migration
 * describes the table as it is (recorded as applied where the table exists), a second one adds what
 * the new model adds and hands over the content type.
 */
export function swapIntoWorkspace(context: PlanContext): PlanDeployment[] {
  const { project, from, to, fromState, setting } = context;
  const [toApp, toModelName] = to.split('.');
  const info = project.modelByLabel(to);
  if (!info || info.origin !== 'workspace' || info.abstract) throw new NoSafePlan(`${to} is not a model of this project: write the model, then plan again.`);
  const app = project.appsByLabel.get(info.app);
  if (!app?.dir) throw new NoSafePlan(`The app ${info.app} has no folder djswap can read.`);
  if (info.app === fromState.app) throw new NoSafePlan(`${from} and ${to} are in the same app: this is a rename (RenameModel), not a move between apps.`);
  const target = readTargetModel(project, info);
  if (typeof target === 'string') throw new NoSafePlan(target);
  if (target.problems.length > 0) throw new NoSafePlan(`${to} cannot be read fully: ${target.problems.join('; ')}.`);
  const fromInfo = project.modelByLabel(from);
  const fromSwappedOut = fromState.swappable !== undefined;
  if (!fromSwappedOut && fromInfo?.origin === 'workspace' && !fromInfo.abstract) {
    throw new NoSafePlan(`${from} is still defined (${fromInfo.file ? context.rel(fromInfo.file) : fromInfo.qualified}): move the class to ${toApp}, do not copy it; its rows become ${to}'s.`);
  }
  const hard = hardReferences(context);
  if (hard.length > 0) throw new NoSafePlan(`Migrations refer to ${from} by name, not through ${setting}: ${hard.join(', ')}. They would still point at ${from} after the move.`);

  const { fields0001, primaryKeyEdit, extras, overrides } = compareFields(context, target);
  for (const [key] of target.options) {
    if (DATABASE_OPTIONS.has(key)) throw new NoSafePlan(`${to}'s Meta sets ${key}, which needs a migration of its own: plan the move without it and add it afterwards.`);
  }
  if (target.dbTable && target.dbTable !== fromState.table) {
    throw new NoSafePlan(`${to} sets db_table = "${target.dbTable}", but ${from}'s rows are in ${fromState.table}. Copying rows between tables is not part of this plan.`);
  }

  // The new app's migration files: the plan writes 0001 and 0002; others the user made go.
  const migrationsDir = app.migrationsDir ?? path.join(app.dir, 'migrations');
  const firstKey = keyOf(toApp, '0001_initial');
  const secondName = `0002_move_from_${fromState.app}_${fromState.name.toLowerCase()}`;
  const fromAppInstalled = project.appsByLabel.has(fromState.app) && project.graph.appNodes(fromState.app).length > 0;
  const stateOnlyCreate = !fromSwappedOut && fromAppInstalled;
  const fromAppName = stateOnlyCreate ? `${context.fromNextNumber}_move_${fromState.name.toLowerCase()}_to_${toApp}` : undefined;
  const existing = project.graph.appNodes(toApp);
  const appliedInApp = context.historyKnown ? (project.history?.applied ?? []).filter((k) => splitKey(k)[0] === toApp) : [];
  const stray = appliedInApp.filter((k) => k !== firstKey && !context.ours.has(k));
  if (stray.length > 0) throw new NoSafePlan(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} applied already: the plan starts from a database that has not migrated ${toApp}.`);
  const recorded = context.historyKnown && context.applied(firstKey);
  if (recorded && !context.ours.has(firstKey)) {
    context.notes.push(`${firstKey} is applied already: the plan takes it as the record its first deployment makes. If it was migrated for real, the table it created stays, unused.`);
  }
  const steps: PlanStep[] = [];
  const deletes: PlanStep[] = [];
  for (const key of existing) {
    const migration = project.migrations.get(key);
    const name = splitKey(key)[1];
    if (!migration?.file || name === '0001_initial' || name === secondName) continue;
    const foreign = pendingOperationsOn(migration, toModelName);
    if (foreign.length > 0) throw new NoSafePlan(`${key} (never applied) also does ${foreign.join(', ')}: the plan would replace it. Keep ${toApp}'s migrations about ${to} alone, or move the other models out.`);
    deletes.push({ kind: 'edit', file: context.rel(migration.file), delete: true, summary: `${key} was never applied; the plan's migrations replace it.` });
  }

  if (primaryKeyEdit || !target.dbTable) {
    steps.push({
      kind: 'edit',
      file: context.rel(info.file!),
      newText: editTargetModel(target, {
        primaryKey: primaryKeyEdit,
        table: target.dbTable ? undefined : fromState.table,
        why: `the table ${from}'s rows are in`,
      }),
      summary: `${to} takes over ${fromState.table}${primaryKeyEdit ? `, with a primary key of its column's type (${fieldClass(primaryKeyEdit)})` : ''}.`,
    });
  }
  const init = path.join(migrationsDir, '__init__.py');
  if (project.entryKind(init) !== 'file') steps.push({ kind: 'edit', file: context.rel(init), newText: '', summary: `${toApp} gets a migrations package.` });

  // 0001: the old table as it is.
  const spec = context.state.spec;
  const owner = context.state.defaultLabel.split('.')[0];
  const ownerFirst = spec && !spec.ownerDeclaresDependency ? project.graph.rootNodes(owner)[0] : undefined;
  const create = createModelOperation({ name: toModelName, fields: fields0001, options: [...target.options, ['db_table', py(fromState.table)]], managers: target.managers });
  const dependencies0001: Dependency[] = fieldDependencies(context, fields0001, toApp);
  if (stateOnlyCreate && fromState.lastChangedBy) dependencies0001.unshift(keyDependency(fromState.lastChangedBy));
  steps.push({
    kind: 'edit',
    file: context.rel(path.join(migrationsDir, '0001_initial.py')),
    newText: renderMigration({
        header: context.header,
      purpose: stateOnlyCreate
        ? `${to} takes over ${fromState.table}, which ${fromState.app}'s migrations create: this migration changes what Django knows, not the database.`
        : `${to} takes over ${fromState.table}: recorded as applied, not run, where the table exists already; creates it on a new database.`,
      initial: true,
      dependencies: dependencies0001,
      runBefore: ownerFirst ? [{ app: owner, name: splitKey(ownerFirst)[1] }] : undefined,
      functions: [],
      operations: [operationItem(stateOnlyCreate ? stateOnly([create], `${fromState.table} is created by ${fromState.createdBy}.`) : create)],
      imports: [...fromState.imports, ...target.managers.flatMap((m) => m.imports), ...importsOf(target, [...target.fields.values()].filter((f) => f.primaryKey))],
    }),
    summary: `${to}'s first migration: ${fromState.table} as it is now, with ${from}'s fields.`,
  });

  // 0002: what the new model adds, and the content type.
  const contentTypes = project.appsByLabel.has('contenttypes');
  const permissions = project.appsByLabel.has('auth');
  const functions = contentTypes ? [contentTypeFunction({ app: fromState.app, model: fromState.name }, { app: toApp, model: toModelName }, permissions)] : [];
  const operations = [
    ...extras.map((f) => operationItem(fieldOperation('AddField', toModelName, f))),
    ...overrides.map((f) => operationItem(fieldOperation('AlterField', toModelName, f))),
    ...(contentTypes ? [operationItem('migrations.RunPython(move_content_type, migrations.RunPython.noop),')] : []),
  ];
  const dependencies0002: Dependency[] = [{ app: toApp, name: '0001_initial' }, ...fieldDependencies(context, [...extras, ...overrides], toApp)];
  for (const needed of contentTypes ? ['contenttypes', ...(permissions && fromState.name.toLowerCase() !== toModelName.toLowerCase() ? ['auth'] : [])] : []) {
    const leaf = project.graph.leafNodes(needed)[0];
    if (leaf && !dependencies0002.some((d) => 'app' in d && d.app === needed)) dependencies0002.push(keyDependency(leaf));
  }
  const secondKey = keyOf(toApp, secondName);
  if (operations.length > 0) {
    steps.push({
      kind: 'edit',
      file: context.rel(path.join(migrationsDir, `${secondName}.py`)),
      newText: renderMigration({
        header: context.header,
        purpose: `${to}'s own changes, run on every database, and ${from}'s content type handed over.`,
        dependencies: dependencies0002,
        functions,
        operations,
        imports: importsOf(target, [...extras, ...overrides]),
      }),
      summary: `${extras.length ? `Adds ${extras.map((f) => f.name).join(', ')}; ` : ''}${overrides.length ? `alters ${overrides.map((f) => f.name).join(', ')}; ` : ''}${contentTypes ? `${from}'s content type, with its permissions, becomes ${to}'s.` : ''}`.trim(),
    });
  }
  let fromAppKey: MigrationKey | undefined;
  if (fromAppName) {
    const fromMigrations = project.appsByLabel.get(fromState.app)?.migrationsDir;
    const leaf = context.fromLeaf;
    if (!fromMigrations || !leaf || project.migrations.get(leaf)?.origin !== 'workspace') throw new NoSafePlan(`The plan must add a migration to ${fromState.app}, whose migrations are not part of this project.`);
    if (!context.applied(leaf)) throw new NoSafePlan(`The database has not applied ${leaf}: migrate with the previous setting first, then plan again.`);
    fromAppKey = keyOf(fromState.app, fromAppName);
    steps.push({
      kind: 'edit',
      file: context.rel(path.join(fromMigrations, `${fromAppName}.py`)),
      newText: renderMigration({
        header: context.header,
        purpose: `${from} leaves ${fromState.app}: its table stays, as ${to}'s.`,
        dependencies: [keyDependency(leaf), { app: toApp, name: '0001_initial' }],
        functions: [],
        operations: [operationItem(stateOnly([`migrations.DeleteModel(\n    name=${py(fromState.name)},\n),`], `${to} owns ${fromState.table} now; nothing is dropped.`))],
        imports: [],
      }),
      summary: `${from} leaves ${fromState.app}'s models (what Django knows only: the table stays).`,
    });
  }
  steps.push(...deletes, ...pendingDeletes(context), migrateStep());

  // Deployments: a first one to record 0001 where the consistency check would stop migrate.
  const dependents = dependentsOf(context).filter((k) => context.applied(k) && splitKey(k)[0] !== toApp);
  const runBeforeApplied = ownerFirst !== undefined && context.applied(ownerFirst);
  const out: PlanDeployment[] = [];
  if (dependents.length > 0 || runBeforeApplied) {
    const unmet = dependencies0001.map(keyOfDependency(context)).filter((k): k is MigrationKey => k !== undefined && !context.applied(k));
    if (unmet.length > 0) throw new NoSafePlan(`${firstKey} depends on ${unmet.join(', ')}, which the database has not applied: migrate with the previous setting first, then plan again.`);
    const because = [
      ...(dependents.length ? [`${describe(dependents)} will depend on ${firstKey} once ${setting} names ${to} (swappable_dependency)`] : []),
      ...(runBeforeApplied ? [`${ownerFirst} must run after it (run_before), and is applied`] : []),
    ].join('; ');
    if (!recorded && project.history?.source === 'showmigrations' && !project.graph.nodes.has(firstKey)) {
      context.notes.push(`showmigrations lists only migrations whose files exist: until ${firstKey} is in the code it runs with, its output cannot show the record made by deployment 1.`);
    }
    out.push(
      deployment(
        `Record ${firstKey} as applied`,
        `${because}. Django's consistency check stops every migrate until ${firstKey} is recorded, and migrate --fake cannot record it. Run this on every database migrated with ${from} before the change is deployed; the code running now ignores the row.`,
        recorded,
        [recordStep([firstKey], `${firstKey}'s table exists already: record the migration, do not run it.`)],
      ),
    );
  }
  const done = recorded && (operations.length === 0 || context.applied(secondKey)) && (!fromAppKey || context.applied(fromAppKey));
  out.push(deployment(`Move ${setting} to ${to}`, out.length ? `The code change, once ${firstKey} is recorded on every database.` : `No applied migration depends on ${firstKey}, so one deployment does it.`, done, steps));
  if (!stateOnlyCreate) context.notes.push(`Never unapply ${firstKey} (migrate ${toApp} zero) on these databases: it would drop ${fromState.table}, which holds ${from}'s rows.`);
  context.notes.push(`${to} keeps the table name ${fromState.table}. Renaming it is an ordinary change for later: remove db_table, makemigrations, migrate.`);
  return out;
}

function keyDependency(key: MigrationKey): Dependency {
  const [app, name] = splitKey(key);
  return { app, name };
}

function keyOfDependency(context: PlanContext): (d: Dependency) => MigrationKey | undefined {
  return (d) => ('app' in d ? keyOf(d.app, d.name) : keyOfSetting(context, d.setting));
}

function describe(keys: MigrationKey[]): string {
  return keys.length > 4 ? `${keys.slice(0, 4).join(', ')} and ${keys.length - 4} more` : keys.join(', ');
}

interface FieldComparison {
  fields0001: FieldState[];
  primaryKeyEdit?: string;
  extras: DeclaredField[];
  overrides: DeclaredField[];
}

function compareFields(context: PlanContext, target: TargetModel): FieldComparison {
  const { from, to, fromState } = context;
  const oldPk = fromState.fields.find((f) => f.primaryKey);
  if (!oldPk) throw new NoSafePlan(`${from}'s migrations give it no primary key djswap can see.`);
  const newPk = [...target.fields.values()].find((f) => f.primaryKey);
  let primaryKeyEdit: string | undefined;
  let pkText: string;
  if (newPk) {
    if (newPk.name !== oldPk.name || fieldClass(newPk.text) !== fieldClass(oldPk.text)) {
      throw new NoSafePlan(`${to}'s primary key (${newPk.name}, ${fieldClass(newPk.text)}) is not the table's (${oldPk.name}, ${fieldClass(oldPk.text)}).`);
    }
    pkText = newPk.declaredBy === target.info.qualified ? withSerializeFalse(newPk.text) : oldPk.text;
  } else {
    const kind = fieldClass(oldPk.text);
    if (!AUTO_FIELDS.has(kind) || oldPk.name !== 'id') throw new NoSafePlan(`${to} must declare the primary key ${oldPk.name} (${kind}) that ${fromState.table} has.`);
    primaryKeyEdit = `models.${kind}(primary_key=True)`;
    pkText = `models.${kind}(primary_key=True, serialize=False)`;
  }
  const oldNames = new Set(fromState.fields.map((f) => f.name));
  const missing = fromState.fields.filter((f) => !f.primaryKey && !target.fields.has(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new NoSafePlan(`${to} has no field ${missing.join(', ')}: the data ${from} keeps there would be left behind.`);
  const renamed = fromState.name.toLowerCase() !== to.split('.')[1].toLowerCase();
  const autoManyToMany = fromState.fields.filter((f) => f.many && !/\bthrough\s*=/.test(f.text));
  if (renamed && autoManyToMany.length > 0) {
    throw new NoSafePlan(`The many-to-many tables of ${autoManyToMany.map((f) => f.name).join(', ')} name their column after the model (${fromState.name.toLowerCase()}_id): name the new model ${fromState.name}.`);
  }
  const extras = [...target.fields.values()].filter((f) => !f.primaryKey && !oldNames.has(f.name));
  for (const f of extras) {
    if (!f.hasText) throw new NoSafePlan(`${to}.${f.name} comes from ${f.declaredBy}, which djswap knows by name only: it cannot write the migration that adds it.`);
    if (!addable(f.text)) throw new NoSafePlan(`${to}.${f.name} is neither nullable nor given a default: the rows ${fromState.table} holds need a value. Give it a default (or null=True) and plan again.`);
  }
  const overrides = target.ownFields.filter((f) => !f.primaryKey && oldNames.has(f.name));
  const selfLabel = new RegExp(`(['"])${fromState.app}\\.${fromState.name}\\1`, 'i');
  const fields0001 = fromState.fields.map((f) => (f.primaryKey ? { ...f, text: pkText } : { ...f, text: f.text.replace(selfLabel, `'${to}'`) }));
  return { fields0001, primaryKeyEdit, extras, overrides };
}

/** Import statements the fields' code needs: those of the modules they are written in, and names those modules define. */
function importsOf(target: TargetModel, fields: DeclaredField[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    out.push(...f.imports);
    if (f.declaredBy !== target.info.qualified) continue;
    const defined = new Set<string>();
    for (const s of target.scope.file.module.statements) {
      if (s.kind === 'class' || s.kind === 'def') defined.add(s.name);
      if (s.kind === 'assign') for (const t of s.targets) if (t.k === 'name') defined.add(t.id);
    }
    for (const name of usedNames(f.text)) if (defined.has(name)) out.push(`from ${target.scope.moduleName} import ${name}`);
  }
  return out;
}

