import { dottedName, keywordArgument, type PyExpr } from '../../syntax/python';
import type { MigrationKey } from '../graph';
import * as path from 'node:path';
import { importedModule, type ModuleScope } from '../modules';
import type { DjangoProject } from '../project';
import { relationCall } from '../references';
import { topLevelClasses } from '../models';

/** One field of a model as its migrations leave it. */
export interface FieldState {
  name: string;
  /** The field as migration code, e.g. `models.CharField(max_length=150)`. */
  text: string;
  /** Where a relation field points. */
  target?: { setting: string } | { label: string };
  many?: boolean;
  primaryKey: boolean;
}

/** A model as its app's migrations describe it: what `makemigrations` compares the code with. */
export interface ModelState {
  app: string;
  /** The model name as written in CreateModel. */
  name: string;
  fields: FieldState[];
  /** Options as migration code, by key, in the order written. */
  options: [string, string][];
  table: string;
  swappable?: string;
  /** The import statements of the files the texts come from. */
  imports: string[];
  createdBy?: MigrationKey;
  lastChangedBy?: MigrationKey;
  /** What the migrations do to the model that a swap plan cannot carry over. */
  unsupported: string[];
  source: 'migrations' | 'knowledge';
}

/** Options that change the database: a plan that fakes a migration cannot carry them over unchecked. */
export const DATABASE_OPTIONS = new Set(['unique_together', 'index_together', 'indexes', 'constraints', 'order_with_respect_to', 'db_tablespace', 'managed']);

/** The model's state after some of its app's migrations, and which of them touched it. */
export interface FoldedState {
  state?: ModelState;
  /** Migrations among those folded that create, change or delete the model. */
  touching: MigrationKey[];
  /** The first of them that deleted the model (when it is gone at the end). */
  deletedBy?: MigrationKey;
}

/**
 * Folds migrations of `label`'s app (`keys`, in the order `migrate` applies them) into the model's
 * state. Undefined when a migration file cannot be read (a package outside the workspace).
 */
export function foldModelState(project: DjangoProject, label: string, keys: MigrationKey[]): FoldedState | undefined {
  const [app, model] = label.split('.');
  const lower = (model ?? '').toLowerCase();
  let state: ModelState | undefined;
  const imports = new Set<string>();
  const touching: MigrationKey[] = [];
  let deletedBy: MigrationKey | undefined;
  for (const key of keys) {
    const info = project.migrations.get(key);
    if (!info?.file) return undefined;
    const scope = project.scopeOfFile(info.file);
    if (!scope) return undefined;
    const before = state ? JSON.stringify(state) : '';
    for (const op of operationsOf(scope)) state = apply(state, op, { app, lower, key, scope });
    const after = state ? JSON.stringify(state) : '';
    if (after !== before) {
      touching.push(key);
      if (state) for (const statement of topLevelImports(scope)) imports.add(statement);
      else deletedBy ??= key;
    }
    if (state) deletedBy = undefined;
  }
  if (state) state.imports = [...imports];
  return { state, touching, deletedBy };
}

/** Every migration of the app, in the order `migrate` applies them. */
export function appMigrationOrder(project: DjangoProject, app: string): MigrationKey[] {
  return project.graph.migrationPlan().filter((k) => project.migrations.get(k)?.app === app);
}

interface Context {
  app: string;
  lower: string;
  key: MigrationKey;
  scope: ModuleScope;
}

function operationsOf(scope: ModuleScope): PyExpr[] {
  const migration = topLevelClasses(scope.file.module.statements)
    .filter((c) => c.name === 'Migration')
    .pop();
  for (const s of migration?.body ?? []) {
    if (s.kind === 'assign' && s.targets.length === 1 && s.targets[0].k === 'name' && s.targets[0].id === 'operations' && (s.value.k === 'list' || s.value.k === 'tuple')) {
      return s.value.items;
    }
  }
  return [];
}

/**
 * The module's top-level imports as one-line statements, relative imports made absolute: the text a
 * migration in another package can use.
 */
