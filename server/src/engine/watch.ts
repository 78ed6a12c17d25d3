import * as path from 'node:path';

/**
 * The files whose changes on disk the engine must hear of, as globs for an editor's file watcher:
 * sources, what discovery reads to find projects, migrations folders coming and going, and the
 * files applied migrations are read from (SQLite databases, showmigrations output, history.json).
 */
export const WATCHED_FILE_GLOBS: readonly string[] = [
  '**/*.py',
  '**/pyproject.toml',
  '**/{pytest.ini,tox.ini,setup.cfg}',
  '**/migrations',
  '**/migrations/**',
  '**/*.sqlite3',
  '**/*.txt',
  '**/history.json',
];

/** Files that say where a project is and which settings it runs: a change means discovering again. */
const DISCOVERY_FILES = new Set(['manage.py', 'pyproject.toml']);

export function isDiscoveryFile(file: string): boolean {
  return DISCOVERY_FILES.has(path.basename(file));
}

/** Files applied migrations may be read from: a change means reading the histories again. */
export function isHistoryFile(file: string): boolean {
  return /\.(sqlite3|db|sqlite)$|showmigrations|history/i.test(file);
}
