import { sameLabel, type DjangoProject, type ModelInfo } from '../../django/project';
import { describeSetting, settingRelated } from '../common';
import { defineSettingFix, settingsFileOf } from '../fix';
import type { Finding, Rule } from '../types';

const PERMISSIONS_MIXIN = ['django.contrib.auth.models.AbstractUser', 'django.contrib.auth.models.PermissionsMixin'];
const PERMISSION_FIELDS = ['groups', 'user_permissions'];

export const customUserModelNotConfigured: Rule = {
  code: 'SWP405',
  name: 'custom-user-model-not-configured',
  summary: 'A custom user model with PermissionsMixin is not AUTH_USER_MODEL: its groups clash with the user model\'s (fields.E304)',
  defaultSeverity: 'error',
  fix: 'unsafe',
  docs: {
    whatItDoes: `Flags a concrete model of the project that takes \`PermissionsMixin\`'s \`groups\` and \`user_permissions\`
(a subclass of \`AbstractUser\`, or of \`AbstractBaseUser\` and \`PermissionsMixin\`) while another such model is in
force too — usually \`auth.User\`, because \`AUTH_USER_MODEL\` was not set to the custom model. A model Django never
defines (under an \`if\` that is false with these settings), a swapped-out model, a proxy, and a model that declares
its own \`groups\` and \`user_permissions\` are not flagged; neither is an \`AbstractBaseUser\` subclass without
\`PermissionsMixin\`, which Django accepts beside the user model.`,
    whyIsThisBad: `\`PermissionsMixin\` names the reverse accessors of both fields \`user_set\`. Two models in force with
them clash, and the system checks stop \`check\`, \`makemigrations\` and \`migrate\` with \`fields.E304\`: "Reverse
accessor for 'auth.User.groups' clashes with reverse accessor for 'users.User.groups'." (Django 5 adds the accessor's
name, 'Group.user_set'). Setting \`AUTH_USER_MODEL\` is easy before the first \`migrate\` and hard after it: the
migration history then records the old model (see SWP306).`,
    example: `# users/models.py
class User(AbstractUser):
    pass

# settings.py: AUTH_USER_MODEL is not set`,
    useInstead: `# settings.py
AUTH_USER_MODEL = "users.User"`,
    fixSafety: `Unsafe: where the clash is with the model \`AUTH_USER_MODEL\` names, the fix sets \`AUTH_USER_MODEL\` to the
flagged model. That is right on a project whose database was never migrated; on a migrated database it makes
\`migrate\` fail with \`InconsistentMigrationHistory\` until the user model is moved with the procedure in Django's
documentation. Where more than two models clash there is no fix: setting \`AUTH_USER_MODEL\` to one of them leaves
the others clashing; give them other \`related_name\`s.`,
    references: [
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
      { title: 'Django: Changing to a custom user model mid-project', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#changing-to-a-custom-user-model-mid-project' },
      { title: 'Django system check fields.E304', url: 'https://docs.djangoproject.com/en/stable/ref/checks/#related-fields' },
    ],
  },
  check(context) {
    const { project } = context;
    const state = project.swappable('AUTH_USER_MODEL');
    // A malformed or missing user model stops Django before the checks (SWP401, SWP402); an unknown one proves nothing.
    if (!state?.value || !/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(state.value)) return [];
    const current = project.modelByLabel(state.value);
    if (!current) return [];
    const inForce = project.models.filter((m) => takesPermissionFields(project, m));
    if (inForce.length < 2) return [];
    const findings: Finding[] = [];
    for (const model of inForce) {
      if (model.origin !== 'workspace' || !model.facts || sameLabel(model.label, current.label)) continue;
      const others = inForce.filter((m) => m !== model);
      const partner = others.find((m) => sameLabel(m.label, current.label)) ?? others[0];
      const withCurrent = sameLabel(partner.label, current.label);
      const settingsFile = context.file(settingsFileOf(project));
      // Setting AUTH_USER_MODEL ends the clash only when this model and the user model are the only two.
      const fix = !withCurrent || inForce.length > 2 || !settingsFile
        ? undefined
        : state.assignment
        ? { title: `Set AUTH_USER_MODEL = "${model.label}"`, safe: false, edits: [{ file: state.assignment.location.file, span: state.assignment.valueSpan, newText: `"${model.label}"` }] }
        : defineSettingFix(project, settingsFile, 'AUTH_USER_MODEL', model.label);
      if (fix) fix.safe = false;
      const conditional = [model, partner].find((m) => m.conditional);
      findings.push({
        file: model.file!,
        span: model.facts.nameSpan,
        severity: 'error',
        message:
          `\`${model.label}\` takes PermissionsMixin's groups and user_permissions, and so does \`${partner.label}\`` +
          (withCurrent ? ` (${describeSetting(context, state)})` : '') +
          `: their reverse accessors clash, and Django's checks fail with fields.E304 ("Reverse accessor for '${model.label}.groups' clashes with reverse accessor for '${partner.label}.groups'."). ` +
          (withCurrent && inForce.length === 2
            ? `Set \`AUTH_USER_MODEL = "${model.label}"\` — simple before the first \`migrate\`; on a migrated database it needs Django's mid-project procedure.`
            : `Give one of them other related_names for groups and user_permissions.`),
        related: withCurrent ? settingRelated(state) : partner.file && partner.facts ? [{ file: partner.file, span: partner.facts.nameSpan, message: `${partner.label} takes them too` }] : [],
        fix,
        unverified: conditional ? `\`${conditional.label}\` is defined only when \`${conditional.conditional}\` holds, which djswap cannot tell` : undefined,
      });
    }
    return findings;
  },
};

/**
 * A model in force whose `groups` and `user_permissions` come from PermissionsMixin: concrete, not a
 * proxy, not swapped out, not a child of a concrete model (that one holds the fields), and not
 * declaring the fields itself or in a base djswap reads (their related_name may differ).
 */
function takesPermissionFields(project: DjangoProject, model: ModelInfo): boolean {
  if (model.abstract || model.proxy) return false;
  if (model.swappable) {
    const state = project.swappable(model.swappable);
    if (!state?.value || !sameLabel(state.value, model.label)) return false;
  }
  const fromMixin = model.lineage.some((q) => PERMISSIONS_MIXIN.includes(q)) || model.known?.relations?.some((r) => r.field === 'groups') === true;
  if (!fromMixin) return false;
  const ancestors = model.lineage.map((q) => project.modelByQualified(q)).filter((m): m is ModelInfo => m !== undefined);
  if (ancestors.some((a) => !a.abstract && a.qualified !== model.qualified)) return false;
  const own = [model, ...ancestors].filter((m) => m.origin !== 'builtin');
  return !own.some((m) => m.facts?.relations.some((r) => PERMISSION_FIELDS.includes(r.name)));
}
