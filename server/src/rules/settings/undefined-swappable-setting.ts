import { forEachExpr, forEachStatement, statementExprs } from '../../syntax/python';
import type { Span } from '../../syntax/tree';
import type { DjangoProject, SwappableState } from '../../django/project';
import { settingReference } from '../../django/references';
import type { ParsedFile } from '../../django/source';
import type { Finding, Rule, RuleContext, TextEdit } from '../types';

export const undefinedSwappableSetting: Rule = {
  code: 'SWP403',
  name: 'undefined-swappable-setting',
  summary: '`settings.X` is read for a swappable setting the settings never define',
  defaultSeverity: 'error',
  fix: 'safe',
  docs: {
    whatItDoes: `Flags \`settings.X\` in models and migrations when \`X\` is a swappable setting — declared by a model's
\`Meta.swappable\` or known from a package — that the settings module never defines and nothing gives a default
for. Django's own \`AUTH_USER_MODEL\` always has one; swapper-based settings and helpers such as
\`oauth2_settings.APPLICATION_MODEL\` read theirs with a default, so they are not flagged.`,
    whyIsThisBad: `\`makemigrations\` serialises a relation to a swappable model as \`settings.X\`, whatever the model
code says (\`getattr(settings, "X", "myapp.Widget")\` in models.py does not help the migration). When the setting is
not defined, loading that migration fails — \`makemigrations\`, \`migrate\` and the test runner stop with
\`AttributeError: 'Settings' object has no attribute 'X'\`.`,
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
    if (project.settings.unresolvedStarImports.length > 0 || !project.settings.file) return none;
    const undefinedSettings = new Map<string, SwappableState>();
    for (const state of project.swappables) {
      if (!state.inUse || state.defaultAvailable || project.settings.values.has(state.setting)) continue;
      undefinedSettings.set(state.setting, state);
    }
    if (undefinedSettings.size === 0) return none;
    // Every way of reading a setting names it.
    const files = context.filesContaining([...undefinedSettings.keys()]).filter((path) => {
      const role = project.files.get(path)?.role;
      return role === 'models' || role === 'migration';
    });
    return { files, check: (path) => checkFile(context, path, undefinedSettings) };
  },
};

function checkFile(context: RuleContext, path: string, undefinedSettings: Map<string, SwappableState>): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  const info = project.files.get(path)!;
  const file = context.file(path);
  const scope = file ? project.scopeOfFile(path) : undefined;
  if (!file || !scope) return findings;
  const reads = new Map<string, Span[]>();
  forEachStatement(file.module.statements, (s) => {
    for (const expr of statementExprs(s)) {
      forEachExpr(expr, (e) => {
        const read = settingReference(e, scope);
        if (read?.via === 'django' && undefinedSettings.has(read.setting)) reads.set(read.setting, [...(reads.get(read.setting) ?? []), e.span]);
      });
    }
  });
  for (const [setting, spans] of reads) {
    const state = undefinedSettings.get(setting)!;
    spans.sort((a, b) => a.start - b.start);
    const declaration = state.declaringModel?.facts?.meta.swappable;
    findings.push({
      file: path,
      span: spans[0],
      severity: 'error',
      message: `\`settings.${setting}\` is read here${spans.length > 1 ? ` (and ${spans.length - 1} more time${spans.length > 2 ? 's' : ''} in this file)` : ''}, but the settings never define \`${setting}\` (${state.declaredBy}): loading this ${info.role === 'migration' ? 'migration' : 'module'} fails with \`AttributeError: 'Settings' object has no attribute '${setting}'\`. Define \`${setting} = "${state.defaultLabel}"\` in the settings.`,
      related: declaration && state.declaringModel?.file ? [{ file: state.declaringModel.file, span: declaration.span, message: `${state.declaringModel.label} declares swappable = "${setting}"` }] : [],
      fix: defineSettingFix(project, context.file(settingsFileOf(project))!, setting, state.defaultLabel),
    });
  }
  return findings;
}

/** The settings file to add a setting to: the one that sets INSTALLED_APPS (the base of a package). */
export function settingsFileOf(project: DjangoProject): string {
  return project.settings.values.get('INSTALLED_APPS')?.location.file ?? project.settings.file!;
}

export function defineSettingFix(project: DjangoProject, file: ParsedFile | undefined, setting: string, label: string): Finding['fix'] {
  if (!file) return undefined;
  const quote = /^\s*\w+\s*=\s*'/m.test(file.text) && !/^\s*\w+\s*=\s*"/m.test(file.text) ? "'" : '"';
  const eol = file.lines.eol;
  const end = file.text.length;
  const needsBreak = end > 0 && !file.text.endsWith('\n');
  const edit: TextEdit = { file: file.path, span: { start: end, end }, newText: `${needsBreak ? eol : ''}${eol}${setting} = ${quote}${label}${quote}${eol}` };
  void project;
  return { title: `Define ${setting} = "${label}" in ${file.path.split(/[\\/]/).slice(-2).join('/')}`, safe: true, edits: [edit] };
}
