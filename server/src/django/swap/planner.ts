import * as path from 'node:path';
import { splitKey, type MigrationKey } from '../graph';
import { sameLabel, type DjangoProject, type SwappableState } from '../project';
import { knownModelState } from './known-states';
import { appMigrationOrder, foldModelState, type ModelState } from './model-state';
import { NoSafePlan, migrateStep, nextNumber, planHeader, type PlanContext } from './plan-common';
import type { PlanDatabase, PlanStep, SwapPlan } from './plan-data';
import { swapIntoBuiltin } from './plan-builtin';
import { swapIntoWorkspace } from './plan-workspace';

export interface SwapRequest {
  setting: string;
  /** The model the setting should name; its value in the code when absent. */
  to?: string;
  /** The model the databases were migrated with, when the user says. */
  from?: string;
  /** The value git had before the last change of the setting (null: unset, i.e. the default). */
  gitFrom?: string | null;
}

export function planSwap(project: DjangoProject, request: SwapRequest): SwapPlan {
  const setting = request.setting;
  const state = project.swappable(setting);
  const database = databaseOf(project);
  const notes: string[] = [];
  const refuse = (from: string, to: string, reason: string) => ordered({ version: 1, setting, from, to, fromSource: 'none', database, possible: false, reason, notes, deployments: [] });
  if (!state) return refuse('?', request.to ?? '?', `${setting} is not a swappable setting of this project.`);
  if (state.value === undefined && request.to === undefined) return refuse('?', '?', `The value of ${setting} cannot be read statically; give the model with --to.`);
  const to = request.to ?? state.value ?? state.defaultLabel;
  const { from, fromSource } = chooseFrom(project, state, to, request);
  const plan: SwapPlan = { version: 1, setting, from, to, fromSource, database, possible: true, notes, deployments: [] };
  if (project.history && project.history.applied.length === 0) {
    notes.push('The database has applied no migration: it holds no data to move. Make the migrations and migrate as for a new project.');
    plan.deployments.push({ title: 'Migrate', why: 'Nothing is stored yet.', done: false, steps: [migrateStep()] });
    return ordered(plan);
  }
  if (fromSource === 'database') {
    notes.push(`The database applied migrations that depend on ${setting} before ${to.split('.')[0]}.0001_initial: it was migrated with another model, taken to be ${setting}'s default, ${from}. Pass --from if it was another.`);
  }
  if (fromSource === 'none') {
    notes.push(`Nothing says the databases were migrated with another model than ${to} (no change in git, no database read): there is nothing to move. Pass --from (and --database or --history) if there is.`);
    return ordered(plan);
  }
  if (sameLabel(from, to)) {
    notes.push(`The databases were migrated with ${to} already: there is nothing to move.`);
    return ordered(plan);
  }
  try {
    const context = makeContext(project, state, from, to, notes);
    const builtinTarget = knownModelState(to) !== undefined && sameLabel(to, state.defaultLabel);
    plan.deployments = builtinTarget ? swapIntoBuiltin(context) : swapIntoWorkspace(context);
    if (state.value === undefined || !sameLabel(state.value, to)) plan.deployments[plan.deployments.length - 1].steps.unshift(settingsEdit(context));
  } catch (error) {
    if (!(error instanceof NoSafePlan)) throw error;
    plan.possible = false;
    plan.reason = error.message;
    plan.deployments = [];
  }
  return ordered(plan);
}

/** The keys in the order a reader wants them. */
function ordered(plan: SwapPlan): SwapPlan {
  const { version, setting, from, to, fromSource, database, possible, reason, notes, deployments } = plan;
  return { version, setting, from, to, fromSource, database, possible, ...(reason === undefined ? {} : { reason }), notes, deployments };
}

function databaseOf(project: DjangoProject): PlanDatabase {
  const history = project.history;
  if (!history) return { kind: 'assumed' };
  const file = path.relative(project.config.root, history.location).split(path.sep).join('/');
  return { kind: history.source === 'database' ? 'sqlite' : 'showmigrations', file: file.startsWith('..') ? history.location : file, applied: history.applied.length };
}

