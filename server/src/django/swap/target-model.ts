import { dottedName, type PyExpr, type PyStatement } from '../../syntax/python';
import type { ModuleScope } from '../modules';
import { RELATION_FIELD_NAMES } from '../relation-fields';
import type { DjangoProject, ModelInfo } from '../project';
import { knownBase } from './known-states';
import { fieldState, topLevelImports, type FieldState } from './model-state';

type ClassStatement = Extract<PyStatement, { kind: 'class' }>;

/** A field a model class declares, as written. */
export interface DeclaredField extends FieldState {
  /** The class that declares it: the model itself, or the qualified name of an abstract base. */
  declaredBy: string;
  /** Import statements of the module it is written in. */
  imports: string[];
  /** False where only the name is known (a base djswap knows without its code). */
  hasText: boolean;
}

/** The replacement model as the user wrote it: what the plan must reproduce in migrations. */
export interface TargetModel {
  info: ModelInfo;
  scope: ModuleScope;
  statement: ClassStatement;
  /** Every field, own and inherited, by name (own fields win). */
  fields: Map<string, DeclaredField>;
  ownFields: DeclaredField[];
  /** Meta options as migration code (what `makemigrations` would write), before the plan adds db_table. */
  options: [string, string][];
  /** The `class Meta` statement of the class itself. */
  meta?: ClassStatement;
  /** `db_table` as the class's Meta sets it. */
  dbTable?: string;
  /** The base whose Meta a new `class Meta` should inherit: its text as written in the class statement. */
  metaBaseText?: string;
  managers: { name: string; text: string; imports: string[] }[];
  /** What djswap cannot see or carry over. */
  problems: string[];
}

