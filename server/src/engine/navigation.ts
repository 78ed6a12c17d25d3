import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { keyOf, splitKey, type MigrationKey } from '../django/graph';
import { sameLabel, type DjangoProject, type ModelInfo, type SwappableState } from '../django/project';
import { classifyTarget, settingReference } from '../django/references';
import { looksLikeRelationField } from '../django/relation-fields';
import type { Location, ParsedFile } from '../django/source';
import { ruleByCode } from '../rules/registry';
import { locate } from '../syntax/locate';
import { dottedName, type PyExpr } from '../syntax/python';
import type { Span } from '../syntax/tree';
import type { EngineDiagnostic } from './workspace';

/** Hovers and go-to targets, computed from the project model: no protocol types here. */

export interface HoverInfo {
  markdown: string;
  span: Span;
  /** Where a migration graph of what is hovered would be centred, for editors that can draw one. */
  graphFocus?: { around?: string; app?: string };
}

export interface NavigationTarget {
  file: string;
  span: Span;
}

/** What sits under the cursor, in Django's terms. */
type Subject =
  | { kind: 'swappable-dependency'; setting: string; span: Span }
  | { kind: 'migration-reference'; key: MigrationKey; list: 'dependencies' | 'run_before' | 'replaces'; span: Span }
  | { kind: 'setting-read'; setting: string; expression: string; span: Span }
  | { kind: 'setting-assignment'; setting: string; span: Span; valueSpan: Span }
  | { kind: 'model-label'; label: string; span: Span }
  | { kind: 'model-class'; model: ModelInfo; span: Span };

export interface NavigationContext {
  project: DjangoProject;
  file: ParsedFile;
  /** A file's text, for line numbers in links. */
  parse(file: string): ParsedFile | undefined;
  diagnostics: EngineDiagnostic[];
}

export function subjectAt(context: NavigationContext, offset: number): Subject | undefined {
  const { project, file } = context;
  const migration = project.migrationOfFile(file.path);
  if (migration) {
    for (const [list, attribute] of [
      ['dependencies', migration.dependencies],
      ['run_before', migration.runBefore],
      ['replaces', migration.replaces],
    ] as const) {
      for (const entry of attribute?.entries ?? []) {
        if (offset < entry.span.start || offset > entry.span.end) continue;
        if (entry.kind === 'key') return { kind: 'migration-reference', key: keyOf(entry.app, entry.name), list, span: entry.span };
        if (entry.kind === 'swappable' || entry.kind === 'swapper') return { kind: 'swappable-dependency', setting: entry.setting, span: entry.span };
      }
    }
  }
  const scope = project.scopeOfFile(file.path);
  if (!scope) return undefined;
  const { statements, exprs } = locate(file.module, offset);
  // A swappable setting's assignment in the settings module.
  const statement = statements[statements.length - 1];
  if (statement?.kind === 'assign' && project.settings.files.includes(file.path) && statements.length === 1) {
    const target = statement.targets.find((t) => t.k === 'name' && offset >= t.span.start && offset <= t.span.end);
    const name = target?.k === 'name' ? target.id : statement.targets[0]?.k === 'name' ? statement.targets[0].id : undefined;
    if (name && project.swappable(name)) {
      if (target || (offset >= statement.value.span.start && offset <= statement.value.span.end && statement.value.k === 'str')) {
        return { kind: 'setting-assignment', setting: name, span: target ? target.span : statement.value.span, valueSpan: statement.value.span };
      }
    }
  }
  for (let i = exprs.length - 1; i >= 0; i--) {
    const e = exprs[i];
    const setting = settingReference(e, scope);
    if (setting) return { kind: 'setting-read', setting: setting.setting, expression: dottedName(e) ?? '', span: e.span };
    if (e.k === 'call') {
      const callee = dottedName(e.fn) ?? '';
      const classified = classifyTarget(e, scope);
      if (classified.kind === 'swapper') {
        const state = project.swappables.find((s) => sameLabel(s.defaultLabel, `${classified.app}.${classified.model}`));
        if (state) return { kind: 'setting-read', setting: state.setting, expression: callee, span: e.span };
      }
      if (classified.kind === 'setting') return { kind: 'setting-read', setting: classified.setting, expression: 'getattr(settings, ...)', span: e.span };
      if (callee.endsWith('get_model') && e.args[0]?.k === 'str') {
        const label = e.args[1]?.k === 'str' ? `${e.args[0].value}.${e.args[1].value}` : e.args[0].value;
        if (label.includes('.')) return { kind: 'model-label', label, span: { start: e.args[0].span.start, end: (e.args[1] ?? e.args[0]).span.end } };
      }
    }
    if (e.k === 'str' && /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(e.value)) {
      const inRelation = exprs.slice(0, i).some((outer) => outer.k === 'call' && looksLikeRelationField(dottedName(outer.fn) ?? ''));
      const model = project.modelByLabel(e.value);
      if (inRelation || model) return { kind: 'model-label', label: e.value, span: e.span };
    }
    if (e.k === 'str') {
      // Meta.swappable = "X" and settings-like strings naming a swappable setting.
      const state = project.swappable(e.value);
      if (state) return { kind: 'setting-read', setting: state.setting, expression: `"${e.value}"`, span: e.span };
    }
    if (e.k === 'name' || e.k === 'attr') {
      const qualified = scope.qualify(e);
      const model = qualified ? project.modelByQualified(qualified) : undefined;
      if (model) return { kind: 'model-class', model, span: e.span };
    }
  }
  return undefined;
}

