import * as path from 'node:path';
import { MigrationGraph, keyOf, type MigrationKey } from './graph';
import type { AppliedHistory } from './history';
import { BUILTIN_SWAPPABLES, builtinAppByLabel, type KnownApp, type KnownModel } from './knowledge';
import { isMigrationFileName, type DependencyEntry } from './migrations';
import { guardsHold, type ConditionFacts, type ConditionValue } from './conditions';
import { swapperSettingName, type ClassFacts } from './models';
import { ModuleResolver, ModuleScope } from './modules';
import { evaluateInlineSettings, evaluateSettings, type SettingsModel, type StaticValue } from './settings';
import { childPath, type EntryKind, type Location, type SourceTree } from './source';
import { resolveApp } from './app-resolution';
import { classesOf, factOf, migrationOf, prefixesOf, scopeFor } from './file-facts';
import { decideModels } from './model-decision';
import { buildMigrationGraph } from './project-graph';
import type { AppInfo, MigrationInfo, ModelInfo, ProjectConfig, ProjectFile, SwappableState } from './project-model';
import { findCreatingMigrations, readSwappableStates } from './swappable-states';
import { readHistoricalCreations, simulateMigrate, type HistoricalCreation, type MigrateRun } from './migrate-run';

export type { AppInfo, MigrationInfo, ModelInfo, Origin, ProjectConfig, ProjectFile, SettingsSource, SwappableState } from './project-model';

/**
 * The project model of one configuration, read through `tree`: what Django would load. Pure: the same
 * files give the same model; whatever is kept between builds is the engine's business.
 */
export function buildProject(config: ProjectConfig, tree: SourceTree, options: { history?: AppliedHistory } = {}): DjangoProject {
  return new DjangoProject(config, tree, options);
}

