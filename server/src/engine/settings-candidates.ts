import * as path from 'node:path';
import type { WorkspaceScan } from './discovery';
import type { ProjectCoverage } from './coverage';

/** A settings module the user may choose for a workspace folder (`djswap.settingsModule`). */
export interface SettingsCandidate {
  module: string;
  /** The workspace folder whose setting it goes into. */
  folder: string;
  /** The file that holds it, when one was found. */
  file?: string;
  /** Why it is proposed: in use, named by the project, or a settings file of the workspace. */
  origin: 'in-use' | 'named' | 'file';
  detail: string;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/**
 * Settings modules to choose from: the ones discovery chose and the others the projects name, then
 * every settings*.py file (and module of a `settings` package) of the workspace, named from the
 * folder a project would run it from (a manage.py folder, else the workspace folder or its `src`).
 */
export function settingsCandidates(scan: WorkspaceScan, projects: ProjectCoverage[], show: (file: string) => string): SettingsCandidate[] {
  const out: SettingsCandidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: SettingsCandidate) => {
    if (seen.has(candidate.module)) return;
    seen.add(candidate.module);
    out.push(candidate);
  };
  for (const project of projects) {
    if (project.settingsModule) {
      add({ module: project.settingsModule, folder: scan.root, file: project.settingsFile, origin: 'in-use', detail: `in use: ${project.settingsReason ?? project.settingsSource}` });
    }
    for (const other of project.otherSettings) add({ module: other, folder: scan.root, origin: 'named', detail: `also named by the project in ${show(project.root) || '.'}` });
  }
  const bases = [...scan.manageFiles.map((f) => path.dirname(f)), scan.root, path.join(scan.root, 'src')].sort((a, b) => b.length - a.length);
  const files: SettingsCandidate[] = [];
  for (const file of scan.pythonFiles) {
    if (!isSettingsFile(file)) continue;
    const module = moduleName(file, bases);
    if (module) files.push({ module, folder: scan.root, file, origin: 'file', detail: show(file) });
  }
  files.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  for (const candidate of files) add(candidate);
  return out;
}

/** settings.py, settings_dev.py, settings/__init__.py, settings/production.py. */
function isSettingsFile(file: string): boolean {
  const base = path.basename(file);
  return /^settings\w*\.py$/.test(base) || path.basename(path.dirname(file)) === 'settings';
}

/** The dotted module of a file, from the deepest base folder that holds it with importable names. */
function moduleName(file: string, bases: string[]): string | undefined {
  for (const base of bases) {
    const relative = path.relative(base, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const parts = relative.replace(/\.py$/, '').split(path.sep);
    if (parts[parts.length - 1] === '__init__') parts.pop();
    if (parts.length > 0 && parts.every((p) => IDENTIFIER.test(p))) return parts.join('.');
  }
  return undefined;
}
