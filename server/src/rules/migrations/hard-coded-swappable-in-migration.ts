import { keyOf } from '../../django/graph';
import { historicalCreations, type OrderedRelation } from '../../django/migrate-run';
import { swapperSettingName } from '../../django/models';
import { sameLabel, type DjangoProject, type MigrationInfo, type SwappableState } from '../../django/project';
import type { RelationTarget } from '../../django/references';
import type { ParsedFile } from '../../django/source';
import { describeSetting, hardReferenceSeverity, namedSetting, hardSwappableTarget, settingExpression, settingRelated } from '../common';
import { ensureImported } from '../fix';
import { classSpan } from '../fix';
import type { Finding, Rule, RuleContext, Severity, TextEdit } from '../types';

import { needsRunBefore, outcome, settingOf, severityFor, swappableReliance, unorderedRelations, unresolvedOrdering, unverifiedOrder } from './ordering';

export const hardCodedSwappableInMigration: Rule = {
  code: 'SWP203',
  name: 'hard-coded-swappable-in-migration',
  summary: 'A migration hard-codes a swappable model or the dependency its setting should give',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags a migration of the project that points at a swappable model through its setting but
is not ordered after the model's \`CreateModel\`: it has no \`swappable_dependency(settings.X)\` (nor does an
earlier migration it depends on), only a fixed dependency such as \`("auth", "0012_...")\` or none at all. djswap
follows what \`migrate\` does on an empty database: an **error** when it stops there, a **warning** when it passes
only because of the order of the app labels. In a package (code installed in other projects), a migration that is
ordered only for the test project's value of the setting is a warning too. Also flags a relation hard-coded to the
default model, \`to="auth.User"\`, when the migration that creates that model gives it the \`swappable\` option
(\`auth.0001_initial\` does): once the setting names another model, that one is swapped out and has no table.

Not flagged: migrations replaced by a squash (Django uses the squash), dependency lists djswap cannot read in full
(its own or an earlier migration's, or a swappable dependency on a setting whose value it does not know),
test code ordered for its own settings, relations inside the app that declares the setting (makemigrations writes
no dependency there; the model's creating migration needs \`run_before\`, SWP201), and a hard-coded target whose
\`CreateModel\` has no \`swappable\` option — its table exists whatever the setting says.`,
    whyIsThisBad: `A fixed dependency is right for one value of the setting only. When the setting names another
model, nothing orders the migration after the one that creates it, and \`migrate\` fails with \`ValueError: Related
model 'users.user' cannot be resolved\` — or passes by luck of the app-label sort and fails for the next developer.
A hard \`to="auth.User"\` to a swapped-out model creates a foreign key to a table that \`migrate\` never creates.`,
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
setting. The \`settings\` import is added when missing. No fix for a swapper setting: \`settings.X\` raises
\`AttributeError\` while it is unset, and the message names \`swapper.dependency(...)\` /
\`swapper.get_model_name(...)\` instead.`,
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
    const unordered = new Map<string, OrderedRelation[]>();
    for (const relation of unorderedRelations(project)) {
      const setting = settingOf(relation);
      if (!setting || needsRunBefore(context, relation) || swappableReliance(project, relation.consumer, setting)) continue;
      unordered.set(relation.consumer, [...(unordered.get(relation.consumer) ?? []), relation]);
    }
    for (const migration of ordered) {
      if (migration.origin !== 'workspace' || !migration.file) continue;
      // A migration replaced by a squash is not in the graph: Django uses the squash instead.
      if (project.graph.canonical(migration.key) !== migration.key) continue;
      const file = context.file(migration.file);
      if (!file) continue;
      findings.push(...hardTargets(context, migration, file));
      const alreadyCovered = (setting: string) =>
        [...project.graph.ancestors(migration.key)].some((a) => a.startsWith(`${migration.app}.`) && flagged.get(a)?.has(setting));
      const found = missingSwappableDependencies(context, migration, file, unordered.get(migration.key) ?? [], alreadyCovered);
      if (found.settings.length > 0) flagged.set(migration.key, new Set(found.settings));
      findings.push(...found.findings);
    }
    return findings;
  },
};

