import { keyOf, type MigrationKey } from './graph';

/** Which migrations a database has applied, and where that knowledge came from. */
export interface AppliedHistory {
  /** In the order they were applied (the django_migrations table's id order), where known. */
  applied: MigrationKey[];
  source: 'database' | 'showmigrations';
  /** The file it was read from. */
  location: string;
  /** Things the reader could not use (partly applied squashes, unreadable lines). */
  notes: string[];
  /** `applied` is in the order the database applied them (django_migrations rows, `showmigrations --plan`). */
  ordered?: boolean;
}

/**
 * Reads `python manage.py showmigrations` output: the default `--list` form
 * (`app` then ` [X] 0001_initial` lines) and the `--plan` form (`[X]  app.0001_initial`).
 */
export function parseShowMigrations(text: string, location: string): AppliedHistory {
  const history: AppliedHistory = { applied: [], source: 'showmigrations', location, notes: [] };
  let app: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (!line) continue;
    const plan = /^\[([X ])\]\s+([A-Za-z_]\w*)\.([\w]+)/.exec(line);
    if (plan) {
      history.ordered = app === undefined;
      if (plan[1] === 'X') history.applied.push(keyOf(plan[2], plan[3]));
      continue;
    }
    const listed = /^\s+\[([X \-])\]\s+(\w+)/.exec(line);
    if (listed && app) {
      if (listed[1] === 'X') history.applied.push(keyOf(app, listed[2]));
      else if (listed[1] === '-') history.notes.push(`${app}.${listed[2]} is a squashed migration only partly applied`);
      continue;
    }
    if (/^[A-Za-z_]\w*$/.test(line)) {
      app = line;
      continue;
    }
    if (/^\s+\(no migrations\)$/.test(line)) continue;
    if (history.notes.length < 5) history.notes.push(`line not understood: ${line.slice(0, 80)}`);
  }
  return history;
}

/** The rows of django_migrations, as (app, name) pairs in id order. */
export function historyFromRows(rows: [string, string][], location: string): AppliedHistory {
  return { applied: rows.map(([app, name]) => keyOf(app, name)), source: 'database', location, notes: [], ordered: true };
}

/**
 * The applied migrations as JSON: `{"applied_migrations": [["app", "name"], ...]}` (the django_migrations
 * table in id order, as the Django-verified example projects ship it) or the bare list of pairs.
 * Undefined when the text is not such a document.
 */
export function parseJsonHistory(text: string, location: string): AppliedHistory | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const rows = Array.isArray(document) ? document : (document as { applied_migrations?: unknown } | null)?.applied_migrations;
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.length >= 2 && typeof r[0] === 'string' && typeof r[1] === 'string')) return undefined;
  return { ...historyFromRows(rows.map((r) => [r[0], r[1]] as [string, string]), location), source: 'database' };
}
