import * as path from 'node:path';
import { keyOf, splitKey } from '../graph';
import { knownModelState } from './known-states';
import { contentTypeFunction, operationItem, py, renameTablesFunction, renderMigration, stateOnly, type Dependency } from './migration-writer';
import type { PlanDeployment, PlanStep } from './plan-data';
import { hardReferences, pendingDeletes } from './plan-checks';
import { NoSafePlan, deployment, migrateStep, type PlanContext } from './plan-common';
import { fieldClass } from './plan-workspace';

/**
 * Back to the setting's default (auth.User): the default's app made no table for it on databases
 * migrated while it was swapped out, so the custom model's tables are renamed to the default's, and
 * the custom model leaves its app's migrations without its table being dropped.
 */
export function swapIntoBuiltin(context: PlanContext): PlanDeployment[] {
  const { project, from, to, fromState, setting } = context;
  const toState = knownModelState(to)!.state;
  const fromApp = fromState.app;
  const app = project.appsByLabel.get(fromApp);
  const leaf = context.fromLeaf;
  if (fromState.source !== 'migrations' || !app?.migrationsDir || !leaf || project.migrations.get(leaf)?.origin !== 'workspace') {
    throw new NoSafePlan(`The plan moves ${from}'s rows with a migration of ${fromApp}, which is not an installed app of this project: add it back to INSTALLED_APPS until the change is deployed.`);
  }
  const fromInfo = project.modelByLabel(from);
  if (fromInfo?.origin === 'workspace' && !fromInfo.abstract) {
    throw new NoSafePlan(`${from} is still defined (${fromInfo.file ? context.rel(fromInfo.file) : fromInfo.qualified}): remove the class; its rows become ${to}'s.`);
  }
  const oldNames = new Set(fromState.fields.map((f) => f.name));
  const newNames = new Set(toState.fields.map((f) => f.name));
  const missing = toState.fields.filter((f) => !f.primaryKey && !oldNames.has(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new NoSafePlan(`${from} has no ${missing.join(', ')}, which ${to} needs: its table cannot become ${to}'s.`);
  const extra = fromState.fields.filter((f) => !f.primaryKey && !newNames.has(f.name)).map((f) => f.name);
  if (extra.length > 0) throw new NoSafePlan(`${from} has fields ${to} does not (${extra.join(', ')}): their data would be left behind in columns Django no longer knows.`);
  const manyToMany = fromState.fields.filter((f) => f.many && !/\bthrough\s*=/.test(f.text));
  if (manyToMany.length > 0 && fromState.name.toLowerCase() !== toState.name.toLowerCase()) {
    throw new NoSafePlan(`The many-to-many tables of ${manyToMany.map((f) => f.name).join(', ')} name their column after ${fromState.name} (${fromState.name.toLowerCase()}_id), and ${to}'s after ${toState.name}.`);
  }
  const hard = hardReferences(context);
  if (hard.length > 0) throw new NoSafePlan(`Migrations refer to ${from} by name, not through ${setting}: ${hard.join(', ')}.`);
  if (!context.applied(leaf)) throw new NoSafePlan(`The database has not applied ${leaf}: migrate with the previous setting first, then plan again.`);
  const oldPk = fromState.fields.find((f) => f.primaryKey);
  const newPk = toState.fields.find((f) => f.primaryKey);
  if (oldPk && newPk && fieldClass(oldPk.text) !== fieldClass(newPk.text)) {
    context.notes.push(`${fromState.table}.${oldPk.name} is a ${fieldClass(oldPk.text)} column and ${to}'s primary key an ${fieldClass(newPk.text)}: the column keeps its type, which holds every value ${to} will write.`);
  }

  const rename = fromState.table !== toState.table;
  const name = `${context.fromNextNumber}_move_${fromState.name.toLowerCase()}_to_${to.split('.')[0]}`;
  const functions: string[] = [];
  const database: string[] = [];
  if (rename) {
    functions.push(
      renameTablesFunction(
        { app: fromApp, name: fromState.name },
        { from: fromState.table, to: toState.table },
        manyToMany.map((f) => ({ field: f.name, from: `${fromState.table}_${f.name}`, to: `${toState.table}_${f.name}` })),
      ),
    );
    database.push('migrations.RunPython(rename_tables, migrations.RunPython.noop),');
  }
  const contentTypes = project.appsByLabel.has('contenttypes');
  if (contentTypes) functions.push(contentTypeFunction({ app: fromApp, model: fromState.name }, { app: toState.app, model: toState.name }, false));
  const dependencies: Dependency[] = [];
  for (const key of [leaf, project.graph.leafNodes(toState.app)[0], contentTypes ? project.graph.leafNodes('contenttypes')[0] : undefined]) {
    if (!key) continue;
    const [depApp, depName] = splitKey(key);
    if (!dependencies.some((d) => 'app' in d && d.app === depApp)) dependencies.push({ app: depApp, name: depName });
  }
  const operations = [
    operationItem(stateOnly([`migrations.DeleteModel(\n    name=${py(fromState.name)},\n),`], `${to} owns these rows now; nothing is dropped.`, database)),
    ...(contentTypes ? [operationItem('migrations.RunPython(move_content_type, migrations.RunPython.noop),')] : []),
  ];
  const file = path.join(app.migrationsDir, `${name}.py`);
  const steps: PlanStep[] = [
    {
      kind: 'edit',
      file: context.rel(file),
      newText: renderMigration({
        header: context.header,
        purpose: `${from}'s rows become ${to}'s${rename ? `: its tables are renamed to ${toState.table}` : ''} where they exist.`,
        dependencies,
        functions,
        operations,
        imports: [],
      }),
      summary: `${rename ? `Renames ${fromState.table} (and its many-to-many tables) to ${toState.table} on databases migrated before, ` : ''}removes ${from} from ${fromApp}'s models${contentTypes ? `, and hands its content type to ${to}` : ''}.`,
    },
    ...pendingDeletes(context),
    migrateStep(),
  ];
  if (rename) {
    context.notes.push(`A database created after the change gets ${toState.table} from ${toState.app}'s migrations, and an empty ${fromState.table} from ${fromApp}'s: the plan leaves it, it drops nothing.`);
  }
  const key = keyOf(fromApp, name);
  return [
    deployment(
      `Move ${setting} to ${to}`,
      `Applied migrations that depend on ${setting} then depend on ${toState.app}'s first migration, which every database has applied: one deployment does it.`,
      context.historyKnown && context.applied(key),
      steps,
    ),
  ];
}
