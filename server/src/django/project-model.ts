/** The data of a project model: how a project was configured, its apps, models, migrations and swappable settings. */
import type { MigrationKey } from './graph';
import type { KnownApp, KnownMigration, KnownModel, SwappableSpec } from './knowledge';
import type { MigrationFileFacts } from './migrations';
import type { AppConfigFacts, ClassFacts } from './models';
import type { SettingAssignment } from './settings';
import type { Location } from './source';

export type Origin = 'workspace' | 'site-packages' | 'builtin' | 'unknown';

/** What named the settings module. */
export type SettingsSource =
  | 'manage.py'
  | 'manage.py (computed)'
  | 'pytest'
  | 'tox'
  | 'script'
  | 'shell'
  | 'environment file'
  | 'server'
  | 'pyproject.toml'
  | 'environment'
  | 'settings.py'
  | 'configuration';

/** How a project was found and which settings module is in force. */
export interface ProjectConfig {
  /** The folder the project runs from (where manage.py is). */
  root: string;
  manageFile?: string;
  settingsModule?: string;
  settingsSource: SettingsSource;
  /** How the settings module was chosen, as a sentence naming the file that chose it. */
  settingsReason?: string;
  /** Other settings modules the project's files name (tests, production, other candidates). */
  otherSettings?: string[];
  /** The django-configurations class whose attributes are the settings (DJANGO_CONFIGURATION). */
  configuration?: string;
  /** `settings.configure(...)` whose keywords are the settings, when no module is named. */
  inlineSettings?: Location;
  /** Folders on the import path, most important first. */
  sourceRoots: string[];
  /** site-packages folders of virtual environments inside the workspace. */
  sitePackages: string[];
  /** INSTALLED_APPS entries stated in the configuration, for what the settings add unreadably. */
  extraApps?: string[];
  /**
   * The settings are a test harness (named by a test runner's configuration or a test script, or
   * test settings of a package): the test runner creates the tables of unmigrated apps
   * (`migrate --run-syncdb`), and the code it tests is a package for other projects.
   */
  testHarness?: boolean;
}

export interface AppInfo {
  label: string;
  /** The app's Python package. */
  name: string;
  /** The INSTALLED_APPS entry as written. */
  entry: string;
  entryLocation?: Location;
  config?: AppConfigFacts;
  dir?: string;
  origin: Origin;
  known?: KnownApp;
  /** Where its migrations come from. */
  migrations: 'package' | 'none' | 'known' | 'unknown' | 'disabled';
  migrationsDir?: string;
  /** Why the app has no migrations package, in Django's terms. */
  migrationsNote?: string;
  /** The label is djswap's guess (an app or an AppConfig base it cannot read): it proves nothing. */
  labelGuessed?: boolean;
}

export interface ModelInfo {
  app: string;
  name: string;
  /** `app_label.ModelName` as Django labels it. */
  label: string;
  qualified: string;
  origin: Origin;
  abstract: boolean;
  proxy: boolean;
  /** The setting named by Meta.swappable. */
  swappable?: string;
  /** Derives from AbstractBaseUser. */
  userModel: boolean;
  file?: string;
  facts?: ClassFacts;
  known?: KnownModel;
  /** Qualified names of every base, transitively, as far as they are known. */
  lineage: string[];
  /** Defined under an `if` whose test djswap cannot evaluate (the test, as written): it may not exist. */
  conditional?: string;
}

export interface MigrationInfo extends Partial<MigrationFileFacts> {
  key: MigrationKey;
  app: string;
  name: string;
  origin: Origin;
  known?: KnownMigration;
}

export interface SwappableState {
  setting: string;
  defaultLabel: string;
  declaredBy: string;
  spec?: SwappableSpec;
  /** The default model that declares `Meta.swappable`. */
  declaringModel?: ModelInfo;
  assignment?: SettingAssignment;
  /** The label in force: the setting's value, or the default when it is not set. */
  value?: string;
  state: 'set' | 'default' | 'unknown';
  /** Whether reading `settings.X` works when the settings do not define X. */
  defaultAvailable: boolean;
  /** Null when the value is not known. */
  swapped: boolean | null;
  target?: ModelInfo;
  targetApp?: AppInfo;
  /** The migration whose CreateModel creates the target. */
  creatingMigration?: MigrationKey;
  /** The owner app is installed, or the setting is set: the setting matters in this project. */
  inUse: boolean;
}

export interface ProjectFile {
  path: string;
  role: 'settings' | 'models' | 'migration' | 'apps' | 'manage';
  app?: string;
}