export function topLevelImports(scope: ModuleScope): string[] {
  const isPackage = path.basename(scope.file.path) === '__init__.py';
  const out: string[] = [];
  for (const s of scope.file.module.statements) {
    if (s.kind !== 'import' || s.import.star) continue;
    const imp = s.import;
    const names = imp.names.map((n) => (n.alias ? `${n.name} as ${n.alias}` : n.name)).join(', ');
    if (imp.kind === 'import') out.push(`import ${names}`);
    else {
      const module = importedModule(imp, scope.moduleName, isPackage);
      if (module) out.push(`from ${module} import ${names}`);
    }
  }
  return out;
}

function argument(call: Extract<PyExpr, { k: 'call' }>, position: number, name: string): PyExpr | undefined {
  return keywordArgument(call, name) ?? call.args[position];
}

function str(call: Extract<PyExpr, { k: 'call' }>, position: number, name: string): string | undefined {
  const value = argument(call, position, name);
  return value?.k === 'str' ? value.value : undefined;
}

const textOf = (scope: ModuleScope, expr: PyExpr) => scope.file.text.slice(expr.span.start, expr.span.end);

export function fieldState(name: string, expr: PyExpr, scope: ModuleScope): FieldState {
  const relation = relationCall(expr, scope);
  const text = textOf(scope, expr);
  let target: FieldState['target'];
  if (relation?.target.kind === 'setting') target = { setting: relation.target.setting };
  else if (relation?.target.kind === 'label') target = { label: relation.target.label };
  return { name, text, target, many: relation?.kind === 'ManyToManyField', primaryKey: /\bprimary_key\s*=\s*True\b/.test(text) };
}

/** Table names Django gives a model without `db_table`. */
export function defaultTable(app: string, model: string): string {
  return `${app}_${model.toLowerCase()}`;
}

