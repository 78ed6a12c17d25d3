/** The evaluator behind the settings model: runs a settings module's statements over static values. */
import * as path from 'node:path';
import { dottedName, type PyExpr, type PyStatement } from '../syntax/python';
import type { Span } from '../syntax/tree';
import { importedModule, type ModuleResolver } from './modules';
import type { Location, ParsedFile, SourceTree } from './source';
import { add, fromEnvironment, mergeBranches, unknown, type Env, type SettingAssignment, type StaticValue } from './static-value';

/** Where a function's evaluated body keeps what it returns. */
const RETURNED = '<return>';

/** How deep star imports may chain before the evaluator gives up (hostile input: self-imports). */
const MAX_IMPORT_DEPTH = 16;

/** A class statement of a settings module, with the module it was read in. */
interface ClassDefinition {
  name: string;
  statement: Extract<PyStatement, { kind: 'class' }>;
  context: ModuleContext;
  env: Env;
}

export class SettingsEvaluator {
  /** Classes each evaluated module defines or imports, by the name they have there. */
  private readonly classes = new Map<string, Map<string, ClassDefinition>>();
  private readonly attributes = new Map<ClassDefinition, Env>();
  readonly files = new Set<string>();
  readonly unresolvedStarImports = new Set<string>();
  readonly problems: string[] = [];
  private readonly active = new Set<string>();
  private readonly done = new Map<string, Env>();

  constructor(
    private readonly resolver: ModuleResolver,
    private readonly tree: SourceTree,
  ) {}

  evaluateModule(moduleName: string, file: string, depth: number): Env | undefined {
    const finished = this.done.get(file);
    if (finished) return finished;
    if (this.active.has(file)) {
      this.problems.push(`settings module '${moduleName}' imports itself through a cycle; the cycle was cut`);
      return new Map();
    }
    if (depth > MAX_IMPORT_DEPTH) {
      this.problems.push(`settings imports nest deeper than ${MAX_IMPORT_DEPTH} modules at '${moduleName}'`);
      return new Map();
    }
    const parsed = this.tree.parse(file);
    if (!parsed) return undefined;
    this.files.add(file);
    this.active.add(file);
    const env: Env = new Map();
    const context: ModuleContext = { moduleName, parsed, isPackage: path.basename(file) === '__init__.py', depth };
    this.block(parsed.module.statements, env, context, false);
    this.active.delete(file);
    this.done.set(file, env);
    return env;
  }

  private classesOf(file: string): Map<string, ClassDefinition> {
    let map = this.classes.get(file);
    if (!map) this.classes.set(file, (map = new Map()));
    return map;
  }

  /**
   * The class whose attributes become the settings: the one a module-level call hands `__name__` to
   * (`Settings.load_settings(__name__)`), else the django-configurations class named by DJANGO_CONFIGURATION.
   */
  settingsClass(file: string, configuration?: string): ClassDefinition | undefined {
    const classes = this.classes.get(file);
    if (!classes) return undefined;
    const parsed = this.tree.parse(file);
    for (const s of parsed?.module.statements ?? []) {
      if (s.kind !== 'expr' || s.value.k !== 'call' || s.value.fn.k !== 'attr' || s.value.fn.object.k !== 'name') continue;
      if (!s.value.args.some((a) => a.k === 'name' && a.id === '__name__')) continue;
      const found = classes.get(s.value.fn.object.id);
      if (found) return found;
    }
    return configuration ? classes.get(configuration) : undefined;
  }

  /** A class's attributes, bases first: assignments, and methods without arguments (properties) by what they return. */
  classAttributes(definition: ClassDefinition, seen = new Set<ClassDefinition>()): Env {
    const cached = this.attributes.get(definition);
    if (cached) return cached;
    const attributes: Env = new Map();
    if (seen.has(definition) || seen.size > MAX_IMPORT_DEPTH) return attributes;
    seen.add(definition);
    const { statement, context } = definition;
    for (const base of [...statement.bases].reverse()) {
      const name = base.k === 'name' ? base.id : undefined;
      const parent = name ? this.classes.get(context.parsed.path)?.get(name) : undefined;
      if (parent) for (const [key, value] of this.classAttributes(parent, seen)) attributes.set(key, value);
    }
    // The body sees the module's names and what the class set so far.
    const scope: Env = new Map([...definition.env, ...attributes]);
    for (const member of statement.body) {
      if (member.kind === 'def') {
        if (!/^[A-Z][A-Z0-9_]*$/.test(member.name)) continue;
        const local: Env = new Map(scope);
        local.delete(RETURNED);
        this.block(member.body, local, context, false);
        const returned = local.get(RETURNED);
        const value = returned?.conditional ? unknown(`${member.name} returns different values depending on conditions`) : returned?.value ?? unknown(`${member.name}() returns nothing known`);
        const assignment: SettingAssignment = { name: member.name, value, location: { file: context.parsed.path, span: member.span }, valueSpan: member.nameSpan, conditional: false };
        attributes.set(member.name, assignment);
        scope.set(member.name, assignment);
        continue;
      }
      const before = new Map(scope);
      this.statement(member, scope, context, false);
      for (const [key, value] of scope) if (before.get(key) !== value) attributes.set(key, value);
    }
    this.attributes.set(definition, attributes);
    return attributes;
  }

