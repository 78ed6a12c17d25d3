import { dottedName, type PyExpr, type PyStatement } from '../syntax/python';
import type { Span } from '../syntax/tree';
import type { Guard } from './conditions';
import { APP_CONFIG_BASES } from './knowledge';
import type { ModuleScope } from './modules';
import { relationCall, type RelationCall } from './references';
import { MODULE_DEFINITIONS, nestedBlocks, walkStatements, type WalkScope } from '../syntax/walk';

/** A class found in a models module, as written; whether it is a Django model is decided later. */
export interface ClassFacts {
  name: string;
  /** `module.Name`. */
  qualified: string;
  file: string;
  span: Span;
  nameSpan: Span;
  bases: { expr: PyExpr; qualified?: string }[];
  meta: MetaFacts;
  relations: RelationField[];
  /** Assignments of other `django.db.models` fields (`models.CharField(...)`). */
  otherFields: number;
  /** The `if` tests the class statement sits under: it exists only when they hold. */
  guards?: Guard[];
  /** Those tests as written (`settings.AUTH_USER_MODEL == "tests.User"`), for messages. */
  guardSource?: string;
}

export interface MetaFacts {
  abstract?: boolean;
  proxy?: boolean;
  /**
   * `viaSwapper`: `swapper.swappable_setting("app", "Model")` (its arguments in `swapper`), whose
   * setting name `set_app_prefix` may change.
   */
  swappable?: { setting: string; span: Span; statementSpan: Span; viaSwapper?: boolean; swapper?: { app: string; model: string } };
  appLabel?: string;
  /** The `class Meta` statement. */
  span?: Span;
  /** How many statements Meta's body holds. */
  statements?: number;
}

export interface RelationField extends RelationCall {
  name: string;
  nameSpan: Span;
  /** The assignment statement. */
  statementSpan: Span;
}

/** Top-level classes of a module, entering if/try blocks as Python would define them. */
export function topLevelClasses(statements: PyStatement[]): Extract<PyStatement, { kind: 'class' }>[] {
  const out: Extract<PyStatement, { kind: 'class' }>[] = [];
  walkStatements(statements, MODULE_DEFINITIONS, (s) => {
    if (s.kind === 'class') out.push(s);
  });
  return out;
}

/** Top-level classes with the `if` tests each sits under (try blocks are entered as if they ran). */
export function guardedClasses(statements: PyStatement[]): { statement: Extract<PyStatement, { kind: 'class' }>; guards: Guard[] }[] {
  const out: { statement: Extract<PyStatement, { kind: 'class' }>; guards: Guard[] }[] = [];
  const visit = (list: PyStatement[], guards: Guard[]) => {
    for (const s of list) {
      if (s.kind === 'class') out.push({ statement: s, guards });
      for (const block of nestedBlocks(s, MODULE_DEFINITIONS)) {
        visit(block.statements, block.part === 'if' || block.part === 'else' ? [...guards, { test: block.test, holds: block.part === 'if' }] : guards);
      }
    }
  };
  visit(statements, []);
  return out;
}

export function extractClasses(scope: ModuleScope): ClassFacts[] {
  const out: ClassFacts[] = [];
  for (const { statement: cls, guards } of guardedClasses(scope.file.module.statements)) {
    const facts: ClassFacts = {
      name: cls.name,
      qualified: `${scope.moduleName}.${cls.name}`,
      file: scope.file.path,
      span: cls.span,
      nameSpan: cls.nameSpan,
      bases: classBases(cls.bases).map((expr) => ({ expr, qualified: scope.qualify(expr) })),
      meta: {},
      relations: [],
      otherFields: 0,
    };
    if (guards.length > 0) {
      facts.guards = guards;
      const text = scope.file.text;
      facts.guardSource = guards.map((g) => `${g.holds ? '' : 'not '}${text.slice(g.test.span.start, g.test.span.end).replace(/\s+/g, ' ')}`).join(' and ');
    }
    for (const s of cls.body) {
      if (s.kind === 'class' && s.name === 'Meta') facts.meta = readMeta(s);
      else if (s.kind === 'assign' && s.targets.length === 1 && s.targets[0].k === 'name') {
        const relation = relationCall(s.value, scope);
        if (relation) facts.relations.push({ ...relation, name: s.targets[0].id, nameSpan: s.targets[0].span, statementSpan: s.span });
        else if (s.value.k === 'call' && /^django\.db\.models\.(\w+\.)*\w*Field$/.test(scope.qualify(s.value.fn) ?? '')) facts.otherFields++;
      }
    }
    out.push(facts);
  }
  return out;
}

/** The bases a class statement names; `six.with_metaclass(Meta, *bases)` stands for its bases. */
function classBases(bases: PyExpr[]): PyExpr[] {
  return bases.flatMap((b) => (b.k === 'call' && /(^|\.)with_metaclass$/.test(dottedName(b.fn) ?? '') ? b.args.slice(1) : [b]));
}

/** Where `swapper.set_app_prefix` calls are read: `if` branches and `try` bodies only. */
const RUN_AT_TOP_LEVEL: WalkScope = { ...MODULE_DEFINITIONS, exceptHandlers: false, tryElse: false };