/** `to="auth.User"` in a migration's relation fields, where the historical model is swapped out. */
function hardTargets(context: RuleContext, migration: MigrationInfo, file: ParsedFile): Finding[] {
  const { project } = context;
  const out: Finding[] = [];
  const creations = historicalCreations(project);
  for (const { model, field, relation } of migration.relations ?? []) {
    const hard = hardSwappableTarget(project, relation.target, migration.app);
    if (!hard || relation.target.kind !== 'label') continue;
    const { state } = hard;
    const label = hard.written.includes('.') ? hard.written : `${migration.app}.${hard.written}`;
    // Only a model whose CreateModel says `swappable` is swapped out in the migration state; any
    // other keeps its table whatever the setting says, and the foreign key points at that table.
    const creation = creations.get(label.toLowerCase());
    if (creation && creation.swappable !== state.setting && creation.swappable !== 'unknown') continue;
    // The field's own model swapped out in the migration state gets no table either.
    const holder = creations.get(`${migration.app}.${model}`.toLowerCase());
    if (holder?.swappable && holder.swappable !== 'unknown' && !holderHasTable(project, holder.swappable, holder.label)) continue;
    // swapper reads its setting with a default: `settings.X` raises AttributeError while it is unset.
    const viaSwapper = state.declaringModel?.facts?.meta.swappable?.viaSwapper === true;
    const expression = viaSwapper ? undefined : settingExpression(context, file, state);
    const written = viaSwapper ? `swapper.get_model_name("${state.defaultLabel.split('.')[0]}", "${state.defaultLabel.split('.')[1]}")` : (state.spec?.reference.expression ?? `settings.${state.setting}`);
    const consequence =
      state.swapped === true
        ? `but ${describeSetting(context, state)}: \`${state.defaultLabel}\` is swapped out in the migration state, \`migrate\` creates no table for it, and the foreign key points at a table that does not exist: on SQLite, saving a row fails with \`OperationalError: no such table: main.${tableOf(state.defaultLabel)}\``
        : `the day \`${state.setting}\` is swapped, \`migrate\` creates no table for \`${state.defaultLabel}\` and the foreign key points at a table that does not exist`;
    out.push({
      file: file.path,
      span: relation.target.span,
      severity: hardReferenceSeverity(context, state, file.path),
      message: `\`${migration.key}\` hard-codes \`${model}.${field}\` to "${hard.written}", the default of \`${state.setting}\`${state.swapped === true ? ',' : ':'} ${consequence}. Point it at \`${written}\`.`,
      related: settingRelated(state),
      fix: expression ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file: file.path, span: relation.target.span, newText: expression.text }, ...expression.edits] } : undefined,
      unverified: creation ? undefined : `the migration that creates \`${label}\` is not known, so whether it is swapped out in the migration state is not known`,
    });
  }
  return out;
}

function holderHasTable(project: DjangoProject, setting: string, label: string): boolean {
  const value = project.swappable(setting)?.value;
  return value === undefined || sameLabel(value, label);
}

/**
 * Relations to a swappable setting that nothing orders after the model's creating migration: now
 * (`unordered`, from what migrate does on an empty database), or, in a package, in the projects
 * that swap the setting.
 */
