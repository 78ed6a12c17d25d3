import * as path from 'node:path';
import { MigrationGraph, keyOf, type GraphNodeInput, type MigrationKey } from './graph';
import type { AppliedHistory } from './history';
import {
  BUILTIN_SWAPPABLES,
  MODEL_BASES,
  builtinAppByLabel,
  builtinAppFor,
  builtinAppForEntry,
  type KnownApp,
  type KnownMigration,
  type KnownModel,
  type SwappableSpec,
} from './knowledge';
import { extractMigration, isMigrationFileName, type DependencyEntry, type MigrationFileFacts } from './migrations';
import { guardsHold, type ConditionFacts, type ConditionValue } from './conditions';
import { extractAppConfigs, extractClasses, swapperPrefixes, swapperSettingName, type AppConfigFacts, type ClassFacts } from './models';
import { ModuleResolver, ModuleScope } from './modules';
import { evaluateInlineSettings, evaluateSettings, type SettingAssignment, type SettingsModel, type StaticValue } from './settings';
import type { EntryKind, Location, ParsedFile, SourceTree } from './source';

export type Origin = 'workspace' | 'site-packages' | 'builtin' | 'unknown';

/** The facts of one parsed file, computed once for it when the tree keeps derived facts. */
function factOf<T>(tree: SourceTree, parsed: ParsedFile, key: string, compute: () => T): T {
  return tree.derive ? tree.derive(parsed, key, compute) : compute();
}

function scopeFor(tree: SourceTree, moduleName: string, parsed: ParsedFile): ModuleScope {
  return factOf(tree, parsed, `scope ${moduleName}`, () => new ModuleScope(moduleName, parsed));
}

const classesOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `classes ${scope.moduleName}`, () => extractClasses(scope));
const migrationOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `migration ${scope.moduleName}`, () => extractMigration(scope));
const appConfigsOfScope = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `apps ${scope.moduleName}`, () => extractAppConfigs(scope));
const prefixesOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `prefixes ${scope.moduleName}`, () => swapperPrefixes(scope));

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

/**
 * The project model of one configuration, read through `tree`: what Django would load. Pure: the same
 * files give the same model; whatever is kept between builds is the engine's business.
 */
export function buildProject(config: ProjectConfig, tree: SourceTree, options: { history?: AppliedHistory } = {}): DjangoProject {
  return new DjangoProject(config, tree, options);
}

export class DjangoProject {
  readonly settings: SettingsModel;
  readonly apps: AppInfo[] = [];
  readonly appsByLabel = new Map<string, AppInfo>();
  /** INSTALLED_APPS holds entries that are not statically known: absences prove nothing. */
  readonly appsIncomplete: boolean;
  readonly models: ModelInfo[] = [];
  readonly migrations = new Map<MigrationKey, MigrationInfo>();
  readonly graph: MigrationGraph;
  readonly swappables: SwappableState[] = [];
  readonly files = new Map<string, ProjectFile>();
  readonly problems: string[] = [];
  readonly resolver: ModuleResolver;
  /** The applied migrations of a database, when djswap was given them. */
  readonly history?: AppliedHistory;
  // Indexes and lookups kept as #private fields: they are not part of the model's data.
  readonly #modelsByLabel = new Map<string, ModelInfo>();
  readonly #modelsByQualified = new Map<string, ModelInfo>();
  readonly #scopes = new Map<string, ModuleScope | null>();
  /** `swapper.set_app_prefix` calls of the models modules: app label → prefix. */
  private readonly swapperPrefixes = new Map<string, string>();
  /** Use buildProject(). */
  constructor(
    readonly config: ProjectConfig,
    private readonly tree: SourceTree,
    options: { history?: AppliedHistory } = {},
  ) {
    this.history = options.history;
    this.resolver = new ModuleResolver(tree, [...config.sourceRoots, ...config.sitePackages]);
    if (config.manageFile) this.files.set(config.manageFile, { path: config.manageFile, role: 'manage' });
    this.settings = config.settingsModule
      ? evaluateSettings(config.settingsModule, this.resolver, tree, config.configuration)
      : config.inlineSettings
      ? evaluateInlineSettings(config.inlineSettings, this.resolver.moduleName(config.inlineSettings.file) ?? 'conftest', this.resolver, tree)
      : {
          module: '',
          files: [],
          values: new Map(),
          unresolvedStarImports: [],
          problems: [
            `${config.manageFile ? 'manage.py does not name the settings module with a literal string' : 'no settings module was found'}: set \`settings = "package.settings"\` under [tool.djswap] in pyproject.toml, the djswap.settingsModule setting, or --settings`,
          ],
        };
    for (const file of this.settings.files) this.files.set(file, { path: file, role: 'settings' });
    for (const problem of this.settings.problems) this.problems.push(problem);
    this.appsIncomplete = this.readInstalledApps();
    this.readModels();
    this.readMigrations();
    this.readSwappables();
    this.graph = this.buildGraph(options.history ? new Set(options.history.applied) : undefined);
    this.findCreatingMigrations();
  }