  /**
   * Returns false when an import failed inside a `try` (the handler then runs). Outside a `try`
   * the failure is recorded and evaluation goes on, to keep what can still be known.
   */
  private block(statements: PyStatement[], env: Env, context: ModuleContext, conditional: boolean, inTry = false): boolean {
    for (const s of statements) {
      if (this.statement(s, env, context, conditional)) continue;
      if (inTry) return false;
      if (s.kind === 'import' && !conditional) {
        const line = context.parsed.lines.position(s.span.start).line + 1;
        this.problems.push(`${context.parsed.path}:${line} imports a module that does not exist: Django would fail to load these settings (ImportError)`);
      }
    }
    return true;
  }

  private statement(s: PyStatement, env: Env, context: ModuleContext, conditional: boolean): boolean {
    const origin = (span: Span): Location => ({ file: context.parsed.path, span });
    switch (s.kind) {
      case 'assign': {
        for (const target of s.targets) {
          if (target.k === 'name') {
            env.set(target.id, { name: target.id, value: this.value(s.value, env, context), location: origin(s.span), valueSpan: s.value.span, conditional });
          } else if (target.k === 'subscript') {
            this.assignSubscript(target, s.value, env, context);
          } else if (target.k === 'tuple' || target.k === 'list') {
            for (const item of target.items) {
              if (item.k === 'name') env.set(item.id, { name: item.id, value: unknown('unpacked from a tuple'), location: origin(s.span), valueSpan: s.value.span, conditional });
            }
          }
        }
        return true;
      }
      case 'augassign': {
        if (s.target.k !== 'name') return true;
        const current = env.get(s.target.id);
        const right = this.value(s.value, env, context);
        const left = current?.value ?? unknown(`${s.target.id} is extended before it is set`);
        const value = s.op === '+=' ? add(left, right) : unknown(`${s.target.id} ${s.op} is not evaluated`);
        env.set(s.target.id, { name: s.target.id, value, location: origin(s.span), valueSpan: s.value.span, conditional: conditional || (current?.conditional ?? false) });
        return true;
      }
      case 'expr':
        this.mutatingCall(s.value, env, context, s.span, conditional);
        return true;
      case 'import':
        return this.importStatement(s, env, context, conditional);
      case 'class':
        this.classesOf(context.parsed.path).set(s.name, { name: s.name, statement: s, context, env });
        env.set(s.name, { name: s.name, value: unknown(`${s.name} is a class`), location: origin(s.span), valueSpan: s.nameSpan, conditional });
        return true;
      case 'return':
        env.set(RETURNED, { name: RETURNED, value: s.value ? this.value(s.value, env, context) : { kind: 'none' }, location: origin(s.span), valueSpan: s.span, conditional });
        return true;
      case 'def':
        env.set(s.name, { name: s.name, value: unknown(`${s.name} is a function`), location: origin(s.span), valueSpan: s.nameSpan, conditional });
        return true;
      case 'if': {
        const test = this.truth(s.test, env, context);
        if (test === true) return this.block(s.body, env, context, conditional);
        if (test === false) return this.block(s.orelse, env, context, conditional);
        const whenTrue = new Map(env);
        const whenFalse = new Map(env);
        this.block(s.body, whenTrue, context, true);
        this.block(s.orelse, whenFalse, context, true);
        mergeBranches(env, whenTrue, whenFalse);
        return true;
      }
      case 'try': {
        const attempt = new Map(env);
        const succeeded = this.block(s.body, attempt, context, conditional, true);
        const catchesImportError = s.handlers.some((h) => !h.types || /ImportError|ModuleNotFoundError|Exception/.test(exprText(h.types)));
        if (succeeded || !catchesImportError) {
          for (const [k, v] of attempt) env.set(k, v);
          if (succeeded) this.block(s.orelse, env, context, conditional);
        } else {
          for (const [k, v] of attempt) env.set(k, v);
          const handler = s.handlers.find((h) => !h.types || /ImportError|ModuleNotFoundError|Exception/.test(exprText(h.types)));
          if (handler) this.block(handler.body, env, context, conditional);
        }
        this.block(s.finalbody, env, context, conditional);
        return true;
      }
      case 'block': {
        // A loop body runs any number of times, maybe none: what it sets is merged as a branch.
        const ran = new Map(env);
        this.block(s.body, ran, context, true);
        mergeBranches(env, ran, new Map(env));
        return true;
      }
      default:
        return true;
    }
  }

