/** The relation field classes djswap recognises: the one list every layer asks. */

/** The kind Django gives a relation field. */
export type RelationKind = 'ForeignKey' | 'OneToOneField' | 'ManyToManyField';

export const RELATION_KINDS: readonly RelationKind[] = ['ForeignKey', 'OneToOneField', 'ManyToManyField'];

/** Relation field classes by qualified name, and the kind Django gives them. */
export const RELATION_FIELDS: Record<string, RelationKind> = {
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

/** Class names of relation fields (the last part of their qualified names): `TreeForeignKey`, `ParentalKey`. */
export const RELATION_FIELD_NAMES: ReadonlySet<string> = new Set(Object.keys(RELATION_FIELDS).map((q) => q.slice(q.lastIndexOf('.') + 1)));

/** The kind a field class written without a followable import names (`fields.ForeignKey`): Django's own names only. */
export function relationKindOfName(name: string): RelationKind | undefined {
  return (RELATION_KINDS as readonly string[]).includes(name) ? (name as RelationKind) : undefined;
}

/** Whether a field class as written (`models.ForeignKey`, `TreeForeignKey`, `ParentalKey`) looks like a relation field. */
export function looksLikeRelationField(written: string): boolean {
  return [...RELATION_KINDS, 'ParentalKey'].some((name) => written.endsWith(name));
}
