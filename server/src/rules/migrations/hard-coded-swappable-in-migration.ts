import { keyOf } from '../../django/graph';
import { sameLabel, type DjangoProject, type MigrationInfo, type SwappableState } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import { describeSetting, hardReferenceSeverity, namedSetting, hardSwappableTarget, settingExpression, settingRelated } from '../common';
import { ensureImported } from '../edits';
import { classSpan } from '../migration-edits';
import type { Finding, Rule, RuleContext, Severity, TextEdit } from '../types';

export const hardCodedSwappableInMigration: Rule = {
  code: 'SWP203',
  name: 'hard-coded-swappable-in-migration',
  summary: 'A migration hard-codes a swappable model or the dependency its setting should give',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags a migration that hard-codes a swappable model: a relation \`to="auth.User"\`, or a relation to
\`settings.AUTH_USER_MODEL\` whose ordering comes from a fixed dependency — \`("auth", "0012_...")\`,
\`("oauth2_provider", "__first__")\`, what \`squashmigrations\` writes for non-auth settings — instead of
\`migrations.swappable_dependency(settings.AUTH_USER_MODEL)\`, when no path in the graph already orders it after
the migration that creates the model in force. A migration that reads the setting without its own swappable
dependency is fine when an earlier migration of its app has one: the graph already orders it.`,
    whyIsThisBad: `A fixed dependency is right for one value of the setting only. When the setting names another
model, nothing orders the migration after the one that creates that model, and \`migrate\` fails with
\`ValueError: Related model 'users.user' cannot be resolved\` — or passes by luck of the app-label sort and fails
later. A hard \`to="auth.User"\` creates a foreign key to a table that does not exist once the model is swapped.`,
    example: `dependencies = [
    ("auth", "0012_alter_user_first_name_max_length"),
]
operations = [
    migrations.AddField("post", "author", models.ForeignKey(to=settings.AUTH_USER_MODEL, on_delete=models.CASCADE)),
]`,
    useInstead: `dependencies = [
    migrations.swappable_dependency(settings.AUTH_USER_MODEL),
]`,
    fixSafety: `Safe. A fixed dependency on the swappable model's app becomes
\`migrations.swappable_dependency(settings.X)\` (kept, with the swappable dependency added beside it, when the
migration also needs other models of that app, such as \`auth.Group\`); a hard relation target becomes the
setting. The \`settings\` import is added when missing.`,
    references: [
      { title: 'Django: Migrations and swappable dependencies', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies' },
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    const plan = project.graph.migrationPlan();
    // In graph order, so that a migration whose earlier migration in the same app is already flagged
    // for a setting is not flagged again: fixing the first orders the rest.
    const flagged = new Map<string, Set<string>>();
    const position = new Map(plan.map((key, index) => [key, index]));
    const ordered = [...project.migrations.values()].sort((a, b) => (position.get(a.key) ?? -1) - (position.get(b.key) ?? -1));
    for (const migration of ordered) {
      if (migration.origin !== 'workspace' || !migration.file) continue;
      const file = context.file(migration.file);
      if (!file) continue;
      findings.push(...hardTargets(context, migration, file));
      const alreadyCovered = (setting: string) =>
        [...project.graph.ancestors(migration.key)].some((a) => a.startsWith(`${migration.app}.`) && flagged.get(a)?.has(setting));
      const found = missingSwappableDependencies(context, project, migration, file, plan, alreadyCovered);
      if (found.settings.length > 0) flagged.set(migration.key, new Set(found.settings));
      findings.push(...found.findings);
    }
    return findings;
  },
};

/** `to="auth.User"` in a migration's relation fields. */
function hardTargets(context: RuleContext, migration: MigrationInfo, file: ParsedFile): Finding[] {
  const out: Finding[] = [];
  for (const { model, field, relation } of migration.relations ?? []) {
    const hard = hardSwappableTarget(context.project, relation.target, migration.app);
    if (!hard || relation.target.kind !== 'label') continue;
    const { state } = hard;
    const expression = settingExpression(context, file, state);
    const consequence =
      state.swapped === true
        ? `but ${describeSetting(context, state)}: the foreign key points at a table that does not exist`
        : `it breaks the day \`${state.setting}\` is swapped`;
    out.push({
      file: file.path,
      span: relation.target.span,
      severity: hardReferenceSeverity(context, state, file.path),
      message: `\`${migration.key}\` hard-codes \`${model}.${field}\` to "${hard.written}", the default of \`${state.setting}\`${state.swapped === true ? ',' : ':'} ${consequence}. \`makemigrations\` writes \`${state.spec?.reference.expression ?? `settings.${state.setting}`}\` here.`,
      related: settingRelated(state),
      fix: expression ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file: file.path, span: relation.target.span, newText: expression.text }, ...expression.edits] } : undefined,
    });
  }
  return out;
}

