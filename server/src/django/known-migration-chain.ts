/** Shorthands for writing the known apps' models and migration graphs. */
import type { KnownMigration, KnownRelation } from './known-apps';

export const chain = (app: string, names: string[], extra: Record<string, Partial<KnownMigration>> = {}): KnownMigration[] =>
  names.map((name, i) => {
    const more = extra[name] ?? {};
    const previous = i === 0 ? [] : [`${app}.${names[i - 1]}`];
    return { ...more, name, dependencies: [...previous, ...(more.dependencies ?? [])] };
  });

export const AUTH_MODELS = 'django.contrib.auth.models';

export const dotRelation = (field: string, setting: string): KnownRelation => ({ field, target: { setting } });
export const abstractUserRelations: KnownRelation[] = [
  { field: 'groups', target: { label: 'auth.Group' }, kind: 'ManyToManyField' },
  { field: 'user_permissions', target: { label: 'auth.Permission' }, kind: 'ManyToManyField' },
];

