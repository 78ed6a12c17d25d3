import { sameLabel } from '../../django/project';
import { describeSetting, settingRelated } from '../common';
import { historicalCreations } from '../../django/migrate-run';
import { classSpan } from '../fix';
import type { Finding, Rule } from '../types';

export const swappableMetaOnReplacement: Rule = {
  code: 'SWP104',
  name: 'swappable-meta-on-replacement',
  summary: "A replacement model's Meta declares the setting as `swappable`, so it is swapped out itself",
  defaultSeverity: 'error',
  fix: 'unsafe',
  docs: {
    whatItDoes: `Flags a model of the project whose \`Meta\` says \`swappable = "X"\` for a setting that belongs to
another model (Django's \`AUTH_USER_MODEL\`, django-oauth-toolkit's settings, a setting another model declares),
while \`X\` points at some other model. It usually comes from copying the default model's \`Meta\`, e.g.
\`class Meta(AbstractUser.Meta): swappable = "AUTH_USER_MODEL"\`.`,
    whyIsThisBad: `\`Meta.swappable\` marks the *default* model that a setting may replace. On any other model it
means "this model is replaced when X points elsewhere": Django treats it as swapped out — \`migrate\` creates no
table for it, its manager raises \`AttributeError: Manager isn't available; 'legacy.Application' has been swapped
for 'clients.Application'\`, and relations to it fail the system checks. A setting the settings do not define swaps
nothing out (Django reads it with a default of \`None\`), except \`AUTH_USER_MODEL\`, which has Django's default,
and swapper's settings, which swapper defines.`,
    example: `class User(AbstractUser):
    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"`,
    useInstead: `class User(AbstractUser):
    class Meta(AbstractUser.Meta):
        pass`,
    fixSafety: `Unsafe. Removing the line makes the model a normal model again, with a table, while no migration
created it with the \`swappable\` option. When one did, there is no fix: the option must go from that
\`CreateModel\` too (Django 3.2's \`makemigrations\` does not undo it, and the migration state keeps the model
swapped out, without a table).`,
    references: [
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const model of project.models) {
      if (model.origin !== 'workspace' || !model.swappable || !model.facts?.meta.swappable) continue;
      const state = project.swappable(model.swappable);
      if (!state || state.value === undefined) continue;
      // Django reads getattr(settings, X, None): a setting nobody defines swaps nothing out (AUTH_USER_MODEL
      // has Django's default, swapper defines its settings itself).
      if (!state.assignment && !state.defaultAvailable) continue;
      // The model that declares the setting (its default) is where Meta.swappable belongs.
      if (sameLabel(state.defaultLabel, model.label)) continue;
      if (sameLabel(state.value, model.label)) continue;
      const file = context.file(model.facts.file);
      if (!file) continue;
      const declaration = model.facts.meta.swappable;
      // Meta must keep a body: the only statement becomes `pass`.
      const onlyStatement = model.facts.meta.statements === 1;
      const lineStart = file.lines.lineStart(file.lines.position(declaration.statementSpan.start).line);
      const endLine = file.lines.position(declaration.statementSpan.end).line;
      const lineEnd = endLine + 1 < file.lines.lineCount ? file.lines.lineStart(endLine + 1) : file.lines.lineEnd(endLine);
      // A migration that created the model with the swappable option keeps it swapped out in the migration state
      // (Django 3.2's makemigrations does not undo the option): removing the Meta line alone leaves it without a table.
      const creation = historicalCreations(project).get(model.label.toLowerCase());
      const migration = creation?.swappable && creation.swappable !== 'unknown' ? project.migrations.get(creation.creator) : undefined;
      const fix: Finding['fix'] = migration
        ? undefined
        : {
            title: `Remove swappable = "${state.setting}"`,
            safe: false,
            edits: [
              onlyStatement
                ? { file: file.path, span: declaration.statementSpan, newText: 'pass' }
                : { file: file.path, span: { start: lineStart, end: lineEnd }, newText: '' },
            ],
          };
      findings.push({
        file: file.path,
        span: declaration.span,
        severity: 'error',
        message: `\`${model.label}\` declares \`swappable = "${state.setting}"\`, but ${describeSetting(context, state)}, so Django treats \`${model.label}\` as swapped out: \`migrate\` creates no table for it, and its manager raises \`AttributeError: Manager isn't available; '${model.label}' has been swapped for '${state.value}'\`. \`Meta.swappable\` belongs on the default model (\`${state.defaultLabel}\`), not on a replacement${migration ? `; \`${migration.key}\` creates it with the \`swappable\` option too, which must go with the line (the migration state keeps the model swapped out)` : ''}.`,
        related: [...settingRelated(state), ...(migration?.file ? [{ file: migration.file, span: classSpan(migration), message: `${migration.key} creates ${model.label} with the swappable option` }] : [])],
        unverified: model.conditional ? `\`${model.label}\` is defined only when \`${model.conditional}\` holds, which djswap cannot tell` : undefined,
        fix,
      });
    }
    return findings;
  },
};
