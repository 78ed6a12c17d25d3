import * as path from 'node:path';
import type { FileSystem } from './fs';

/** Folders never walked: tools' caches, VCS data, dependencies. Virtual environments are noted, not walked. */
const SKIPPED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.idea',
  '.vscode',
  '.cache',
  'htmlcov',
  'site-packages',
  'dist-packages',
  '.eggs',
]);

/** Files that may start Django: test setups and servers name a settings module or configure settings. */
const STARTUP_FILES = new Set(['conftest.py', 'runtests.py', 'runtest.py', 'run_tests.py', 'wsgi.py', 'asgi.py', 'celery.py', 'celery_app.py']);
const CONFIG_FILES = new Set(['pyproject.toml', 'pytest.ini', 'tox.ini', 'setup.cfg']);
/** A development environment's variables: dotenv files, a dev container, a compose file. */
const ENVIRONMENT_FILE = /^(\.env(\.[\w-]+)?|[\w-]+\.env|\.?devcontainer\.json|(docker-)?compose(\.[\w-]+)?\.ya?ml)$/;

export interface WorkspaceScan {
  root: string;
  /** manage.py files, sorted. */
  manageFiles: string[];
  /** pyproject.toml files, sorted. */
  pyprojects: string[];
  /** settings.py files (outside virtual environments), sorted. */
  settingsFiles: string[];
  /** Python files that may start Django by name (conftest.py, runtests.py, wsgi.py, ...), sorted. */
  startupFiles: string[];
  /** Test-runner configuration that may name the settings (pytest.ini, tox.ini, setup.cfg, pyproject.toml), sorted. */
  configFiles: string[];
  /** Shell scripts and Makefiles near the top of the tree, which may export DJANGO_SETTINGS_MODULE. */
  shellScripts: string[];
  /** Files that set a development environment: `.env`, `.env.example`, `devcontainer.json`, `docker-compose.yml`. */
  environmentFiles: string[];
  /** Every .py file walked, sorted. */
  pythonFiles: string[];
  /** site-packages folders of virtual environments found in the workspace. */
  sitePackages: string[];
  /** Why parts of the tree were not walked (loops, limits). */
  notes: string[];
  /** Every folder listing read on the way, so that nobody reads them again. */
  listings: Map<string, { name: string; kind: 'file' | 'dir' }[]>;
}

export interface ScanLimits {
  maxDepth: number;
  maxEntries: number;
}

const DEFAULT_LIMITS: ScanLimits = { maxDepth: 24, maxEntries: 400_000 };

/**
 * Walks a workspace folder once. Symbolic-link loops are cut by remembering real paths; virtual
 * environments (a folder with pyvenv.cfg) are recorded for their site-packages, not walked.
 */
export function scanWorkspace(fs: FileSystem, root: string, limits: ScanLimits = DEFAULT_LIMITS): WorkspaceScan {
  const scan: WorkspaceScan = { root, manageFiles: [], pyprojects: [], settingsFiles: [], startupFiles: [], configFiles: [], shellScripts: [], environmentFiles: [], pythonFiles: [], sitePackages: [], notes: [], listings: new Map() };
  const seen = new Set<string>();
  const realRoot = fs.realpath(root);
  let entries = 0;
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  // Folders reached through a link are walked last: the folder itself, not a link to it, is the one read.
  const linked: { dir: string; depth: number }[] = [];
  while (stack.length > 0 || linked.length > 0) {
    const fromLink = stack.length === 0;
    const { dir, depth } = fromLink ? linked.shift()! : stack.pop()!;
    const real = fs.realpath(dir);
    if (!fromLink && depth > 0 && real !== path.join(fs.realpath(path.dirname(dir)), path.basename(dir))) {
      linked.push({ dir, depth });
      continue;
    }
    if (seen.has(real)) {
      // A second way into a folder already read; only a link back into its own ancestors is a loop.
      const relative = path.relative(real, fs.realpath(path.dirname(dir)));
      if (depth > 0 && (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative)))) {
        scan.notes.push(`${dir} was skipped: it leads back to ${real}, a folder it is in (a symbolic-link loop)`);
      }
      continue;
    }
    seen.add(real);
    const listing = fs.readDir(dir);
    if (listing.some((e) => e.name === 'pyvenv.cfg' && e.kind === 'file')) {
      scan.sitePackages.push(...findSitePackages(fs, dir));
      continue;
    }
    // A link out of the workspace (to /, to the home folder) would walk the machine and find other
    // people's projects: only virtual environments are followed out, and they are not walked.
    const relative = path.relative(realRoot, real);
    if (depth > 0 && (relative === '..' || relative.startsWith('..' + path.sep) || path.isAbsolute(relative))) {
      scan.notes.push(`${dir} was skipped: it leads outside the workspace, to ${real}`);
      continue;
    }
    scan.listings.set(dir, listing);
    const subdirs: string[] = [];
    for (const entry of listing) {
      if (++entries > limits.maxEntries) {
        scan.notes.push(`the walk stopped after ${limits.maxEntries} entries; files beyond were not read`);
        stack.length = 0;
        break;
      }
      const full = path.join(dir, entry.name);
      if (entry.kind === 'dir') {
        if (SKIPPED_DIRS.has(entry.name) || entry.name.endsWith('.egg-info')) continue;
        if (depth + 1 > limits.maxDepth) {
          scan.notes.push(`${full} is deeper than ${limits.maxDepth} folders and was not walked`);
          continue;
        }
        subdirs.push(full);
      } else if (entry.name.endsWith('.py')) {
        scan.pythonFiles.push(full);
        if (entry.name === 'manage.py') scan.manageFiles.push(full);
        else if (entry.name === 'settings.py') scan.settingsFiles.push(full);
        else if (STARTUP_FILES.has(entry.name)) scan.startupFiles.push(full);
      } else if (CONFIG_FILES.has(entry.name)) {
        scan.configFiles.push(full);
        if (entry.name === 'pyproject.toml') scan.pyprojects.push(full);
      } else if (depth <= 1 && (entry.name.endsWith('.sh') || entry.name === 'Makefile')) scan.shellScripts.push(full);
      else if (depth <= 1 && ENVIRONMENT_FILE.test(entry.name)) scan.environmentFiles.push(full);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i], depth: depth + 1 });
  }
  scan.manageFiles.sort();
  scan.pyprojects.sort();
  scan.settingsFiles.sort();
  scan.startupFiles.sort();
  scan.configFiles.sort();
  scan.shellScripts.sort();
  scan.environmentFiles.sort();
  scan.pythonFiles.sort();
  return scan;
}

/** `lib/python3.X/site-packages` (POSIX) or `Lib/site-packages` (Windows) of a virtual environment. */
export function findSitePackages(fs: FileSystem, venv: string): string[] {
  const out: string[] = [];
  const windows = path.join(venv, 'Lib', 'site-packages');
  if (fs.stat(windows)?.kind === 'dir') out.push(windows);
  for (const lib of ['lib', 'lib64']) {
    for (const entry of fs.readDir(path.join(venv, lib))) {
      const candidate = path.join(venv, lib, entry.name, 'site-packages');
      if (entry.kind === 'dir' && entry.name.startsWith('python') && fs.stat(candidate)?.kind === 'dir' && !out.includes(candidate)) out.push(candidate);
    }
  }
  return out;
}
