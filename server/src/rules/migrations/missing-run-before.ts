import { splitKey, type MigrationKey } from '../../django/graph';
import type { OrderedRelation } from '../../django/migrate-run';
import { sameLabel, type DjangoProject, type MigrationInfo } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import { namedSetting, settingRelated } from '../common';
import { addRunBeforeEdit, classSpan } from '../fix';
import type { Finding, Rule } from '../types';
import { fieldName, needsRunBefore, outcome, severityFor, unorderedRelations, unverifiedOrder } from './ordering';

export const missingRunBefore: Rule = {
  code: 'SWP201',
  name: 'missing-run-before',
  summary: "A replacement model's migration lacks the run_before its package's migrations need",
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags the migration that creates a replacement for a swappable model — a custom
django-oauth-toolkit \`AccessToken\` set by \`OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL\`, a model a swapper app's
setting names — when a migration of the app that declares the setting (or of a package the project does not
edit) creates a foreign key to it through the setting, and nothing in the graph makes the creating migration run
first. djswap follows what \`migrate\` does on an empty database, operation by operation: only fields of models
that get a table count. A DOT model that is itself swapped out gets none, so which \`run_before\` is needed depends
on which DOT models are swapped — with all five custom, DOT's migrations point at none of them and nothing is
needed; with a custom \`IDToken\` only, it is \`oauth2_provider.0004\` (where DOT adds \`AccessToken.id_token\`) that
must come after it. One finding per creating migration, naming the migrations and fields that need it.`,
    whyIsThisBad: `django-oauth-toolkit's migrations point at its models through \`oauth2_settings.X_MODEL\` without a
dependency on the app that holds the custom one (and makemigrations writes no dependency for a relation inside a
swapper app). Unless the creating migration says \`run_before\`, \`migrate\` reaches the package's migration first
and fails with \`ValueError: Related model 'tokens.accesstoken' cannot be resolved\` — or passes only because the
app labels sort the right way: \`migrate\` walks the leaf migrations in label order. The finding is an
**error** when \`migrate\` on an empty database stops there, a **warning** when it works only by that order (an
app labelled the other way fails) or when it would fail there after an earlier failure. Where the outcome
depends on the package's release (django-oauth-toolkit 3.0 added migrations with swappable dependencies that
reorder the plan), the message says what each release does and the finding is a warning. When the creating
migration itself depends on the package's migration (a custom \`AccessToken\` pointing at DOT's own
\`Application\`), \`run_before\` would close a cycle — Django then fails with \`CircularDependencyError\` — and the
message says so.`,
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
depends on the package's migration, since \`run_before\` would then close a cycle (\`CircularDependencyError\`),
nor when migrations of several apps need it.`,
    references: [
      { title: 'django-oauth-toolkit: Extending the Application model', url: 'https://django-oauth-toolkit.readthedocs.io/en/latest/advanced_topics.html#extending-the-application-model' },
      { title: 'Django: Migration.run_before', url: 'https://docs.djangoproject.com/en/stable/howto/writing-migrations/#controlling-the-order-of-migrations' },
    ],
  },
  check(context) {
    const { project } = context;
    const byCreator = new Map<MigrationKey, OrderedRelation[]>();
    for (const relation of unorderedRelations(project)) {
      if (!needsRunBefore(context, relation)) continue;
      byCreator.set(relation.creator, [...(byCreator.get(relation.creator) ?? []), relation]);
    }
    const findings: Finding[] = [];
    for (const [creatorKey, relations] of byCreator) {
      const creating = project.migrations.get(creatorKey);
      if (!creating?.file) continue;
      const file = context.file(creating.file);
      if (!file) continue;
      // run_before the earliest migration of each app that needs the models.
      const consumers = [...new Set(relations.map((r) => r.consumer))];
      const targets = consumers.filter((c) => !consumers.some((other) => other !== c && splitKey(other)[0] === splitKey(c)[0] && project.graph.dependsOn(c, other))).sort();
      const cycles = targets.flatMap((t) => {
        const path = project.graph.pathBetween(creatorKey, t);
        return path ? [{ target: t, path }] : [];
      });
      const models = [...new Set(relations.map((r) => r.target))];
      const states = models.map((m) => project.swappableForLabel(m)).filter((s): s is NonNullable<typeof s> => s !== undefined);
      const what = models
        .map((m) => {
          const state = states.find((s) => s.value !== undefined && sameLabel(s.value, m));
          return state ? `\`${m}\`, the model ${namedSetting(context, state)} names,` : `\`${m}\``;
        })
        .join(', ');
      const needers = relations
        .filter((r, i) => relations.findIndex((o) => o.consumer === r.consumer) === i)
        .map((r) => `\`${r.consumer}\` (${relations.filter((o) => o.consumer === r.consumer).map(fieldName).join(', ')})`)
        .join(', ');
      const runBefore = targets.map((t) => `("${splitKey(t)[0]}", "${splitKey(t)[1]}")`).join(', ');
      const advice =
        cycles.length > 0
          ? `It cannot simply add \`run_before = [${runBefore}]\`: it depends on \`${cycles[0].target}\` itself (${describePath(project, cycles[0].path)}), and Django would fail with \`CircularDependencyError\` instead. Move the fields that point at \`${splitKey(cycles[0].target)[0]}\`'s models into a second migration of \`${creating.app}\`, or swap those models too.`
          : `Add \`run_before = [${runBefore}]\`.`;
      findings.push({
        file: creating.file,
        span: classSpan(creating),
        severity: severityFor(context, relations, creating.file),
        message: `\`${creatorKey}\` creates ${what.replace(/,$/, '')}, but nothing makes it run before ${needers}, which point${consumers.length === 1 ? 's' : ''} at it through the setting without a dependency on it: ${outcome(project, relations)}. ${advice}`,
        related: states.flatMap(settingRelated),
        fix: cycles.length > 0 ? undefined : runBeforeFix(file, creating, targets),
        unverified: unverifiedOrder(relations),
      });
    }
    return findings;
  },
};

function describePath(project: DjangoProject, path: MigrationKey[]): string {
  const steps: string[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const origin = project.graph.edge(path[i], path[i + 1]);
    const how = origin?.kind === 'swappable' ? ` through \`swappable_dependency(settings.${origin.setting})\`` : origin?.kind === 'run_before' ? ' through run_before' : '';
    steps.push(`\`${path[i]}\` depends on \`${path[i + 1]}\`${how}`);
  }
  return steps.join(', ');
}

function runBeforeFix(file: ParsedFile, migration: MigrationInfo, targets: MigrationKey[]): Finding['fix'] {
  if (targets.length !== 1) return undefined;
  const [app, name] = splitKey(targets[0]);
  const edit = addRunBeforeEdit(file, migration, app, name);
  return edit ? { title: `Add run_before = [("${app}", "${name}")]`, safe: true, edits: [edit] } : undefined;
}
