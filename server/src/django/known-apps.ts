/** The apps djswap knows without reading their code (models, migration graphs), and how to find one. */
import type { RelationKind } from './relation-fields';
import { DJANGO_CONTRIB_APPS } from './known-django-apps';
import { PACKAGE_APPS } from './known-package-apps';

/** A relation field on a known model, with its target as a label or a swappable setting. */
export interface KnownRelation {
  field: string;
  target: { label: string } | { setting: string };
  /** ForeignKey when absent. */
  kind?: RelationKind;
}

export interface KnownModel {
  name: string;
  /** Qualified names a project can import it by. */
  qualifiedNames: string[];
  abstract?: boolean;
  swappable?: string;
  /** Model-ness through inheritance: the bases given as qualified names. */
  bases?: string[];
  relations?: KnownRelation[];
  /** A user model: subclasses are custom user models. */
  userModel?: boolean;
}

export interface KnownMigration {
  name: string;
  /** `app.name`, `app.__first__`, or `setting:NAME` for a swappable dependency. */
  dependencies: string[];
  /** Models whose CreateModel is in this migration. */
  creates?: string[];
  /** Swappable settings its relation fields target (`to=`). */
  references?: string[];
  /**
   * The release of the package that added it, for migrations that change the order `migrate` applies
   * other apps' migrations in: a project on an older release does not have them.
   */
  since?: string;
  /**
   * Its model operations with relation fields, in order, where they were read from the release's file:
   * what `migrate` creates, and which models it needs to exist first.
   */
  operations?: KnownOperation[];
}

/** A CreateModel, AddField or AlterField of a known migration, with its relation fields. */
export interface KnownOperation {
  kind: 'CreateModel' | 'AddField' | 'AlterField';
  model: string;
  relations: KnownRelation[];
  /** The CreateModel's `options={"swappable": ...}`; absent when it has none. */
  swappable?: string;
}

export interface KnownApp {
  label: string;
  /** The module named in INSTALLED_APPS, and its AppConfig paths. */
  module: string;
  configs: string[];
  package: string;
  models: KnownModel[];
  /**
   * The migrations of the newest release known. Absent when only the models are known: the
   * graph then treats the app's migrations as unknown and reports nothing about them.
   */
  migrations?: KnownMigration[];
}

/** Django's contrib apps first, then reusable packages. */
export const BUILTIN_APPS: KnownApp[] = [...DJANGO_CONTRIB_APPS, ...PACKAGE_APPS];

export function builtinAppByLabel(label: string): KnownApp | undefined {
  return BUILTIN_APPS.find((a) => a.label === label);
}

/**
 * The known app an installed app is: same label and same package. A project's own app may share a
 * label with a known package (taiga's `taiga.projects.notifications` is labelled `notifications`).
 */
export function builtinAppFor(label: string, module: string): KnownApp | undefined {
  const known = builtinAppByLabel(label);
  return known && known.module === module ? known : undefined;
}

/** The known app an INSTALLED_APPS entry names, by module or AppConfig path. */
export function builtinAppForEntry(entry: string): KnownApp | undefined {
  return BUILTIN_APPS.find((a) => a.module === entry || a.configs.includes(entry));
}
