import { dottedName, type PyExpr, type PyStatement } from '../syntax/python';
import type { ModuleScope } from './modules';

/**
 * What the tests of `if` statements may read, as Django would at run time: settings, and swapper's
 * view of them. `undefined` is "not known statically": a test that needs it is not known either.
 */
export interface ConditionFacts {
  /** `settings.X`: its value, `null` when the settings do not define X (and Django has no default). */
  setting(name: string): ConditionValue | null | undefined;
  /** The setting swapper reads for `app.Model` (`swapper.set_app_prefix` applied). */
  swapperSetting(app: string, model: string): string;
}

export type ConditionValue = { kind: 'str'; value: string } | { kind: 'bool'; value: boolean } | { kind: 'none' };

/** An `if` test a statement sits under, and the branch it is in (`holds`: the body; else the `else`). */
export interface Guard {
  test: PyExpr;
  holds: boolean;
}

const TYPE_CHECKING = new Set(['typing.TYPE_CHECKING', 'typing_extensions.TYPE_CHECKING', 'TYPE_CHECKING']);

/** Whether an `if` test is true at run time (`hasattr(settings, "X")` included): `undefined` when djswap cannot tell. */
export function conditionTruth(test: PyExpr, scope: ModuleScope, facts: ConditionFacts, depth = 0): boolean | undefined {
  if (depth > 16) return undefined;
  if (isTypeChecking(test, scope)) return false;
  if (test.k === 'unknown' && test.children) {
    const text = scope.file.text;
    if (test.children.length === 1 && /^not\b/.test(text.slice(test.span.start, test.span.start + 4))) {
      const inner = conditionTruth(test.children[0], scope, facts, depth + 1);
      return inner === undefined ? undefined : !inner;
    }
    if (test.children.length === 2) {
      const [left, right] = test.children;
      const operator = text.slice(left.span.end, right.span.start).replace(/\s+/g, ' ').trim();
      if (operator === 'and' || operator === 'or') {
        const a = conditionTruth(left, scope, facts, depth + 1);
        const b = conditionTruth(right, scope, facts, depth + 1);
        if (operator === 'and') return a === false || b === false ? false : a === true && b === true ? true : undefined;
        return a === true || b === true ? true : a === false && b === false ? false : undefined;
      }
      if (operator === '==' || operator === '!=' || operator === 'is' || operator === 'is not') {
        const a = conditionValue(left, scope, facts);
        const b = conditionValue(right, scope, facts);
        if (!a || !b) return undefined;
        const equal = sameConditionValue(a, b);
        return operator === '==' || operator === 'is' ? equal : !equal;
      }
    }
    return undefined;
  }
  const value = conditionValue(test, scope, facts);
  if (!value) return undefined;
  switch (value.kind) {
    case 'str':
      return value.value.length > 0;
    case 'bool':
      return value.value;
    case 'none':
      return false;
  }
}

/** Every guard holds (true), one fails (false), or some cannot be told (undefined). */
export function guardsHold(guards: readonly Guard[], scope: ModuleScope, facts: ConditionFacts): boolean | undefined {
  let known = true;
  for (const guard of guards) {
    const truth = conditionTruth(guard.test, scope, facts);
    if (truth === undefined) known = false;
    else if (truth !== guard.holds) return false;
  }
  return known ? true : undefined;
}

/** `if TYPE_CHECKING:` (bodies that never run). */
export function isTypeChecking(test: PyExpr, scope: ModuleScope): boolean {
  const written = dottedName(test);
  if (!written) return false;
  return TYPE_CHECKING.has(scope.qualify(test) ?? written);
}

/** The source of an `if` test, for messages. */
export function testText(test: PyExpr, scope: ModuleScope): string {
  return scope.file.text.slice(test.span.start, test.span.end).replace(/\s+/g, ' ');
}

/**
 * The statements of a block that run after an `if` whose body leaves the block (`return`, `raise`,
 * `continue`): they sit under the negation of its test. Returns the guard, when there is one.
 */
