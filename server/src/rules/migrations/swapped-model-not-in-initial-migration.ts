import { splitKey } from '../../django/graph';
import type { OrderedRelation } from '../../django/migrate-run';
import { namedSetting, settingRelated } from '../common';
import { classSpan, dependencySpan } from '../fix';
import type { Finding, Rule } from '../types';
import { fieldName, outcome, settingOf, severityFor, swappableReliance, unorderedRelations, unverifiedOrder } from './ordering';

export const swappedModelNotInInitialMigration: Rule = {
  code: 'SWP202',
  name: 'swapped-model-not-in-initial-migration',
  summary: "The model a swappable setting points at is not created in its app's first migration",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a model a swappable setting names that is created after its app's first migration, when a
migration relies on \`swappable_dependency(settings.X)\` (its own or an earlier one's) to come after it:
the custom user model created in \`users.0002\`, or django-oauth-toolkit's \`IDToken\`, which DOT creates in
\`oauth2_provider.0004\` although \`swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL)\` means its first
migration. For a project's model the finding sits on its \`CreateModel\`; for a package's, on the swappable
dependency of the project migration that relies on it. When nothing relies on it today (every migration that points
at the model is ordered after its \`CreateModel\` some other way) it is information.`,
    whyIsThisBad: `\`migrations.swappable_dependency(settings.AUTH_USER_MODEL)\` is \`("users", "__first__")\`: a
dependency on the *first* migration of the user model's app, whatever migration creates the model. A migration
that relies on it alone can run after \`users.0001\` but before the migration that creates the table, and
\`migrate\` fails with \`ValueError: Related model 'users.user' cannot be resolved\` (error: \`migrate\` on an empty
database stops there), or passes only because of the order of the app labels (warning). Django's documentation
requires the custom user model to be created in the first migration of its app.`,
    example: `# users/migrations/0001_initial.py creates Profile
# users/migrations/0002_user.py:
operations = [
    migrations.CreateModel(name="User", fields=[...]),
]`,
    useInstead: `# users/migrations/0001_initial.py
operations = [
    migrations.CreateModel(name="User", fields=[...]),
    migrations.CreateModel(name="Profile", fields=[...]),
]`,
    fixSafety: `No fix. On a project without a production database, delete the app's migrations and run
\`makemigrations\` again so the model lands in \`0001_initial\`. With applied migrations, moving the model is a
data migration: see Django's guide on changing to a custom user model mid-project.`,
    references: [
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
      { title: 'Django: Changing to a custom user model mid-project', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#changing-to-a-custom-user-model-mid-project' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    const relying = unorderedRelations(project).filter((r) => {
      const setting = settingOf(r);
      return setting !== undefined && swappableReliance(project, r.consumer, setting) !== undefined;
    });
    const reported = new Set<OrderedRelation>();
    for (const state of project.swappables) {
      if (!state.inUse || state.swapped !== true || !state.creatingMigration || !state.targetApp) continue;
      const creating = project.migrations.get(state.creatingMigration);
      if (!creating?.file || creating.origin !== 'workspace') continue;
      const app = state.targetApp.label;
      const roots = project.graph.rootNodes(app);
      if (roots.includes(creating.key) || roots.length === 0) continue;
      const first = roots[0];
      const relations = relying.filter((r) => r.creator === creating.key && settingOf(r) === state.setting);
      relations.forEach((r) => reported.add(r));
      const modelName = state.value!.split('.')[1];
      const create = (creating.operations ?? []).find((op) => op.kind === 'CreateModel' && op.model.toLowerCase() === modelName.toLowerCase());
      const span = create && create.kind === 'CreateModel' && create.nameSpan ? create.nameSpan : classSpan(creating);
      const consumers = [...new Set(relations.map((r) => r.consumer))];
      const consequence =
        relations.length > 0
          ? `${consumers.map((k) => `\`${k}\``).join(', ')} ${consumers.length === 1 ? 'relies' : 'rely'} on it alone: ${outcome(project, relations)}`
          : `no migration relies on that alone today (each one that points at \`${state.value}\` is ordered after \`${creating.key}\` some other way), but one that does will run before the table exists`;
      findings.push({
        file: creating.file,
        span,
        severity: relations.length > 0 ? severityFor(context, relations, creating.file) : 'information',
        message: `\`${state.value}\`, the model ${namedSetting(context, state)} names, is created in \`${creating.key}\`, not in \`${first}\`: \`swappable_dependency(settings.${state.setting})\` means ("${app}", "__first__"), so ${consequence}. Create it in the app's first migration.`,
        related: [
          ...settingRelated(state),
          ...consumers.slice(0, 5).flatMap((k) => {
            const m = project.migrations.get(k);
            return m?.file ? [{ file: m.file, span: classSpan(m), message: `${k} relies on ("${app}", "__first__")` }] : [];
          }),
        ],
        unverified: relations.length > 0 ? unverifiedOrder(relations) : undefined,
      });
    }
    // A package's model created after its app's first migration (django-oauth-toolkit's IDToken, in
    // 0004): a migration of the project that relies on swappable_dependency alone runs too early.
    const byConsumer = new Map<string, OrderedRelation[]>();
    for (const relation of relying) {
      if (reported.has(relation)) continue;
      const consumer = project.migrations.get(relation.consumer);
      if (!consumer?.file || consumer.origin !== 'workspace') continue;
      const id = `${relation.consumer}\0${settingOf(relation)}`;
      byConsumer.set(id, [...(byConsumer.get(id) ?? []), relation]);
    }
    for (const relations of byConsumer.values()) {
      const relation = relations[0];
      const setting = settingOf(relation)!;
      const consumer = project.migrations.get(relation.consumer)!;
      const state = project.swappable(setting);
      const entryIndex = (consumer.dependencies?.entries ?? []).findIndex((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === setting);
      const span = entryIndex >= 0 ? dependencySpan(consumer, entryIndex) : (relation.relation?.span ?? classSpan(consumer));
      const [app] = splitKey(relation.creator);
      const root = project.graph.rootNodes(app)[0];
      findings.push({
        file: consumer.file!,
        span,
        severity: severityFor(context, relations, consumer.file),
        message:
          `\`${relation.consumer}\` points at \`${relation.target}\` (${relations.map(fieldName).join(', ')}) and orders itself with \`swappable_dependency(settings.${setting})\`, which means ("${app}", "__first__")${root ? ` = \`${root}\`` : ''}, ` +
          `but \`${relation.target}\` is created later, in \`${relation.creator}\`: ${outcome(project, relations)}. Add ("${app}", "${splitKey(relation.creator)[1]}") to its dependencies.`,
        related: state ? settingRelated(state) : [],
        unverified: unverifiedOrder(relations),
      });
    }
    return findings;
  },
};
