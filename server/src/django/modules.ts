import * as path from 'node:path';
import { dottedName, type PyExpr, type PyImport, type PyStatement } from '../syntax/python';
import { childPath, type EntryKind, type ParsedFile, type SourceTree } from './source';

/** Where a dotted module lives on disk. */
export interface ResolvedModule {
  name: string;
  /** The .py file (a package's __init__.py); absent for a namespace package. */
  file?: string;
  /** The package folder, for packages. */
  dir?: string;
  root: string;
}

/** Maps dotted module names to files through the source roots, as `sys.path` would. */
export class ModuleResolver {
  private readonly cache = new Map<string, ResolvedModule | null>();
  private readonly moduleNames = new Map<string, string | null>();

  constructor(
    private readonly tree: SourceTree,
    readonly roots: string[],
  ) {}

  resolve(name: string): ResolvedModule | undefined {
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(name)) return undefined;
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let found: ResolvedModule | null = null;
    const parts = name.split('.');
    for (const root of this.roots) {
      const base = childPath(root, ...parts);
      if (this.kind(base + '.py') === 'file') {
        found = { name, file: base + '.py', root };
        break;
      }
      if (this.kind(base) === 'dir') {
        const init = childPath(base, '__init__.py');
        found = { name, file: this.kind(init) === 'file' ? init : undefined, dir: base, root };
        if (found.file) break;
        // A namespace package only wins when no regular package or module does.
      }
    }
    this.cache.set(name, found);
    return found ?? undefined;
  }

  private kind(file: string): EntryKind | undefined {
    return this.tree.kind(file);
  }

  /** The dotted name of a file under one of the roots. */
  moduleName(file: string): string | undefined {
    let name = this.moduleNames.get(file);
    if (name === undefined) this.moduleNames.set(file, (name = this.computeModuleName(file) ?? null));
    return name ?? undefined;
  }

  private computeModuleName(file: string): string | undefined {
    // A file whose own name is no identifier (a migration's 0001_initial.py) is no module under any root.
    const base = path.basename(file);
    if (base !== '__init__.py' && !/^[A-Za-z_]\w*\.py$/.test(base)) return undefined;
    for (const root of this.roots) {
      const relative = path.relative(root, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      const parts = relative.split(path.sep);
      const last = parts[parts.length - 1];
      if (!last.endsWith('.py')) return undefined;
      if (last === '__init__.py') parts.pop();
      else parts[parts.length - 1] = last.slice(0, -3);
      if (parts.length === 0 || !parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) continue;
      return parts.join('.');
    }
    return undefined;
  }
}

/** What a module-level name is bound to. */
export type Binding =
  | { kind: 'qualified'; name: string }
  | { kind: 'value'; expr: PyExpr }
  | { kind: 'class'; name: string };

/** The absolute module an import names, given the importing module (for relative imports). */
export function importedModule(imp: PyImport, fromModule: string, isPackage: boolean): string | undefined {
  if (imp.level === 0) return imp.module;
  const parts = fromModule.split('.');
  // A module's package is its parent; a package's __init__ is its own package.
  const packageParts = isPackage ? parts : parts.slice(0, -1);
  const up = imp.level - 1;
  if (up > packageParts.length) return undefined;
  const base = packageParts.slice(0, packageParts.length - up);
  if (imp.module) base.push(imp.module);
  return base.length > 0 ? base.join('.') : undefined;
}

/**
 * What a name is bound to after an `if`: the test, and what each branch leaves bound (a further
 * choice, a binding, or nothing: unbound).
 */
export interface BindingChoice {
  test: PyExpr;
  whenTrue: Binding | BindingChoice | undefined;
  whenFalse: Binding | BindingChoice | undefined;
}

/**
 * The names a module binds at its top level: imports (as qualified names), classes, and
 * assignments (kept as expressions). Later bindings win, as at run time. A name an `if` binds
 * differently in its branches keeps the later branch's binding in `bindings`, and the choice in
 * `choices` for those who can evaluate the test.
 */
export class ModuleScope {
  readonly bindings = new Map<string, Binding>();
  readonly choices = new Map<string, BindingChoice>();
  readonly starImports: string[] = [];

  constructor(
    readonly moduleName: string,
    readonly file: ParsedFile,
  ) {
    const isPackage = path.basename(file.path) === '__init__.py';
    this.collect(file.module.statements, isPackage);
  }

