import { keyOf, splitKey, type MigrationKey } from '../../django/graph';
import type { DjangoProject, MigrationInfo } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import { namedSetting, settingRelated } from '../common';
import { addRunBeforeEdit, classSpan } from '../migration-edits';
import type { Finding, Rule } from '../types';

export const missingRunBefore: Rule = {
  code: 'SWP201',
  name: 'missing-run-before',
  summary: "A replacement model's migration lacks the run_before its package's migrations need",
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags the migration that creates the replacement for a third-party swappable model — a custom
django-oauth-toolkit \`Application\` set by \`OAUTH2_PROVIDER_APPLICATION_MODEL\` — when nothing in the migration
graph makes it run before the package's first migration that needs it (\`oauth2_provider.0001_initial\`).`,
    whyIsThisBad: `django-oauth-toolkit's migrations create foreign keys to \`oauth2_settings.APPLICATION_MODEL\`
without declaring a swappable dependency on it. Unless your migration says
\`run_before = [("oauth2_provider", "0001_initial")]\`, the order is left to chance: \`migrate\` sorts apps by label,
so it works when your app's label sorts before \`oauth2_provider\` and fails with \`ValueError: Related model
'oauthapp.application' cannot be resolved\` when it sorts after — and any new dependency can flip it. Setting the
model up later, on a database where \`oauth2_provider\` is already migrated, ends in
\`InconsistentMigrationHistory\` and dropped tables. The finding is an **error** when the current order fails,
a **warning** when it works only because of how the labels sort.`,
    example: `class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]`,
    useInstead: `class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    run_before = [
        ("oauth2_provider", "0001_initial"),
    ]`,
    fixSafety: `Safe: it only adds an ordering constraint, in the file's quotes and indentation, right after
\`dependencies\` (or as a new entry of an existing \`run_before\`). No fix is offered when the migration already
depends on the package's migration, since \`run_before\` would then close a cycle.`,
    references: [
      { title: 'django-oauth-toolkit: Extending the Application model', url: 'https://django-oauth-toolkit.readthedocs.io/en/latest/advanced_topics.html#extending-the-application-model' },
      { title: 'Django: Migration.run_before', url: 'https://docs.djangoproject.com/en/stable/howto/writing-migrations/#controlling-the-order-of-migrations' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    const plan = project.graph.migrationPlan();
    for (const state of project.swappables) {
      if (!state.spec || state.spec.ownerDeclaresDependency || !state.inUse || state.swapped !== true || !state.creatingMigration) continue;
      const creating = project.migrations.get(state.creatingMigration);
      if (!creating?.file || creating.origin !== 'workspace') continue;
      const file = context.file(creating.file);
      if (!file) continue;
      const owner = state.defaultLabel.split('.')[0];
      const consumer = firstConsumer(project, owner, state.setting);
      if (!consumer || project.graph.dependsOn(consumer, creating.key)) continue;
      const [ownerApp, consumerName] = splitKey(consumer);
      const cycle = project.graph.dependsOn(creating.key, consumer);
      const failsNow = plan.indexOf(consumer) >= 0 && plan.indexOf(consumer) < plan.indexOf(creating.key);
      const order = failsNow
        ? `on an empty database \`migrate\` applies \`${consumer}\` before it and fails with \`ValueError: Related model '${state.value!.toLowerCase()}' cannot be resolved\``
        : `\`migrate\` applies it first today only by the chance of the order it walks the graph in (app labels sorted, then dependencies): any new dependency can reorder it`;
      findings.push({
        file: creating.file,
        span: classSpan(creating),
        severity: failsNow ? 'error' : 'warning',
        message:
          `\`${creating.key}\` creates \`${state.value}\`, the model ${namedSetting(context, state)} names, but nothing makes it run before \`${consumer}\`, ` +
          `whose foreign keys to ${state.spec.reference.expression} declare no dependency on it: ${order}. ` +
          (cycle ? `It cannot simply add run_before: it already depends on \`${consumer}\`, which would close a cycle.` : `Add \`run_before = [("${ownerApp}", "${consumerName}")]\`.`),
        related: settingRelated(state),
        fix: cycle ? undefined : runBeforeFix(file, creating, ownerApp, consumerName),
      });
    }
    return findings;
  },
};

function runBeforeFix(file: ParsedFile, migration: MigrationInfo, app: string, name: string): Finding['fix'] {
  const edit = addRunBeforeEdit(file, migration, app, name);
  return edit ? { title: `Add run_before = [("${app}", "${name}")]`, safe: true, edits: [edit] } : undefined;
}

/** The owner app's earliest migration whose relations read the setting. */
function firstConsumer(project: DjangoProject, owner: string, setting: string): MigrationKey | undefined {
  const consumers: MigrationKey[] = [];
  for (const migration of project.migrations.values()) {
    if (migration.app !== owner) continue;
    const reads = migration.known
      ? migration.known.references?.includes(setting)
      : (migration.relations ?? []).some((r) => r.relation.target.kind === 'setting' && r.relation.target.setting === setting);
    if (reads) {
      const key = project.graph.canonical(keyOf(migration.app, migration.name));
      if (key) consumers.push(key);
    }
  }
  return consumers.sort().find((c) => !consumers.some((other) => other !== c && project.graph.dependsOn(c, other)));
}

