import { sameLabel } from '../../django/project';
import { describeSetting, hardReferenceSeverity, settingExpression, settingRelated } from '../common';
import type { Finding, Rule } from '../types';

export const hardCodedSwappableGetModel: Rule = {
  code: 'SWP204',
  name: 'hard-coded-swappable-get-model',
  summary: '`apps.get_model("auth", "User")` in a data migration instead of the setting',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags \`apps.get_model("auth", "User")\` and \`apps.get_model("auth.User")\` — or the default model of
any swappable setting — in migration files, typically in the function a \`RunPython\` operation runs.`,
    whyIsThisBad: `A data migration works on the historical models of the migration state. When
\`AUTH_USER_MODEL\` is swapped, \`auth.User\` is a swapped-out model there too: it has no table, and using it fails
(\`AttributeError: Manager isn't available; 'auth.User' has been swapped for 'users.User'\`). Reusable apps break
in every project that swaps the model. The setting names the model in force.`,
    example: `def assign_orphans(apps, schema_editor):
    User = apps.get_model("auth", "User")`,
    useInstead: `from django.conf import settings


def assign_orphans(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)`,
    fixSafety: `Safe: the label arguments are replaced by the setting (\`settings.AUTH_USER_MODEL\`,
\`oauth2_settings.APPLICATION_MODEL\`), and the import is added when missing. While the setting is the default it
names the same model.`,
    references: [
      { title: 'Django: Data migrations', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#data-migrations' },
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const migration of project.migrations.values()) {
      if (migration.origin !== 'workspace' || !migration.file || !migration.getModelCalls?.length) continue;
      const file = context.file(migration.file);
      if (!file) continue;
      for (const call of migration.getModelCalls) {
        const state = project.swappables.find((s) => s.inUse && sameLabel(s.defaultLabel, call.label));
        if (!state) continue;
        const model = project.modelByLabel(call.label);
        if (model && model.swappable !== state.setting) continue;
        const expression = settingExpression(context, file, state);
        const consequence =
          state.swapped === true
            ? `but ${describeSetting(context, state)}: the historical \`${state.defaultLabel}\` is swapped out and has no table, so the migration fails (\`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${state.value}'\`)`
            : `it breaks the day \`${state.setting}\` is swapped`;
        findings.push({
          file: file.path,
          span: call.argumentsSpan,
          severity: hardReferenceSeverity(context, state, file.path),
          message: `\`${migration.key}\` loads \`${call.label}\` by name, the default of \`${state.setting}\`${state.swapped === true ? ',' : ':'} ${consequence}. Use \`apps.get_model(${state.spec?.reference.expression ?? `settings.${state.setting}`})\`.`,
          related: settingRelated(state),
          fix: expression
            ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file: file.path, span: call.argumentsSpan, newText: expression.text }, ...expression.edits] }
            : undefined,
        });
      }
    }
    return findings;
  },
};