  private importStatement(s: Extract<PyStatement, { kind: 'import' }>, env: Env, context: ModuleContext, conditional: boolean): boolean {
    const imp = s.import;
    const origin: Location = { file: context.parsed.path, span: s.span };
    if (imp.kind === 'import') {
      for (const n of imp.names) {
        const bound = n.alias ?? n.name.split('.')[0];
        env.set(bound, { name: bound, value: unknown(`module ${n.name}`), location: origin, valueSpan: n.span, conditional });
      }
      return true;
    }
    const module = importedModule(imp, context.moduleName, context.isPackage);
    if (!module) return true;
    const resolved = this.resolver.resolve(module);
    const sourceEnv = resolved?.file ? this.evaluateModule(module, resolved.file, context.depth + 1) : undefined;
    if (imp.star) {
      if (!sourceEnv) {
        if (!resolved && isLikelyLocalModule(imp, module)) return false;
        this.unresolvedStarImports.add(module);
        return true;
      }
      for (const [name, assignment] of sourceEnv) {
        if (!name.startsWith('_')) env.set(name, conditional ? { ...assignment, conditional } : assignment);
      }
      return true;
    }
    if (!resolved && imp.level > 0) return false; // `from .local import *` style imports of a missing file
    for (const n of imp.names) {
      const bound = n.alias ?? n.name;
      const importedClass = resolved?.file ? this.classes.get(resolved.file)?.get(n.name) : undefined;
      if (importedClass) this.classesOf(context.parsed.path).set(bound, importedClass);
      const fromSource = sourceEnv?.get(n.name);
      env.set(bound, fromSource ?? { name: bound, value: unknown(`imported from ${module}`), location: origin, valueSpan: n.span, conditional });
    }
    return true;
  }

  private assignSubscript(target: Extract<PyExpr, { k: 'subscript' }>, valueExpr: PyExpr, env: Env, context: ModuleContext): void {
    // DATABASES["default"]["NAME"] = ...: update a known dict in place.
    const keys: string[] = [];
    let cursor: PyExpr = target;
    while (cursor.k === 'subscript') {
      if (cursor.index.k !== 'str') return;
      keys.unshift(cursor.index.value);
      cursor = cursor.object;
    }
    if (cursor.k !== 'name') return;
    const root = env.get(cursor.id);
    if (!root) return;
    let container = root.value;
    for (let i = 0; i < keys.length - 1; i++) {
      if (container.kind !== 'dict') return;
      const next = container.entries.get(keys[i]);
      if (!next) return;
      container = next;
    }
    if (container.kind === 'dict') container.entries.set(keys[keys.length - 1], this.value(valueExpr, env, context));
  }

  /** `X.append(v)`, `X.extend(v)`, `X.insert(i, v)`, `X.remove(v)`, `X.update({...})`. */
  private mutatingCall(expr: PyExpr, env: Env, context: ModuleContext, span: Span, conditional: boolean): void {
    if (expr.k !== 'call' || expr.fn.k !== 'attr' || expr.fn.object.k !== 'name') return;
    const name = expr.fn.object.id;
    const current = env.get(name);
    if (!current) return;
    const method = expr.fn.attr;
    const arg = (i: number) => (expr.args[i] ? this.value(expr.args[i], env, context) : unknown('missing argument'));
    let value: StaticValue | undefined;
    const list = current.value;
    if (list.kind === 'list') {
      if (method === 'append') value = { ...list, items: [...list.items, arg(0)] };
      else if (method === 'extend') value = add(list, arg(0));
      else if (method === 'insert') {
        const at = arg(0);
        const items = [...list.items];
        items.splice(at.kind === 'num' ? at.value : items.length, 0, arg(1));
        value = { ...list, items };
      } else if (method === 'remove') {
        const gone = arg(0);
        value = gone.kind === 'str' ? { ...list, items: list.items.filter((i) => !(i.kind === 'str' && i.value === gone.value)) } : unknown(`${name}.remove() of an unknown value`);
      }
    } else if (list.kind === 'dict' && method === 'update') {
      const update = arg(0);
      if (update.kind === 'dict') value = { ...list, entries: new Map([...list.entries, ...update.entries]) };
    } else if (['append', 'extend', 'insert', 'remove', 'update'].includes(method)) {
      value = unknown(`${name}.${method}() on a value that is not known`);
    }
    if (value) env.set(name, { ...current, value, location: { file: context.parsed.path, span }, conditional: conditional || current.conditional });
  }

