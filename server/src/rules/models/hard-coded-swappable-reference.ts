import { conditionTruth } from '../../django/conditions';
import { normalizeQualified } from '../../django/modules';
import { sameLabel, type ModelInfo } from '../../django/project';
import type { RelationTarget } from '../../django/references';
import type { Finding, Rule, RuleContext } from '../types';
import { describeSetting, hardReferenceSeverity, hardSwappableTarget, settingExpression, settingRelated } from '../common';
import { pendingUndefinedRelation } from '../settings/undefined-swappable-setting';

export const hardCodedSwappableReference: Rule = {
  code: 'SWP101',
  name: 'hard-coded-swappable-reference',
  summary: 'A relation field targets a swappable model by label or class instead of its setting',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags \`ForeignKey\`, \`OneToOneField\` and \`ManyToManyField\` fields that point at a swappable model
by its label (\`"auth.User"\`, in any case) or by its class (\`User\` imported from \`django.contrib.auth.models\`),
instead of through the setting that names it (\`settings.AUTH_USER_MODEL\`).`,
    whyIsThisBad: `A swappable model can be replaced by a setting. A hard reference keeps pointing at the default
model, so the day the setting is swapped Django refuses to start: \`fields.E301\` "Field defines a relation with
the model 'auth.User', which has been swapped out." In a reusable app it breaks every project that swaps the
model. The finding is an **error** when the setting is swapped in this project and Django checks the field (a
model in force; an abstract model's field once a concrete subclass takes it), a **warning** in a reusable app,
and **information** in project code whose setting is still the default. A class name bound by
\`if swapper.is_swapped(...)\` / \`else\` imports follows the branch the settings take; a model defined under an
\`if\` djswap cannot evaluate is held back.`,
    example: `from django.contrib.auth.models import User
from django.db import models


class Post(models.Model):
    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    editor = models.ForeignKey(User, on_delete=models.CASCADE)`,
    useInstead: `from django.conf import settings
from django.db import models


class Post(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)`,
    fixSafety: `Safe. The reference is replaced by the setting's expression (\`settings.AUTH_USER_MODEL\`, or
\`oauth2_settings.APPLICATION_MODEL\` for django-oauth-toolkit), and its import is added when missing. While the
setting is the default the field keeps its target; once it is swapped the field follows the setting, which is
what \`makemigrations\` already wrote into the migrations. An import of the class that becomes unused is left
in place. No fix is offered when the setting would not be readable (a project-declared swappable setting that
the settings never define).`,
    references: [
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
      { title: 'Django system check fields.E301', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#related-fields' },
    ],
  },
  checkFiles(context) {
    const { project } = context;
    const modelsByFile = new Map<string, ModelInfo[]>();
    for (const model of project.models) {
      if (model.origin !== 'workspace' || !model.facts || model.facts.relations.length === 0) continue;
      const list = modelsByFile.get(model.facts.file);
      if (list) list.push(model);
      else modelsByFile.set(model.facts.file, [model]);
    }
    return { files: modelsByFile.keys(), check: (path) => checkModels(context, path, modelsByFile.get(path) ?? []) };
  },
};

function checkModels(context: RuleContext, path: string, models: ModelInfo[]): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  const file = context.file(path);
  const scope = file ? project.scopeOfFile(path) : undefined;
  if (!file || !scope) return findings;
  for (const model of models) {
    // Django checks the fields of models in force only: not of one swapped out here.
    if (model.swappable) {
      const own = project.swappable(model.swappable);
      if (own?.value !== undefined && !sameLabel(own.value, model.label)) continue;
    }
    // An abstract model's fields are checked on its concrete subclasses.
    const checked = !model.abstract || project.models.some((m) => !m.abstract && m.lineage.includes(model.qualified));
    for (const field of model.facts!.relations) {
      let target: RelationTarget = field.target;
      if (target.kind === 'class' && target.choice) {
        // `if swapper.is_swapped(...): from x import BasePage as Page else: from wagtail.models import Page`
        const binding = scope.resolveName(target.choice, (test) => conditionTruth(test, scope, project.conditions));
        if (!binding || binding === 'unknown' || binding.kind !== 'qualified') continue;
        target = { ...target, qualified: normalizeQualified(binding.name) };
      }
      const hard = hardSwappableTarget(project, target, model.app);
      if (!hard) continue;
      // The setting is not defined and the field has no migration yet: SWP403 says what fails first.
      if (pendingUndefinedRelation(project, model, field)) continue;
      const { state } = hard;
      const fieldName = `${model.label}.${field.name}`;
      const fails = state.swapped === true && checked;
      const severity = fails ? 'error' : hardReferenceSeverity(context, { ...state, swapped: state.swapped === true ? false : state.swapped }, file.path);
      const written =
        target.kind === 'label'
          ? hard.written === state.defaultLabel
            ? `"${hard.written}"`
            : `"${hard.written}" (\`${state.defaultLabel}\`)`
          : `\`${hard.written}\` (\`${state.defaultLabel}\`)`;
      const message =
        fails
          ? `\`${fieldName}\` points at ${written}, but ${describeSetting(context, state)}: Django will fail with fields.E301 ("Field defines a relation with the model '${state.defaultLabel}', which has been swapped out"). Use \`${state.spec?.reference.expression ?? `settings.${state.setting}`}\`.`
          : state.swapped === true
          ? `\`${fieldName}\` points at ${written}, but ${describeSetting(context, state)}: no concrete model installed here takes this field yet; each that does fails Django's checks with fields.E301. Use \`${state.spec?.reference.expression ?? `settings.${state.setting}`}\`.`
          : `\`${fieldName}\` hard-codes ${written}, the default of the swappable setting \`${state.setting}\`: it breaks with fields.E301 the day \`${state.setting}\` is swapped. Use \`${state.spec?.reference.expression ?? `settings.${state.setting}`}\`.`;
      const expression = settingExpression(context, file, state);
      findings.push({
        file: file.path,
        span: target.span,
        message,
        severity,
        related: settingRelated(state),
        unverified: model.conditional ? `\`${model.label}\` is defined only when \`${model.conditional}\` holds, which djswap cannot tell` : undefined,
        fix: expression
          ? {
              title: `Replace with ${expression.text}`,
              safe: target.kind !== 'label' || !target.viaConstant,
              edits: [{ file: file.path, span: target.span, newText: expression.text }, ...expression.edits],
            }
          : undefined,
      });
    }
  }
  return findings;
}
