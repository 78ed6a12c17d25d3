import { namedSetting, settingRelated } from '../common';
import type { Finding, Rule } from '../types';

export const swappableSettingChangedAfterMigrations: Rule = {
  code: 'SWP404',
  name: 'swappable-setting-changed-after-migrations',
  summary: 'A swappable setting changed in version control after migrations that depend on it were committed',
  defaultSeverity: 'warning',
  fix: 'none',
  docs: {
    whatItDoes: `Where the project is a git repository, compares a swappable setting's value now with its value in the
settings file's history (read-only \`git log\` and \`git show\`). When it changed after migrations that depend on it
were committed — a \`swappable_dependency\`, a foreign key to the setting, or Django's own \`admin.0001_initial\` —
it warns on the setting, naming the commit and the migrations.`,
    whyIsThisBad: `Every database migrated before that commit has those migrations applied against the old model.
With the new value, they depend on a migration that database never ran: \`migrate\` stops with
\`InconsistentMigrationHistory\`, and the foreign keys in the database still point at the old table. This is the
situation of the source reports — downtime, dropped tables, colleagues' broken environments — and it is found here
without access to any database. With a database (SWP306) djswap says exactly what \`migrate\` will do.`,
    example: `# commit 3f2a91c "Use a custom user model", long after blog/migrations/0001_initial.py:
AUTH_USER_MODEL = "users.User"`,
    useInstead: `# Plan the change for the databases that exist (djswap plan), or keep the previous value
# until they are migrated with the documented procedure.`,
    fixSafety: `No fix: which databases exist and how to move them is for you to decide; \`djswap plan\` writes the steps.`,
    references: [
      { title: 'Django: Changing to a custom user model mid-project', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#changing-to-a-custom-user-model-mid-project' },
      { title: 'django-oauth-toolkit: Extending the Application model', url: 'https://django-oauth-toolkit.readthedocs.io/en/latest/advanced_topics.html#extending-the-application-model' },
    ],
  },
  check(context) {
    const findings: Finding[] = [];
    for (const state of context.project.swappables) {
      if (!state.inUse || !state.assignment) continue;
      const change = context.settingChange(state.setting);
      if (!change || change.before.length === 0) continue;
      const when = change.commit
        ? `in commit ${change.commit.hash.slice(0, 10)} (${new Date(change.commit.time * 1000).toISOString().slice(0, 10)}, "${change.commit.subject}")`
        : 'in changes not committed yet';
      const from = change.from === undefined ? `unset (the default \`${state.defaultLabel}\`)` : `"${change.from}"`;
      const listed = change.before
        .slice(0, 6)
        .map((b) => (b.commit ? `\`${b.key}\` (commit ${b.commit.hash.slice(0, 10)})` : `\`${b.key}\` (${b.package ?? 'a package'}'s)`))
        .join(', ');
      findings.push({
        file: state.assignment.location.file,
        span: state.assignment.valueSpan,
        severity: 'warning',
        message:
          `${namedSetting(context, state)} changed from ${from} to "${change.to}" ${when}, after migrations that depend on it existed: ${listed}${change.before.length > 6 ? ` and ${change.before.length - 6} more` : ''}. ` +
          `Every database migrated before that change fails \`migrate\` with \`InconsistentMigrationHistory\` and keeps foreign keys to the old table. Plan the change (\`djswap plan\`), or give djswap the database's history (--history) to see exactly what migrate will say.`,
        related: [
          ...change.before.flatMap((b) => (b.file ? [{ file: b.file, span: { start: 0, end: 0 }, message: `${b.key} was committed before the change` }] : [])).slice(0, 8),
          ...settingRelated(state),
        ],
      });
    }
    return findings;
  },
};
