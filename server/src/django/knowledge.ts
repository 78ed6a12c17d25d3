/**
 * What djswap knows about Django and the reusable apps it meets most, without reading their code:
 * their apps, models, swappable settings and migration graphs. Where a virtual environment in the
 * workspace holds the real package, its files are read instead (see project.ts).
 */
export type { ReferenceExpression, SwappableSpec } from './known-swappables';
export { BUILTIN_SWAPPABLES, builtinSwappable, settingForReference } from './known-swappables';
export type { KnownApp, KnownMigration, KnownModel, KnownOperation, KnownRelation } from './known-apps';
export { RELATION_FIELDS } from './relation-fields';
export { BUILTIN_APPS, builtinAppByLabel, builtinAppFor, builtinAppForEntry } from './known-apps';

/** Qualified names of Django's model base class. */
export const MODEL_BASES = new Set(['django.db.models.Model', 'django.db.models.base.Model']);

export const APP_CONFIG_BASES = new Set(['django.apps.AppConfig', 'django.apps.config.AppConfig']);

export const GET_USER_MODEL = new Set(['django.contrib.auth.get_user_model']);
