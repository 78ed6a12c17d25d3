import { sameLabel, type ModelInfo } from '../../django/project';
import { describeSetting, settingRelated } from '../common';
import { defineSettingFix, settingsFileOf } from './undefined-swappable-setting';
import type { Finding, Rule } from '../types';

const PERMISSION_RELATIONS = ['django.contrib.auth.models.AbstractUser', 'django.contrib.auth.models.PermissionsMixin'];

export const customUserModelNotConfigured: Rule = {
  code: 'SWP405',
  name: 'custom-user-model-not-configured',
  summary: 'A concrete custom user model exists but AUTH_USER_MODEL points elsewhere',
  defaultSeverity: 'error',
  fix: 'unsafe',
  docs: {
    whatItDoes: `Flags a concrete subclass of \`AbstractUser\` or \`AbstractBaseUser\` in an installed app while
\`AUTH_USER_MODEL\` names another model — usually because the setting was forgotten.`,
    whyIsThisBad: `Two models then claim the same reverse accessors: an \`AbstractUser\` subclass next to
\`auth.User\` fails the system checks with \`fields.E304\` ("Reverse accessor 'Group.user_set' for 'users.User.groups'
clashes with reverse accessor for 'auth.User.groups'"). An \`AbstractBaseUser\` subclass passes, and becomes a user
table nobody logs in with. Setting \`AUTH_USER_MODEL\` is easy before the first \`migrate\` and hard after it: the
migration history then records the old model (see SWP306).`,
    example: `# users/models.py
class User(AbstractUser):
    pass

# settings.py: AUTH_USER_MODEL is not set`,
    useInstead: `# settings.py
AUTH_USER_MODEL = "users.User"`,
    fixSafety: `Unsafe: the fix sets \`AUTH_USER_MODEL\` to the model. That is right on a project whose database was
never migrated; on a migrated database it makes \`migrate\` fail with \`InconsistentMigrationHistory\` until the
user model is moved with the procedure in Django's documentation.`,
    references: [
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
      { title: 'Django: Changing to a custom user model mid-project', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#changing-to-a-custom-user-model-mid-project' },
      { title: 'Django system check fields.E304', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#related-fields' },
    ],
  },
  check(context) {
    const { project } = context;
    const state = project.swappable('AUTH_USER_MODEL');
    // A malformed value is SWP401's finding; an unknown one proves nothing.
    if (!state?.value || !state.inUse || !/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(state.value)) return [];
    const current = project.modelByLabel(state.value);
    const hasPermissions = (m: ModelInfo | undefined) => !!m && (m.lineage.some((q) => PERMISSION_RELATIONS.includes(q)) || m.known?.relations?.some((r) => r.field === 'groups') === true);
    const candidates = project.models.filter(
      (m) =>
        m.origin === 'workspace' &&
        m.userModel &&
        !m.abstract &&
        !m.proxy &&
        !m.swappable &&
        !sameLabel(m.label, state.value!) &&
        // A child of a concrete model (multi-table inheritance of the user model) is not a second user model.
        !m.lineage.some((q) => {
          const parent = project.modelByQualified(q);
          return parent !== undefined && !parent.abstract && parent.qualified !== m.qualified;
        }),
    );
    const findings: Finding[] = [];
    for (const model of candidates) {
      const clash = hasPermissions(model) && hasPermissions(current ?? undefined);
      const settingsFile = context.file(settingsFileOf(project));
      const fix =
        settingsFile
          ? state.assignment
            ? {
                title: `Set AUTH_USER_MODEL = "${model.label}"`,
                safe: false,
                edits: [{ file: state.assignment.location.file, span: state.assignment.valueSpan, newText: `"${model.label}"` }],
              }
            : defineSettingFix(project, settingsFile, 'AUTH_USER_MODEL', model.label)
          : undefined;
      if (fix) fix.safe = false;
      findings.push({
        file: model.file!,
        span: model.facts!.nameSpan,
        severity: clash ? 'error' : 'warning',
        message:
          `\`${model.label}\` is a custom user model, but ${describeSetting(context, state)}: ` +
          (clash
            ? `its groups and user_permissions clash with \`${state.value}\`'s, and Django fails with fields.E304 (reverse accessor 'Group.user_set' clashes).`
            : `it gets a table nobody logs in with.`) +
          ` Set \`AUTH_USER_MODEL = "${model.label}"\` — simple before the first \`migrate\`; on a migrated database it needs Django's mid-project procedure.`,
        related: settingRelated(state),
        fix,
      });
    }
    return findings;
  },
};
