import { splitKey } from '../../django/graph';
import { namedSetting, settingRelated } from '../common';
import { classSpan } from '../migration-edits';
import type { Finding, Rule } from '../types';

export const swappedModelNotInInitialMigration: Rule = {
  code: 'SWP202',
  name: 'swapped-model-not-in-initial-migration',
  summary: "The model a swappable setting points at is not created in its app's first migration",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags the \`CreateModel\` of the model a swappable setting points at (a custom user model) when it is
not in its app's first migration.`,
    whyIsThisBad: `\`migrations.swappable_dependency(settings.AUTH_USER_MODEL)\` is \`("users", "__first__")\`: a
dependency on the *first* migration of the user model's app, whatever migration creates the model. Every other
app's migration that points at the user model can then run after \`users.0001\` but before the migration that
creates the table, and \`migrate\` fails with \`ValueError: Related model 'users.user' cannot be resolved\` — on a
fresh database, in CI, for the next developer. Django's documentation requires the custom user model to be
created in the first migration of its app.`,
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
    for (const state of project.swappables) {
      if (!state.inUse || state.swapped !== true || !state.creatingMigration || !state.targetApp) continue;
      const creating = project.migrations.get(state.creatingMigration);
      if (!creating?.file || creating.origin !== 'workspace') continue;
      const app = state.targetApp.label;
      const roots = project.graph.rootNodes(app);
      if (roots.includes(creating.key) || roots.length === 0) continue;
      const first = roots[0];
      // Who relies on (app, "__first__") for this setting but has no path to the creating migration.
      const exposed: string[] = [];
      for (const [child, parents] of project.graph.edges) {
        for (const [parent, origin] of parents) {
          if (origin.kind !== 'swappable' || origin.setting !== state.setting || splitKey(parent)[0] !== app) continue;
          if (!project.graph.dependsOn(child, creating.key)) exposed.push(child);
        }
      }
      const modelName = state.value!.split('.')[1];
      const create = (creating.operations ?? []).find((op) => op.kind === 'CreateModel' && op.model.toLowerCase() === modelName.toLowerCase());
      const span = create && create.kind === 'CreateModel' && create.nameSpan ? create.nameSpan : classSpan(creating);
      const consequence =
        exposed.length > 0
          ? `${exposed.map((k) => `\`${k}\``).join(', ')} ${exposed.length === 1 ? 'depends' : 'depend'} only on \`${first}\` and can run before the table exists: \`ValueError: Related model '${state.value!.toLowerCase()}' cannot be resolved\``
          : `every migration that points at it happens to depend on \`${creating.key}\` today, but the next one that relies on swappable_dependency alone will fail`;
      findings.push({
        file: creating.file,
        span,
        severity: exposed.length > 0 ? 'error' : 'warning',
        message: `\`${state.value}\`, the model ${namedSetting(context, state)} names, is created in \`${creating.key}\`, not in \`${first}\`: \`swappable_dependency(settings.${state.setting})\` means ("${app}", "__first__"), so ${consequence}. Create it in the app's first migration.`,
        related: [
          ...settingRelated(state),
          ...exposed.slice(0, 5).flatMap((k) => {
            const m = project.migrations.get(k);
            return m?.file ? [{ file: m.file, span: classSpan(m), message: `${k} relies on ("${app}", "__first__")` }] : [];
          }),
        ],
      });
    }
    return findings;
  },
};