export function exitGuard(s: PyStatement, text: string): Guard | undefined {
  if (s.kind !== 'if' || s.orelse.length > 0 || s.body.length === 0) return undefined;
  const last = s.body[s.body.length - 1];
  if (last.kind === 'return') return { test: s.test, holds: false };
  if (last.kind === 'other' && /^(raise|continue|break)\b/.test(text.slice(last.span.start, last.span.start + 8))) return { test: s.test, holds: false };
  return undefined;
}

function conditionValue(expr: PyExpr, scope: ModuleScope, facts: ConditionFacts): ConditionValue | undefined {
  switch (expr.k) {
    case 'str':
      return { kind: 'str', value: expr.value };
    case 'const':
      return expr.value === null ? { kind: 'none' } : { kind: 'bool', value: expr.value };
    case 'attr': {
      if (scope.qualify(expr.object) !== 'django.conf.settings') return undefined;
      // An undefined setting raises AttributeError: no value to compare.
      return facts.setting(expr.attr) ?? undefined;
    }
    case 'call': {
      const callee = scope.qualify(expr.fn) ?? dottedName(expr.fn) ?? '';
      const [first, second, third] = expr.args;
      if (callee === 'getattr' && first && second?.k === 'str' && scope.qualify(first) === 'django.conf.settings') {
        const value = facts.setting(second.value);
        if (value !== null) return value;
        return third ? conditionValue(third, scope, facts) : undefined;
      }
      if (callee === 'hasattr' && first && second?.k === 'str' && scope.qualify(first) === 'django.conf.settings') {
        const value = facts.setting(second.value);
        return value === undefined ? undefined : { kind: 'bool', value: value !== null };
      }
      if ((callee === 'swapper.is_swapped' || callee === 'swapper.get_model_name') && first?.k === 'str' && second?.k === 'str') {
        // swapper compares the setting with "app.Model" as written; an undefined setting is the default.
        const own = `${first.value}.${second.value}`;
        const value = facts.setting(facts.swapperSetting(first.value, second.value));
        if (value === undefined) return undefined;
        const swapped = value !== null && value.kind === 'str' && value.value !== own ? value.value : undefined;
        if (callee === 'swapper.get_model_name') return { kind: 'str', value: swapped ?? own };
        return swapped !== undefined ? { kind: 'str', value: swapped } : { kind: 'bool', value: false };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function sameConditionValue(a: ConditionValue, b: ConditionValue): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'none') return true;
  return a.value === (b as typeof a).value;
}

/**
 * The guards a position in a module runs under: the tests of the `if`s around it, and of the `if`s
 * before it in its blocks whose bodies leave the block (`if swapper.is_swapped(...): return`).
 */
export function guardsAt(statements: PyStatement[], offset: number, text: string): Guard[] {
  const visit = (list: PyStatement[], guards: Guard[]): Guard[] | undefined => {
    let current = guards;
    for (const s of list) {
      if (offset < s.span.start) return undefined;
      if (offset < s.span.end) {
        switch (s.kind) {
          case 'if': {
            if (offset < s.test.span.end) return current;
            const inBody = s.body.length > 0 && offset >= s.body[0].span.start && offset < s.body[s.body.length - 1].span.end;
            return inBody ? visit(s.body, [...current, { test: s.test, holds: true }]) ?? current : visit(s.orelse, [...current, { test: s.test, holds: false }]) ?? current;
          }
          case 'class':
          case 'def':
          case 'block':
            return visit(s.body, current) ?? current;
          case 'try':
            return visit(s.body, current) ?? s.handlers.reduce<Guard[] | undefined>((found, h) => found ?? visit(h.body, current), undefined) ?? visit(s.orelse, current) ?? visit(s.finalbody, current) ?? current;
          default:
            return current;
        }
      }
      const exit = exitGuard(s, text);
      if (exit) current = [...current, exit];
    }
    return undefined;
  };
  return visit(statements, []) ?? [];
}
