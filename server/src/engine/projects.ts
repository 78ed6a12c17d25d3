import * as path from 'node:path';
import {
  isLiteral,
  pytestFacts,
  rankCandidates,
  readStartupFile,
  shellSettings,
  environmentFileSettings,
  toxFacts,
  type ModuleNaming,
  type RunnerFacts,
} from '../django/entry-points';
import type { ProjectConfig, SettingsSource } from '../django/project';
import type { SourceTree } from '../django/source';
import { mergeConfig, type DjswapConfig } from './config';
import type { WorkspaceScan } from './discovery';
import { interpreterSitePackages, venvOfSitePackages, venvSitePackages } from './environment';
import { FolderConfigs, within } from './folder-configs';
import { readIni } from './ini';
import { RANK, SCRIPT_NAMES, SERVER_NAMES, TEST_MODULE, type Resolved, type ResolvedSettings, type StartPoint } from './start-points';

/**
 * Which Django projects a workspace holds, found the way developers run them: every manage.py, the
 * test runner's configuration (pytest, tox), scripts that set DJANGO_SETTINGS_MODULE or call
 * settings.configure(), then `[tool.djswap] settings`, the environment, a lone settings.py. Each
 * place that starts Django names a settings module; places that resolve to the same project folder
 * make one project, with the settings of the most direct one (manage.py first).
 */

export interface ProjectEntry {
  config: ProjectConfig;
  options: DjswapConfig;
  /** Python files whose findings this project reports. */
  pythonFiles: string[];
}

export interface DiscoveryResult {
  entries: ProjectEntry[];
  /** What the user should know about discovery: unreadable configuration, names that resolve nowhere. */
  notes: string[];
}

export interface DiscoveryInput {
  scan: WorkspaceScan;
  tree: SourceTree;
  overrides: Partial<DjswapConfig>;
  env: Record<string, string | undefined>;
  /** Paths in notes are shown relative to this folder. */
  displayRoot: string;
}


export function discoverProjects(input: DiscoveryInput): DiscoveryResult {
  const discovery = new Discovery(input);
  return discovery.run();
}

class Discovery {
  private readonly notes: string[] = [];
  private readonly scan: WorkspaceScan;
  private readonly tree: SourceTree;
  private readonly folders: FolderConfigs;

  constructor(private readonly input: DiscoveryInput) {
    this.scan = input.scan;
    this.tree = input.tree;
    this.folders = new FolderConfigs(this.scan, this.tree, (file) => this.show(file), this.notes);
  }

  private show(file: string): string {
    return path.relative(this.input.displayRoot, file).split(path.sep).join('/') || '.';
  }

