import { closestName } from '../text-distance';
import type { Finding, Rule } from '../types';

export const swappableTargetMissing: Rule = {
  code: 'SWP402',
  name: 'swappable-target-missing',
  summary: 'A swappable setting points at an app that is not installed, a model that does not exist, or an abstract model',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a swappable setting whose \`"app_label.ModelName"\` names an app missing from
\`INSTALLED_APPS\`, a model the app does not define, or an abstract model.`,
    whyIsThisBad: `Django cannot resolve the model in force: for \`AUTH_USER_MODEL\` every command stops with
\`ImproperlyConfigured: AUTH_USER_MODEL refers to model 'users.User' that has not been installed\`; for other
swappable settings the system checks report \`models.E002\` ("'X' references 'app.Model', which has not been
installed, or is abstract") and relations to the model fail.`,
    example: `INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
AUTH_USER_MODEL = "users.User"   # users is not installed`,
    useInstead: `INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "users"]
AUTH_USER_MODEL = "users.User"`,
    fixSafety: `No fix: add the app to \`INSTALLED_APPS\`, or correct the label (the message names the closest model).`,
    references: [
      { title: 'Django: AUTH_USER_MODEL', url: 'https://docs.djangoproject.com/en/stable/ref/settings/#auth-user-model' },
      { title: 'Django system check models.E002', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#models' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const state of project.swappables) {
      const assignment = state.assignment;
      if (!state.inUse || !assignment || !state.value || !/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(state.value)) continue;
      const [appLabel, modelName] = state.value.split('.');
      const app = project.appsByLabel.get(appLabel);
      let problem: string | undefined;
      const uncertainty = project.labelUncertainty(appLabel);
      if (!app) {
        if (project.appsIncomplete) continue;
        const closest = closestName(appLabel, project.apps.map((a) => a.label));
        problem = `\`${appLabel}\` ${uncertainty ? `matches no installed app, ${uncertainty}` : 'is not in INSTALLED_APPS'}${closest ? ` (did you mean \`${closest}\`?)` : ''}`;
      } else {
        if (app.origin === 'unknown') continue;
        const model = project.modelByLabel(state.value);
        if (!model) {
          const names = project.models.filter((m) => m.app === appLabel && !m.abstract).map((m) => m.name);
          const closest = closestName(modelName, names);
          problem = `\`${appLabel}\` defines no model \`${modelName}\`${closest ? ` (did you mean \`${appLabel}.${closest}\`?)` : ''}`;
        } else if (model.abstract) {
          problem = `\`${state.value}\` is abstract`;
        }
      }
      if (!problem) continue;
      const django =
        state.setting === 'AUTH_USER_MODEL'
          ? `ImproperlyConfigured: AUTH_USER_MODEL refers to model '${state.value}' that has not been installed`
          : `models.E002: '${state.setting}' references '${state.value}', which has not been installed, or is abstract`;
      findings.push({
        file: assignment.location.file,
        span: assignment.valueSpan,
        severity: !app && uncertainty ? 'warning' : 'error',
        message: `\`${state.setting}\` is "${state.value}", but ${problem}: Django fails with \`${django}\`.`,
      });
    }
    return findings;
  },
};