/** `swapper.set_app_prefix("wagtailcore", "wagtail")` at the top level of a module: app label → prefix. */
export function swapperPrefixes(scope: ModuleScope): [string, string][] {
  const out: [string, string][] = [];
  const visit = (list: PyStatement[]) => {
    for (const s of list) {
      if (s.kind === 'expr' && s.value.k === 'call') {
        const [app, prefix] = s.value.args;
        if (scope.qualify(s.value.fn) === 'swapper.set_app_prefix' && app?.k === 'str' && prefix?.k === 'str') out.push([app.value, prefix.value]);
      }
      for (const block of nestedBlocks(s, RUN_AT_TOP_LEVEL)) visit(block.statements);
    }
  };
  visit(scope.file.module.statements);
  return out;
}

function readMeta(meta: Extract<PyStatement, { kind: 'class' }>): MetaFacts {
  const facts: MetaFacts = { span: meta.span, statements: meta.body.length };
  for (const s of meta.body) {
    if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
    const name = s.targets[0].id;
    const value = s.value;
    if (name === 'abstract' && value.k === 'const') facts.abstract = value.value === true;
    else if (name === 'proxy' && value.k === 'const') facts.proxy = value.value === true;
    else if (name === 'app_label' && value.k === 'str') facts.appLabel = value.value;
    else if (name === 'swappable' && value.k === 'str') facts.swappable = { setting: value.value, span: value.span, statementSpan: s.span };
    else if (name === 'swappable' && value.k === 'call') {
      // swapper.swappable_setting("app", "Model") names the setting APP_MODEL_MODEL.
      const [app, model] = value.args;
      if (app?.k === 'str' && model?.k === 'str') {
        facts.swappable = { setting: swapperSettingName(app.value, model.value), span: value.span, statementSpan: s.span, viaSwapper: true, swapper: { app: app.value, model: model.value } };
      }
    }
  }
  return facts;
}

/**
 * swapper's naming rule: `swappable_setting("app", "Model")` → `APP_MODEL_MODEL`, with the prefix
 * `set_app_prefix` gave the app in place of the label.
 */
export function swapperSettingName(app: string, model: string, prefix?: string): string {
  return `${(prefix ?? app).toUpperCase()}_${model.toUpperCase()}_MODEL`;
}

export interface AppConfigFacts {
  className: string;
  qualified: string;
  name?: string;
  label?: string;
  default?: boolean;
  span: Span;
  /** A base from another module that may set what this class does not: its qualified name. */
  inheritsFrom?: string;
  /** A config class imported into the module rather than defined there (Django counts those too). */
  imported?: boolean;
}

/** Classes from other modules taken for AppConfig subclasses by their name (`ModelSearchAppConfig`). */
const CONFIG_NAME = /Config$/;

/** AppConfig subclasses of an apps.py module (bases followed within the module). */
export function extractAppConfigs(scope: ModuleScope): AppConfigFacts[] {
  const classes = topLevelClasses(scope.file.module.statements);
  const configNames = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const cls of classes) {
      if (configNames.has(cls.name)) continue;
      const isConfig = cls.bases.some((b) => {
        const q = scope.qualify(b);
        if (q !== undefined && APP_CONFIG_BASES.has(q)) return true;
        if (b.k === 'name' && configNames.has(b.id)) return true;
        // A base from another package (`class SearchConfig(ModelSearchAppConfig)`): an AppConfig by its name.
        return q !== undefined && !q.startsWith(`${scope.moduleName}.`) && CONFIG_NAME.test(q);
      });
      if (isConfig) {
        configNames.add(cls.name);
        grew = true;
      }
    }
  }
  const out: AppConfigFacts[] = [];
  for (const cls of classes) {
    if (!configNames.has(cls.name)) continue;
    const facts: AppConfigFacts = { className: cls.name, qualified: `${scope.moduleName}.${cls.name}`, span: cls.span };
    for (const base of cls.bases) {
      const q = scope.qualify(base);
      if (q && !APP_CONFIG_BASES.has(q) && !(base.k === 'name' && configNames.has(base.id))) facts.inheritsFrom ??= q;
      else if (base.k === 'name' && configNames.has(base.id)) facts.inheritsFrom ??= `${scope.moduleName}.${base.id}`;
    }
    for (const s of cls.body) {
      if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
      const attr = s.targets[0].id;
      if (attr === 'name' && s.value.k === 'str') facts.name = s.value.value;
      else if (attr === 'label' && s.value.k === 'str') facts.label = s.value.value;
      else if (attr === 'default' && s.value.k === 'const') facts.default = s.value.value === true;
    }
    out.push(facts);
  }
  // Django's automatic choice looks at every class the module holds, imported ones included.
  for (const [bound, binding] of scope.bindings) {
    if (binding.kind !== 'qualified' || !CONFIG_NAME.test(bound) || APP_CONFIG_BASES.has(binding.name) || configNames.has(bound)) continue;
    out.push({ className: bound, qualified: binding.name, span: { start: 0, end: 0 }, inheritsFrom: binding.name, imported: true });
  }
  return out;
}
