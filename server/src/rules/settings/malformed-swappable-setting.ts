import type { Finding, Rule } from '../types';

const LABEL = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/;

export const malformedSwappableSetting: Rule = {
  code: 'SWP401',
  name: 'malformed-swappable-setting',
  summary: "A swappable setting's value is not of the form app_label.ModelName",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a swappable setting (\`AUTH_USER_MODEL\`, \`OAUTH2_PROVIDER_APPLICATION_MODEL\`, a setting named by
\`Meta.swappable\`) whose value is not \`"app_label.ModelName"\` — most often a dotted path to the class,
\`"users.models.User"\`.`,
    whyIsThisBad: `Django splits the value on the dot to find the app and the model. Anything else stops every
command at start-up: \`ValueError: Invalid model reference 'users.models.User'. String model references must be
of the form 'app_label.ModelName'.\` (\`models.E001\` in the system checks).`,
    example: `AUTH_USER_MODEL = "users.models.User"`,
    useInstead: `AUTH_USER_MODEL = "users.User"`,
    fixSafety: `No fix; the message suggests the label when the value looks like a dotted path to a model.`,
    references: [
      { title: 'Django: AUTH_USER_MODEL', url: 'https://docs.djangoproject.com/en/stable/ref/settings/#auth-user-model' },
      { title: 'Django system check models.E001', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#models' },
    ],
  },
  check(context) {
    const findings: Finding[] = [];
    for (const state of context.project.swappables) {
      const assignment = state.assignment;
      if (!assignment || assignment.value.kind !== 'str') continue;
      const value = assignment.value.value;
      if (LABEL.test(value)) continue;
      const parts = value.split('.');
      const suggestion = parts.length > 2 && parts.every((p) => /^[A-Za-z_]\w*$/.test(p)) ? ` Did you mean "${parts[parts.length - 3] ?? parts[0]}.${parts[parts.length - 1]}"?` : '';
      findings.push({
        file: assignment.location.file,
        span: assignment.valueSpan,
        severity: 'error',
        message: `\`${state.setting}\` is "${value}": Django fails at start-up with \`ValueError: Invalid model reference '${value}'. String model references must be of the form 'app_label.ModelName'.\`${suggestion}`,
      });
    }
    return findings;
  },
};
