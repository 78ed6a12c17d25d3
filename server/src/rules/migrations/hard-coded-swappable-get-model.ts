import { historicalCreations } from '../../django/migrate-run';
import { sameLabel } from '../../django/project';
import { dottedName, forEachExpr, type PyExpr, type PyStatement } from '../../syntax/python';
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
any swappable setting — in migration files, typically in the function a \`RunPython\` operation runs, when the
migration that creates that model gives it the \`swappable\` option (\`auth.0001_initial\` does for \`auth.User\`).
A model created without it is never swapped out in the migration state: \`apps.get_model\` returns it with its
table whatever the setting says, and reading the setting instead would load another model, so it is not flagged.
Nor is a call under a test of the setting (\`if swapper.is_swapped(...): return\`, \`if settings.X == ...\`).`,
    whyIsThisBad: `A data migration works on the historical models of the migration state. When
\`AUTH_USER_MODEL\` is swapped, \`auth.User\` is a swapped-out model there too, and using its manager fails:
\`AttributeError: Manager isn't available; 'auth.User' has been swapped for 'users.User'\`. Reusable apps break
in every project that swaps the model. The setting names the model in force.`,
    example: `def assign_orphans(apps, schema_editor):
    User = apps.get_model("auth", "User")`,
    useInstead: `from django.conf import settings


def assign_orphans(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)`,
    fixSafety: `Safe: the label arguments are replaced by the setting (\`settings.AUTH_USER_MODEL\`,
\`oauth2_settings.APPLICATION_MODEL\`), and the import is added when missing. While the setting is the default it
names the same model; when it is swapped, the hard-coded model is swapped out and unusable, so the setting's model
is the only one that works.`,
    references: [
      { title: 'Django: Data migrations', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#data-migrations' },
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    const creations = historicalCreations(project);
    for (const migration of project.migrations.values()) {
      if (migration.origin !== 'workspace' || !migration.file || !migration.getModelCalls?.length) continue;
      const file = context.file(migration.file);
      if (!file) continue;
      for (const call of migration.getModelCalls) {
        const state = project.swappables.find((s) => s.inUse && sameLabel(s.defaultLabel, call.label));
        if (!state) continue;
        const model = project.modelByLabel(call.label);
        if (model && model.swappable !== state.setting) continue;
        // apps.get_model returns the historical model: swapped out only when its CreateModel says
        // `swappable`. Without it, it keeps its table whatever the setting, and the setting would
        // load another model.
        const creation = creations.get(call.label.toLowerCase());
        if (creation && creation.swappable !== state.setting && creation.swappable !== 'unknown') continue;
        // Code that checks the setting (swapper.is_swapped, settings.X) before it runs knows.
        if (guardedBySetting(file.module.statements, call.span.start, state.setting)) continue;
        // swapper reads its setting with a default: `settings.X` raises AttributeError while it is unset.
        const viaSwapper = state.declaringModel?.facts?.meta.swappable?.viaSwapper === true;
        const expression = viaSwapper ? undefined : settingExpression(context, file, state);
        const [ownerApp, ownerModel] = state.defaultLabel.split('.');
        const instead = viaSwapper ? `swapper.get_model_name("${ownerApp}", "${ownerModel}")` : (state.spec?.reference.expression ?? `settings.${state.setting}`);
        const consequence =
          state.swapped === true
            ? `but ${describeSetting(context, state)}: in the migration state \`${state.defaultLabel}\` is swapped out, and using its manager fails with \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${state.value}'\``
            : `the day \`${state.setting}\` is swapped, \`${state.defaultLabel}\` is swapped out in the migration state and using its manager fails with \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '<the new model>'\``;
        findings.push({
          file: file.path,
          span: call.argumentsSpan,
          severity: hardReferenceSeverity(context, state, file.path),
          message: `\`${migration.key}\` loads \`${call.label}\` by name, the default of \`${state.setting}\`${state.swapped === true ? ',' : ':'} ${consequence}. Use \`apps.get_model(${instead})\`.`,
          related: settingRelated(state),
          fix: expression
            ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file: file.path, span: call.argumentsSpan, newText: expression.text }, ...expression.edits] }
            : undefined,
          unverified: creation ? undefined : `the migration that creates \`${call.label}\` is not known, so whether it is swapped out in the migration state is not known`,
        });
      }
    }
    return findings;
  },
};

/** Whether a test of the setting (`swapper.is_swapped(...)`, `settings.X`) encloses the offset or returns before it. */
function guardedBySetting(statements: PyStatement[], offset: number, setting: string): boolean {
  const mentionsSetting = (test: PyExpr): boolean => {
    let found = false;
    forEachExpr(test, (e) => {
      if (e.k === 'call' && (dottedName(e.fn) ?? '').split('.').pop() === 'is_swapped') found = true;
      if (e.k === 'attr' && e.attr === setting) found = true;
      if (e.k === 'str' && e.value === setting) found = true;
    });
    return found;
  };
  const returns = (body: PyStatement[]) => body.some((s) => s.kind === 'return');
  const visit = (body: PyStatement[]): boolean => {
    for (const s of body) {
      if (s.span.end <= offset) {
        if (s.kind === 'if' && mentionsSetting(s.test) && (returns(s.body) || returns(s.orelse))) return true;
        continue;
      }
      if (s.span.start > offset) break;
      if (s.kind === 'if') {
        if (mentionsSetting(s.test)) return true;
        return visit(s.body.some((x) => x.span.start <= offset && offset < x.span.end) ? s.body : s.orelse);
      }
      if (s.kind === 'def' || s.kind === 'class' || s.kind === 'block') return visit(s.body);
      if (s.kind === 'try') return visit([...s.body, ...s.handlers.flatMap((h) => h.body), ...s.orelse, ...s.finalbody].filter((x) => x.span.start <= offset && offset < x.span.end));
      return false;
    }
    return false;
  };
  return visit(statements);
}
