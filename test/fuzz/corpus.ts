import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, FIXTURES, ORACLE } from '../helpers/paths';

/** A seed project for the fuzzer: its files, read once, never written. */
export interface CorpusProject {
  /** A short, stable name: `fixtures/models/SWP101-...`, `examples/mysite`, `oracle/<name>`. */
  name: string;
  source: string;
  /** Relative path (with `/`) → bytes. */
  files: Map<string, Buffer>;
}

const SKIP = new Set(['__pycache__', '.git', 'node_modules', '.venv', 'venv']);

/** Folders holding a Django project: a manage.py, or a settings.py one level down. */
function projectRoots(dir: string, depth = 0): string[] {
  if (depth > 6 || !fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === 'manage.py')) return [dir];
  const out: string[] = [];
  for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) out.push(...projectRoots(path.join(dir, e.name), depth + 1));
  return out;
}

function readTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (SKIP.has(e.name)) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && fs.statSync(full).size < 1024 * 1024) files.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full));
    }
  };
  walk(root);
  return files;
}

/**
 * Every fixture project (test/fixtures/**), the example project, and the Django-verified sample
 * projects when they are present. Sorted by name, so a seed means the same cases everywhere.
 */
export function loadCorpus(): CorpusProject[] {
  const out: CorpusProject[] = [];
  const add = (prefix: string, base: string) => {
    for (const root of projectRoots(base)) {
      const name = `${prefix}/${path.relative(base, root).split(path.sep).join('/')}`.replace(/\/$/, '');
      out.push({ name, source: root, files: readTree(root) });
    }
  };
  add('fixtures', FIXTURES);
  add('examples', path.dirname(EXAMPLE));
  add('oracle', ORACLE);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
