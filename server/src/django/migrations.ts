import { dottedName, forEachExpr, forEachStatement, keywordArgument, statementExprs, type PyExpr, type PyStatement } from '../syntax/python';
import type { Span } from '../syntax/tree';
import { swapperSettingName, topLevelClasses } from './models';
import type { ModuleScope } from './modules';
import { classifyTarget, relationCall, settingReference, type RelationCall, type SettingVia } from './references';

/** One entry of `dependencies`, `run_before` or `replaces`; `conditional` when it sits in one arm of `x if c else y`. */
export type DependencyEntry = (
  | { kind: 'key'; app: string; name: string; span: Span; nameSpan: Span }
  /** `migrations.swappable_dependency(settings.X)` (or a helper's attribute, e.g. oauth2_settings). */
  | { kind: 'swappable'; setting: string; via: SettingVia; span: Span; argumentSpan: Span }
  /** `migrations.swappable_dependency("app.Model")`: a literal label, i.e. (app, "__first__"). */
  | { kind: 'swappable-literal'; app: string; label: string; span: Span }
  /** `swapper.dependency("app", "Model")`. */
  | { kind: 'swapper'; setting: string; defaultLabel: string; span: Span }
  | { kind: 'unknown'; span: Span }
) & { conditional?: boolean };

export interface MigrationField {
  name: string;
  relation?: RelationCall;
}

export type OperationFacts =
  | {
      kind: 'CreateModel';
      model: string;
      nameSpan?: Span;
      span: Span;
      fields: MigrationField[];
      /** `options={"swappable": ...}`: a literal setting name, or `swapper.swappable_setting("app", "Model")`. */
      swappable?: { setting: string; span: Span };
      /** An `options` value djswap cannot read: the swappable, proxy and managed options are unknown. */
      optionsUnknown?: boolean;
      /** `options={"proxy": True}` or `{"managed": False}`: the operation creates no table. */
      noTable?: boolean;
    }
  | { kind: 'AddField' | 'AlterField'; model: string; field: MigrationField; span: Span }
  | { kind: 'DeleteModel'; model: string; span: Span }
  | { kind: 'RenameModel'; from: string; to: string; span: Span }
  | { kind: 'RunPython'; span: Span }
  | { kind: 'SeparateDatabaseAndState'; state: OperationFacts[]; database: OperationFacts[]; span: Span }
  | { kind: 'other'; name: string; span: Span };

/** `apps.get_model("auth", "User")` / `apps.get_model("auth.User")` anywhere in the file. */
export interface GetModelCall {
  label: string;
  span: Span;
  /** The argument(s) holding the label. */
  argumentsSpan: Span;
}

/** A `List[...]` value of the Migration class and where it is. */
export interface ListAttribute {
  entries: DependencyEntry[];
  /** The whole statement. */
  statementSpan: Span;
  /** The list expression. */
  valueSpan: Span;
  /** The value is not one literal list: it cannot be edited in place. */
  opaque: boolean;
  /** Some entries are not known (`[...] + app_settings.EXTRA`): what is listed is not all there is. */
  partial: boolean;
}

export interface MigrationFileFacts {
  file: string;
  /** The `class Migration` statement; absent when the file defines none (BadMigrationError). */
  classSpan?: Span;
  classNameSpan?: Span;
  classBodySpan?: Span;
  initial?: boolean;
  dependencies?: ListAttribute;
  runBefore?: ListAttribute;
  replaces?: ListAttribute;
  operations: OperationFacts[];
  /** Every relation field found in operations, flattened (CreateModel fields, AddField, AlterField). */
  relations: { model: string; field: string; relation: RelationCall }[];
  getModelCalls: GetModelCall[];
  /** Settings read anywhere in the class body (`settings.X`), for undefined-setting checks. */
  settingReads: { setting: string; via: SettingVia; span: Span }[];
}