export class DjangoProject {
  /** Set once, while the project is built. */
  settings!: SettingsModel;
  readonly apps: AppInfo[] = [];
  readonly appsByLabel = new Map<string, AppInfo>();
  /** INSTALLED_APPS holds entries that are not statically known: absences prove nothing. */
  appsIncomplete!: boolean;
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
  #appsByDir?: Map<string, AppInfo>;
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
    // What no models module can change is read in parts the tree may keep from an earlier build.
    const apps = this.part('settings and apps', [config], () => this.readSettingsAndApps(), (kept) => {
      this.settings = kept.settings;
      this.appsIncomplete = kept.appsIncomplete;
      for (const file of kept.files) this.files.set(file.path, file);
      this.problems.push(...kept.problems);
      for (const app of kept.apps) {
        this.apps.push(app);
        this.appsByLabel.set(app.label, app);
      }
    });
    this.readModels();
    this.part('migrations', [apps], () => this.readMigrations(), (kept) => {
      for (const file of kept.files) this.files.set(file.path, file);
      for (const migration of kept.migrations) this.migrations.set(migration.key, migration);
    });
    this.swappables.push(...readSwappableStates(this));
    this.graph = buildMigrationGraph(this, options.history ? new Set(options.history.applied) : undefined);
    findCreatingMigrations(this);
  }


  // ---- apps ------------------------------------------------------------------------------

  /**
   * A part of the build (its value, and what it added to the project) that the tree may keep from an
   * earlier build while everything it read is unchanged and its inputs are the same objects
   * (SourceTree.keep); `restore` puts a kept part back into this project.
   */
  private part<T>(key: string, inputs: unknown[], read: () => T, restore: (kept: T) => void): T {
    if (!this.tree.keep) return read();
    let computed = false;
    const value = this.tree.keep(key, inputs, () => {
      computed = true;
      return read();
    });
    if (!computed) restore(value);
    return value;
  }

  private readSettingsAndApps(): { settings: SettingsModel; appsIncomplete: boolean; apps: AppInfo[]; files: ProjectFile[]; problems: string[] } {
    const { config, tree } = this;
    const filesBefore = this.files.size;
    const problemsBefore = this.problems.length;
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
    return { settings: this.settings, appsIncomplete: this.appsIncomplete, apps: [...this.apps], files: [...this.files.values()].slice(filesBefore), problems: this.problems.slice(problemsBefore) };
  }

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
      const app = resolveApp(this, this.tree, item.value, item.origin);
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
    decideModels(classes, {
      appsByLabel: this.appsByLabel,
      readOrKnownModel: (qualified) => this.#modelsByQualified.get(qualified) ?? this.knownModelByQualified(qualified),
      modelByQualified: (qualified) => this.modelByQualified(qualified),
      reexported: (qualified, byQualified) => this.reexported(qualified, byQualified),
      classOfModule: (qualified) => this.classOfModule(qualified),
      appOfFile: (file) => this.appOfFile(file),
      swappableSettingOf: (facts) => this.swappableSettingOf(facts),
      classGuardsHold: (facts) => this.classGuardsHold(facts),
      addModel: (model, qualifiedNames) => this.addModel(model, qualifiedNames),
    });
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

  #migrateRun?: MigrateRun;
  #historicalCreations?: Map<string, HistoricalCreation>;

  /** What `migrate` does on an empty database with this project: computed when first asked, never reused by another build. */
  get migrateRun(): MigrateRun {
    return (this.#migrateRun ??= simulateMigrate(this));
  }

  /** Every model's first CreateModel in graph order, by lower-case label (see migrate-run.ts). */
  get historicalCreations(): Map<string, HistoricalCreation> {
    return (this.#historicalCreations ??= readHistoricalCreations(this));
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
    const module = childPath(dir, 'models.py');
    if (this.tree.kind(module) === 'file') out.push(module);
    const walk = (folder: string, depth: number) => {
      if (depth > 6) return;
      for (const entry of this.tree.list(folder)) {
        const full = childPath(folder, entry.name);
        if (entry.kind === 'file' && entry.name.endsWith('.py')) out.push(full);
        else if (entry.kind === 'dir' && this.tree.kind(childPath(full, '__init__.py')) === 'file') walk(full, depth + 1);
      }
    };
    const models = childPath(dir, 'models');
    if (this.tree.kind(models) === 'dir') walk(models, 0);
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
    if (!this.#appsByDir) {
      this.#appsByDir = new Map();
      for (const app of this.apps) if (app.dir && !this.#appsByDir.has(app.dir)) this.#appsByDir.set(app.dir, app);
    }
    // The deepest folder that is an app's, from the file itself up.
    for (let dir = file; ; ) {
      const app = this.#appsByDir.get(dir);
      if (app) return app;
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }

  // ---- migrations --------------------------------------------------------------------------

  private readMigrations(): { files: ProjectFile[]; migrations: MigrationInfo[] } {
    const files: ProjectFile[] = [];
    for (const app of this.apps) {
      if (app.migrations === 'package' && app.migrationsDir) {
        const migrationsDir = app.migrationsDir;
        for (const entry of this.tree.list(migrationsDir)) {
          if (entry.kind !== 'file' || !isMigrationFileName(entry.name)) continue;
          const file = childPath(migrationsDir, entry.name);
          const name = entry.name.slice(0, -3);
          const scope = this.scopeOfFile(file);
          const info: ProjectFile = { path: file, role: 'migration', app: app.label };
          this.files.set(file, info);
          files.push(info);
          const origin = app.origin === 'site-packages' ? 'site-packages' : 'workspace';
          const label = app.label;
          const read = (): MigrationInfo => ({ ...(scope ? migrationOf(this.tree, scope) : undefined), file, key: keyOf(label, name), app: label, name, origin });
          // An unreadable file has no facts: it is still a migration, just an empty one.
          const migration = scope ? factOf(this.tree, scope.file, `migration of ${label} ${origin} ${file}`, read) : read();
          this.migrations.set(migration.key, migration);
        }
      } else if (app.migrations === 'known') {
        for (const known of app.known?.migrations ?? []) {
          const migration: MigrationInfo = { key: keyOf(app.label, known.name), app: app.label, name: known.name, origin: 'builtin', known, operations: [], relations: [] };
          this.migrations.set(migration.key, migration);
        }
      }
    }
    return { files, migrations: [...this.migrations.values()] };
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


  // ---- swappable settings ----------------------------------------------------------------------


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


function describeUnknown(value: StaticValue): string {
  return value.kind === 'unknown' ? value.reason : `a ${value.kind}`;
}
