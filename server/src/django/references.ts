import { dottedName, keywordArgument, type PyExpr } from '../syntax/python';
import type { Span } from '../syntax/tree';
import { GET_USER_MODEL, settingForReference } from './knowledge';
import { RELATION_FIELDS, relationKindOfName, type RelationKind } from './relation-fields';
import type { ModuleScope } from './modules';

/** What a relation field (or a migration's `to=`) points at, as written. */
export type RelationTarget =
  /** A model label string: "auth.User", "User" (same app), "self". */
  | { kind: 'label'; label: string; span: Span; quote: string; viaConstant?: string }
  /**
   * A class, by its qualified name: `User` imported from django.contrib.auth.models. `choice`: the
   * name is bound differently by the branches of an `if` (ModuleScope.choices), `qualified` is the
   * later branch's.
   */
  | { kind: 'class'; qualified: string; span: Span; choice?: string }
  /** A swappable setting: `settings.AUTH_USER_MODEL`, `oauth2_settings.APPLICATION_MODEL`, `getattr(settings, "X", "d")`. */
  | { kind: 'setting'; setting: string; via: SettingVia; span: Span; defaultLabel?: string; viaConstant?: string }
  /** `swapper.get_model_name("app", "Model")`. */
  | { kind: 'swapper'; app: string; model: string; span: Span }
  | { kind: 'get_user_model'; span: Span }
  | { kind: 'unknown'; span: Span };

/**
 * How a setting is read: `settings.X` (Django's settings object: only Django's own defaults exist),
 * a package helper with defaults (`oauth2_settings.APPLICATION_MODEL`), or `getattr(settings, X, default)`.
 */
export type SettingVia = 'django' | 'helper' | 'getattr';

export type { RelationKind } from './relation-fields';

export interface RelationCall {
  kind: RelationKind;
  /** The field class as written, e.g. `models.ForeignKey`. */
  written: string;
  target: RelationTarget;
  /** The whole call. */
  span: Span;
  /** Whether the target was given as `to=`. */
  byKeyword: boolean;
}

/** The relation field a call creates, if it is one. */
export function relationCall(expr: PyExpr, scope: ModuleScope): RelationCall | undefined {
  if (expr.k !== 'call') return undefined;
  const written = dottedName(expr.fn);
  if (!written) return undefined;
  const qualified = scope.qualify(expr.fn);
  let kind = qualified ? RELATION_FIELDS[qualified] : undefined;
  // Migrations and models may use a field class without an import we can follow (`fields.ForeignKey`).
  if (!kind && !qualified) {
    kind = relationKindOfName(written.split('.').pop()!);
  }
  if (!kind) return undefined;
  const to = keywordArgument(expr, 'to');
  const argument = to ?? expr.args[0];
  if (!argument) return undefined;
  return { kind, written, target: classifyTarget(argument, scope), span: expr.span, byKeyword: to !== undefined };
}

/** Classifies a model reference expression through the module's imports and constants. */
export function classifyTarget(expr: PyExpr, scope: ModuleScope, depth = 0): RelationTarget {
  const span = expr.span;
  if (depth > 4) return { kind: 'unknown', span };
  if (expr.k === 'str') return { kind: 'label', label: expr.value, span, quote: expr.quote };
  if (expr.k === 'name' || expr.k === 'attr') {
    const setting = settingReference(expr, scope);
    if (setting) return { kind: 'setting', setting: setting.setting, via: setting.via, span };
    if (expr.k === 'name') {
      const value = scope.valueOf(expr.id);
      if (value) {
        const inner = classifyTarget(value, scope, depth + 1);
        // Keep the place of use: fixes and messages point at what the field says.
        if (inner.kind === 'label') return { ...inner, span, viaConstant: expr.id };
        if (inner.kind === 'setting') return { ...inner, span, viaConstant: expr.id };
        return { ...inner, span } as RelationTarget;
      }
    }
    const qualified = scope.qualify(expr);
    if (qualified && expr.k === 'name' && scope.choices.has(expr.id)) return { kind: 'class', qualified, span, choice: expr.id };
    if (qualified) return { kind: 'class', qualified, span };
    return { kind: 'unknown', span };
  }
  if (expr.k === 'call') {
    const callee = scope.qualify(expr.fn);
    if (callee && GET_USER_MODEL.has(callee)) return { kind: 'get_user_model', span };
    const written = dottedName(expr.fn) ?? '';
    if ((callee === 'swapper.get_model_name' || written.endsWith('get_model_name')) && expr.args[0]?.k === 'str' && expr.args[1]?.k === 'str') {
      return { kind: 'swapper', app: expr.args[0].value, model: expr.args[1].value, span };
    }
    if (written === 'getattr' && expr.args[1]?.k === 'str' && expr.args[0] && scope.qualify(expr.args[0]) === 'django.conf.settings') {
      const fallback = expr.args[2];
      return { kind: 'setting', setting: expr.args[1].value, via: 'getattr', span, defaultLabel: fallback?.k === 'str' ? fallback.value : undefined };
    }
  }
  return { kind: 'unknown', span };
}

/** `settings.X` and the known helper objects (`oauth2_settings.APPLICATION_MODEL`): the setting read. */
export function settingReference(expr: PyExpr, scope: ModuleScope): { setting: string; via: SettingVia } | undefined {
  if (expr.k !== 'attr') return undefined;
  const object = scope.qualify(expr.object);
  if (!object) return undefined;
  const setting = settingForReference(object, expr.attr);
  if (!setting) return undefined;
  return { setting, via: object === 'django.conf.settings' ? 'django' : 'helper' };
}