  run(): DiscoveryResult {
    const resolved: Resolved[] = [];
    for (const point of this.startPoints()) {
      if (point.configureCall && !point.naming) {
        resolved.push({ point, key: point.file, root: point.dir, sourceRoots: [point.dir, ...point.pathEntries] });
        continue;
      }
      const settings = point.naming ? this.resolveNaming(point) : undefined;
      if (settings) resolved.push({ point, settings, key: settings.file, root: settings.root, sourceRoots: [settings.root, ...point.pathEntries, ...settings.roots] });
      else if (point.naming && point.rank === RANK.configuration) {
        // Said by the user: kept, so that the run reports the module missing instead of passing.
        const module = point.naming.pattern;
        resolved.push({ point, settings: { module, file: '', root: point.dir, roots: [], others: [] }, key: `missing:${module}`, root: point.dir, sourceRoots: [point.dir, ...point.pathEntries] });
      } else if (point.naming && point.rank <= RANK.tox) {
        this.notes.push(`${this.show(point.file)}: ${point.where} names the settings module ${code(point.naming.written)}, which is not in the workspace`);
      }
    }
    // Start points naming the same settings file are one project, run from where the most direct one runs.
    const bySettings = new Map<string, Resolved[]>();
    for (const entry of resolved) bySettings.set(entry.key, [...(bySettings.get(entry.key) ?? []), entry]);
    const groups = [...bySettings.values()].map((list) => list.sort((a, b) => a.point.rank - b.point.rank));
    // Several settings run from one folder (local, test, production): the most direct one is the project's.
    const byRoot = new Map<string, Resolved[][]>();
    for (const group of groups) byRoot.set(group[0].root, [...(byRoot.get(group[0].root) ?? []), group]);
    const entries: ProjectEntry[] = [];
    for (const [root, list] of byRoot) {
      list.sort((a, b) => a[0].point.rank - b[0].point.rank);
      const group = list[0];
      const chosen = group[0];
      const others = unique([...(chosen.settings?.others ?? []), ...list.slice(1).flatMap((g) => (g[0].settings ? [g[0].settings.module] : []))]);
      entries.push(
        this.entry(root, {
          manageFile: group.find((e) => e.point.source === 'manage.py' || e.point.source === 'manage.py (computed)')?.point.file ?? group.find((e) => e.point.manageFile)?.point.manageFile,
          settingsModule: chosen.settings?.module,
          settingsSource: chosen.point.source,
          settingsReason: this.reason(chosen.point, chosen.settings?.module, chosen.settings?.others ?? []),
          otherSettings: others.filter((m) => m !== chosen.settings?.module),
          inlineSettings: chosen.settings ? undefined : chosen.point.configureCall,
          configuration: this.input.env.DJANGO_CONFIGURATION ?? group.find((e) => e.point.configuration)?.point.configuration,
          sourceRoots: unique(group.flatMap((e) => e.sourceRoots)),
        }),
      );
    }
    if (entries.length === 0) {
      const fallback = this.fallback();
      if (fallback) entries.push(fallback);
    }
    this.applyEnvironment(entries);
    this.assignFiles(entries);
    entries.sort((a, b) => (a.config.root < b.config.root ? -1 : a.config.root > b.config.root ? 1 : 0));
    return { entries, notes: this.notes };
  }

  // ---- start points ----------------------------------------------------------------------------

  private startPoints(): StartPoint[] {
    const points: StartPoint[] = [];
    const explicit = this.input.overrides.settingsModule;
    for (const manageFile of this.scan.manageFiles) points.push(...this.fromPythonFile(manageFile, 'manage.py'));
    for (const file of this.scan.startupFiles) {
      const name = path.basename(file);
      if (SCRIPT_NAMES.has(name)) points.push(...this.fromPythonFile(file, 'script'));
      else if (SERVER_NAMES.has(name)) points.push(...this.fromPythonFile(file, 'server'));
    }
    for (const file of this.scan.configFiles) points.push(...this.fromConfigFile(file));
    for (const file of this.scan.shellScripts) {
      const module = shellSettings(this.tree.text?.(file) ?? '');
      if (module) points.push({ source: 'shell', rank: RANK.shell, file, dir: path.dirname(file), naming: literal(module), pathEntries: [], where: `${path.basename(file)}` });
    }
    for (const file of this.scan.environmentFiles) {
      const module = environmentFileSettings(this.tree.text?.(file) ?? '');
      if (!module) continue;
      // The environment a developer runs manage.py in: that manage.py is the project's.
      const dir = path.dirname(file) === path.join(this.scan.root, '.devcontainer') ? this.scan.root : path.dirname(file);
      const manageFile = this.scan.manageFiles.find((f) => path.dirname(f) === dir);
      points.push({ source: 'environment file', rank: RANK['environment file'], file, dir, naming: literal(module), pathEntries: [], manageFile, where: path.basename(file) });
    }
    // [tool.djswap] settings in any pyproject.toml of the workspace: said by the user, so first.
    for (const file of this.scan.pyprojects) {
      const config = this.folders.configAt(path.dirname(file));
      if (config?.settingsModule) {
        points.push({ source: 'pyproject.toml', rank: RANK.configuration, file, dir: path.dirname(file), naming: literal(config.settingsModule), pathEntries: this.configuredRoots(path.dirname(file), config), where: '[tool.djswap] settings' });
      }
    }
    if (explicit) {
      // --settings or the editor's setting: the project where that module is, whatever else names it.
      const dirs = unique([...points.map((p) => p.dir), this.scan.root]);
      const point = dirs
        .map((dir): StartPoint => ({
          source: 'configuration',
          rank: RANK.configuration,
          file: dir,
          dir,
          naming: literal(explicit),
          pathEntries: points.filter((p) => p.dir === dir).flatMap((p) => p.pathEntries),
          manageFile: points.find((p) => p.dir === dir && p.source.startsWith('manage.py'))?.file,
          where: 'the configured settings module',
        }))
        .find((p) => this.resolveNaming(p));
      return [point ?? { source: 'configuration', rank: RANK.configuration, file: this.scan.root, dir: this.scan.root, naming: literal(explicit), pathEntries: [], where: 'the configured settings module' }];
    }
    return points;
  }