  /** True/false when the condition is statically known; undefined otherwise. */
  private truth(expr: PyExpr, env: Env, context: ModuleContext): boolean | undefined {
    if (expr.k === 'unknown' && expr.children?.length === 1 && context.parsed.text.slice(expr.span.start, expr.span.start + 4) === 'not ') {
      const inner = this.truth(expr.children[0], env, context);
      return inner === undefined ? undefined : !inner;
    }
    const value = this.value(expr, env, context);
    // A default from the environment is not the value in every environment.
    if ('fromEnvironment' in value && value.fromEnvironment) return undefined;
    switch (value.kind) {
      case 'bool':
        return value.value;
      case 'none':
        return false;
      case 'num':
        return value.value !== 0;
      case 'str':
        return value.value.length > 0;
      case 'list':
        return value.conditional ? undefined : value.items.length > 0;
      default:
        return undefined;
    }
  }

  value(expr: PyExpr, env: Env, context: ModuleContext): StaticValue {
    const origin: Location = { file: context.parsed.path, span: expr.span };
    switch (expr.k) {
      case 'str':
        return { kind: 'str', value: expr.value, origin };
      case 'num':
        return { kind: 'num', value: expr.value };
      case 'const':
        return expr.value === null ? { kind: 'none' } : { kind: 'bool', value: expr.value };
      case 'list':
      case 'tuple':
      case 'set': {
        const items: StaticValue[] = [];
        let conditional = false;
        for (const item of expr.items) {
          if (item.k === 'starred') {
            const spread = this.value(item.value, env, context);
            if (spread.kind === 'list') {
              for (const spreadItem of spread.items) items.push(spreadItem);
              conditional ||= spread.conditional ?? false;
            } else items.push(unknown(`*${exprText(item.value)} is not a known list`, origin));
          } else items.push(this.value(item, env, context));
        }
        return { kind: 'list', items, origin, conditional };
      }
      case 'dict': {
        const entries = new Map<string, StaticValue>();
        for (const entry of expr.entries) {
          if (entry.key.k !== 'str') return unknown('a dict with keys that are not strings', origin);
          entries.set(entry.key.value, this.value(entry.value, env, context));
        }
        return { kind: 'dict', entries, origin };
      }
      case 'name': {
        const found = env.get(expr.id);
        if (found) return found.value;
        if (expr.id === '__file__') return { kind: 'path', value: context.parsed.path };
        return unknown(`${expr.id} is not defined here`, origin);
      }
      case 'attr': {
        const object = this.value(expr.object, env, context);
        if (object.kind === 'path' && expr.attr === 'parent') return { kind: 'path', value: path.dirname(object.value) };
        return unknown(`\`${truncate(exprText(expr, context.parsed.text))}\` is not a static value`, origin);
      }
      case 'binop': {
        if (expr.op === '+') return add(this.value(expr.left, env, context), this.value(expr.right, env, context));
        const left = this.value(expr.left, env, context);
        const right = this.value(expr.right, env, context);
        if (expr.op === '/' && left.kind === 'path' && (right.kind === 'str' || right.kind === 'path')) return { kind: 'path', value: path.join(left.value, right.value) };
        return unknown(`the ${expr.op} operator is not evaluated`, origin);
      }
      case 'subscript': {
        const container = this.value(expr.object, env, context);
        if (container.kind === 'dict' && expr.index.k === 'str') return container.entries.get(expr.index.value) ?? unknown(`no key ${expr.index.value}`, origin);
        return unknown('a subscript that is not known', origin);
      }
      case 'call':
        return this.call(expr, env, context, origin);
      default:
        return unknown(`\`${truncate(exprText(expr, context.parsed.text))}\` is not a static value`, origin);
    }
  }