/** Relations to a swappable setting that nothing orders after the model's creating migration. */
function missingSwappableDependencies(
  context: RuleContext,
  project: DjangoProject,
  migration: MigrationInfo,
  file: ParsedFile,
  plan: string[],
  alreadyCovered: (setting: string) => boolean,
): { findings: Finding[]; settings: string[] } {
  const out: Finding[] = [];
  const flaggedSettings: string[] = [];
  const settings = new Set<string>();
  for (const { relation } of migration.relations ?? []) {
    if (relation.target.kind === 'setting') settings.add(relation.target.setting);
    const hard = hardSwappableTarget(project, relation.target, migration.app);
    if (hard) settings.add(hard.state.setting);
  }
  const entries = migration.dependencies?.entries ?? [];
  // Dependencies djswap cannot read may hold the swappable one: nothing can be said.
  if (migration.dependencies?.partial) return { findings: out, settings: flaggedSettings };
  for (const setting of settings) {
    const state = project.swappable(setting);
    if (!state?.inUse || state.value === undefined || !state.value.includes('.')) continue;
    const valueApp = state.value.split('.')[0];
    const defaultApp = state.defaultLabel.split('.')[0];
    if (migration.app === valueApp) continue;
    const hasSwappable = entries.some((e) => (e.kind === 'swappable' || e.kind === 'swapper') && e.setting === setting);
    if (hasSwappable) continue;
    const creating = state.creatingMigration;
    const ordered = creating ? project.graph.dependsOn(migration.key, creating) : true;
    const reusable = context.isReusable(file.path);
    if (ordered && !reusable) continue;
    flaggedSettings.push(setting);
    if (alreadyCovered(setting)) continue;
    // The fixed dependency that stands where the swappable one belongs.
    const fixedIndex = entries.findIndex((e) => e.kind === 'key' && (e.app === defaultApp || e.app === valueApp));
    const fixed = fixedIndex >= 0 ? entries[fixedIndex] : undefined;
    let severity: Severity;
    let consequence: string;
    if (!ordered) {
      const failsNow = creating !== undefined && plan.indexOf(migration.key) >= 0 && plan.indexOf(migration.key) < plan.indexOf(creating);
      severity = failsNow ? 'error' : 'warning';
      consequence = failsNow
        ? `nothing orders it after \`${creating}\`, which creates \`${state.value}\`, and \`migrate\` applies it first: \`ValueError: Related model '${state.value.toLowerCase()}' cannot be resolved\``
        : `nothing orders it after \`${creating}\`, which creates \`${state.value}\`: it runs in the right order today only by luck of the app-label sort`;
    } else {
      severity = 'warning';
      consequence = `in a reusable app this only holds for the test project's setting; a project that swaps \`${setting}\` gets \`ValueError: Related model ... cannot be resolved\``;
    }
    const expression = settingExpression(context, file, state);
    const prefix = migrationsPrefix(file);
    const dependencyText = expression && prefix ? `${prefix}swappable_dependency(${expression.text})` : undefined;
    let fix: Finding['fix'];
    if (expression && dependencyText) {
      const keepFixed = fixed?.kind === 'key' && needsOtherModelsOf(migration, fixed.app, state);
      const edits: TextEdit[] = [...expression.edits];
      if (fixed && !keepFixed) edits.push({ file: file.path, span: fixed.span, newText: dependencyText });
      else {
        const edit = insertDependency(file, migration, dependencyText);
        if (edit) edits.push(edit);
        else edits.length = 0;
      }
      if (edits.length > expression.edits.length) {
        fix = { title: fixed && !keepFixed ? `Replace with ${dependencyText}` : `Add ${dependencyText}`, safe: true, edits };
      }
    }
    out.push({
      file: file.path,
      span: fixed?.span ?? (entries[0]?.span ?? classSpan(migration)),
      severity,
      message: `\`${migration.key}\` points at ${namedSetting(context, state)}, now \`${state.value}\`, but ${fixed?.kind === 'key' ? `depends on the fixed \`${keyOf(fixed.app, fixed.name)}\`` : 'declares no swappable dependency'}: ${consequence}. Use \`migrations.swappable_dependency(${state.spec?.reference.expression ?? `settings.${setting}`})\`.`,
      related: settingRelated(state),
      fix,
    });
  }
  return { findings: out, settings: flaggedSettings };
}

/** How the file names django.db.migrations (`migrations.` in generated files), if it imports it. */
function migrationsPrefix(file: ParsedFile): string | undefined {
  const imported = ensureImported(file, '', 'django.db', 'migrations');
  return imported && imported.edits.length === 0 ? `${imported.localName}.` : undefined;
}

/** Whether the migration also relates to models of `app` other than the swappable one (auth.Group...). */
function needsOtherModelsOf(migration: MigrationInfo, app: string, state: SwappableState): boolean {
  return (migration.relations ?? []).some(
    (r) => r.relation.target.kind === 'label' && r.relation.target.label.split('.')[0] === app && !sameLabel(r.relation.target.label, state.defaultLabel),
  );
}

/** A new first entry of `dependencies`, on its own line in the list's indentation. */
function insertDependency(file: ParsedFile, migration: MigrationInfo, text: string): TextEdit | undefined {
  const list = migration.dependencies;
  if (!list || list.opaque) return undefined;
  const first = list.entries[0];
  if (first && file.lines.position(first.span.start).line !== file.lines.position(list.valueSpan.start).line) {
    const indent = file.lines.indentAt(first.span.start);
    const start = file.lines.lineStart(file.lines.position(first.span.start).line);
    return { file: file.path, span: { start, end: start }, newText: `${indent}${text},${file.lines.eol}` };
  }
  const classIndent = file.lines.indentAt(list.statementSpan.start);
  const itemIndent = classIndent + (classIndent || '    ');
  const items = [text + ',', ...list.entries.map((e) => file.text.slice(e.span.start, e.span.end) + ',')];
  return { file: file.path, span: list.valueSpan, newText: `[${file.lines.eol}${items.map((i) => itemIndent + i).join(file.lines.eol)}${file.lines.eol}${classIndent}]` };
}
