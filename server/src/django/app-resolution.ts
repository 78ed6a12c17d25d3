/** Which app an INSTALLED_APPS entry is, as Django's AppConfig.create decides: label, package, AppConfig and migrations. */
import * as path from 'node:path';
import { builtinAppFor, builtinAppForEntry } from './knowledge';
import { appConfigsOfScope } from './file-facts';
import type { AppConfigFacts } from './models';
import type { DjangoProject } from './project';
import type { AppInfo, Origin } from './project-model';
import type { Location, SourceTree } from './source';

/** A path as messages show it: relative to the project when inside it (messages must not depend on where it is checked out). */
function displayPath(project: DjangoProject, file: string): string {
  const relative = path.relative(project.config.root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

function originOf(project: DjangoProject, root: string): Origin {
  return project.config.sitePackages.includes(root) ? 'site-packages' : 'workspace';
}

export function resolveApp(project: DjangoProject, tree: SourceTree, entry: string, entryLocation?: Location): AppInfo {
  const known = builtinAppForEntry(entry);
  const asModule = project.resolver.resolve(entry);
  if (asModule?.dir) {
    // A package: its apps.py may hold the AppConfig Django picks automatically (3.2+).
    const chosen = chooseAppConfig(appConfigsOf(project, tree, entry));
    const config = chosen && completeConfig(project, tree, chosen);
    // An imported config whose name djswap cannot read names the app it is written for, not this one.
    const name = config?.name ?? entry;
    const label = config?.label ?? name.split('.').pop()!;
    const labelKnown = !config || config.label !== undefined || !config.inheritsFrom || config.baseRead === true;
    return withMigrations(project, { label, name, entry, entryLocation, config, labelGuessed: !labelKnown || undefined, dir: project.resolver.resolve(name)?.dir ?? asModule.dir, origin: originOf(project, asModule.root), known: builtinAppFor(label, name) });
  }
  const dot = entry.lastIndexOf('.');
  if (dot > 0) {
    const configModule = entry.slice(0, dot);
    const className = entry.slice(dot + 1);
    const found = appConfigsOf(project, tree, configModule).find((c) => c.className === className);
    const config = found && completeConfig(project, tree, found);
    if (config?.name) {
      const name = config.name;
      const label = config.label ?? name.split('.').pop()!;
      const appModule = project.resolver.resolve(name);
      const labelGuessed = config.label === undefined && config.inheritsFrom !== undefined && config.baseRead !== true;
      return withMigrations(project, { label, name, entry, entryLocation, config, labelGuessed: labelGuessed || undefined, dir: appModule?.dir, origin: appModule ? originOf(project, appModule.root) : 'unknown', known: builtinAppFor(label, name) });
    }
    if (config && !config.inheritsFrom) {
      // A config that sets no name: Django refuses it (ImproperlyConfigured); its module's package is the best guess.
      const name = configModule.replace(/\.apps$/, '');
      const appModule = project.resolver.resolve(name);
      return withMigrations(project, { label: config.label ?? name.split('.').pop()!, name, entry, entryLocation, config, dir: appModule?.dir, origin: appModule ? originOf(project, appModule.root) : 'unknown', known: builtinAppFor(config.label ?? name.split('.').pop()!, name) });
    }
  }
  if (known) return withMigrations(project, { label: known.label, name: known.module, entry, entryLocation, origin: 'builtin', known });
  // A package outside the workspace that djswap knows nothing of: its label is a guess.
  const name = /\.apps\.[A-Z]\w*$/.test(entry) ? entry.replace(/\.apps\.[A-Z]\w*$/, '') : entry;
  return { label: name.split('.').pop()!, name, entry, entryLocation, origin: 'unknown', migrations: 'unknown', labelGuessed: true };
}

/** An AppConfig with the name and label it inherits from bases djswap can read filled in. */
function completeConfig(project: DjangoProject, tree: SourceTree, config: AppConfigFacts, depth = 0): AppConfigFacts & { baseRead?: boolean } {
  if ((config.name && config.label) || !config.inheritsFrom || depth > 8) return config;
  const dot = config.inheritsFrom.lastIndexOf('.');
  const scope = dot > 0 ? project.scopeOf(config.inheritsFrom.slice(0, dot)) : undefined;
  const base = scope ? appConfigsOfScope(tree, scope).find((c) => c.className === config.inheritsFrom!.slice(dot + 1) && !c.imported) : undefined;
  if (!base) return config;
  const parent = completeConfig(project, tree, base, depth + 1);
  return { ...config, name: config.name ?? parent.name, label: config.label ?? parent.label, baseRead: parent.inheritsFrom ? (parent as { baseRead?: boolean }).baseRead : true };
}

function appConfigsOf(project: DjangoProject, tree: SourceTree, appModule: string): AppConfigFacts[] {
  const module = appModule.endsWith('.apps') ? appModule : `${appModule}.apps`;
  const scope = project.scopeOf(module);
  if (!scope) return [];
  project.files.set(scope.file.path, { path: scope.file.path, role: 'apps' });
  return appConfigsOfScope(tree, scope);
}

function withMigrations(project: DjangoProject, app: Omit<AppInfo, 'migrations'>): AppInfo {
  const modules = project.settings.values.get('MIGRATION_MODULES')?.value;
  const override = modules?.kind === 'dict' ? modules.entries.get(app.label) : undefined;
  if (override?.kind === 'none') return { ...app, migrations: 'disabled', migrationsNote: `MIGRATION_MODULES sets ${app.label} to None` };
  const migrationsModule = override?.kind === 'str' ? override.value : `${app.name}.migrations`;
  if (app.origin === 'builtin' && !override) return { ...app, migrations: app.known?.migrations ? 'known' : 'unknown' };
  const resolved = project.resolver.resolve(migrationsModule);
  if (!resolved) {
    if (!app.dir && app.known?.migrations) return { ...app, migrations: 'known' };
    if (!app.dir) return { ...app, migrations: 'unknown' };
    return { ...app, migrations: 'none', migrationsNote: `no migrations package ${migrationsModule}` };
  }
  if (!resolved.dir) return { ...app, migrations: 'none', migrationsNote: `${migrationsModule} is a module, not a package` };
  if (!resolved.file) {
    return { ...app, migrations: 'none', migrationsDir: resolved.dir, migrationsNote: `${displayPath(project, path.join(resolved.dir, '__init__.py'))} is missing, so Django treats ${migrationsModule} as a namespace package and ${app.label} as unmigrated` };
  }
  return { ...app, migrations: 'package', migrationsDir: resolved.dir };
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