export function extractMigration(scope: ModuleScope): MigrationFileFacts {
  const facts: MigrationFileFacts = { file: scope.file.path, operations: [], relations: [], getModelCalls: [], settingReads: [] };
  const statements = scope.file.module.statements;
  const migrationClass = topLevelClasses(statements).filter((c) => c.name === 'Migration').pop();
  if (migrationClass) {
    facts.classSpan = migrationClass.span;
    facts.classNameSpan = migrationClass.nameSpan;
    facts.classBodySpan = migrationClass.bodySpan;
    for (const s of migrationClass.body) {
      if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
      const attribute = s.targets[0].id;
      if (attribute === 'initial') facts.initial = s.value.k === 'const' && s.value.value === true;
      else if (attribute === 'dependencies' || attribute === 'run_before' || attribute === 'replaces') {
        const list = readList(s, scope);
        if (attribute === 'dependencies') facts.dependencies = list;
        else if (attribute === 'run_before') facts.runBefore = list;
        else facts.replaces = list;
      } else if (attribute === 'operations' && (s.value.k === 'list' || s.value.k === 'tuple')) {
        facts.operations = s.value.items.map((item) => readOperation(item, scope));
      }
    }
    readListsSetInMethods(migrationClass.body, facts, scope);
    forEachStatement(migrationClass.body, (s) => {
      for (const expr of statementExprs(s)) {
        forEachExpr(expr, (e) => {
          const setting = settingReference(e, scope);
          if (setting) facts.settingReads.push({ ...setting, span: e.span });
        });
      }
    });
  }
  const collect = (ops: OperationFacts[]) => {
    for (const op of ops) {
      if (op.kind === 'CreateModel') {
        for (const f of op.fields) if (f.relation) facts.relations.push({ model: op.model, field: f.name, relation: f.relation });
      } else if (op.kind === 'AddField' || op.kind === 'AlterField') {
        if (op.field.relation) facts.relations.push({ model: op.model, field: op.field.name, relation: op.field.relation });
      } else if (op.kind === 'SeparateDatabaseAndState') {
        collect(op.state);
        collect(op.database);
      }
    }
  };
  collect(facts.operations);
  facts.getModelCalls = findGetModelCalls(statements);
  return facts;
}

function readList(s: Extract<PyStatement, { kind: 'assign' }>, scope: ModuleScope): ListAttribute {
  const value = s.value;
  if (value.k === 'list' || value.k === 'tuple') {
    const entries = value.items.map((item) => readDependency(item, scope));
    // `(model_app_label, "0001_initial")`: an entry djswap cannot read may be any edge.
    return { entries, statementSpan: s.span, valueSpan: value.span, opaque: false, partial: entries.some((e) => e.kind === 'unknown') };
  }
  // `[...] + EXTRA`, `([...] if c else []) + [...]`: the literal parts are known, the rest is not.
  const entries: DependencyEntry[] = [];
  let partial = false;
  const walk = (e: PyExpr, conditional: boolean): void => {
    if (e.k === 'list' || e.k === 'tuple') {
      for (const item of e.items) {
        if (item.k === 'starred') {
          walk(item.value, conditional);
          continue;
        }
        const entry = readDependency(item, scope);
        entries.push(conditional ? { ...entry, conditional } : entry);
      }
    } else if (e.k === 'binop' && e.op === '+') {
      walk(e.left, conditional);
      walk(e.right, conditional);
    } else if (e.k === 'unknown' && isConditionalExpression(e, scope.file.text)) {
      walk(e.children![0], true);
      walk(e.children![2], true);
    } else {
      partial = true;
    }
  };
  walk(value, false);
  return { entries, statementSpan: s.span, valueSpan: value.span, opaque: true, partial: partial || entries.some((e) => e.kind === 'unknown') };
}

const LIST_ATTRIBUTES = ['dependencies', 'run_before', 'replaces'] as const;

/**
 * `self.dependencies = [...]` or `self.dependencies.insert(...)` in a method (`__init__`): the list
 * Django reads is built when the migration is loaded. The literal entries are kept; the list is partial.
 */
