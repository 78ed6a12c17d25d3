/** Places that start Django (manage.py, test runners, scripts), how direct each is, and what they resolve to. */
import type { ModuleNaming } from '../django/entry-points';
import type { SettingsSource } from '../django/project';
import type { Location } from '../django/source';

/** A place that starts Django, and the settings it names. */
export interface StartPoint {
  source: SettingsSource;
  /** Lower is more direct: what a developer runs first. */
  rank: number;
  file: string;
  /** The folder it runs from: the first entry of sys.path. */
  dir: string;
  naming?: ModuleNaming;
  /** The django-configurations class it sets. */
  configuration?: string;
  /** The manage.py of the folder a configured settings module runs from. */
  manageFile?: string;
  configureCall?: Location;
  /** Folders it puts on sys.path (absolute). */
  pathEntries: string[];
  where: string;
}

export interface ResolvedSettings {
  module: string;
  file: string;
  /** The folder the project runs from. */
  root: string;
  /** The folders the module was found under. */
  roots: string[];
  /** Other modules a computed name allows. */
  others: string[];
}

export interface Resolved {
  point: StartPoint;
  settings?: ResolvedSettings;
  /** What makes two start points one project: the settings file, or the file calling settings.configure(). */
  key: string;
  root: string;
  sourceRoots: string[];
}

export const RANK = { configuration: 0, 'manage.py': 1, 'manage.py (computed)': 2, pytest: 3, tox: 4, script: 5, shell: 6, 'environment file': 7, server: 8 } as const;

/** Settings modules of a test harness: `tests.settings`, `guardian.testapp.testsettings`, `config.settings.test`. */
export const TEST_MODULE = /(^|\.)(tests?|testapp|test_app|testing|testproject|test_project|test_?settings|testsettings|settings_?tests?|tests?_?settings)(\.|$)/;

/** Files that start Django besides manage.py, by name. */
export const SCRIPT_NAMES = new Set(['conftest.py', 'runtests.py', 'runtest.py', 'run_tests.py']);
export const SERVER_NAMES = new Set(['wsgi.py', 'asgi.py', 'celery.py', 'celery_app.py']);
