import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromRows, parseJsonHistory, parseShowMigrations, type AppliedHistory } from '../django/history';
import type { DjangoProject } from '../django/project';
import type { FileSystem } from './fs';

/**
 * Where a project's applied-migration history comes from: a showmigrations file when one is
 * configured, else the SQLite database the settings point at, when it exists. The database is read
 * as bytes into an in-memory SQLite (sql.js): it is never opened, locked or written.
 */
export async function loadHistory(project: DjangoProject, fileSystem: FileSystem, options: { historyFile?: string | null; database?: string | null }): Promise<AppliedHistory | { error: string } | undefined> {
  if (options.historyFile) {
    const file = path.resolve(project.config.root, options.historyFile);
    const bytes = fileSystem.readFile(file);
    if (!bytes) return { error: `${options.historyFile}: the showmigrations file could not be read` };
    const text = new TextDecoder().decode(bytes);
    return (/^\s*[[{]/.test(text) ? parseJsonHistory(text, file) : undefined) ?? parseShowMigrations(text, file);
  }
  const database = options.database ? path.resolve(project.config.root, options.database) : sqliteDatabaseOf(project);
  if (!database || fileSystem.stat(database)?.kind !== 'file') return exportedHistory(project, fileSystem);
  const bytes = fileSystem.readFile(database);
  if (!bytes) return { error: `${database}: the database could not be read` };
  try {
    const rows = await appliedRows(bytes);
    return rows ? historyFromRows(rows, database) : undefined;
  } catch (error) {
    return { error: `${database}: not a readable SQLite database (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** A `history.json` beside manage.py holding a database's django_migrations rows (`applied_migrations`). */
function exportedHistory(project: DjangoProject, fileSystem: FileSystem): AppliedHistory | undefined {
  const file = path.join(project.config.root, 'history.json');
  const bytes = fileSystem.stat(file)?.kind === 'file' ? fileSystem.readFile(file) : undefined;
  return bytes ? parseJsonHistory(new TextDecoder().decode(bytes), file) : undefined;
}

/** DATABASES["default"]["NAME"] when the default database is SQLite and its name is statically known. */
export function sqliteDatabaseOf(project: DjangoProject): string | undefined {
  const databases = project.settings.values.get('DATABASES')?.value;
  const defaults = databases?.kind === 'dict' ? databases.entries.get('default') : undefined;
  if (defaults?.kind !== 'dict') return undefined;
  const engine = defaults.entries.get('ENGINE');
  const name = defaults.entries.get('NAME');
  if (engine?.kind !== 'str' || !engine.value.includes('sqlite3')) return undefined;
  if (name?.kind !== 'path' && name?.kind !== 'str') return undefined;
  if (name.value === ':memory:' || name.value.startsWith('file:')) return undefined;
  return path.resolve(project.config.root, name.value);
}

interface SqlJs {
  Database: new (data: Uint8Array) => { exec(sql: string): { values: unknown[][] }[]; close(): void };
}

let sqlJs: Promise<SqlJs> | undefined;

async function appliedRows(bytes: Uint8Array): Promise<[string, string][] | undefined> {
  sqlJs ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const init = require('sql.js/dist/sql-wasm.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>;
    return init({ wasmBinary: fs.readFileSync(locateSqlWasm()) });
  })();
  const SQL = await sqlJs;
  const db = new SQL.Database(bytes);
  try {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'");
    if (tables.length === 0) return undefined;
    const result = db.exec('SELECT app, name FROM django_migrations ORDER BY id');
    return (result[0]?.values ?? []).map((row) => [String(row[0]), String(row[1])] as [string, string]);
  } finally {
    db.close();
  }
}

/** Next to the bundle (the VSIX copies it into dist/), else in the npm package. */
function locateSqlWasm(): string {
  const besideBundle = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(besideBundle)) return besideBundle;
  // Only unbundled builds get here; a name the bundler does not see keeps it from warning.
  const sqlPackage = 'sql.js';
  return path.join(path.dirname(require.resolve(sqlPackage)), 'sql-wasm.wasm');
}