function readListsSetInMethods(body: PyStatement[], facts: MigrationFileFacts, scope: ModuleScope): void {
  const selfAttribute = (e: PyExpr): (typeof LIST_ATTRIBUTES)[number] | undefined =>
    e.k === 'attr' && e.object.k === 'name' && e.object.id === 'self' ? LIST_ATTRIBUTES.find((a) => a === e.attr) : undefined;
  const touched = new Map<(typeof LIST_ATTRIBUTES)[number], ListAttribute | undefined>();
  for (const method of body) {
    if (method.kind !== 'def') continue;
    forEachStatement(method.body, (s) => {
      if (s.kind === 'assign' && s.targets.length === 1) {
        const attribute = selfAttribute(s.targets[0]);
        if (attribute) touched.set(attribute, touched.get(attribute) ?? readList(s, scope));
      } else if (s.kind === 'augassign') {
        const attribute = selfAttribute(s.target);
        if (attribute && !touched.has(attribute)) touched.set(attribute, undefined);
      } else if (s.kind === 'expr' && s.value.k === 'call' && s.value.fn.k === 'attr') {
        const attribute = selfAttribute(s.value.fn.object);
        if (attribute && !touched.has(attribute)) touched.set(attribute, undefined);
      }
    });
  }
  for (const [attribute, assigned] of touched) {
    const key = attribute === 'dependencies' ? 'dependencies' : attribute === 'run_before' ? 'runBefore' : 'replaces';
    const existing = facts[key];
    const base = assigned ?? existing;
    const span = base?.statementSpan ?? facts.classNameSpan ?? { start: 0, end: 0 };
    // An assignment replaces the class attribute (the instance's wins); a mutation extends it.
    const entries = assigned ? assigned.entries : (existing?.entries ?? []);
    facts[key] = { entries, statementSpan: span, valueSpan: base?.valueSpan ?? span, opaque: true, partial: true };
  }
}

/** `a if c else b`: the summary keeps it as an unknown expression with three children. */
function isConditionalExpression(e: Extract<PyExpr, { k: 'unknown' }>, text: string): boolean {
  const parts = e.children;
  if (!parts || parts.length !== 3) return false;
  return /^\s*if\b/.test(text.slice(parts[0].span.end, parts[1].span.start)) && /^\s*else\b/.test(text.slice(parts[1].span.end, parts[2].span.start));
}

export function readDependency(expr: PyExpr, scope: ModuleScope): DependencyEntry {
  if ((expr.k === 'tuple' || expr.k === 'list') && expr.items.length === 2) {
    const [app, name] = expr.items;
    if (app.k === 'str' && name.k === 'str') return { kind: 'key', app: app.value, name: name.value, span: expr.span, nameSpan: name.span };
  }
  if (expr.k === 'call') {
    const callee = dottedName(expr.fn) ?? '';
    const argument = expr.args[0];
    if (callee.endsWith('swappable_dependency') && argument) {
      if (argument.k === 'str') {
        return { kind: 'swappable-literal', app: argument.value.split('.')[0], label: argument.value, span: expr.span };
      }
      const target = classifyTarget(argument, scope);
      if (target.kind === 'setting') return { kind: 'swappable', setting: target.setting, via: target.via, span: expr.span, argumentSpan: argument.span };
      if (target.kind === 'swapper') {
        return { kind: 'swapper', setting: swapperSettingName(target.app, target.model), defaultLabel: `${target.app}.${target.model}`, span: expr.span };
      }
    }
    if ((callee === 'swapper.dependency' || callee.endsWith('.dependency')) && expr.args[0]?.k === 'str' && expr.args[1]?.k === 'str') {
      const app = expr.args[0].value;
      const model = expr.args[1].value;
      return { kind: 'swapper', setting: swapperSettingName(app, model), defaultLabel: `${app}.${model}`, span: expr.span };
    }
  }
  return { kind: 'unknown', span: expr.span };
}

function argument(call: Extract<PyExpr, { k: 'call' }>, position: number, name: string): PyExpr | undefined {
  return keywordArgument(call, name) ?? call.args[position];
}

function stringArgument(call: Extract<PyExpr, { k: 'call' }>, position: number, name: string): string {
  const value = argument(call, position, name);
  return value?.k === 'str' ? value.value : '';
}

function readField(expr: PyExpr | undefined, scope: ModuleScope): MigrationField['relation'] {
  return expr ? relationCall(expr, scope) : undefined;
}

/** The setting a `swappable` option names: a string, or swapper's `swappable_setting("app", "Model")`. */
function swappableOption(value: PyExpr): string | undefined {
  if (value.k === 'str') return value.value;
  if (value.k === 'call' && (dottedName(value.fn) ?? '').split('.').pop() === 'swappable_setting') {
    const [app, model] = value.args;
    if (app?.k === 'str' && model?.k === 'str') return swapperSettingName(app.value, model.value);
  }
  return undefined;
}