  private collect(statements: PyStatement[], isPackage: boolean): void {
    for (const s of statements) {
      switch (s.kind) {
        case 'import':
          this.bindImport(s.import, isPackage);
          break;
        case 'class':
          this.bind(s.name, { kind: 'class', name: `${this.moduleName}.${s.name}` });
          break;
        case 'assign':
          for (const target of s.targets) {
            if (target.k === 'name') this.bind(target.id, { kind: 'value', expr: s.value });
          }
          break;
        case 'if': {
          const bindingsBefore = new Map(this.bindings);
          const choicesBefore = new Map(this.choices);
          this.collect(s.body, isPackage);
          const bodyBindings = new Map(this.bindings);
          const bodyChoices = new Map(this.choices);
          this.bindings.clear();
          this.choices.clear();
          for (const [k, v] of bindingsBefore) this.bindings.set(k, v);
          for (const [k, v] of choicesBefore) this.choices.set(k, v);
          this.collect(s.orelse, isPackage);
          for (const name of new Set([...bodyBindings.keys(), ...this.bindings.keys()])) {
            const whenTrue = bodyBindings.get(name);
            const whenFalse = this.bindings.get(name);
            if (sameBinding(whenTrue, whenFalse) && bodyChoices.get(name) === this.choices.get(name)) continue;
            // The later branch's binding stays the plain answer, as before; the choice says what it depends on.
            if (whenFalse === bindingsBefore.get(name) && whenTrue) this.bindings.set(name, whenTrue);
            this.choices.set(name, { test: s.test, whenTrue: bodyChoices.get(name) ?? whenTrue, whenFalse: this.choices.get(name) ?? whenFalse });
          }
          break;
        }
        case 'try':
          this.collect(s.body, isPackage);
          for (const h of s.handlers) this.collect(h.body, isPackage);
          this.collect(s.orelse, isPackage);
          this.collect(s.finalbody, isPackage);
          break;
        case 'block':
          this.collect(s.body, isPackage);
          break;
      }
    }
  }

  private bind(name: string, binding: Binding): void {
    this.bindings.set(name, binding);
    this.choices.delete(name);
  }

  private bindImport(imp: PyImport, isPackage: boolean): void {
    if (imp.kind === 'import') {
      for (const n of imp.names) {
        if (n.alias) this.bind(n.alias, { kind: 'qualified', name: n.name });
        else {
          const head = n.name.split('.')[0];
          this.bind(head, { kind: 'qualified', name: head });
        }
      }
      return;
    }
    const module = importedModule(imp, this.moduleName, isPackage);
    if (!module) return;
    if (imp.star) this.starImports.push(module);
    for (const n of imp.names) this.bind(n.alias ?? n.name, { kind: 'qualified', name: `${module}.${n.name}` });
  }

  /**
   * The binding of a name once the tests it depends on are evaluated (`truth`): `undefined` when the
   * name ends up unbound, `'unknown'` when a test cannot be told.
   */
  resolveName(name: string, truth: (test: PyExpr) => boolean | undefined): Binding | undefined | 'unknown' {
    let current: Binding | BindingChoice | undefined = this.choices.get(name) ?? this.bindings.get(name);
    for (let hops = 0; current && 'test' in current; hops++) {
      if (hops > 32) return 'unknown';
      const holds = truth(current.test);
      if (holds === undefined) {
        // Branches that agree need no answer.
        const a = current.whenTrue;
        const b = current.whenFalse;
        if (a && b && !('test' in a) && !('test' in b) && sameBinding(a, b)) return a;
        return 'unknown';
      }
      current = holds ? current.whenTrue : current.whenFalse;
    }
    return current as Binding | undefined;
  }

  /**
   * The qualified name an expression like `models.ForeignKey` or `User` stands for, through the
   * imports; undefined for names the module does not bind (builtins, star imports).
   */
  qualify(expr: PyExpr): string | undefined {
    const dotted = dottedName(expr);
    if (!dotted) return undefined;
    const [head, ...rest] = dotted.split('.');
    const binding = this.bindings.get(head);
    if (!binding) return undefined;
    if (binding.kind === 'value') {
      // `User = get_user_model()` and friends are resolved by the caller through `valueOf`.
      return undefined;
    }
    return normalizeQualified([binding.name, ...rest].join('.'));
  }

  /** The expression a module-level name was assigned, if it was. */
  valueOf(name: string): PyExpr | undefined {
    const binding = this.bindings.get(name);
    return binding?.kind === 'value' ? binding.expr : undefined;
  }
}

function sameBinding(a: Binding | undefined, b: Binding | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'value') return false;
  return a.name === (b as typeof a).name;
}

/** Spellings of the same Django object reduced to one. */
export function normalizeQualified(name: string): string {
  if (name.startsWith('django.contrib.gis.db.models.')) return 'django.db.models.' + name.slice('django.contrib.gis.db.models.'.length);
  if (name.startsWith('django.db.models.fields.related.')) return 'django.db.models.' + name.slice('django.db.models.fields.related.'.length);
  if (name === 'django.contrib.auth.base_user.AbstractBaseUser') return 'django.contrib.auth.models.AbstractBaseUser';
  if (name === 'django.db.models.base.Model') return 'django.db.models.Model';
  if (name === 'django.apps.config.AppConfig') return 'django.apps.AppConfig';
  return name;
}