  /** A path as messages show it: relative to the project when inside it (messages must not depend on where it is checked out). */
  private displayPath(file: string): string {
    const relative = path.relative(this.config.root, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
  }

  // ---- apps ------------------------------------------------------------------------------

  private readInstalledApps(): boolean {
    const assignment = this.settings.values.get('INSTALLED_APPS');
    const value = assignment?.value;
    // Entries the configuration states (`[tool.djswap] apps`) stand for what the settings add unreadably.
    const extra: StaticValue[] = (this.config.extraApps ?? []).map((entry) => ({ kind: 'str', value: entry }));
    let incomplete: boolean;
    let items: StaticValue[];
    if (!value || value.kind !== 'list') {
      if (this.settings.file) {
        this.problems.push(
          value ? `INSTALLED_APPS is not statically known (${describeUnknown(value)}): app checks are limited` : 'INSTALLED_APPS is not set in the settings',
        );
      }
      incomplete = true;
      items = extra;
    } else {
      incomplete = value.conditional ?? false;
      items = [...value.items, ...extra];
    }
    for (const item of items) {
      if (item.kind !== 'str') {
        incomplete = true;
        continue;
      }
      if (extra.includes(item) && this.apps.some((a) => a.entry === item.value)) continue;
      const app = this.resolveApp(item.value, item.origin);
      const existing = this.appsByLabel.get(app.label);
      if (existing) {
        // A label djswap guessed (an app it cannot read) proves no clash.
        if (!existing.labelGuessed && !app.labelGuessed) this.problems.push(`Application labels aren't unique, duplicates: ${app.label}`);
        continue;
      }
      this.apps.push(app);
      this.appsByLabel.set(app.label, app);
    }
    return incomplete;
  }

  private originOf(root: string): Origin {
    return this.config.sitePackages.includes(root) ? 'site-packages' : 'workspace';
  }

  private resolveApp(entry: string, entryLocation?: Location): AppInfo {
    const known = builtinAppForEntry(entry);
    const asModule = this.resolver.resolve(entry);
    if (asModule?.dir) {
      // A package: its apps.py may hold the AppConfig Django picks automatically (3.2+).
      const chosen = chooseAppConfig(this.appConfigsOf(entry));
      const config = chosen && this.completeConfig(chosen);
      // An imported config whose name djswap cannot read names the app it is written for, not this one.
      const name = config?.name ?? entry;
      const label = config?.label ?? name.split('.').pop()!;
      const labelKnown = !config || config.label !== undefined || !config.inheritsFrom || config.baseRead === true;
      return this.withMigrations({ label, name, entry, entryLocation, config, labelGuessed: !labelKnown || undefined, dir: this.resolver.resolve(name)?.dir ?? asModule.dir, origin: this.originOf(asModule.root), known: builtinAppFor(label, name) });
    }
    const dot = entry.lastIndexOf('.');
    if (dot > 0) {
      const configModule = entry.slice(0, dot);
      const className = entry.slice(dot + 1);
      const found = this.appConfigsOf(configModule).find((c) => c.className === className);
      const config = found && this.completeConfig(found);
      if (config?.name) {
        const name = config.name;
        const label = config.label ?? name.split('.').pop()!;
        const appModule = this.resolver.resolve(name);
        const labelGuessed = config.label === undefined && config.inheritsFrom !== undefined && config.baseRead !== true;
        return this.withMigrations({ label, name, entry, entryLocation, config, labelGuessed: labelGuessed || undefined, dir: appModule?.dir, origin: appModule ? this.originOf(appModule.root) : 'unknown', known: builtinAppFor(label, name) });
      }
      if (config && !config.inheritsFrom) {
        // A config that sets no name: Django refuses it (ImproperlyConfigured); its module's package is the best guess.
        const name = configModule.replace(/\.apps$/, '');
        const appModule = this.resolver.resolve(name);
        return this.withMigrations({ label: config.label ?? name.split('.').pop()!, name, entry, entryLocation, config, dir: appModule?.dir, origin: appModule ? this.originOf(appModule.root) : 'unknown', known: builtinAppFor(config.label ?? name.split('.').pop()!, name) });
      }
    }
    if (known) return this.withMigrations({ label: known.label, name: known.module, entry, entryLocation, origin: 'builtin', known });
    // A package outside the workspace that djswap knows nothing of: its label is a guess.
    const name = /\.apps\.[A-Z]\w*$/.test(entry) ? entry.replace(/\.apps\.[A-Z]\w*$/, '') : entry;
    return { label: name.split('.').pop()!, name, entry, entryLocation, origin: 'unknown', migrations: 'unknown', labelGuessed: true };
  }

  /** An AppConfig with the name and label it inherits from bases djswap can read filled in. */
  private completeConfig(config: AppConfigFacts, depth = 0): AppConfigFacts & { baseRead?: boolean } {
    if ((config.name && config.label) || !config.inheritsFrom || depth > 8) return config;
    const dot = config.inheritsFrom.lastIndexOf('.');
    const scope = dot > 0 ? this.scopeOf(config.inheritsFrom.slice(0, dot)) : undefined;
    const base = scope ? appConfigsOfScope(this.tree, scope).find((c) => c.className === config.inheritsFrom!.slice(dot + 1) && !c.imported) : undefined;
    if (!base) return config;
    const parent = this.completeConfig(base, depth + 1);
    return { ...config, name: config.name ?? parent.name, label: config.label ?? parent.label, baseRead: parent.inheritsFrom ? (parent as { baseRead?: boolean }).baseRead : true };
  }

  private appConfigsOf(appModule: string): AppConfigFacts[] {
    const module = appModule.endsWith('.apps') ? appModule : `${appModule}.apps`;
    const scope = this.scopeOf(module);
    if (!scope) return [];
    this.files.set(scope.file.path, { path: scope.file.path, role: 'apps' });
    return appConfigsOfScope(this.tree, scope);
  }

  private withMigrations(app: Omit<AppInfo, 'migrations'>): AppInfo {
    const modules = this.settings.values.get('MIGRATION_MODULES')?.value;
    const override = modules?.kind === 'dict' ? modules.entries.get(app.label) : undefined;
    if (override?.kind === 'none') return { ...app, migrations: 'disabled', migrationsNote: `MIGRATION_MODULES sets ${app.label} to None` };
    const migrationsModule = override?.kind === 'str' ? override.value : `${app.name}.migrations`;
    if (app.origin === 'builtin' && !override) return { ...app, migrations: app.known?.migrations ? 'known' : 'unknown' };
    const resolved = this.resolver.resolve(migrationsModule);
    if (!resolved) {
      if (!app.dir && app.known?.migrations) return { ...app, migrations: 'known' };
      if (!app.dir) return { ...app, migrations: 'unknown' };
      return { ...app, migrations: 'none', migrationsNote: `no migrations package ${migrationsModule}` };
    }
    if (!resolved.dir) return { ...app, migrations: 'none', migrationsNote: `${migrationsModule} is a module, not a package` };
    if (!resolved.file) {
      return { ...app, migrations: 'none', migrationsDir: resolved.dir, migrationsNote: `${this.displayPath(path.join(resolved.dir, '__init__.py'))} is missing, so Django treats ${migrationsModule} as a namespace package and ${app.label} as unmigrated` };
    }
    return { ...app, migrations: 'package', migrationsDir: resolved.dir };
  }

  // ---- modules -----------------------------------------------------------------------------

  scopeOf(moduleName: string): ModuleScope | undefined {
    const cached = this.#scopes.get(moduleName);
    if (cached === null) return undefined;
    if (cached) {
      // Read again (and noted): the file may have changed since this project was built.
      const parsed = this.tree.parse(cached.file.path);
      if (parsed === cached.file) return cached;
      const scope = parsed ? scopeFor(this.tree, moduleName, parsed) : null;
      this.#scopes.set(moduleName, scope);
      return scope ?? undefined;
    }
    const resolved = this.resolver.resolve(moduleName);
    const parsed = resolved?.file ? this.tree.parse(resolved.file) : undefined;
    const scope = parsed ? scopeFor(this.tree, moduleName, parsed) : null;
    this.#scopes.set(moduleName, scope);
    return scope ?? undefined;
  }

  scopeOfFile(file: string): ModuleScope | undefined {
    const moduleName = this.resolver.moduleName(file);
    if (moduleName) {
      const scope = this.scopeOf(moduleName);
      if (scope && scope.file.path === file) return scope;
    }
    const parsed = this.tree.parse(file);
    return parsed ? scopeFor(this.tree, moduleName ?? path.basename(file, '.py'), parsed) : undefined;
  }

  // ---- models ------------------------------------------------------------------------------

  private readModels(): void {
    const classes: { app: AppInfo; facts: ClassFacts }[] = [];
    for (const app of this.apps) {
      for (const known of app.known?.models ?? []) {
        if (app.dir && app.origin !== 'builtin') continue; // the real files are read instead
        const model: ModelInfo = {
          app: app.label,
          name: known.name,
          label: `${app.label}.${known.name}`,
          qualified: known.qualifiedNames[0],
          origin: 'builtin',
          abstract: known.abstract ?? false,
          proxy: false,
          swappable: known.swappable,
          userModel: known.userModel ?? (known.bases ?? []).some((b) => b.endsWith('AbstractUser') || b.endsWith('AbstractBaseUser')),
          known,
          lineage: [...(known.bases ?? []), 'django.db.models.Model'],
        };
        this.addModel(model, known.qualifiedNames);
      }
      if (!app.dir) continue;
      for (const file of this.modelFiles(app)) {
        const scope = this.scopeOfFile(file);
        if (!scope) continue;
        this.files.set(file, { path: file, role: 'models', app: app.label });
        for (const facts of classesOf(this.tree, scope)) classes.push({ app, facts });
        for (const [label, prefix] of prefixesOf(this.tree, scope)) this.swapperPrefixes.set(label, prefix);
      }
    }
    // A class under an `if` that is false under these settings does not exist at run time.
    const defined = classes.filter((c) => !c.facts.guards || this.classGuardsHold(c.facts) !== false);
    classes.length = 0;
    classes.push(...defined);
    this.decideModels(classes);
  }

  private decideModels(classes: { app: AppInfo; facts: ClassFacts }[]): void {
    // Model-ness travels through bases defined anywhere in the workspace: iterate to a fixpoint.
    const byQualified = new Map(classes.map((c) => [c.facts.qualified, c]));
    /** null: not a model; undefined: cannot tell (a base djswap cannot read). */
    const decided = new Map<string, ModelInfo | null | undefined>();
    /** Classes of other modules read for the bases they define (an abstract model in base.py). */
    const extras: { app: AppInfo; facts: ClassFacts }[] = [];
    const decide = (qualified: string, seen: Set<string>, forApp?: AppInfo): ModelInfo | null | undefined => {
      if (decided.has(qualified)) return decided.get(qualified);
      // A class read from a file wins; built-in knowledge stands in for what is not read.
      let entry = byQualified.get(qualified) ?? this.reexported(qualified, byQualified);
      if (!entry) {
        const known = this.#modelsByQualified.get(qualified) ?? this.knownModelByQualified(qualified);
        if (known || !forApp) return known;
        // A base defined in a module that is not a models module: read that module.
        const facts = this.classOfModule(qualified);
        if (!facts) return undefined;
        entry = { app: this.appOfFile(facts.file) ?? forApp, facts };
        byQualified.set(facts.qualified, entry);
        if (facts.qualified !== qualified) byQualified.set(qualified, entry);
        extras.push(entry);
      }
      if (seen.has(qualified)) return undefined;
      seen.add(qualified);
      const lineage: string[] = [];
      let isModel = false;
      let userModel = false;
      let unsure = false;
      for (const base of entry.facts.bases) {
        if (!base.qualified) {
          // A base djswap cannot name (a call, a subscript): the class may be a model.
          unsure = true;
          continue;
        }
        lineage.push(base.qualified);
        if (MODEL_BASES.has(base.qualified)) {
          isModel = true;
          continue;
        }
        const parent = decide(base.qualified, seen, entry.app);
        if (parent) {
          isModel = true;
          userModel ||= parent.userModel || parent.known?.userModel === true;
          lineage.push(...parent.lineage);
        } else if (parent === undefined && !base.qualified.startsWith('django.')) {
          unsure = true;
        }
      }
      // A base from an unread package (django-extensions' TimeStampedModel, ...): fields or a Meta tell.
      if (!isModel && unsure && looksLikeModel(entry.facts)) isModel = true;
      if (!isModel) {
        // Unknown rather than no: a subclass with fields of its own may still be a model.
        const answer = unsure ? undefined : null;
        decided.set(qualified, answer);
        return answer;
      }
      const app = entry.facts.meta.appLabel ? this.appsByLabel.get(entry.facts.meta.appLabel) ?? entry.app : entry.app;
      const model: ModelInfo = {
        app: app.label,
        name: entry.facts.name,
        label: `${app.label}.${entry.facts.name}`,
        qualified: entry.facts.qualified,
        origin: app.origin === 'site-packages' ? 'site-packages' : 'workspace',
        abstract: entry.facts.meta.abstract === true,
        proxy: entry.facts.meta.proxy === true,
        swappable: this.swappableSettingOf(entry.facts),
        userModel,
        file: entry.facts.file,
        facts: entry.facts,
        lineage,
      };
      if (entry.facts.guards && this.classGuardsHold(entry.facts) === undefined) model.conditional = entry.facts.guardSource;
      decided.set(qualified, model);
      if (entry.facts.qualified !== qualified) decided.set(entry.facts.qualified, model);
      return model;
    };
    for (const { facts } of classes) {
      const model = decide(facts.qualified, new Set());
      if (model && model.qualified === facts.qualified) this.addModel(model, [facts.qualified]);
    }
    // Bases read from other modules are models of the app whose module holds them (abstract ones, mostly).
    for (const { facts } of extras) {
      const model = decided.get(facts.qualified);
      if (!model || model.qualified !== facts.qualified || this.modelByQualified(facts.qualified) !== undefined) continue;
      this.addModel(model, [facts.qualified]);
    }
  }

  /** The class a qualified name stands for in a module djswap reads (following re-exports), when it is one. */
  private classOfModule(qualified: string): ClassFacts | undefined {
    let current = qualified;
    for (let hops = 0; hops < 8; hops++) {
      if (current.startsWith('django.')) return undefined;
      const dot = current.lastIndexOf('.');
      if (dot <= 0) return undefined;
      const scope = this.scopeOf(current.slice(0, dot));
      if (!scope) return undefined;
      const name = current.slice(dot + 1);
      const facts = classesOf(this.tree, scope).filter((c) => c.name === name).pop();
      if (facts) return facts;
      const binding = scope.bindings.get(name);
      if (!binding || binding.kind !== 'qualified') return undefined;
      current = binding.name;
    }
    return undefined;
  }

  /** What `if` tests read: the settings in force, as Django gives them to code. */
  readonly conditions: ConditionFacts = {
    setting: (name) => this.settingForCondition(name),
    swapperSetting: (app, model) => this.swapperSetting(app, model),
  };

  private settingForCondition(name: string): ConditionValue | null | undefined {
    const value = this.settings.values.get(name)?.value;
    if (value) {
      if ('fromEnvironment' in value && value.fromEnvironment) return undefined;
      if (value.kind === 'str') return { kind: 'str', value: value.value };
      if (value.kind === 'bool') return { kind: 'bool', value: value.value };
      if (value.kind === 'none') return { kind: 'none' };
      return undefined;
    }
    if ((!this.settings.file && !this.config.inlineSettings) || this.settings.unresolvedStarImports.length > 0) return undefined;
    // Django's own default; other settings are simply not there.
    return name === 'AUTH_USER_MODEL' ? { kind: 'str', value: 'auth.User' } : null;
  }

  /** The setting swapper reads for `app.Model`: its name follows `set_app_prefix`. */
  swapperSetting(app: string, model: string): string {
    return swapperSettingName(app, model, this.swapperPrefixes.get(app));
  }

  /** The setting a model's Meta.swappable names (swapper's with the app's prefix). */
  private swappableSettingOf(facts: ClassFacts): string | undefined {
    const swappable = facts.meta.swappable;
    if (!swappable) return undefined;
    return swappable.swapper ? this.swapperSetting(swappable.swapper.app, swappable.swapper.model) : swappable.setting;
  }

  /** Whether the `if` tests a class is defined under hold with these settings (undefined: not known). */
  private classGuardsHold(facts: ClassFacts): boolean | undefined {
    if (!facts.guards) return true;
    const scope = this.scopeOfFile(facts.file);
    return scope ? guardsHold(facts.guards, scope, this.conditions) : undefined;
  }

  #knownByQualified?: Map<string, { app: KnownApp; model: KnownModel; installed: boolean }>;

  private knownModelByQualified(qualified: string): ModelInfo | undefined {
    if (!this.#knownByQualified) {
      // Installed known apps first; bases from known packages count even when the app is not installed (abstract bases).
      const index = new Map<string, { app: KnownApp; model: KnownModel; installed: boolean }>();
      const add = (app: KnownApp, installed: boolean) => {
        for (const model of app.models) for (const name of model.qualifiedNames) if (!index.has(name)) index.set(name, { app, model, installed });
      };
      for (const app of this.apps) if (app.known) add(app.known, true);
      for (const spec of BUILTIN_SWAPPABLES) {
        const app = builtinAppByLabel(spec.defaultLabel.split('.')[0]);
        if (app) add(app, false);
      }
      this.#knownByQualified = index;
    }
    const found = this.#knownByQualified.get(qualified);
    if (!found) return undefined;
    if (found.installed) return this.#modelsByLabel.get(`${found.app.label}.${found.model.name}`.toLowerCase()) ?? knownModelInfo(found.app, found.model);
    return knownModelInfo(found.app, found.model);
  }

  /** `from .user import User` in models/__init__.py: the name re-exported by a module. */
  private reexported<T>(qualified: string, byQualified: Map<string, T>): T | undefined {
    let current = qualified;
    for (let hops = 0; hops < 8; hops++) {
      const dot = current.lastIndexOf('.');
      if (dot < 0) return undefined;
      const scope = this.scopeOf(current.slice(0, dot));
      const binding = scope?.bindings.get(current.slice(dot + 1));
      if (!binding || binding.kind !== 'qualified') return undefined;
      current = binding.name;
      const found = byQualified.get(current);
      if (found) return found;
    }
    return undefined;
  }

  private addModel(model: ModelInfo, qualifiedNames: string[]): void {
    const key = model.label.toLowerCase();
    if (!this.#modelsByLabel.has(key)) {
      this.models.push(model);
      this.#modelsByLabel.set(key, model);
    }
    for (const q of qualifiedNames) this.#modelsByQualified.set(q, model);
  }

  /** models.py and every module of a models/ package. */
  private modelFiles(app: AppInfo): string[] {
    const out: string[] = [];
    const dir = app.dir!;
    if (this.tree.kind(path.join(dir, 'models.py')) === 'file') out.push(path.join(dir, 'models.py'));
    const walk = (folder: string, depth: number) => {
      if (depth > 6) return;
      for (const entry of this.tree.list(folder)) {
        const full = path.join(folder, entry.name);
        if (entry.kind === 'file' && entry.name.endsWith('.py')) out.push(full);
        else if (entry.kind === 'dir' && this.tree.kind(path.join(full, '__init__.py')) === 'file') walk(full, depth + 1);
      }
    };
    if (this.tree.kind(path.join(dir, 'models')) === 'dir') walk(path.join(dir, 'models'), 0);
    return out;
  }

  /** The model a label or class names: `auth.User`, `auth.user`, `users.models.User`. */
  modelByLabel(label: string): ModelInfo | undefined {
    return this.#modelsByLabel.get(label.toLowerCase());
  }

  modelByQualified(qualified: string): ModelInfo | undefined {
    const direct = this.#modelsByQualified.get(qualified) ?? this.knownModelByQualified(qualified);
    if (direct) return direct;
    const found = this.reexported(qualified, this.#modelsByQualified);
    return found;
  }

  /** The app that holds a module (the longest app package prefix), as Django assigns models. */
  appOfFile(file: string): AppInfo | undefined {
    let best: AppInfo | undefined;
    for (const app of this.apps) {
      if (!app.dir) continue;
      const relative = path.relative(app.dir, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      if (!best || app.dir.length > best.dir!.length) best = app;
    }
    return best;
  }

  // ---- migrations --------------------------------------------------------------------------

  private readMigrations(): void {
    for (const app of this.apps) {
      if (app.migrations === 'package' && app.migrationsDir) {
        const migrationsDir = app.migrationsDir;
        for (const entry of this.tree.list(migrationsDir)) {
          if (entry.kind !== 'file' || !isMigrationFileName(entry.name)) continue;
          const file = path.join(migrationsDir, entry.name);
          const name = entry.name.slice(0, -3);
          const scope = this.scopeOfFile(file);
          this.files.set(file, { path: file, role: 'migration', app: app.label });
          // An unreadable file has no facts: it is still a migration, just an empty one.
          const facts = scope ? migrationOf(this.tree, scope) : undefined;
          const origin = app.origin === 'site-packages' ? 'site-packages' : 'workspace';
          const migration: MigrationInfo = { ...facts, file, key: keyOf(app.label, name), app: app.label, name, origin };
          this.migrations.set(migration.key, migration);
        }
      } else if (app.migrations === 'known') {
        for (const known of app.known?.migrations ?? []) {
          const migration: MigrationInfo = { key: keyOf(app.label, known.name), app: app.label, name: known.name, origin: 'builtin', known, operations: [], relations: [] };
          this.migrations.set(migration.key, migration);
        }
      }
    }
  }

  /** Resolves a dependency entry against the settings in force; null when not known. */
  resolveDependency(entry: DependencyEntry): { key: MigrationKey; kind: 'dependency' | 'swappable'; setting?: string } | null {
    switch (entry.kind) {
      case 'key':
        return { key: keyOf(entry.app, entry.name), kind: 'dependency' };
      case 'swappable-literal':
        return { key: keyOf(entry.app, '__first__'), kind: 'swappable' };
      case 'swappable':
      case 'swapper': {
        // swapper's setting name follows the app's prefix (`set_app_prefix`), known only to the project.
        const label = entry.kind === 'swapper' ? entry.defaultLabel : '';
        const dot = label.indexOf('.');
        const setting = dot > 0 ? this.swapperSetting(label.slice(0, dot), label.slice(dot + 1)) : entry.setting;
        const state = this.swappable(setting);
        // swappable_dependency(value) only reads the setting's string: a setting djswap does not know
        // as swappable (a swapper prefix) still gives (app, "__first__").
        const assigned = state ? undefined : this.settings.values.get(setting);
        const literal = assigned?.value.kind === 'str' ? assigned.value.value : undefined;
        const value = state?.value ?? literal ?? (entry.kind === 'swapper' ? entry.defaultLabel : undefined);
        if (!value || !value.includes('.')) return null;
        return { key: keyOf(value.split('.')[0], '__first__'), kind: 'swappable', setting };
      }
      default:
        return null;
    }
  }

  private buildGraph(applied?: Set<MigrationKey>): MigrationGraph {
    const inputs: GraphNodeInput[] = [];
    for (const migration of this.migrations.values()) {
      if (migration.known) {
        inputs.push({
          app: migration.app,
          name: migration.name,
          dependencies: migration.known.dependencies.map((d) => {
            if (!d.startsWith('setting:')) return { key: d, kind: 'dependency' as const };
            const setting = d.slice('setting:'.length);
            const value = this.swappable(setting)?.value;
            return value?.includes('.') ? { key: keyOf(value.split('.')[0], '__first__'), kind: 'swappable' as const, setting } : null;
          }),
          runBefore: [],
          replaces: [],
        });
        continue;
      }
      inputs.push({
        app: migration.app,
        name: migration.name,
        partial: migration.dependencies?.partial,
        // One arm of `x if c else y` naming an app that is not installed is the arm that does not run.
        dependencies: (migration.dependencies?.entries ?? []).map((e) => (e.conditional && e.kind === 'key' && !this.appsByLabel.has(e.app) ? null : this.resolveDependency(e))),
        runBefore: (migration.runBefore?.entries ?? []).map((e) => (e.kind === 'key' ? keyOf(e.app, e.name) : null)),
        replaces: (migration.replaces?.entries ?? []).flatMap((e) => (e.kind === 'key' ? [keyOf(e.app, e.name)] : [])),
      });
    }
    const migratedApps = new Set<string>();
    const unmigratedApps = new Set<string>();
    const opaqueApps = new Set<string>();
    const mayHaveNewerMigrations = new Set<string>();
    for (const app of this.apps) {
      if (app.migrations === 'package') migratedApps.add(app.label);
      else if (app.migrations === 'known') {
        migratedApps.add(app.label);
        mayHaveNewerMigrations.add(app.label);
      } else if (app.migrations === 'none' || app.migrations === 'disabled') unmigratedApps.add(app.label);
      else opaqueApps.add(app.label);
    }
    if (this.appsIncomplete) {
      // Apps we cannot see may be installed: references to them are not judged.
      for (const input of inputs) {
        for (const d of input.dependencies) {
          const app = d?.key.split('.')[0];
          if (app && !this.appsByLabel.has(app)) opaqueApps.add(app);
        }
        for (const r of input.runBefore) {
          const app = r?.split('.')[0];
          if (app && !this.appsByLabel.has(app)) opaqueApps.add(app);
        }
      }
    }
    return new MigrationGraph(inputs, { migratedApps, unmigratedApps, opaqueApps, mayHaveNewerMigrations, applied });
  }

  // ---- swappable settings ----------------------------------------------------------------------

  private readSwappables(): void {
    const bySetting = new Map<string, SwappableState>();
    const add = (setting: string, defaultLabel: string, declaredBy: string, spec?: SwappableSpec, declaringModel?: ModelInfo) => {
      if (bySetting.has(setting)) {
        const existing = bySetting.get(setting)!;
        existing.declaringModel ??= declaringModel;
        return;
      }
      const assignment = this.settings.values.get(setting);
      // A package's setting matters when that package is installed, not an app that shares its label.
      const owner = this.appsByLabel.get(defaultLabel.split('.')[0]);
      const ownerInstalled = owner !== undefined && (!spec || owner.known !== undefined || owner.origin === 'builtin');
      let value: string | undefined;
      if (assignment) value = assignment.value.kind === 'str' ? assignment.value.value : undefined;
      else if (this.settings.unresolvedStarImports.length === 0) value = defaultLabel;
      const state: SwappableState['state'] = value === undefined ? 'unknown' : assignment ? 'set' : 'default';
      const defaultAvailable = setting === 'AUTH_USER_MODEL';
      const swapped = value === undefined ? null : !sameLabel(value, defaultLabel);
      bySetting.set(setting, { setting, defaultLabel, declaredBy, spec, declaringModel, assignment, value, state, defaultAvailable, swapped, inUse: ownerInstalled || assignment !== undefined });
    };
    for (const spec of BUILTIN_SWAPPABLES) add(spec.setting, spec.defaultLabel, spec.declaredBy, spec, this.modelByLabel(spec.defaultLabel));
    for (const model of this.models) {
      if (!model.swappable || model.origin === 'builtin') continue;
      const where = model.file ? path.relative(this.config.root, model.file) : model.label;
      add(model.swappable, model.label, `declared by Meta.swappable of ${model.label} in ${where}`, undefined, model);
      // swapper reads its settings with a default of its own.
      if (model.facts?.meta.swappable?.viaSwapper) bySetting.get(model.swappable)!.defaultAvailable = true;
    }
    for (const state of bySetting.values()) {
      if (state.value && state.value.split('.').length === 2) {
        state.target = this.modelByLabel(state.value);
        state.targetApp = this.appsByLabel.get(state.value.split('.')[0]);
      }
      this.swappables.push(state);
    }
  }

  /**
   * Installed apps djswap could not read (packages outside the workspace): their labels are guessed
   * from their module names, and an AppConfig may set another.
   */
  get unreadApps(): AppInfo[] {
    return this.apps.filter((a) => a.origin === 'unknown' || a.labelGuessed);
  }

  /** Why an app label that matches no installed app may still be installed; undefined when it cannot be. */
  labelUncertainty(label: string): string | undefined {
    if (this.appsByLabel.has(label)) return undefined;
    if (this.appsIncomplete) return 'INSTALLED_APPS is not fully known';
    const unread = this.unreadApps;
    if (unread.length === 0) return undefined;
    return `unless one of the apps djswap cannot read (${unread.slice(0, 4).map((a) => a.entry).join(', ')}${unread.length > 4 ? ', ...' : ''}) has the label \`${label}\``;
  }

  swappable(setting: string): SwappableState | undefined {
    return this.swappables.find((s) => s.setting === setting);
  }

  private findCreatingMigrations(): void {
    for (const state of this.swappables) {
      if (!state.value || !state.targetApp) continue;
      const modelName = state.value.split('.')[1]?.toLowerCase();
      if (!modelName) continue;
      const candidates: MigrationKey[] = [];
      for (const migration of this.migrations.values()) {
        if (migration.app !== state.targetApp.label) continue;
        if (migration.known?.creates?.some((m) => m.toLowerCase() === modelName)) candidates.push(migration.key);
        const creates = (ops: MigrationInfo['operations']): boolean =>
          (ops ?? []).some((op) => (op.kind === 'CreateModel' && op.model.toLowerCase() === modelName) || (op.kind === 'SeparateDatabaseAndState' && creates(op.state)));
        if (creates(migration.operations)) candidates.push(migration.key);
      }
      // The earliest in graph order: the one no other candidate precedes.
      const live = candidates.map((c) => this.graph.canonical(c)).filter((c): c is MigrationKey => c !== undefined);
      state.creatingMigration = live.find((c) => !live.some((other) => other !== c && this.graph.dependsOn(c, other))) ?? live.sort()[0];
    }
  }

  // ---- queries -----------------------------------------------------------------------------

  /** What is at `file` in the source tree (files a plan writes may not exist yet). */
  entryKind(file: string): EntryKind | undefined {
    return this.tree.kind(file);
  }

  migrationOfFile(file: string): MigrationInfo | undefined {
    for (const m of this.migrations.values()) if (m.file === file) return m;
    return undefined;
  }

  /** A place of a setting's assignment, to point diagnostics at. */
  settingLocation(setting: string): Location | undefined {
    return this.settings.values.get(setting)?.location;
  }

  /** The swappable setting a model label stands for (as default or as the value in force). */
  swappableForLabel(label: string): SwappableState | undefined {
    return this.swappables.find((s) => sameLabel(s.defaultLabel, label) || (s.value !== undefined && sameLabel(s.value, label)));
  }
}

/**
 * The AppConfig Django picks from an apps module (3.2+): the one candidate not saying `default = False`,
 * else the one saying `default = True`; none when that does not single one out.
 */
function chooseAppConfig(configs: AppConfigFacts[]): AppConfigFacts | undefined {
  const eligible = configs.filter((c) => c.default !== false);
  if (eligible.length === 1) return eligible[0];
  const defaults = eligible.filter((c) => c.default === true);
  return defaults.length === 1 ? defaults[0] : undefined;
}

function knownModelInfo(app: KnownApp, known: KnownModel): ModelInfo {
  return {
    app: app.label,
    name: known.name,
    label: `${app.label}.${known.name}`,
    qualified: known.qualifiedNames[0],
    origin: 'builtin',
    abstract: known.abstract ?? false,
    proxy: false,
    swappable: known.swappable,
    userModel: known.userModel ?? (known.bases ?? []).some((b) => /Abstract(Base)?User$/.test(b)),
    known,
    lineage: [...(known.bases ?? []), 'django.db.models.Model'],
  };
}

/** Django compares labels with the app label as written and the model name case-insensitively. */
export function sameLabel(a: string, b: string): boolean {
  const [appA, modelA] = a.split('.');
  const [appB, modelB] = b.split('.');
  return appA === appB && (modelA ?? '').toLowerCase() === (modelB ?? '').toLowerCase();
}

/** Fields assigned from `models.*` calls or a Meta class: what a model class looks like. */
function looksLikeModel(facts: ClassFacts): boolean {
  return facts.relations.length > 0 || facts.otherFields > 0 || facts.meta.span !== undefined;
}

function describeUnknown(value: StaticValue): string {
  return value.kind === 'unknown' ? value.reason : `a ${value.kind}`;
}