function missingSwappableDependencies(
  context: RuleContext,
  migration: MigrationInfo,
  file: ParsedFile,
  unordered: OrderedRelation[],
  alreadyCovered: (setting: string) => boolean,
): { findings: Finding[]; settings: string[] } {
  const { project } = context;
  const out: Finding[] = [];
  const flaggedSettings: string[] = [];
  const settings = new Set<string>();
  for (const { relation } of migration.relations ?? []) {
    const setting = settingTargeted(project, relation.target, migration.app);
    if (setting) settings.add(setting);
  }
  for (const r of unordered) settings.add(settingOf(r)!);
  const entries = migration.dependencies?.entries ?? [];
  // Dependencies djswap cannot read may hold the swappable one: nothing can be said.
  if (migration.dependencies?.partial) return { findings: out, settings: flaggedSettings };
  const role = context.codeRole(file.path);
  for (const setting of settings) {
    const state = project.swappable(setting);
    if (!state?.inUse || state.value === undefined || !state.value.includes('.')) continue;
    const valueApp = state.value.split('.')[0];
    const defaultApp = state.defaultLabel.split('.')[0];
    if (migration.app === valueApp) continue;
    const relations = unordered.filter((r) => settingOf(r) === setting);
    let severity: Severity;
    let consequence: string;
    let unknownOrder: string | undefined;
    if (relations.length > 0) {
      severity = severityFor(context, relations, file.path);
      consequence = `nothing orders it after \`${relations[0].creator}\`, which creates \`${relations[0].target}\`: ${outcome(project, relations)}`;
    } else {
      // Ordered today. A package is installed in projects that swap the setting: there, only a
      // swappable dependency (its own or an earlier migration's) orders it after the model in force.
      // makemigrations writes none for a relation inside the app that declares the setting, and test
      // code is never installed elsewhere.
      if (role !== 'reusable' && role !== 'installed') continue;
      if (migration.app === defaultApp || swappableReliance(project, migration.key, setting)) continue;
      if (!(migration.relations ?? []).some((r) => targetsSetting(project, r.relation.target, migration.app, setting))) continue;
      severity = 'warning';
      unknownOrder = unresolvedOrdering(project, migration.key);
      consequence = `in a project that sets \`${setting}\` to a model of another app, nothing orders it after that model's migration, and where that app's label sorts after \`${migration.app}\` \`migrate\` fails with \`ValueError: Related model '<app>.<model>' cannot be resolved\``;
    }
    flaggedSettings.push(setting);
    if (alreadyCovered(setting)) continue;
    // The fixed dependency that stands where the swappable one belongs.
    const fixedIndex = entries.findIndex((e) => e.kind === 'key' && (e.app === defaultApp || e.app === valueApp));
    const fixed = fixedIndex >= 0 ? entries[fixedIndex] : undefined;
    const field = (migration.relations ?? []).find((r) => targetsSetting(project, r.relation.target, migration.app, setting));
    // A swapper setting may be unset (swapper reads it with a default; settings.X would raise
    // AttributeError): its dependency is swapper.dependency("app", "Model").
    const viaSwapper = state.declaringModel?.facts?.meta.swappable?.viaSwapper === true;
    const [defaultAppLabel, defaultModel] = state.defaultLabel.split('.');
    const advice = viaSwapper ? `swapper.dependency("${defaultAppLabel}", "${defaultModel}")` : `migrations.swappable_dependency(${state.spec?.reference.expression ?? `settings.${setting}`})`;
    const expression = viaSwapper ? undefined : settingExpression(context, file, state);
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
      // A dependency that is absent sits on the migration that lacks it, as a missing run_before does.
      span: fixed?.span ?? classSpan(migration),
      severity,
      message: `\`${migration.key}\` points at ${namedSetting(context, state)}, now \`${state.value}\`, but ${fixed?.kind === 'key' ? `depends on the fixed \`${keyOf(fixed.app, fixed.name)}\`` : 'declares no swappable dependency'}: ${consequence}. Use \`${advice}\`.`,
      related: [
        ...(fixed ? [] : (field ?? relations[0]) ? [{ file: file.path, span: (field ?? relations[0]).relation!.span, message: `the relation to ${namedSetting(context, state)}` }] : []),
        ...settingRelated(state),
      ],
      fix,
      unverified: unverifiedOrder(relations) ?? unknownOrder,
    });
  }
  return { findings: out, settings: flaggedSettings };
}

/**
 * The swappable setting a relation target reads: directly, through swapper, or as its hard-coded
 * default when the migration state swaps that model out (its CreateModel has the swappable option).
 */
function settingTargeted(project: DjangoProject, target: RelationTarget, app: string): string | undefined {
  if (target.kind === 'setting') return target.setting;
  if (target.kind === 'swapper') return swapperSettingName(target.app, target.model);
  const hard = hardSwappableTarget(project, target, app);
  if (!hard) return undefined;
  const label = hard.written.includes('.') ? hard.written : `${app}.${hard.written}`;
  const creation = historicalCreations(project).get(label.toLowerCase());
  return !creation || creation.swappable === hard.state.setting || creation.swappable === 'unknown' ? hard.state.setting : undefined;
}

function targetsSetting(project: DjangoProject, target: RelationTarget, app: string, setting: string): boolean {
  return settingTargeted(project, target, app) === setting;
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

/** The table Django names for a model label (`auth.User` -> `auth_user`), db_table aside. */
function tableOf(label: string): string {
  return label.toLowerCase().replace('.', '_');
}
