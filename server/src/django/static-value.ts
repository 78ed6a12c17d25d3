/** Static values: what a settings expression is known to be, and how values combine. */
import type { Span } from '../syntax/tree';
import type { Location } from './source';

/**
 * A statically known Python value. Anything the engine cannot know for sure is `unknown`, with the
 * reason, never a guess.
 */
export type StaticValue =
  | { kind: 'str'; value: string; origin?: Location; fromEnvironment?: string }
  | { kind: 'num'; value: number; fromEnvironment?: string }
  | { kind: 'bool'; value: boolean; fromEnvironment?: string }
  | { kind: 'none'; fromEnvironment?: string }
  | { kind: 'list'; items: StaticValue[]; origin?: Location; conditional?: boolean }
  | { kind: 'dict'; entries: Map<string, StaticValue>; origin?: Location }
  /** A file-system path built from `__file__` (`Path(__file__).resolve().parent.parent / "db.sqlite3"`). */
  | { kind: 'path'; value: string }
  | { kind: 'unknown'; reason: string; origin?: Location };

/** Where a setting got its value. */
export interface SettingAssignment {
  name: string;
  value: StaticValue;
  /** The statement that set it last. */
  location: Location;
  /** The value expression of that statement. */
  valueSpan: Span;
  /** Set in a branch whose condition is not statically known. */
  conditional: boolean;
}

export interface SettingsModel {
  module: string;
  /** The file of the settings module itself. */
  file?: string;
  /** Every file evaluated to produce the settings (star imports followed). */
  files: string[];
  values: Map<string, SettingAssignment>;
  /** Star imports that could not be followed: names may come from there. */
  unresolvedStarImports: string[];
  problems: string[];
  /** The class whose attributes are the settings (django-configurations, `Settings.load_settings(__name__)`). */
  settingsClass?: string;
}

export const unknown = (reason: string, origin?: Location): StaticValue => ({ kind: 'unknown', reason, origin });

export type Env = Map<string, SettingAssignment>;

/** A default read from the environment: the value where the variable is not set, not in every environment. */
export function fromEnvironment(value: StaticValue, variable: string | undefined): StaticValue {
  if ((value.kind === 'str' || value.kind === 'bool' || value.kind === 'num' || value.kind === 'none') && variable) return { ...value, fromEnvironment: variable };
  return value;
}

export function add(left: StaticValue, right: StaticValue): StaticValue {
  if (left.kind === 'list' && right.kind === 'list') {
    return { kind: 'list', items: [...left.items, ...right.items], origin: left.origin, conditional: left.conditional || right.conditional };
  }
  if (left.kind === 'str' && right.kind === 'str') return { kind: 'str', value: left.value + right.value, origin: left.origin };
  if (left.kind === 'list' && right.kind === 'unknown') {
    return { kind: 'list', items: [...left.items, right], origin: left.origin, conditional: left.conditional };
  }
  return unknown(left.kind === 'unknown' ? left.reason : right.kind === 'unknown' ? right.reason : 'a sum of values that is not known');
}

/**
 * After `if <unknown>:`, a name set the same way on both paths keeps its value; lists extended on
 * either path keep every item, marked conditional; anything else becomes unknown.
 */
export function mergeBranches(env: Env, whenTrue: Env, whenFalse: Env): void {
  const names = new Set([...whenTrue.keys(), ...whenFalse.keys()]);
  for (const name of names) {
    const a = whenTrue.get(name);
    const b = whenFalse.get(name);
    const before = env.get(name);
    if (a === before && b === before) continue;
    if (a && b && sameValue(a.value, b.value)) {
      env.set(name, a === before ? b : a);
      continue;
    }
    const changed = (a !== before ? a : b)!;
    const other = a !== before ? b : a;
    // `INSTALLED_APPS = list(dict.fromkeys(INSTALLED_APPS))` in a loop over plugins: what was known stays
    // known, and the list may hold more.
    const known = [a, b].find((x) => x?.value.kind === 'list');
    const unknownSide = [a, b].find((x) => x?.value.kind === 'unknown');
    if (known && unknownSide && known.value.kind === 'list') {
      env.set(name, { ...known, value: { ...known.value, items: [...known.value.items, unknown(unknownSide.value.kind === 'unknown' ? unknownSide.value.reason : '')], conditional: true }, conditional: true });
      continue;
    }
    if (changed.value.kind === 'list' && (!other || other.value.kind === 'list')) {
      const items = [...(other?.value.kind === 'list' ? other.value.items : [])];
      // Keyed, not compared pairwise: settings lists can hold 100,000 items.
      const present = new Set(items.map(scalarKey).filter((k) => k !== undefined));
      for (const item of changed.value.items) {
        const key = scalarKey(item);
        if (key !== undefined && present.has(key)) continue;
        if (key !== undefined) present.add(key);
        items.push(item);
      }
      env.set(name, { ...changed, value: { ...changed.value, items, conditional: true }, conditional: true });
      continue;
    }
    env.set(name, {
      ...changed,
      value: unknown(`set only when a condition holds that is not known statically`, changed.value.kind === 'str' ? changed.value.origin : undefined),
      conditional: true,
    });
  }
}

/** A string that equal scalar values share; undefined for values that are not compared. */
export function scalarKey(value: StaticValue): string | undefined {
  switch (value.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return `${value.kind}:${String(value.value)}`;
    case 'none':
      return 'none';
    default:
      return undefined;
  }
}

export function sameValue(a: StaticValue, b: StaticValue): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'str':
    case 'num':
    case 'bool':
      return a.value === (b as typeof a).value;
    case 'none':
      return true;
    case 'list': {
      const other = b as typeof a;
      return a.items.length === other.items.length && a.items.every((item, i) => sameValue(item, other.items[i]));
    }
    default:
      return false;
  }
}