  private fromPythonFile(file: string, kind: 'manage.py' | 'script' | 'server'): StartPoint[] {
    const text = this.tree.text?.(file);
    if (text === undefined || (!text.includes('DJANGO_SETTINGS_MODULE') && !text.includes('configure') && kind !== 'manage.py')) return [];
    const parsed = this.tree.parse(file);
    if (!parsed) return [];
    const facts = readStartupFile(parsed);
    const dir = path.dirname(file);
    let naming = facts.settings;
    let where = `${path.basename(file)}`;
    // manage.py may hand over to a module of the project (`from awx import manage`): look there too.
    if (!naming && kind === 'manage.py') {
      for (const module of facts.imports) {
        for (const candidate of [path.join(dir, ...module.split('.'), '__init__.py'), path.join(dir, ...module.split('.')) + '.py']) {
          const imported = this.tree.kind(candidate) === 'file' ? this.tree.parse(candidate) : undefined;
          const found = imported ? readStartupFile(imported).settings : undefined;
          if (found && !naming) {
            naming = found;
            where = `through ${this.show(candidate)}`;
          }
        }
        if (naming) break;
      }
    }
    if (!naming && !facts.configureCall && kind !== 'manage.py') return [];
    const pathEntries = facts.pathEntries.map((p) => path.resolve(dir, p));
    const source: SettingsSource = kind === 'manage.py' ? (naming && !isLiteral(naming) ? 'manage.py (computed)' : 'manage.py') : kind;
    const rank = RANK[source as keyof typeof RANK] ?? RANK.script;
    // settings.configure() in a test setup: its keywords are the settings (when no module is named).
    return [{ source, rank, file, dir: kind === 'script' ? this.folders.repositoryRootOf(dir) : dir, naming, configuration: facts.configuration, configureCall: naming ? undefined : facts.configureCall, pathEntries, where }];
  }

  private fromConfigFile(file: string): StartPoint[] {
    const text = this.tree.text?.(file);
    if (text === undefined || !/DJANGO_SETTINGS_MODULE|pythonpath/i.test(text)) return [];
    const dir = path.dirname(file);
    const name = path.basename(file);
    const points: StartPoint[] = [];
    const add = (facts: RunnerFacts | undefined, source: 'pytest' | 'tox') => {
      if (!facts) return;
      const pathEntries = facts.pythonPath.map((p) => path.resolve(dir, p));
      points.push({ source, rank: RANK[source], file, dir, naming: facts.settingsModule ? literal(facts.settingsModule) : undefined, pathEntries, where: facts.where });
    };
    if (name === 'pyproject.toml') {
      const document = this.folders.pyprojectDocument(file);
      const options = (document?.tool as Record<string, unknown> | undefined)?.pytest as Record<string, unknown> | undefined;
      const ini = options?.ini_options as Record<string, unknown> | undefined;
      if (ini) add(pytestFacts(tomlSection(ini), 'pyproject.toml [tool.pytest.ini_options]'), 'pytest');
      return points;
    }
    const document = readIni(text);
    if (name === 'pytest.ini') add(pytestFacts(document.get('pytest'), 'pytest.ini [pytest]'), 'pytest');
    if (name === 'setup.cfg') add(pytestFacts(document.get('tool:pytest'), 'setup.cfg [tool:pytest]'), 'pytest');
    if (name === 'tox.ini') {
      add(pytestFacts(document.get('pytest'), 'tox.ini [pytest]'), 'pytest');
      add(toxFacts(document.get('testenv'), 'tox.ini [testenv] setenv'), 'tox');
    }
    // pytest's pythonpath alone names no settings, but says where the code is for the others.
    return points.filter((p) => p.naming || p.pathEntries.length > 0);
  }