function chooseFrom(project: DjangoProject, state: SwappableState, to: string, request: SwapRequest): Pick<SwapPlan, 'from' | 'fromSource'> {
  if (state.value !== undefined && !sameLabel(state.value, to)) return { from: state.value, fromSource: 'settings' };
  if (request.from) return { from: request.from, fromSource: 'option' };
  if (request.gitFrom !== undefined) return { from: request.gitFrom ?? state.defaultLabel, fromSource: 'git' };
  const inferred = modelLeftInMigrations(project, state, to);
  if (inferred) return { from: inferred, fromSource: 'migrations' };
  if (project.history && migratedBefore(project, state, to)) return { from: state.defaultLabel, fromSource: 'database' };
  return { from: to, fromSource: 'none' };
}

/**
 * The database was migrated before the model the setting names: migrations that depend on the
 * setting were applied, and the new model's first migration was not, or only after them.
 */
function migratedBefore(project: DjangoProject, state: SwappableState, to: string): boolean {
  const history = project.history!;
  const position = new Map(history.applied.map((key, i) => [key, i]));
  const app = to.split('.')[0];
  const first = project.graph.rootNodes(app)[0] ?? `${app}.0001_initial`;
  const owner = state.defaultLabel.split('.')[0];
  const users = [...project.migrations.values()]
    .filter((m) => m.app !== app && ((m.dependencies?.entries ?? []).some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === state.setting) || (m.known?.dependencies ?? []).includes(`setting:${state.setting}`) || (state.spec && !state.spec.ownerDeclaresDependency && m.app === owner)))
    .map((m) => position.get(m.key))
    .filter((p): p is number => p !== undefined);
  if (users.length === 0) return false;
  const created = position.get(first);
  return created === undefined || created > Math.min(...users);
}

/**
 * Another model the project's (applied) migrations create with every field of the setting's default
 * model: two such models cannot live side by side, so the rows are there.
 */
