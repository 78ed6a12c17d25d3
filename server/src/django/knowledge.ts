/**
 * What djswap knows about Django and the reusable apps it meets most, without reading their code:
 * their apps, models, swappable settings and migration graphs. Where a virtual environment in the
 * workspace holds the real package, its files are read instead (see project.ts).
 */
export type { ReferenceExpression, SwappableSpec } from './known-swappables';
export { BUILTIN_SWAPPABLES, builtinSwappable, settingForReference } from './known-swappables';
export type { KnownApp, KnownMigration, KnownModel, KnownOperation, KnownRelation } from './known-apps';
export { BUILTIN_APPS, builtinAppByLabel, builtinAppFor, builtinAppForEntry } from './known-apps';

/** Qualified names of Django's model base class. */
export const MODEL_BASES = new Set(['django.db.models.Model', 'django.db.models.base.Model']);

/** Relation field classes by qualified name, and the kind Django gives them. */
export const RELATION_FIELDS: Record<string, 'ForeignKey' | 'OneToOneField' | 'ManyToManyField'> = {
  'django.db.models.ForeignKey': 'ForeignKey',
  'django.db.models.OneToOneField': 'OneToOneField',
  'django.db.models.ManyToManyField': 'ManyToManyField',
  'django.db.models.fields.related.ForeignKey': 'ForeignKey',
  'django.db.models.fields.related.OneToOneField': 'OneToOneField',
  'django.db.models.fields.related.ManyToManyField': 'ManyToManyField',
  'mptt.fields.TreeForeignKey': 'ForeignKey',
  'mptt.fields.TreeOneToOneField': 'OneToOneField',
  'mptt.fields.TreeManyToManyField': 'ManyToManyField',
  'modelcluster.fields.ParentalKey': 'ForeignKey',
  'modelcluster.fields.ParentalManyToManyField': 'ManyToManyField',
  'annoying.fields.AutoOneToOneField': 'OneToOneField',
};

export const APP_CONFIG_BASES = new Set(['django.apps.AppConfig', 'django.apps.config.AppConfig']);

export const GET_USER_MODEL = new Set(['django.contrib.auth.get_user_model']);