  // ---- settings modules ----------------------------------------------------------------------

  /**
   * Where a start point's settings module is: under the folder it runs from, the folders it adds to
   * sys.path and `src/`, else under a folder above (a module named from the repository root).
   */
  private resolveNaming(point: StartPoint): ResolvedSettings | undefined {
    const naming = point.naming!;
    const runner = point.rank >= RANK.pytest;
    // pytest-django puts the folder of a manage.py it finds on sys.path; runners see their folder's pythonpath.
    const extra = runner ? [...this.pointsPathEntries(point.dir), ...this.manageFoldersBelow(point.dir)] : [];
    const roots = unique([point.dir, ...point.pathEntries, ...extra, path.join(point.dir, 'src')]);
    for (const dir of roots) {
      const found = this.findModule(dir, naming);
      if (found) return { ...found, root: point.dir, roots: [dir] };
    }
    // A module named from a folder above (`wagtail.test.settings` in wagtail/test/manage.py): the project runs from there.
    for (const dir of this.folders.ancestors(point.dir)) {
      const found = this.findModule(dir, naming);
      if (found) return { ...found, root: dir, roots: [point.dir] };
    }
    return undefined;
  }

  private findModule(dir: string, naming: ModuleNaming): { module: string; file: string; others: string[] } | undefined {
    return isLiteral(naming) ? this.moduleFile(dir, naming.pattern) : this.matchPattern(dir, naming);
  }

  /** Folders of manage.py files at most two levels below `dir`. */
  private manageFoldersBelow(dir: string): string[] {
    return this.scan.manageFiles.map((f) => path.dirname(f)).filter((d) => d !== dir && within(d, dir) && path.relative(dir, d).split(path.sep).length <= 2);
  }

  /** pytest's `pythonpath` in the same folder counts for every start point there. */
  private pointsPathEntries(dir: string): string[] {
    const out: string[] = [];
    for (const file of this.scan.configFiles) {
      if (path.dirname(file) !== dir) continue;
      for (const point of this.fromConfigFile(file)) out.push(...point.pathEntries);
    }
    return out;
  }

  private moduleFile(root: string, module: string): { module: string; file: string; others: string[] } | undefined {
    const base = path.join(root, ...module.split('.'));
    if (this.tree.kind(base + '.py') === 'file') return { module, file: base + '.py', others: [] };
    if (this.tree.kind(path.join(base, '__init__.py')) === 'file') return { module, file: path.join(base, '__init__.py'), others: [] };
    return undefined;
  }

  /** `awx.settings.*`: the modules that fit, best first. */
  private matchPattern(root: string, naming: ModuleNaming): { module: string; file: string; others: string[] } | undefined {
    const parts = naming.pattern.split('.');
    const star = parts.findIndex((p) => p.includes('*'));
    if (star !== parts.length - 1 || star === 0) return undefined;
    const dir = path.join(root, ...parts.slice(0, star));
    if (this.tree.kind(dir) !== 'dir') return undefined;
    const matcher = new RegExp(`^${parts[star].split('*').map(escapeRegExp).join('[A-Za-z0-9_]+')}$`);
    const found: string[] = [];
    for (const entry of this.tree.list(dir)) {
      const name = entry.kind === 'file' ? entry.name.replace(/\.py$/, '') : entry.name;
      if (name === '__init__' || (entry.kind === 'file' && !entry.name.endsWith('.py')) || !matcher.test(name)) continue;
      if (entry.kind === 'dir' && this.tree.kind(path.join(dir, entry.name, '__init__.py')) !== 'file') continue;
      found.push([...parts.slice(0, star), name].join('.'));
    }
    // The values the code gives the computed part are all it can be, when one of them is there.
    const completed = found.filter((module) => naming.completions.some((c) => naming.pattern.replace('*', c) === module));
    const ranked = rankCandidates(naming, completed.length > 0 ? completed : found);
    if (ranked.length === 0) return undefined;
    const file = this.moduleFile(root, ranked[0])!.file;
    return { module: ranked[0], file, others: ranked.slice(1) };
  }