function modelLeftInMigrations(project: DjangoProject, state: SwappableState, to: string): string | undefined {
  const defaults = knownModelState(state.defaultLabel)?.state.fields.filter((f) => !f.primaryKey).map((f) => f.name);
  if (!defaults) return undefined;
  const found = new Set<string>();
  for (const migration of project.migrations.values()) {
    if (migration.origin !== 'workspace') continue;
    for (const op of migration.operations ?? []) {
      if (op.kind !== 'CreateModel') continue;
      const label = `${migration.app}.${op.model}`;
      if (sameLabel(label, to) || (project.history && !project.history.applied.includes(migration.key))) continue;
      const fields = new Set(op.fields.map((f) => f.name));
      if (defaults.every((name) => fields.has(name))) found.add(label);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function makeContext(project: DjangoProject, state: SwappableState, from: string, to: string, notes: string[]): PlanContext {
  const history = project.history;
  const appliedSet = new Set(history?.applied ?? []);
  const toApp = to.split('.')[0];
  const applied = history
    ? (key: MigrationKey) => appliedSet.has(key)
    : // Without a database, every migration that exists is taken as applied, but the new model's.
      (key: MigrationKey) => splitKey(key)[0] !== toApp && project.graph.nodes.has(key);
  if (!history) notes.push("No database was read (give --database or --history): the plan assumes each database applied every migration the project has, except those of the new model's app.");
  const rel = (file: string) => path.relative(project.config.root, file).split(path.sep).join('/');
  const header = planHeader(state.setting, from, to);
  const ours = new Set<MigrationKey>();
  for (const migration of project.migrations.values()) {
    const text = migration.file && migration.origin === 'workspace' ? project.scopeOfFile(migration.file)?.file.text : undefined;
    if (text?.startsWith(header)) ours.add(migration.key);
  }
  const from_ = loadFromState(project, from, applied, history !== undefined, notes, ours);
  return { project, state, setting: state.setting, from, to, applied, historyKnown: history !== undefined, rel, notes, header, ours, ...from_ };
}

/** The old model as the database has it: from its app's migrations, else from what djswap knows. */
function loadFromState(
  project: DjangoProject,
  from: string,
  applied: (key: MigrationKey) => boolean,
  historyKnown: boolean,
  notes: string[],
  ours: Set<MigrationKey>,
): Pick<PlanContext, 'fromState' | 'fromPending' | 'fromLeaf' | 'fromNextNumber'> {
  const [app] = from.split('.');
  const appInfo = project.appsByLabel.get(app);
  // The plan's own migrations (from an earlier run) are what it writes again, not the database's past.
  const order = appMigrationOrder(project, app).filter((k) => !ours.has(k));
  const readable = order.length > 0 && order.every((k) => project.migrations.get(k)?.file !== undefined);
  let state: ModelState | undefined;
  let pending: MigrationKey[] = [];
  let kept = order;
  if (readable) {
    const all = foldModelState(project, from, order);
    // What the database has: the applied migrations; without a database, all but a trailing deletion.
    const stop = historyKnown ? order.findIndex((k) => !applied(k)) : all?.deletedBy ? order.indexOf(all.deletedBy) : -1;
    const done = stop < 0 ? order : order.slice(0, stop);
    const folded = foldModelState(project, from, done);
    state = folded?.state;
    if (!state) {
      const gone = all?.deletedBy ?? folded?.deletedBy;
      throw new NoSafePlan(
        gone && !all?.state
          ? `${gone} deletes ${from}${historyKnown && applied(gone) ? ', and the database has applied it: the table and its rows are gone' : ''}. djswap plans from a database where ${from}'s table still exists.`
          : `No migration of ${app} creates ${from}: djswap cannot tell what its table holds.`,
      );
    }
    const rest = order.slice(done.length);
    const touching = new Set(foldModelState(project, from, order)?.touching ?? []);
    pending = rest.filter((k) => touching.has(k) || (all?.deletedBy !== undefined && k === all.deletedBy));
    kept = order.filter((k) => !pending.includes(k));
    const stranded = kept.filter((k) => project.graph.parents(k).some((p) => pending.includes(p)));
    if (stranded.length > 0) throw new NoSafePlan(`${stranded.join(', ')} depend${stranded.length === 1 ? 's' : ''} on ${pending.join(', ')}, which the plan must remove (${from} must not be deleted).`);
  } else {
    const known = knownModelState(from);
    if (!known) throw new NoSafePlan(`djswap cannot read the migrations of ${app}${appInfo ? '' : ' (it is not installed)'}, so it cannot tell what ${from}'s table holds.`);
    state = known.state;
    const newer = known.newerChanges.filter((k) => historyKnown && applied(k));
    if (newer.length > 0) {
      throw new NoSafePlan(
        `The database has applied ${newer.join(', ')}, which change ${from} after the version djswap knows. Point site-packages (pyproject.toml [tool.djswap]) at the environment so the installed package's migrations are read.`,
      );
    }
    if (!historyKnown && known.newerChanges.length > 0) notes.push(`${from} is taken as ${app}'s migrations up to ${splitKey(state.lastChangedBy!)[1]} leave it; newer releases change it.`);
  }
  if (state.unsupported.length > 0) throw new NoSafePlan(`${from}'s migrations do things the plan cannot carry over: ${state.unsupported.join('; ')}.`);
  if (state.lastChangedBy && !applied(state.lastChangedBy)) {
    throw new NoSafePlan(`The database has not applied ${state.lastChangedBy}, so ${from}'s table is not as its migrations leave it. Migrate with the previous setting first, then plan again.`);
  }
  return { fromState: state, fromPending: pending, fromLeaf: kept[kept.length - 1], fromNextNumber: nextNumber(kept) };
}

/** The settings file with the setting naming the new model. */
function settingsEdit(context: PlanContext): PlanStep {
  const { project, state, to } = context;
  const file = state.assignment?.location.file ?? project.settings.file;
  const parsed = file ? project.scopeOfFile(file)?.file : undefined;
  if (!file || !parsed) throw new NoSafePlan(`The settings file cannot be read, so the plan cannot set ${state.setting}.`);
  let text: string;
  const span = state.assignment && state.assignment.location.file === file ? state.assignment.valueSpan : undefined;
  if (span && /^\s*['"]/.test(parsed.text.slice(span.start, span.end))) text = `${parsed.text.slice(0, span.start)}"${to}"${parsed.text.slice(span.end)}`;
  else text = `${parsed.text.replace(/\n*$/, '\n')}${state.setting} = "${to}"\n`;
  return { kind: 'edit', file: context.rel(file), newText: text, summary: `Set ${state.setting} to "${to}".` };
}