// ---- hover ------------------------------------------------------------------------------------

export function hoverAt(context: NavigationContext, offset: number): HoverInfo | undefined {
  const subject = subjectAt(context, offset);
  const sections: string[] = [];
  let span: Span | undefined = subject?.span;
  if (subject) sections.push(describe(context, subject));
  // The rule behind a finding under the cursor, with its documentation.
  for (const d of context.diagnostics) {
    if (d.file !== context.file.path || offset < d.span.start || offset > d.span.end) continue;
    const rule = ruleByCode(d.code);
    if (!rule) continue;
    sections.push(`**${rule.code} ${rule.name}** — ${rule.summary}. ${firstParagraph(rule.docs.whyIsThisBad)} [Documentation](${d.docsUrl})`);
    span ??= d.span;
  }
  if (sections.length === 0 || !span) return undefined;
  return { markdown: sections.join('\n\n---\n\n'), span, graphFocus: subject ? graphFocusOf(context, subject) : undefined };
}

function graphFocusOf(context: NavigationContext, subject: Subject): HoverInfo['graphFocus'] {
  const { project } = context;
  switch (subject.kind) {
    case 'migration-reference': {
      const key = project.graph.canonical(subject.key);
      return key ? { around: key } : undefined;
    }
    case 'swappable-dependency': {
      const here = project.migrationOfFile(context.file.path);
      return here ? { around: here.key } : undefined;
    }
    case 'setting-assignment': {
      const state = project.swappable(subject.setting);
      if (state?.creatingMigration) return { around: state.creatingMigration };
      return state?.targetApp ? { app: state.targetApp.label } : undefined;
    }
    default:
      return undefined;
  }
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ');
}

function describe(context: NavigationContext, subject: Subject): string {
  const { project } = context;
  switch (subject.kind) {
    case 'swappable-dependency':
      return describeSwappableDependency(context, subject.setting);
    case 'migration-reference':
      return describeMigrationReference(context, subject.key, subject.list);
    case 'setting-read': {
      const state = project.swappable(subject.setting);
      return state ? describeSettingRead(context, state) : `\`${subject.setting}\` is not a swappable setting djswap knows of.`;
    }
    case 'setting-assignment': {
      const state = project.swappable(subject.setting)!;
      return describeSettingAssignment(context, state);
    }
    case 'model-label':
    case 'model-class': {
      const model = subject.kind === 'model-class' ? subject.model : project.modelByLabel(subject.label);
      if (!model) return `\`${subject.kind === 'model-label' ? subject.label : ''}\`: no such model in this project's installed apps.`;
      return describeModel(context, model);
    }
  }
}

function link(context: NavigationContext, location: Location | undefined, label?: string): string {
  if (!location) return label ?? '';
  const parsed = context.parse(location.file);
  const line = parsed ? parsed.lines.position(location.span.start).line + 1 : 1;
  const text = label ?? `${relative(context, location.file)}:${line}`;
  return `[${text}](${pathToFileURL(location.file).href}#L${line})`;
}

function relative(context: NavigationContext, file: string): string {
  return path.relative(context.project.config.root, file).split(path.sep).join('/');
}

function migrationLink(context: NavigationContext, key: MigrationKey): string {
  const migration = context.project.migrations.get(key);
  if (migration?.file) return link(context, { file: migration.file, span: migration.classNameSpan ?? { start: 0, end: 0 } }, relative(context, migration.file));
  if (migration?.origin === 'builtin') return `\`${key}\` (${migration.app} ships it)`;
  return `\`${key}\``;
}

function settingValue(context: NavigationContext, state: SwappableState): string {
  if (state.value === undefined) return `not known statically${state.assignment ? ` (${link(context, state.assignment.location)})` : ''}`;
  if (state.state === 'default') return `\`${state.value}\` — not set, the default`;
  return `\`${state.value}\` — set in ${link(context, state.assignment?.location)}${state.swapped === false ? ' (the default)' : ''}`;
}

