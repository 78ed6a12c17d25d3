import * as path from 'node:path';
import { keyOf, type MigrationKey } from '../../django/graph';
import { classSpan } from '../fix';
import type { Finding, Rule } from '../types';

export const partiallyAppliedSquash: Rule = {
  code: 'SWP307',
  name: 'partially-applied-squash',
  summary: "A database applied only some of a squash's replaced migrations, and the rest were deleted",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Given which migrations a database has applied (\`--history\`, or the SQLite database the settings name),
flags a squashed migration whose \`replaces\` the database has applied only in part, when the replaced migrations it
has not applied are no longer on disk.`,
    whyIsThisBad: `Django uses a squashed migration only when all or none of the migrations it replaces are applied;
otherwise it drops the squash from the graph and keeps the replaced migrations (\`MigrationLoader.build_graph\`,
ticket #25945). When those were deleted, nothing is left to run: \`migrate\` reports nothing to apply for the app
(\`showmigrations\` lists it with "(no migrations)" when the squash was its only migration), and the changes of the
deleted migrations never reach that database — the first query that needs them fails, e.g. with
\`OperationalError: no such column: blog_post.slug\`. A migration that depends on a deleted one makes Django fail
instead: \`NodeNotFoundError: Migration blog.0005_post_tags depends on nonexistent node ('blog', '0003_post_slug').
Django tried to replace migration blog.0003_post_slug with any of [blog.0001_squashed_0004_post_summary] but wasn't
able to because some of the replaced migrations are already applied.\``,
    example: `# blog/migrations/0001_squashed_0004_post_summary.py, with 0001..0004 deleted
replaces = [("blog", "0001_initial"), ("blog", "0002_post_author"), ("blog", "0003_post_slug"), ("blog", "0004_post_summary")]
# the production database has applied blog.0001_initial and blog.0002_post_author only`,
    useInstead: `# Keep the replaced migrations until every database has applied all of them
# (restore 0003 and 0004 from version control, migrate, then delete them again).`,
    fixSafety: `No fix: restore the deleted migrations from version control and migrate every database past them
before deleting them again.`,
    references: [
      { title: 'Django: Squashing migrations', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#migration-squashing' },
      { title: 'Django ticket #25945: partially applied squashed migrations', url: 'https://code.djangoproject.com/ticket/25945' },
    ],
  },
  check(context) {
    const { project } = context;
    const history = project.history;
    if (!history) return [];
    const applied = new Set(history.applied);
    const where = path.relative(project.config.root, history.location);
    const source = `${history.source === 'database' ? 'the database' : 'the showmigrations output'} ${where.startsWith('..') ? path.basename(history.location) : where}`;
    const findings: Finding[] = [];
    for (const squash of project.migrations.values()) {
      if (squash.origin !== 'workspace' || !squash.file || !squash.replaces || squash.replaces.partial) continue;
      const replaced: MigrationKey[] = squash.replaces.entries.flatMap((e) => (e.kind === 'key' ? [keyOf(e.app, e.name)] : []));
      if (replaced.length === 0) continue;
      const done = replaced.filter((k) => applied.has(k));
      if (done.length === 0 || done.length === replaced.length) continue;
      const lost = replaced.filter((k) => !applied.has(k) && !project.migrations.has(k));
      if (lost.length === 0) continue;
      const appLeft = project.graph.appNodes(squash.app).length;
      const blocked = project.graph.problems.some((p) => p.kind === 'missing-parent' && lost.includes(p.missing));
      const outcome = blocked
        ? `a migration that depends on one of them makes Django fail with \`NodeNotFoundError\``
        : `\`migrate\` says nothing${appLeft === 0 ? ` (\`showmigrations\` lists \`${squash.app}\` with "(no migrations)")` : ''}, and their changes never reach the database: the first query that needs them fails (e.g. \`OperationalError: no such column\`)`;
      findings.push({
        file: squash.file,
        span: squash.replaces.statementSpan ?? classSpan(squash),
        severity: 'error',
        message:
          `${source} has applied ${list(done)} of the ${replaced.length} migrations \`${squash.key}\` replaces, but not ${list(replaced.filter((k) => !applied.has(k)))}: Django does not use a partly applied squash, ` +
          `and ${list(lost)} ${lost.length === 1 ? 'is' : 'are'} no longer on disk, so nothing applies ${lost.length === 1 ? 'it' : 'them'}: ${outcome}. Restore ${lost.length === 1 ? 'it' : 'them'} from version control until every database has migrated past ${lost.length === 1 ? 'it' : 'them'}.`,
      });
    }
    return findings;
  },
};

function list(keys: MigrationKey[]): string {
  const shown = keys.slice(0, 4).map((k) => `\`${k}\``);
  return keys.length > 4 ? `${shown.join(', ')} and ${keys.length - 4} more` : shown.join(', ');
}