  private pathCall(expr: Extract<PyExpr, { k: 'call' }>, env: Env, context: ModuleContext): StaticValue | undefined {
    const args = () => expr.args.map((a) => this.value(a, env, context));
    const asPath = (v: StaticValue | undefined) => (v?.kind === 'path' || v?.kind === 'str' ? v.value : undefined);
    if (expr.fn.k === 'attr' && PATH_METHODS.has(expr.fn.attr)) {
      const object = this.value(expr.fn.object, env, context);
      return object.kind === 'path' ? object : undefined;
    }
    const callee = dottedName(expr.fn) ?? '';
    const last = callee.split('.').pop();
    if ((last === 'Path' || last === 'PurePath') && expr.args.length === 1) {
      const value = asPath(args()[0]);
      return value === undefined ? undefined : { kind: 'path', value: path.resolve(path.dirname(context.parsed.path), value) };
    }
    if (/(^|\.)path\.(dirname|abspath|realpath|normpath|join)$/.test(callee)) {
      const values = args().map(asPath);
      if (values.some((v) => v === undefined) || values.length === 0) return undefined;
      if (callee.endsWith('dirname')) return { kind: 'path', value: path.dirname(values[0]!) };
      if (callee.endsWith('join')) return { kind: 'path', value: path.join(...(values as string[])) };
      return { kind: 'path', value: path.resolve(values[0]!) };
    }
    if (callee === 'str' && expr.args.length === 1) {
      const value = args()[0];
      return value.kind === 'path' ? { kind: 'str', value: value.value } : undefined;
    }
    return undefined;
  }

  private call(expr: Extract<PyExpr, { k: 'call' }>, env: Env, context: ModuleContext, origin: Location): StaticValue {
    const pathValue = this.pathCall(expr, env, context);
    if (pathValue) return pathValue;
    const callee = dottedName(expr.fn) ?? '';
    const first = expr.args[0];
    const variable = first?.k === 'str' ? first.value : undefined;
    // os.environ.get("X", "default"), os.getenv("X", "default"), os.environ.setdefault(...)
    if (/(^|\.)(environ\.get|getenv|environ\.setdefault)$/.test(callee)) {
      const fallback = expr.args[1] ?? expr.keywords.find((k) => k.name === 'default')?.value;
      if (!fallback) return unknown(`read from the environment variable ${variable ?? '?'} without a default`, origin);
      return fromEnvironment(this.value(fallback, env, context), variable);
    }
    // django-configurations: `values.ListValue([...])` is its default where the environment sets nothing.
    if (/(^|\.)values\.\w*Value$/.test(callee)) {
      const fallback = first ?? expr.keywords.find((k) => k.name === 'default')?.value;
      return fallback ? fromEnvironment(this.value(fallback, env, context), 'DJANGO_' + (callee.split('.').pop() ?? '')) : unknown(`${callee}() without a default`, origin);
    }
    // env("X", default=...), env.str("X", default=...), config("X", default=...) (django-environ, decouple, environs)
    const defaultKeyword = expr.keywords.find((k) => k.name === 'default');
    if (variable && defaultKeyword && /^[A-Z][A-Z0-9_]*$/.test(variable)) {
      return fromEnvironment(this.value(defaultKeyword.value, env, context), variable);
    }
    if ((callee === 'list' || callee === 'tuple') && first) {
      const inner = this.value(first, env, context);
      return inner.kind === 'list' ? inner : unknown(`${callee}() of a value that is not known`, origin);
    }
    if (callee === 'str' && first?.k === 'str') return { kind: 'str', value: first.value, origin };
    return unknown(`the result of ${callee || 'a call'}() is not known statically`, origin);
  }
}

/** Path arithmetic the settings of a startproject use; undefined for any other call. */
const PATH_METHODS = new Set(['resolve', 'absolute', 'expanduser']);

export interface ModuleContext {
  moduleName: string;
  parsed: ParsedFile;
  isPackage: boolean;
  depth: number;
}

/** A missing `from .local_settings import *` is the classic optional override: it fails to import. */
function isLikelyLocalModule(imp: { level: number }, _module: string): boolean {
  return imp.level > 0;
}

function exprText(expr: PyExpr, text?: string): string {
  if (text) return text.slice(expr.span.start, expr.span.end);
  return dottedName(expr) ?? expr.k;
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? oneLine.slice(0, 57) + '...' : oneLine;
}