function readOperation(expr: PyExpr, scope: ModuleScope): OperationFacts {
  if (expr.k !== 'call') return { kind: 'other', name: '?', span: expr.span };
  const name = (dottedName(expr.fn) ?? '').split('.').pop() ?? '';
  switch (name) {
    case 'CreateModel': {
      const nameExpr = argument(expr, 0, 'name');
      const fieldsExpr = argument(expr, 1, 'fields');
      const optionsExpr = argument(expr, 2, 'options');
      const fields: MigrationField[] = [];
      if (fieldsExpr && (fieldsExpr.k === 'list' || fieldsExpr.k === 'tuple')) {
        for (const item of fieldsExpr.items) {
          if ((item.k === 'tuple' || item.k === 'list') && item.items.length === 2 && item.items[0].k === 'str') {
            fields.push({ name: item.items[0].value, relation: readField(item.items[1], scope) });
          }
        }
      }
      let swappable: { setting: string; span: Span } | undefined;
      let optionsUnknown = optionsExpr !== undefined && optionsExpr.k !== 'dict';
      let noTable = false;
      if (optionsExpr?.k === 'dict') {
        for (const entry of optionsExpr.entries) {
          if (entry.key.k !== 'str') {
            optionsUnknown = true;
            continue;
          }
          const option = entry.key.value;
          if (option === 'swappable') {
            const setting = swappableOption(entry.value);
            if (setting) swappable = { setting, span: entry.value.span };
            else optionsUnknown = true;
          } else if (option === 'proxy' || option === 'managed') {
            if (entry.value.k !== 'const') optionsUnknown = true;
            else if ((option === 'proxy') === (entry.value.value === true)) noTable = true;
          }
        }
      }
      return {
        kind: 'CreateModel',
        model: nameExpr?.k === 'str' ? nameExpr.value : '',
        nameSpan: nameExpr?.span,
        span: expr.span,
        fields,
        swappable,
        ...(optionsUnknown ? { optionsUnknown } : {}),
        ...(noTable ? { noTable } : {}),
      };
    }
    case 'AddField':
    case 'AlterField':
      return {
        kind: name,
        model: stringArgument(expr, 0, 'model_name'),
        field: { name: stringArgument(expr, 1, 'name'), relation: readField(argument(expr, 2, 'field'), scope) },
        span: expr.span,
      };
    case 'DeleteModel':
      return { kind: 'DeleteModel', model: stringArgument(expr, 0, 'name'), span: expr.span };
    case 'RenameModel':
      return { kind: 'RenameModel', from: stringArgument(expr, 0, 'old_name'), to: stringArgument(expr, 1, 'new_name'), span: expr.span };
    case 'RunPython':
      return { kind: 'RunPython', span: expr.span };
    case 'SeparateDatabaseAndState': {
      const list = (e: PyExpr | undefined) => (e && (e.k === 'list' || e.k === 'tuple') ? e.items.map((i) => readOperation(i, scope)) : []);
      return {
        kind: 'SeparateDatabaseAndState',
        database: list(argument(expr, 0, 'database_operations')),
        state: list(argument(expr, 1, 'state_operations')),
        span: expr.span,
      };
    }
    default:
      return { kind: 'other', name, span: expr.span };
  }
}

function findGetModelCalls(statements: PyStatement[]): GetModelCall[] {
  const out: GetModelCall[] = [];
  forEachStatement(statements, (s) => {
    for (const expr of statementExprs(s)) {
      forEachExpr(expr, (e) => {
        if (e.k !== 'call' || e.fn.k !== 'attr' || e.fn.attr !== 'get_model') return;
        const [first, second] = e.args;
        if (first?.k === 'str' && second?.k === 'str') {
          out.push({ label: `${first.value}.${second.value}`, span: e.span, argumentsSpan: { start: first.span.start, end: second.span.end } });
        } else if (first?.k === 'str' && !second && first.value.includes('.')) {
          out.push({ label: first.value, span: e.span, argumentsSpan: first.span });
        }
      });
    }
  });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** Migration module names Django loads from a migrations package (pkgutil.iter_modules rules). */
/**
 * A module the migration loader loads: `pkgutil.iter_modules` yields every `.py` file, hyphens and
 * all (import_module finds `0005_remove-version-alias`), and the loader skips names starting with `_` or `~`.
 */
export function isMigrationFileName(fileName: string): boolean {
  return /^[^_~.][^/]*\.py$/.test(fileName) && !fileName.slice(0, -3).includes('.');
}