  /** "named in manage.py", "named in tox.ini [testenv] setenv", "computed in manage.py (through x/__init__.py) as ...". */
  private reason(point: StartPoint, module: string | undefined, candidates: string[]): string {
    const file = this.show(point.file);
    const base = path.basename(point.file);
    const detail = point.where === base ? '' : point.where.startsWith(base) ? point.where.slice(base.length).trim() : point.where;
    const place = detail ? `${file} ${detail.startsWith('through') ? `(${detail})` : detail}` : file;
    if (point.configureCall && !module) return `settings.configure() in ${place}`;
    if (point.source === 'configuration') return 'given by --settings or the editor';
    if (point.naming && !isLiteral(point.naming)) {
      return `computed in ${place} as ${code(point.naming.written)}; chose ${code(module ?? '?')}${candidates.length ? ` of ${[module, ...candidates].map((c) => code(c ?? '')).join(', ')}` : ''}`;
    }
    return `named in ${place}`;
  }

  // ---- projects ------------------------------------------------------------------------------

  private entry(
    root: string,
    found: Pick<ProjectConfig, 'manageFile' | 'settingsModule' | 'settingsSource' | 'settingsReason' | 'otherSettings' | 'inlineSettings' | 'configuration'> & { sourceRoots: string[] },
  ): ProjectEntry {
    const fromPyproject = this.folders.nearestConfig(root);
    const options = mergeConfig(fromPyproject, this.input.overrides);
    const repository = this.folders.repositoryRootOf(root);
    const sourceRoots = [...found.sourceRoots, ...this.configuredRoots(root, options)];
    for (const dir of unique([root, repository])) {
      const src = path.join(dir, 'src');
      if (this.tree.kind(src) === 'dir') sourceRoots.push(src);
    }
    // The repository's packages are importable when a project beside them runs (an editable install).
    sourceRoots.push(repository);
    const configuredSites = options.sitePackages.map((p) => path.resolve(root, p));
    // A folder holding the project is not where its packages are installed: every file would be "installed".
    const holdsProject = configuredSites.filter((site) => within(root, site));
    if (holdsProject.length > 0) this.notes.push(`${this.show(root)}: site-packages ${holdsProject.map((site) => code(this.show(site))).join(', ')} holds the project itself; ignored`);
    const sitePackages = unique([...this.environmentOf(root, options), ...configuredSites.filter((site) => !within(root, site))]);
    const testHarness =
      ['pytest', 'tox', 'script', 'shell'].includes(found.settingsSource) ||
      (found.settingsModule !== undefined && TEST_MODULE.test(found.settingsModule)) ||
      (!found.manageFile && found.settingsSource !== 'settings.py');
    return {
      config: { root, ...found, sourceRoots: unique(sourceRoots), sitePackages, extraApps: options.apps, testHarness },
      options,
      pythonFiles: [],
    };
  }

  /**
   * The installed packages of the project's interpreter, read, never run: `[tool.djswap] python` (or
   * the editor's interpreter), else `VIRTUAL_ENV`, else the virtual environments of the workspace that
   * sit in the project's folder or one above it (a monorepo's venvs stay with their projects).
   */
  private environmentOf(root: string, options: DjswapConfig): string[] {
    if (options.python) {
      const found = interpreterSitePackages(this.tree, path.resolve(root, options.python));
      if (found.length === 0) this.notes.push(`${this.show(root)}: no site-packages found for the interpreter ${options.python}; installed packages are not read`);
      return found;
    }
    const fromEnvironment = this.input.env.VIRTUAL_ENV;
    if (fromEnvironment && path.isAbsolute(fromEnvironment)) {
      const found = venvSitePackages(this.tree, fromEnvironment);
      if (found.length > 0) return found;
    }
    return this.scan.sitePackages.filter((site) => {
      const venv = venvOfSitePackages(site);
      return within(root, path.dirname(venv)) || within(venv, root);
    });
  }

