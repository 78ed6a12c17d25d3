import * as path from 'node:path';
import type { SourceTree } from '../django/source';

/**
 * A Python environment's installed packages, found from files alone (pyvenv.cfg, the lib layout,
 * dist-info folders): the interpreter is never run.
 */

/** The virtual environment folder of a site-packages folder (`venv/lib/python3.12/site-packages`, `venv/Lib/site-packages`). */
export function venvOfSitePackages(site: string): string {
  const parent = path.dirname(site);
  return path.basename(parent).toLowerCase() === 'lib' ? path.dirname(parent) : path.dirname(path.dirname(parent));
}

/** site-packages of a virtual environment, and the system's when its pyvenv.cfg includes them. */
export function venvSitePackages(tree: SourceTree, venv: string): string[] {
  const out: string[] = [];
  const windows = path.join(venv, 'Lib', 'site-packages');
  if (tree.kind(windows) === 'dir') out.push(windows);
  for (const lib of ['lib', 'lib64']) {
    for (const entry of tree.list(path.join(venv, lib))) {
      const candidate = path.join(venv, lib, entry.name, 'site-packages');
      if (entry.kind === 'dir' && entry.name.startsWith('python') && tree.kind(candidate) === 'dir' && !out.includes(candidate)) out.push(candidate);
    }
  }
  const config = tree.text?.(path.join(venv, 'pyvenv.cfg'));
  if (config && /^include-system-site-packages\s*=\s*true\s*$/im.test(config)) {
    const home = /^home\s*=\s*(.+)$/im.exec(config)?.[1].trim();
    const version = /^(?:version|version_info)\s*=\s*(\d+\.\d+)/im.exec(config)?.[1];
    if (home) out.push(...prefixSitePackages(tree, path.dirname(home), version));
  }
  return out;
}

/** An interpreter's packages: its virtual environment's, else those of its installation prefix. */
export function interpreterSitePackages(tree: SourceTree, python: string): string[] {
  const bin = path.dirname(python);
  const venv = path.dirname(bin);
  if (tree.kind(path.join(venv, 'pyvenv.cfg')) === 'file') return venvSitePackages(tree, venv);
  const version = /python(\d+\.\d+)/.exec(path.basename(python))?.[1];
  return prefixSitePackages(tree, venv, version);
}

/** `prefix/lib/pythonX.Y/site-packages`, and Debian's `dist-packages` folders. */
function prefixSitePackages(tree: SourceTree, prefix: string, version?: string): string[] {
  const out: string[] = [];
  const libs = [path.join(prefix, 'lib'), path.join(prefix, 'local', 'lib')];
  for (const lib of libs) {
    for (const entry of tree.list(lib)) {
      if (entry.kind !== 'dir' || !/^python3(\.\d+)?$/.test(entry.name) || (version && entry.name !== `python${version}` && entry.name !== 'python3')) continue;
      for (const name of ['site-packages', 'dist-packages']) {
        const candidate = path.join(lib, entry.name, name);
        if (tree.kind(candidate) === 'dir') out.push(candidate);
      }
    }
  }
  return out;
}

/** The installed distribution that holds a top-level package: "django-oauth-toolkit 1.7.0". */
export function installedDistribution(tree: SourceTree, site: string, topModule: string): string | undefined {
  const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');
  const wanted = normal(topModule);
  let byName: string | undefined;
  for (const entry of tree.list(site)) {
    const match = /^(.+?)-(\d[^-]*?)(?:-py[\d.]+)?\.(dist-info|egg-info)$/.exec(entry.name);
    if (!match) continue;
    const [, name, version] = match;
    const described = `${name.replace(/_/g, '-')} ${version}`;
    const topLevel = tree.text?.(path.join(site, entry.name, 'top_level.txt'));
    if (topLevel?.split(/\r?\n/).some((line) => normal(line.trim()) === wanted)) return described;
    if (normal(name) === wanted || normal(name) === `django_${wanted}` || normal(name).replace(/^django_/, '') === wanted) byName ??= described;
  }
  return byName;
}
