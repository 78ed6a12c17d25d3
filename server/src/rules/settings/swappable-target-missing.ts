import { closestName } from '../text-distance';
import type { Finding, Rule } from '../types';
import { relationsFollowing, resolvedAtImport } from './swappable-relations';

export const swappableTargetMissing: Rule = {
  code: 'SWP402',
  name: 'swappable-target-missing',
  summary: 'A swappable setting points at an app that is not installed, a model that does not exist, or an abstract model',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a swappable setting whose \`"app_label.ModelName"\` names an app missing from
\`INSTALLED_APPS\`, a model the app does not define, or an abstract model. An **error** where Django stops; a
**warning** for a project's own swappable setting that no relation follows, where Django says nothing. Nothing is
said while an installed app djswap cannot read might have the label.`,
    whyIsThisBad: `Django cannot find the model in force. For \`AUTH_USER_MODEL\` every command stops with
\`ImproperlyConfigured: AUTH_USER_MODEL refers to model 'users.User' that has not been installed\`. Relation fields
that follow another swappable setting fail the system checks with \`fields.E300\` ("Field defines a relation with
model 'nothere.App', which is either not installed, or is abstract.") and \`fields.E307\`; a package that resolves
the setting at import fails earlier (django-oauth-toolkit's admin: \`LookupError: No installed app with label
'nothere'.\`). Where nothing follows a project's own setting the checks stay silent, but the default model counts as
swapped out: \`migrate\` creates no table for it and its manager raises \`AttributeError: Manager isn't available\`.`,
    example: `INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
AUTH_USER_MODEL = "users.User"   # users is not installed`,
    useInstead: `INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "users"]
AUTH_USER_MODEL = "users.User"`,
    fixSafety: `No fix: add the app to \`INSTALLED_APPS\`, or correct the label (the message names the closest model).`,
    references: [
      { title: 'Django: AUTH_USER_MODEL', url: 'https://docs.djangoproject.com/en/stable/ref/settings/#auth-user-model' },
      { title: 'Django system check fields.E300', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#related-fields' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const state of project.swappables) {
      const assignment = state.assignment;
      // Values that do not split into two parts are SWP401's.
      if (!state.inUse || !assignment || !state.value || state.value.split('.').length !== 2) continue;
      const [appLabel, modelName] = state.value.split('.');
      const app = project.appsByLabel.get(appLabel);
      let problem: string | undefined;
      let unverified: string | undefined;
      if (!app) {
        if (project.appsIncomplete) continue;
        const uncertainty = project.labelUncertainty(appLabel);
        const closest = closestName(appLabel, project.apps.map((a) => a.label));
        problem = `\`${appLabel}\` is not in INSTALLED_APPS${closest ? ` (did you mean \`${closest}\`?)` : ''}`;
        if (uncertainty) unverified = `\`${appLabel}\` matches no installed app, ${uncertainty}`;
      } else {
        if (app.origin === 'unknown') continue;
        const model = project.modelByLabel(state.value);
        if (!model) {
          const names = project.models.filter((m) => m.app === appLabel && !m.abstract).map((m) => m.name);
          const closest = closestName(modelName, names);
          problem = `\`${appLabel}\` defines no model \`${modelName}\`${closest ? ` (did you mean \`${appLabel}.${closest}\`?)` : ''}`;
        } else if (model.abstract) {
          problem = `\`${state.value}\` is abstract`;
        } else if (model.conditional) {
          continue;
        }
      }
      if (!problem) continue;
      let severity: Finding['severity'] = 'error';
      let consequence: string;
      const following = state.setting === 'AUTH_USER_MODEL' ? [] : relationsFollowing(project, state);
      if (state.setting === 'AUTH_USER_MODEL') {
        consequence = `Django fails at start-up with \`ImproperlyConfigured: AUTH_USER_MODEL refers to model '${state.value}' that has not been installed\``;
      } else if (resolvedAtImport(project, state)) {
        // django-oauth-toolkit's admin module asks apps.get_model() for every model it swaps.
        consequence = `Django fails at start-up (django-oauth-toolkit's admin resolves it) with \`LookupError: ${app ? `App '${appLabel}' doesn't have a '${modelName}' model.` : `No installed app with label '${appLabel}'.`}\``;
      } else if (following.length > 0) {
        const named = `${following.slice(0, 3).map((f) => `\`${f}\``).join(', ')}${following.length > 3 ? ', ...' : ''}`;
        consequence = `the relation fields that follow it (${named}) fail Django's checks with fields.E300 ("Field defines a relation with model '${state.value}', which is either not installed, or is abstract.")`;
      } else {
        severity = 'warning';
        consequence = `Django's checks say nothing, but \`${state.defaultLabel}\` counts as swapped out: \`migrate\` creates no table for it and its manager raises \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${state.value}'\``;
      }
      findings.push({
        file: assignment.location.file,
        span: assignment.valueSpan,
        severity,
        message: `\`${state.setting}\` is "${state.value}", but ${problem}: ${consequence}${consequence.endsWith('.`') ? '' : '.'}`,
        unverified,
      });
    }
    return findings;
  },
};