function describeSwappableDependency(context: NavigationContext, setting: string): string {
  const { project } = context;
  const state = project.swappable(setting);
  const lines = [`**swappable_dependency(${setting})**`];
  if (!state || state.value === undefined || !state.value.includes('.')) {
    lines.push(`\`${setting}\` is ${state ? settingValue(context, state) : 'not a known swappable setting'}: the dependency cannot be resolved statically.`);
    return lines.join('\n\n');
  }
  const app = state.value.split('.')[0];
  const first = project.graph.rootNodes(app)[0];
  lines.push(`\`${setting}\` is ${settingValue(context, state)}, so this resolves to \`("${app}", "__first__")\`${first ? `: **${migrationLink(context, first)}** (\`${first}\`)` : ''}.`);
  if (state.creatingMigration && first && state.creatingMigration !== first) {
    lines.push(`⚠ \`${state.value}\` is created in \`${state.creatingMigration}\`, not in \`${first}\`: migrations that rely on this dependency can run before its table exists.`);
  } else if (state.creatingMigration) {
    lines.push(`That migration creates \`${state.value}\`.`);
  } else if (!first) {
    lines.push(`\`${app}\` has no migrations: Django drops this dependency silently.`);
  }
  lines.push(`Django resolves a swappable dependency to the **first** migration of the app the setting names, against the settings in force when \`migrate\` runs — which is why the model must be created in its app's first migration.`);
  return lines.join('\n\n');
}

function describeMigrationReference(context: NavigationContext, key: MigrationKey, list: string): string {
  const { project } = context;
  const [app, name] = splitKey(key);
  const canonical = project.graph.canonical(key);
  const migration = canonical ? project.migrations.get(canonical) : undefined;
  if (!migration) {
    if (name === '__first__' || name === '__latest__') {
      const nodes = name === '__first__' ? project.graph.rootNodes(app) : project.graph.leafNodes(app);
      return `**${list}**: \`("${app}", "${name}")\` — ${nodes[0] ? `${migrationLink(context, nodes[0])} (\`${nodes[0]}\`)` : `\`${app}\` has no migrations`}.`;
    }
    return `**${list}**: \`${key}\` — no such migration.`;
  }
  const creates = (migration.operations ?? []).flatMap((op) => (op.kind === 'CreateModel' ? [op.model] : []));
  const known = migration.known?.creates ?? [];
  const models = [...creates, ...known];
  const squashed = canonical !== key ? ` (squashed into \`${canonical}\`)` : '';
  return `**${list}**: ${migrationLink(context, migration.key)}${squashed}${models.length ? ` — creates ${models.map((m) => `\`${app}.${m}\``).join(', ')}` : ''}.`;
}

function describeSettingRead(context: NavigationContext, state: SwappableState): string {
  const lines = [`**${state.setting}** → ${settingValue(context, state)}`];
  const model = state.target;
  if (model) lines.push(`Model ${model.file ? link(context, { file: model.file, span: model.facts!.nameSpan }, `\`${model.label}\``) : `\`${model.label}\``}${state.swapped ? ` replaces the default \`${state.defaultLabel}\`` : ''}.`);
  else if (state.value) lines.push(`No model \`${state.value}\` was found in the installed apps.`);
  lines.push(`Declared by ${state.declaredBy}; default \`${state.defaultLabel}\`.`);
  return lines.join('\n\n');
}

function describeSettingAssignment(context: NavigationContext, state: SwappableState): string {
  const { project } = context;
  let dependents = 0;
  for (const parents of project.graph.edges.values()) for (const origin of parents.values()) if (origin.setting === state.setting) dependents++;
  const relations = [...project.migrations.values()].filter((m) => (m.relations ?? []).some((r) => r.relation.target.kind === 'setting' && r.relation.target.setting === state.setting)).length;
  const lines = [
    `**${state.setting}** — a swappable setting declared by ${state.declaredBy}. Default \`${state.defaultLabel}\`; here ${settingValue(context, state)}.`,
  ];
  if (state.target) lines.push(`It names ${describeModelShort(context, state.target)}${state.creatingMigration ? `, created by ${migrationLink(context, state.creatingMigration)}` : ''}.`);
  lines.push(`${dependents} migration${dependents === 1 ? '' : 's'} depend on it through \`swappable_dependency\`, and ${relations} point foreign keys at it.`);
  const atRisk = context.diagnostics.filter((d) => (d.code === 'SWP306' || d.code === 'SWP404') && state.assignment && d.span.start >= state.assignment.location.span.start && d.span.end <= state.assignment.location.span.end);
  if (atRisk.length > 0 && state.value) {
    const [app, model] = state.value.split('.');
    const table = `${state.defaultLabel.split('.')[0]}_${state.defaultLabel.split('.')[1].toLowerCase()}`;
    lines.push(
      `**The safe path for the databases that exist:** make \`${state.value}\` take over \`${table}\` (\`class Meta: db_table = "${table}"\`) and create it in \`${app}\`'s first migration; set the setting; then, on each database, record \`${app}.0001_initial\` as applied (\`INSERT INTO django_migrations (app, name, applied) VALUES ('${app}', '0001_initial', CURRENT_TIMESTAMP)\`) and move the \`${model.toLowerCase()}\` content type, before \`migrate\` — \`migrate --fake\` cannot, the consistency check runs first. **djswap: Plan Swappable Model Change** (\`djswap plan\`) writes every step for this project.`,
    );
  }
  lines.push(
    `**Do not change it once migrations are applied.** Every applied migration that depends on it then depends on a migration the database never ran: \`migrate\` stops with \`InconsistentMigrationHistory\` (e.g. "Migration admin.0001_initial is applied before its dependency ${state.value?.split('.')[0] ?? 'users'}.0001_initial"), and foreign keys already in the database keep pointing at the old table. The known ways out drop tables, fake migrations and need two deployments. Set it before the first \`migrate\`.`,
  );
  return lines.join('\n\n');
}