function unquote(text: string): string | undefined {
  const match = /^\s*(['"])(.*)\1\s*$/s.exec(text);
  return match ? match[2] : undefined;
}

function apply(state: ModelState | undefined, expr: PyExpr, context: Context): ModelState | undefined {
  if (expr.k !== 'call') return state;
  const operation = (dottedName(expr.fn) ?? '').split('.').pop() ?? '';
  const { scope, lower, key } = context;
  const forModel = (position: number, name: string) => (str(expr, position, name) ?? '').toLowerCase() === lower;
  const touched = (s: ModelState) => ({ ...s, lastChangedBy: key });
  switch (operation) {
    case 'CreateModel': {
      if (!forModel(0, 'name')) return state;
      const fields: FieldState[] = [];
      const list = argument(expr, 1, 'fields');
      if (list && (list.k === 'list' || list.k === 'tuple')) {
        for (const item of list.items) {
          if ((item.k === 'tuple' || item.k === 'list') && item.items.length === 2 && item.items[0].k === 'str') fields.push(fieldState(item.items[0].value, item.items[1], scope));
        }
      }
      const options: [string, string][] = [];
      const dict = argument(expr, 2, 'options');
      if (dict?.k === 'dict') for (const entry of dict.entries) if (entry.key.k === 'str') options.push([entry.key.value, textOf(scope, entry.value)]);
      const name = str(expr, 0, 'name') ?? '';
      const table = options.find(([k]) => k === 'db_table');
      const swappable = options.find(([k]) => k === 'swappable');
      const bases = argument(expr, 3, 'bases');
      const unsupported = options.filter(([k]) => DATABASE_OPTIONS.has(k)).map(([k]) => `${key} sets Meta.${k}`);
      if (bases) unsupported.push(`${key} gives it bases (${textOf(scope, bases).slice(0, 60)})`);
      return {
        app: context.app,
        name,
        fields,
        options,
        table: (table && unquote(table[1])) ?? defaultTable(context.app, name),
        swappable: swappable ? unquote(swappable[1]) : undefined,
        imports: [],
        createdBy: key,
        lastChangedBy: key,
        unsupported,
        source: 'migrations',
      };
    }
    case 'AddField':
    case 'AlterField': {
      if (!state || !forModel(0, 'model_name')) return state;
      const name = str(expr, 1, 'name');
      const value = argument(expr, 2, 'field');
      if (!name || !value) return { ...state, unsupported: [...state.unsupported, `${key}: ${operation} not understood`] };
      const next = fieldState(name, value, scope);
      const fields = state.fields.some((f) => f.name === name) ? state.fields.map((f) => (f.name === name ? next : f)) : [...state.fields, next];
      return touched({ ...state, fields });
    }
    case 'RemoveField': {
      if (!state || !forModel(0, 'model_name')) return state;
      const name = str(expr, 1, 'name');
      return touched({ ...state, fields: state.fields.filter((f) => f.name !== name) });
    }
    case 'RenameField': {
      if (!state || !forModel(0, 'model_name')) return state;
      const from = str(expr, 1, 'old_name');
      const to = str(expr, 2, 'new_name');
      if (!from || !to) return state;
      return touched({ ...state, fields: state.fields.map((f) => (f.name === from ? { ...f, name: to } : f)) });
    }
    case 'AlterModelTable': {
      if (!state || !forModel(0, 'name')) return state;
      const table = argument(expr, 1, 'table');
      const value = table?.k === 'str' ? table.value : undefined;
      const options = state.options.filter(([k]) => k !== 'db_table');
      if (value) options.push(['db_table', textOf(scope, table!)]);
      return touched({ ...state, options, table: value ?? defaultTable(state.app, state.name) });
    }
    case 'AlterModelOptions': {
      if (!state || !forModel(0, 'name')) return state;
      const dict = argument(expr, 1, 'options');
      // AlterModelOptions replaces every option it may change, keeping the others (db_table, swappable, ...).
      const kept = state.options.filter(([k]) => !ALTER_OPTION_KEYS.has(k));
      const given: [string, string][] = dict?.k === 'dict' ? dict.entries.filter((e) => e.key.k === 'str').map((e) => [(e.key as { value: string }).value, textOf(scope, e.value)]) : [];
      return touched({ ...state, options: [...kept, ...given] });
    }
    case 'AlterModelManagers':
      return state && forModel(0, 'name') ? touched(state) : state;
    case 'DeleteModel':
      return forModel(0, 'name') ? undefined : state;
    case 'RenameModel': {
      const from = (str(expr, 0, 'old_name') ?? '').toLowerCase();
      const to = (str(expr, 1, 'new_name') ?? '').toLowerCase();
      if (state && from === lower) return undefined;
      if (to === lower) return state ?? { ...emptyState(context), unsupported: [`${key} renames another model into it`] };
      return state;
    }
    case 'SeparateDatabaseAndState': {
      const list = argument(expr, 1, 'state_operations');
      let next = state;
      if (list && (list.k === 'list' || list.k === 'tuple')) for (const op of list.items) next = apply(next, op, context);
      return next;
    }
    case 'AddIndex':
    case 'RemoveIndex':
    case 'RenameIndex':
    case 'AddConstraint':
    case 'RemoveConstraint':
    case 'AlterUniqueTogether':
    case 'AlterIndexTogether':
    case 'AlterOrderWithRespectTo': {
      if (!state) return state;
      const modelName = (str(expr, 0, 'model_name') ?? str(expr, 0, 'name') ?? '').toLowerCase();
      return modelName === lower ? touched({ ...state, unsupported: [...state.unsupported, `${key}: ${operation}`] }) : state;
    }
    default:
      return state;
  }
}

/** The option keys AlterModelOptions manages (django.db.migrations.operations.models.AlterModelOptions.ALTER_OPTION_KEYS). */
const ALTER_OPTION_KEYS = new Set([
  'base_manager_name',
  'default_manager_name',
  'default_related_name',
  'get_latest_by',
  'managed',
  'ordering',
  'permissions',
  'default_permissions',
  'select_on_save',
  'verbose_name',
  'verbose_name_plural',
]);

function emptyState(context: Context): ModelState {
  return { app: context.app, name: context.lower, fields: [], options: [], table: defaultTable(context.app, context.lower), imports: [], unsupported: [], source: 'migrations' };
}
