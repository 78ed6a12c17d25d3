import { forEachExpr, statementExprs, type PyExpr, type PyStatement } from '../../syntax/python';
import type { Span } from '../../syntax/tree';
import { exitGuard, guardsHold, testText, type Guard } from '../../django/conditions';
import type { DjangoProject, ModelInfo, SwappableState } from '../../django/project';
import { settingReference, type RelationTarget } from '../../django/references';
import type { RelationField } from '../../django/models';
import { defineSettingFix, settingsFileOf } from '../fix';
import type { Finding, Rule, RuleContext } from '../types';
import { EVERY_BLOCK, nestedBlocks } from '../../syntax/walk';

export const undefinedSwappableSetting: Rule = {
  code: 'SWP403',
  name: 'undefined-swappable-setting',
  summary: 'A swappable setting the settings never define is read, or will be written into a migration',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags, for a swappable setting \`X\` — declared by a model's \`Meta.swappable\` or known from a package —
that the settings module never defines and nothing gives a default for: \`settings.X\` read in models and
migrations, and a relation field to the swappable model that no migration records yet (\`makemigrations\` will
write it). Django's own \`AUTH_USER_MODEL\` always has a default; swapper-based settings and helpers such as
\`oauth2_settings.APPLICATION_MODEL\` read theirs with a default, so they are not flagged. A read inside a function
is a **warning** (it fails when the function runs); under an \`if\` djswap cannot evaluate it is held back.`,
    whyIsThisBad: `\`settings.X\` raises \`AttributeError: 'Settings' object has no attribute 'X'\` when \`X\` is not
defined: a models module or a migration that reads it at import stops \`makemigrations\`, \`migrate\` and the test
runner. \`makemigrations\` writes every relation to a swappable model as \`settings.X\` (with a
\`swappable_dependency\`), whatever the model code says — \`"myapp.Widget"\` or \`getattr(settings, "X", "myapp.Widget")\`
— and resolving that dependency fails the same way, so a new relation cannot get its migration.`,
    example: `# myapp/models.py
class Widget(models.Model):
    class Meta:
        swappable = "MYAPP_WIDGET_MODEL"

# shop/migrations/0001_initial.py
dependencies = [migrations.swappable_dependency(settings.MYAPP_WIDGET_MODEL)]`,
    useInstead: `# settings.py
MYAPP_WIDGET_MODEL = "myapp.Widget"`,
    fixSafety: `Safe: the fix defines the setting, with the default model as its value, at the end of the settings
file that holds INSTALLED_APPS. Nothing changes for code that already read the default.`,
    references: [
      { title: 'Django: Swappable models and migrations', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies' },
      { title: 'swapper: reusable swappable models', url: 'https://github.com/openwisp/django-swappable-models' },
    ],
  },
  checkFiles(context) {
    const { project } = context;
    const none = { files: [], check: () => [] };
    const undefinedSettings = undefinedSwappableSettings(project);
    if (undefinedSettings.size === 0) return none;
    // Every way of reading a setting names it.
    const readers = context.filesContaining([...undefinedSettings.keys()]).filter((path) => {
      const role = project.files.get(path)?.role;
      return role === 'models' || role === 'migration';
    });
    const relations = new Set(project.models.filter((m) => m.facts?.relations.some((r) => pendingUndefinedRelation(project, m, r))).map((m) => m.file!));
    const files = [...new Set([...readers, ...relations])];
    return {
      files,
      check: (path) => {
        // Settings that add names at run time may define it after all (read here, so the unit follows them).
        const dynamic = project.settings.files.find((file) => /\b(globals|locals|vars)\(\)|\bsetattr\(|\bexec\(/.test(context.text(file) ?? ''));
        const premise = dynamic ? `${context.relative(dynamic)} defines settings at run time (globals(), setattr(), exec()), which djswap does not follow` : undefined;
        return checkFile(context, path, undefinedSettings).map((f) => (premise && !f.unverified ? { ...f, unverified: premise } : f));
      },
    };
  },
};

/** Swappable settings in use that the settings do not define and nothing reads with a default. */
function undefinedSwappableSettings(project: DjangoProject): Map<string, SwappableState> {
  const out = new Map<string, SwappableState>();
  if (project.settings.unresolvedStarImports.length > 0 || !project.settings.file) return out;
  for (const state of project.swappables) {
    if (!state.inUse || state.defaultAvailable || project.settings.values.has(state.setting)) continue;
    out.set(state.setting, state);
  }
  return out;
}

/**
 * A relation field of a concrete model to a model whose swappable setting is not defined, that no
 * migration of its app records yet: `makemigrations` would write it with that setting, and fail.
 */
export function pendingUndefinedRelation(project: DjangoProject, model: ModelInfo, field: RelationField): SwappableState | undefined {
  if (model.abstract || model.proxy || model.origin !== 'workspace') return undefined;
  const target = targetModel(project, model, field.target);
  if (!target?.swappable) return undefined;
  const state = undefinedSwappableSettings(project).get(target.swappable);
  if (!state || !sameModelLabel(state.defaultLabel, target.label)) return undefined;
  // `makemigrations` writes migrations for apps that have a migrations package.
  if (project.appsByLabel.get(model.app)?.migrations !== 'package') return undefined;
  const name = model.name.toLowerCase();
  for (const migration of project.migrations.values()) {
    if (migration.app !== model.app) continue;
    if (!migration.relations) return undefined;
    if (migration.relations.some((r) => r.model.toLowerCase() === name && r.field === field.name)) return undefined;
  }
  return state;
}

function targetModel(project: DjangoProject, model: ModelInfo, target: RelationTarget): ModelInfo | undefined {
  if (target.kind === 'label') return target.label === 'self' ? undefined : project.modelByLabel(target.label.includes('.') ? target.label : `${model.app}.${target.label}`);
  if (target.kind === 'class' && !target.choice) return project.modelByQualified(target.qualified);
  if (target.kind === 'setting' && target.via === 'getattr' && target.defaultLabel && !project.settings.values.has(target.setting)) return project.modelByLabel(target.defaultLabel);
  return undefined;
}

function sameModelLabel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

interface SettingRead {
  setting: string;
  span: Span;
  inFunction: boolean;
  guards: Guard[];
}

function checkFile(context: RuleContext, path: string, undefinedSettings: Map<string, SwappableState>): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  const info = project.files.get(path)!;
  const file = context.file(path);
  const scope = file ? project.scopeOfFile(path) : undefined;
  if (!file || !scope) return findings;
  const settingsFile = context.file(settingsFileOf(project));
  const reads: SettingRead[] = [];
  const visit = (list: PyStatement[], guards: Guard[], inFunction: boolean) => {
    let current = guards;
    for (const s of list) {
      for (const expr of statementExprs(s)) {
        forEachExpr(expr, (e: PyExpr) => {
          const read = settingReference(e, scope);
          if (read?.via === 'django' && undefinedSettings.has(read.setting)) reads.push({ setting: read.setting, span: e.span, inFunction, guards: current });
        });
      }
      for (const block of nestedBlocks(s, EVERY_BLOCK)) {
        const blockGuards = block.part === 'if' || block.part === 'else' ? [...current, { test: block.test, holds: block.part === 'if' }] : current;
        visit(block.statements, blockGuards, inFunction || block.part === 'def');
      }
      const exit = exitGuard(s, file.text);
      if (exit) current = [...current, exit];
    }
  };
  visit(file.module.statements, [], false);
  const bySetting = new Map<string, SettingRead[]>();
  for (const read of reads) {
    const runs = guardsHold(read.guards, scope, project.conditions);
    if (runs === false) continue;
    bySetting.set(read.setting, [...(bySetting.get(read.setting) ?? []), read]);
  }
  const failsOnImport = new Set<string>();
  for (const [setting, list] of bySetting) {
    const state = undefinedSettings.get(setting)!;
    // The import-time read decides: it stops the module from loading.
    const first = list.find((r) => !r.inFunction && guardsHold(r.guards, scope, project.conditions) === true) ?? list.find((r) => !r.inFunction) ?? list[0];
    const runs = guardsHold(first.guards, scope, project.conditions);
    if (!first.inFunction) failsOnImport.add(setting);
    const declaration = state.declaringModel?.facts?.meta.swappable;
    const what = info.role === 'migration' ? 'migration' : 'module';
    const consequence = first.inFunction
      ? `the function that reads it fails with \`AttributeError: 'Settings' object has no attribute '${setting}'\` when it runs`
      : `loading this ${what} fails with \`AttributeError: 'Settings' object has no attribute '${setting}'\``;
    findings.push({
      file: path,
      span: first.span,
      severity: first.inFunction ? 'warning' : 'error',
      message: `\`settings.${setting}\` is read here${list.length > 1 ? ` (and ${list.length - 1} more time${list.length > 2 ? 's' : ''} in this file)` : ''}, but the settings never define \`${setting}\` (${state.declaredBy}): ${consequence}. Define \`${setting} = "${state.defaultLabel}"\` in the settings.`,
      related: declarationRelated(state, declaration?.span),
      fix: defineSettingFix(project, settingsFile, setting, state.defaultLabel),
      unverified: runs === undefined ? `the read runs only when \`${first.guards.map((g) => `${g.holds ? '' : 'not '}${testText(g.test, scope)}`).join(' and ')}\` holds, which djswap cannot tell` : undefined,
    });
  }
  // Relations makemigrations has yet to write: it writes them with the undefined setting.
  for (const model of project.models) {
    if (model.file !== path || !model.facts) continue;
    for (const field of model.facts.relations) {
      const state = pendingUndefinedRelation(project, model, field);
      if (!state || failsOnImport.has(state.setting)) continue;
      const setting = state.setting;
      findings.push({
        file: path,
        span: field.target.span,
        severity: 'error',
        message:
          `\`${model.label}.${field.name}\` points at \`${state.defaultLabel}\`, which is swappable through \`${setting}\` (${state.declaredBy}), but the settings never define \`${setting}\` and no migration of \`${model.app}\` has this field yet: ` +
          `\`makemigrations\` writes it as \`settings.${setting}\` and fails with \`AttributeError: 'Settings' object has no attribute '${setting}'\`. Define \`${setting} = "${state.defaultLabel}"\` in the settings.`,
        related: declarationRelated(state, state.declaringModel?.facts?.meta.swappable?.span),
        fix: defineSettingFix(project, settingsFile, setting, state.defaultLabel),
        unverified: model.conditional ? `\`${model.label}\` is defined only when \`${model.conditional}\` holds, which djswap cannot tell` : undefined,
      });
    }
  }
  return findings;
}

function declarationRelated(state: SwappableState, span: Span | undefined): Finding['related'] {
  return span && state.declaringModel?.file ? [{ file: state.declaringModel.file, span, message: `${state.declaringModel.label} declares swappable = "${state.setting}"` }] : [];
}