function describeModelShort(context: NavigationContext, model: ModelInfo): string {
  return model.file ? link(context, { file: model.file, span: model.facts!.nameSpan }, `\`${model.label}\``) : `\`${model.label}\``;
}

function describeModel(context: NavigationContext, model: ModelInfo): string {
  const { project } = context;
  const lines = [`**${model.label}** — ${model.abstract ? 'abstract ' : model.proxy ? 'proxy ' : ''}model${model.file ? ` in ${link(context, { file: model.file, span: model.facts!.nameSpan })}` : model.origin === 'builtin' ? ` of ${project.appsByLabel.get(model.app)?.known?.package ?? model.app}` : ''}.`];
  if (model.swappable) {
    const state = project.swappable(model.swappable);
    if (state?.swapped) lines.push(`Swappable through \`${model.swappable}\`, which is ${settingValue(context, state)}: **this model is swapped out** — no table, and its manager raises. Refer to it as \`${state.spec?.reference.expression ?? `settings.${model.swappable}`}\`.`);
    else if (state) lines.push(`Swappable through \`${model.swappable}\` (${settingValue(context, state)}): refer to it as \`${state.spec?.reference.expression ?? `settings.${model.swappable}`}\` so the reference follows the setting.`);
  }
  const replacing = project.swappables.find((s) => s.target === model && s.swapped);
  if (replacing) lines.push(`It is the model \`${replacing.setting}\` names, in place of \`${replacing.defaultLabel}\`.`);
  return lines.join('\n\n');
}

// ---- definitions ------------------------------------------------------------------------------

/** Where a name points: the model class, the migration file. */
export function definitionAt(context: NavigationContext, offset: number): NavigationTarget[] {
  const subject = subjectAt(context, offset);
  if (!subject) return [];
  const { project } = context;
  const modelTarget = (model: ModelInfo | undefined): NavigationTarget[] => (model?.file && model.facts ? [{ file: model.file, span: model.facts.nameSpan }] : []);
  const migrationTarget = (key: MigrationKey | undefined): NavigationTarget[] => {
    const migration = key ? project.migrations.get(project.graph.canonical(key) ?? key) : undefined;
    return migration?.file ? [{ file: migration.file, span: migration.classNameSpan ?? { start: 0, end: 0 } }] : [];
  };
  switch (subject.kind) {
    case 'swappable-dependency': {
      const state = project.swappable(subject.setting);
      const app = state?.value?.split('.')[0];
      return migrationTarget(app ? project.graph.rootNodes(app)[0] : undefined);
    }
    case 'migration-reference': {
      const [app, name] = splitKey(subject.key);
      if (name === '__first__') return migrationTarget(project.graph.rootNodes(app)[0]);
      if (name === '__latest__') return migrationTarget(project.graph.leafNodes(app)[0]);
      return migrationTarget(subject.key);
    }
    case 'setting-read':
    case 'setting-assignment':
      return modelTarget(project.swappable(subject.setting)?.target);
    case 'model-label':
      return modelTarget(project.modelByLabel(subject.label));
    case 'model-class':
      return modelTarget(subject.model);
  }
}

/** Where a swappable setting is given its value. */
export function declarationAt(context: NavigationContext, offset: number): NavigationTarget[] {
  const subject = subjectAt(context, offset);
  if (!subject || (subject.kind !== 'setting-read' && subject.kind !== 'swappable-dependency' && subject.kind !== 'setting-assignment')) return [];
  const state = context.project.swappable(subject.setting);
  if (state?.assignment) return [state.assignment.location];
  const declaration = state?.declaringModel?.facts?.meta.swappable;
  return declaration && state?.declaringModel?.file ? [{ file: state.declaringModel.file, span: declaration.span }] : [];
}