  private configuredRoots(dir: string, config: Partial<DjswapConfig>): string[] {
    return (config.sourceRoots ?? []).map((p) => path.resolve(dir, p));
  }

  /** When nothing starts Django: a lone settings.py, or DJANGO_SETTINGS_MODULE naming a module of the workspace. */
  private fallback(): ProjectEntry | undefined {
    const root = this.scan.root;
    const fromEnvironment = this.input.env.DJANGO_SETTINGS_MODULE;
    // Nothing else starts Django here: the environment says what would run, found or not.
    if (fromEnvironment) {
      return this.entry(root, { settingsModule: fromEnvironment, settingsSource: 'environment', settingsReason: 'DJANGO_SETTINGS_MODULE in the environment', otherSettings: [], sourceRoots: [root] });
    }
    if (this.scan.settingsFiles.length === 1) {
      const relative = path.relative(root, this.scan.settingsFiles[0]).replace(/\.py$/, '');
      const parts = relative.split(path.sep);
      if (parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) {
        return this.entry(root, { settingsModule: parts.join('.'), settingsSource: 'settings.py', settingsReason: `${this.show(this.scan.settingsFiles[0])} is the only settings.py`, otherSettings: [], sourceRoots: [root] });
      }
    }
    return undefined;
  }

  /** DJANGO_SETTINGS_MODULE set in the environment wins over manage.py's default, as setdefault() does. */
  private applyEnvironment(entries: ProjectEntry[]): void {
    const module = this.input.env.DJANGO_SETTINGS_MODULE;
    if (!module || this.input.overrides.settingsModule) return;
    let used = false;
    for (const entry of entries) {
      if (entry.config.settingsSource === 'pyproject.toml' || entry.config.settingsModule === module) {
        used ||= entry.config.settingsModule === module;
        continue;
      }
      if (!entry.config.sourceRoots.some((root) => this.moduleFile(root, module))) continue;
      const previous = entry.config.settingsModule;
      entry.config = {
        ...entry.config,
        settingsModule: module,
        settingsSource: 'environment',
        settingsReason: `DJANGO_SETTINGS_MODULE in the environment${previous ? ` (instead of ${code(previous)}: ${entry.config.settingsReason})` : ''}`,
        otherSettings: unique([...(previous ? [previous] : []), ...(entry.config.otherSettings ?? [])]).filter((m) => m !== module),
        inlineSettings: undefined,
      };
      used = true;
    }
    if (!used && entries.length > 0) this.notes.push(`DJANGO_SETTINGS_MODULE=${module} in the environment names no module of the projects found; it was not used`);
  }

  /**
   * Each project reports on the files under its folder, except those of another project nested in
   * it; files of the apps it installs are added once the project is built (see the workspace).
   */
  private assignFiles(entries: ProjectEntry[]): void {
    const roots = entries.map((e) => e.config.root);
    for (const entry of entries) {
      const root = entry.config.root;
      const nested = roots.filter((other) => other !== root && within(other, root));
      entry.pythonFiles = this.scan.pythonFiles.filter((file) => within(file, root) && !nested.some((n) => within(file, n)));
    }
  }
}

/** A TOML table as the string map pytest's ini options are (lists joined one item a line). */
function tomlSection(table: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') out.set(key.toLowerCase(), value);
    else if (Array.isArray(value)) out.set(key.toLowerCase(), value.filter((v) => typeof v === 'string').join('\n'));
  }
  return out;
}

function literal(module: string): ModuleNaming {
  return { pattern: module, completions: [], written: module };
}

function code(text: string): string {
  return `\`${text}\``;
}


function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
