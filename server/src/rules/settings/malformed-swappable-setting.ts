import type { Finding, Rule } from '../types';
import { relationsFollowing, resolvedAtImport } from './swappable-relations';

export const malformedSwappableSetting: Rule = {
  code: 'SWP401',
  name: 'malformed-swappable-setting',
  summary: "A swappable setting's value is not of the form app_label.ModelName",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a swappable setting (\`AUTH_USER_MODEL\`, \`OAUTH2_PROVIDER_APPLICATION_MODEL\`, a setting named by
\`Meta.swappable\`) whose value does not split into an app label and a model name at its one dot — most often a
dotted path to the class, \`"users.models.User"\`, or a model name alone. An **error** where Django stops; a
**warning** for a project's own swappable setting that no relation follows, where Django says nothing.`,
    whyIsThisBad: `Django splits the value on the dot to find the app and the model. For \`AUTH_USER_MODEL\` every command
stops at start-up: \`ImproperlyConfigured: AUTH_USER_MODEL must be of the form 'app_label.model_name'\` for a name
without a dot, \`ValueError: Invalid model reference 'users.models.User'. String model references must be of the
form 'app_label.ModelName'.\` for a dotted path. Relation fields that follow any swappable setting fail the same
way. Where nothing follows a project's own setting, the system checks stay silent, but the default model counts as
swapped out: \`migrate\` creates no table for it and its manager raises \`AttributeError: Manager isn't available;
'catalog.Widget' has been swapped for 'catalog.models.Widget'\`.`,
    example: `AUTH_USER_MODEL = "users.models.User"`,
    useInstead: `AUTH_USER_MODEL = "users.User"`,
    fixSafety: `No fix; the message suggests the label when the value looks like a dotted path to a model.`,
    references: [
      { title: 'Django: AUTH_USER_MODEL', url: 'https://docs.djangoproject.com/en/stable/ref/settings/#auth-user-model' },
      { title: 'Django system check models.E001', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#models' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const state of project.swappables) {
      const assignment = state.assignment;
      if (!state.inUse || !assignment || assignment.value.kind !== 'str') continue;
      const value = assignment.value.value;
      const parts = value.split('.');
      // Two parts are a label: whether it names a model is SWP402's question.
      if (parts.length === 2) continue;
      const suggestion = parts.length > 2 && parts.every((p) => /^[A-Za-z_]\w*$/.test(p)) ? ` Did you mean "${parts[parts.length - 3] ?? parts[0]}.${parts[parts.length - 1]}"?` : '';
      const invalidReference = `\`ValueError: Invalid model reference '${value}'. String model references must be of the form 'app_label.ModelName'.\``;
      const following = relationsFollowing(project, state);
      let severity: Finding['severity'] = 'error';
      let consequence: string;
      if (state.setting === 'AUTH_USER_MODEL') {
        consequence = parts.length === 1 ? `Django fails at start-up with \`ImproperlyConfigured: AUTH_USER_MODEL must be of the form 'app_label.model_name'\`` : `Django fails at start-up with ${invalidReference}`;
      } else if (parts.length === 1 && resolvedAtImport(project, state)) {
        consequence = `Django fails at start-up (django-oauth-toolkit's admin resolves it) with \`ValueError: not enough values to unpack (expected 2, got 1)\``;
      } else if (following.length > 0) {
        const named = `${following.slice(0, 3).map((f) => `\`${f}\``).join(', ')}${following.length > 3 ? ', ...' : ''}`;
        consequence =
          parts.length > 2
            ? `the relation fields that follow it (${named}) make Django fail at start-up with ${invalidReference}`
            : `the relation fields that follow it (${named}) point at no model, and Django stops (the system checks report fields.E300 "Field defines a relation with model '...', which is either not installed, or is abstract.")`;
      } else {
        severity = 'warning';
        consequence = `Django's checks say nothing, but \`${state.defaultLabel}\` counts as swapped out: \`migrate\` creates no table for it and its manager raises \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${value}'\``;
      }
      findings.push({
        file: assignment.location.file,
        span: assignment.valueSpan,
        severity,
        message: `\`${state.setting}\` is "${value}", not "app_label.ModelName": ${consequence}${consequence.endsWith('.`') ? '' : '.'}${suggestion}`,
      });
    }
    return findings;
  },
};