const LAZY_TEXT = /^(?:_|gettext_lazy|gettext|ugettext_lazy|ugettext|pgettext_lazy)\(\s*((['"]).*\2)\s*\)$/s;

/** `_("user")` is written as `"user"` in migrations. */
function optionText(text: string): string {
  const lazy = LAZY_TEXT.exec(text.trim());
  return lazy ? lazy[1] : text.trim();
}

function isFieldCall(expr: PyExpr, scope: ModuleScope): boolean {
  if (expr.k !== 'call') return false;
  const written = dottedName(expr.fn) ?? '';
  const qualified = scope.qualify(expr.fn) ?? written;
  const last = qualified.split('.').pop() ?? '';
  return last.endsWith('Field') || RELATION_FIELD_NAMES.has(last);
}

function isManagerCall(expr: PyExpr, scope: ModuleScope): { className: string; qualified?: string } | undefined {
  if (expr.k !== 'call') return undefined;
  const written = dottedName(expr.fn) ?? '';
  if (!/Manager$/.test(written.split('.').pop() ?? '') && !/Manager\.from_queryset$/.test(written)) return undefined;
  return { className: written, qualified: scope.qualify(expr.fn) };
}

function classIn(scope: ModuleScope, name: string): ClassStatement | undefined {
  return scope.file.module.statements.find((s): s is ClassStatement => s.kind === 'class' && s.name === name);
}

const text = (scope: ModuleScope, expr: { span: { start: number; end: number } }) => scope.file.text.slice(expr.span.start, expr.span.end);

interface ClassReading {
  fields: DeclaredField[];
  meta?: ClassStatement;
  managers: TargetModel['managers'];
  /** The Meta options a subclass without Meta inherits from this class (abstract becomes False). */
  inheritedMeta?: [string, string][];
  problems: string[];
}

/** Reads a model class and, recursively, the abstract classes it subclasses. */
function readClass(project: DjangoProject, scope: ModuleScope, statement: ClassStatement, declaredBy: string, depth: number): ClassReading {
  const reading: ClassReading = { fields: [], managers: [], problems: [] };
  const imports = topLevelImports(scope);
  // Bases first: a field the class declares again replaces the inherited one.
  const inherited: DeclaredField[] = [];
  for (const base of statement.bases) {
    const qualified = scope.qualify(base);
    if (!qualified || qualified === 'django.db.models.Model' || qualified === 'django.db.models.base.Model') continue;
    const known = knownBase(qualified);
    if (known) {
      for (const name of known.fields) {
        const state = known.fieldStates?.find((f) => f.name === name);
        inherited.push({ ...(state ?? { name, text: '', primaryKey: name === 'id' }), declaredBy: qualified, imports: [], hasText: state !== undefined });
      }
      if (reading.managers.length === 0) reading.managers.push(...known.managers);
      reading.inheritedMeta ??= known.meta;
      continue;
    }
    const model = project.modelByQualified(qualified);
    const baseScope = model?.file ? project.scopeOfFile(model.file) : undefined;
    const baseStatement = baseScope ? classIn(baseScope, model!.name) : undefined;
    if (!model || !baseScope || !baseStatement || depth > 8) {
      reading.problems.push(`its base ${qualified} cannot be read`);
      continue;
    }
    if (!model.abstract) {
      reading.problems.push(`it inherits from the concrete model ${model.label} (multi-table inheritance)`);
      continue;
    }
    const parent = readClass(project, baseScope, baseStatement, qualified, depth + 1);
    inherited.push(...parent.fields);
    reading.problems.push(...parent.problems);
    if (reading.managers.length === 0) reading.managers.push(...parent.managers);
    if (!reading.inheritedMeta) {
      if (parent.meta) reading.inheritedMeta = [...metaOptions(project, baseScope, parent.meta, depth + 1, reading.problems).filter(([k]) => k !== 'abstract'), ['abstract', 'False']];
      else reading.inheritedMeta = parent.inheritedMeta;
    }
  }
  const own: DeclaredField[] = [];
  const ownManagers: TargetModel['managers'] = [];
  for (const s of statement.body) {
    if (s.kind === 'class' && s.name === 'Meta') reading.meta = s;
    if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
    const name = s.targets[0].id;
    if (isFieldCall(s.value, scope)) own.push({ ...fieldState(name, s.value, scope), declaredBy, imports, hasText: true });
    const manager = isManagerCall(s.value, scope);
    if (manager) {
      const serialized = managerText(scope, manager.className);
      if (serialized) ownManagers.push({ name, ...serialized });
    }
  }
  if (ownManagers.length > 0) reading.managers = ownManagers;
  const byName = new Map<string, DeclaredField>();
  for (const f of [...inherited, ...own]) byName.set(f.name, f);
  reading.fields = [...byName.values()];
  return reading;
}

/**
 * A manager as `makemigrations` serialises it: only managers with `use_in_migrations = True` are
 * written, by their import path. Managers djswap cannot read are left out.
 */
function managerText(scope: ModuleScope, className: string): { text: string; imports: string[] } | undefined {
  if (className.includes('.')) {
    const qualified = scope.qualify({ k: 'name', id: className.split('.')[0], span: { start: 0, end: 0 } });
    if (qualified && `${qualified}.${className.split('.').slice(1).join('.')}` === 'django.contrib.auth.models.UserManager') {
      return { text: 'django.contrib.auth.models.UserManager()', imports: ['import django.contrib.auth.models'] };
    }
    return undefined;
  }
  const local = classIn(scope, className);
  if (!local) {
    const qualified = scope.qualify({ k: 'name', id: className, span: { start: 0, end: 0 } });
    if (qualified === 'django.contrib.auth.models.UserManager' || qualified === 'django.contrib.auth.base_user.UserManager') {
      return { text: 'django.contrib.auth.models.UserManager()', imports: ['import django.contrib.auth.models'] };
    }
    return undefined;
  }
  const inMigrations =
    local.body.some((s) => s.kind === 'assign' && s.targets[0]?.k === 'name' && s.targets[0].id === 'use_in_migrations' && s.value.k === 'const' && s.value.value === true) ||
    local.bases.some((b) => scope.qualify(b) === 'django.contrib.auth.models.UserManager');
  if (!inMigrations) return undefined;
  return { text: `${scope.moduleName}.${className}()`, imports: [`import ${scope.moduleName}`] };
}

/** The options a `class Meta` gives, inherited Meta classes included, as migration code. */
function metaOptions(project: DjangoProject, scope: ModuleScope, meta: ClassStatement, depth: number, problems: string[]): [string, string][] {
  const options = new Map<string, string>();
  for (const base of meta.bases) {
    // class Meta(AbstractUser.Meta): the parent's options, with abstract turned off.
    if (base.k !== 'attr' || base.attr !== 'Meta') continue;
    const qualified = scope.qualify(base.object);
    const known = qualified ? knownBase(qualified) : undefined;
    if (known) for (const [k, v] of known.meta) options.set(k, v);
    else {
      const model = qualified ? project.modelByQualified(qualified) : undefined;
      const baseScope = model?.file ? project.scopeOfFile(model.file) : undefined;
      const parentMeta = baseScope ? classIn(baseScope, model!.name)?.body.find((s): s is ClassStatement => s.kind === 'class' && s.name === 'Meta') : undefined;
      if (!parentMeta || !baseScope || depth > 8) problems.push(`its Meta inherits from ${text(scope, base)}, which cannot be read`);
      else for (const [k, v] of metaOptions(project, baseScope, parentMeta, depth + 1, problems)) options.set(k, v);
      if (options.has('abstract')) options.set('abstract', 'False');
    }
  }
  for (const s of meta.body) {
    if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
    options.set(s.targets[0].id, optionText(text(scope, s.value)));
  }
  return [...options];
}

export function readTargetModel(project: DjangoProject, info: ModelInfo): TargetModel | string {
  if (!info.file) return `${info.label} has no source file djswap can read`;
  const scope = project.scopeOfFile(info.file);
  const statement = scope ? classIn(scope, info.name) : undefined;
  if (!scope || !statement) return `the class ${info.name} is not a top-level class of ${info.file}`;
  const reading = readClass(project, scope, statement, info.qualified, 0);
  const problems = [...reading.problems];
  let options: [string, string][];
  if (reading.meta) options = metaOptions(project, scope, reading.meta, 0, problems);
  else options = reading.inheritedMeta ?? [];
  const table = options.find(([k]) => k === 'db_table');
  let metaBaseText: string | undefined;
  for (const base of statement.bases) {
    const qualified = scope.qualify(base);
    if (!qualified) continue;
    if (knownBase(qualified) || project.modelByQualified(qualified)?.abstract) {
      metaBaseText = text(scope, base);
      break;
    }
  }
  return {
    info,
    scope,
    statement,
    fields: new Map(reading.fields.map((f) => [f.name, f])),
    ownFields: reading.fields.filter((f) => f.declaredBy === info.qualified),
    options: options.filter(([k]) => k !== 'db_table'),
    meta: reading.meta,
    dbTable: table ? /^(['"])(.*)\1$/.exec(table[1])?.[2] : undefined,
    metaBaseText,
    managers: reading.managers,
    problems,
  };
}

/** The column of the first character of the line holding `offset`. */
function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))![0];
}

function endOfLine(source: string, offset: number): number {
  const newline = source.indexOf('\n', offset);
  return newline < 0 ? source.length : newline + 1;
}

/**
 * The models file with the replacement model changed to take over the old table: a primary key of
 * the old column's type where the class has none, and `db_table` in its Meta.
 */
export function editTargetModel(target: TargetModel, change: { primaryKey?: string; table?: string; why: string }): string {
  const source = target.scope.file.text;
  const inserts: { at: number; text: string }[] = [];
  const body = target.statement.body.filter((s) => s.kind !== 'other' || source.slice(s.span.start, s.span.end).trim() !== '');
  const first = body[0];
  const indent = first ? indentAt(source, first.span.start) : '    ';
  if (change.primaryKey) {
    // After a docstring, if the class opens with one.
    const docstring = first && first.kind === 'expr' && first.value.k === 'str' ? first : undefined;
    const at = docstring ? endOfLine(source, docstring.span.end) : first ? source.lastIndexOf('\n', first.span.start - 1) + 1 : endOfLine(source, target.statement.span.start);
    inserts.push({ at, text: `${indent}id = ${change.primaryKey}\n` });
    const binding = target.scope.qualify({ k: 'name', id: 'models', span: { start: 0, end: 0 } });
    if (binding !== 'django.db.models') {
      const imports = target.scope.file.module.statements.filter((s) => s.kind === 'import');
      const after = imports.length ? endOfLine(source, imports[imports.length - 1].span.end) : 0;
      inserts.push({ at: after, text: 'from django.db import models\n' });
    }
  }
  if (change.table) {
    const line = `db_table = "${change.table}"  # ${change.why}`;
    if (target.meta) {
      const metaBody = target.meta.body;
      const last = metaBody[metaBody.length - 1];
      const metaIndent = last ? indentAt(source, last.span.start) : indent + '    ';
      inserts.push({ at: endOfLine(source, last ? last.span.end : target.meta.span.end), text: `${metaIndent}${line}\n` });
    } else {
      const end = endOfLine(source, target.statement.span.end);
      const head = target.metaBaseText ? `class Meta(${target.metaBaseText}.Meta):` : 'class Meta:';
      inserts.push({ at: end, text: `\n${indent}${head}\n${indent}    ${line}\n` });
    }
  }
  let out = source;
  for (const insert of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, insert.at) + insert.text + out.slice(insert.at);
  if (!out.endsWith('\n')) out += '\n';
  return out;
}
