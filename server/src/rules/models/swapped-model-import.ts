import { forEachExpr, forEachStatement, statementExprs, type PyExpr } from '../../syntax/python';
import type { Span } from '../../syntax/tree';
import { normalizeQualified } from '../../django/modules';
import type { SwappableState } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import { describeSetting, settingRelated } from '../common';
import { ensureImported } from '../edits';
import type { Finding, Rule, RuleContext, TextEdit } from '../types';

export const swappedModelImport: Rule = {
  code: 'SWP102',
  name: 'swapped-model-import',
  summary: 'Code uses the default class of a swapped model (its manager raises at run time)',
  defaultSeverity: 'error',
  fix: 'unsafe',
  docs: {
    whatItDoes: `Flags code that uses the class of a swapped-out model — \`User\` imported from
\`django.contrib.auth.models\` while \`AUTH_USER_MODEL\` names another model, or django-oauth-toolkit's
\`Application\` while \`OAUTH2_PROVIDER_APPLICATION_MODEL\` is swapped — in views, forms, admin, tasks, tests.
The finding points at the first use in each file; the other uses are listed with it.`,
    whyIsThisBad: `A swapped-out model has no table and no manager. Importing it works, and no system check
looks at it, so the mistake ships; the first request that touches it fails with \`AttributeError: Manager isn't
available; 'auth.User' has been swapped for 'users.User'\`.`,
    example: `from django.contrib.auth.models import User


def user_count(request):
    return JsonResponse({"users": User.objects.count()})`,
    useInstead: `from django.contrib.auth import get_user_model

User = get_user_model()


def user_count(request):
    return JsonResponse({"users": User.objects.count()})`,
    fixSafety: `Unsafe. The fix imports the package's getter (\`get_user_model\`, django-oauth-toolkit's
\`get_application_model\`, ...) and binds the same name to the model in force, so every use follows the setting.
The swapped-in model may not have every field the code uses (a custom user without \`username\`), so review the
uses. Models without a getter (django-rest-knox) get no fix: use \`apps.get_model(settings.KNOX_TOKEN_MODEL)\`.`,
    references: [
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
      { title: 'Django: get_user_model()', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#django.contrib.auth.get_user_model' },
    ],
  },
  checkFiles(context) {
    const { project } = context;
    const swapped = project.swappables.filter((s) => s.inUse && s.swapped === true);
    const classes = swapped.map((state) => ({ state, qualified: defaultClassOf(state) })).filter((c): c is { state: SwappableState; qualified: string } => !!c.qualified);
    if (classes.length === 0) return { files: [], check: () => [] };
    // `from django.contrib.auth.models import User` and `from django.contrib.auth import models` both name the package.
    const needles = [...new Set(classes.map((c) => c.qualified.split('.').slice(0, -2).join('.') || c.qualified.split('.')[0]))];
    const files = context.filesContaining(needles).filter((path) => {
      const role = project.files.get(path)?.role;
      return role !== 'migration' && role !== 'settings';
    });
    return { files, check: (path) => checkFile(context, path, classes) };
  },
};

function checkFile(context: RuleContext, path: string, classes: { state: SwappableState; qualified: string }[]): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  // Most files that name the package import something else from it (get_user_model): not worth parsing.
  const text = context.text(path);
  if (text === undefined || !classes.some((c) => mayBind(text, c.qualified))) return findings;
  const file = context.file(path);
  const scope = file ? project.scopeOfFile(path) : undefined;
  if (!file || !scope) return findings;
  // Relation fields are SWP101's: do not report them twice.
  const relationTargets = new Set(project.models.filter((m) => m.file === path).flatMap((m) => m.facts?.relations.map((r) => r.target.span.start) ?? []));
  for (const { state, qualified } of classes) {
    const uses = usesOf(file, scope.bindings, qualified).filter((u) => !relationTargets.has(u.span.start));
    if (uses.length === 0) continue;
    const first = uses[0];
    const line = (span: Span) => file.lines.position(span.start).line + 1;
    const others = uses.slice(1);
    findings.push({
      file: path,
      span: first.span,
      severity: 'error',
      message:
        `\`${first.written}\` is \`${qualified}\` (\`${state.defaultLabel}\`), but ${describeSetting(context, state)}: ` +
        `using it raises \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${state.value}'\`` +
        (others.length > 0 ? ` (${others.length} more use${others.length === 1 ? '' : 's'} in this file, line${others.length === 1 ? '' : 's'} ${others.map((u) => line(u.span)).join(', ')})` : '') +
        `. Use ${state.spec?.getter ? `\`${state.spec.getter.name}()\`` : `\`apps.get_model(settings.${state.setting})\``}.`,
      related: [...others.slice(0, 10).map((u) => ({ file: path, span: u.span, message: `\`${u.written}\` is used here too` })), ...settingRelated(state)],
      fix: getterFix(context, file, scope.moduleName, state, qualified, uses),
    });
  }
  return findings;
}

/**
 * Whether a module's text can bind the class or its module through an import: it names the module
 * (`from a.b.models import User`, `import a.b.models as m`) or imports the module from its package
 * (`from a.b import models`). Errs on the side of parsing.
 */
export function mayBind(text: string, qualified: string): boolean {
  const module = qualified.slice(0, qualified.lastIndexOf('.'));
  if (text.includes(module)) return true;
  const dot = module.lastIndexOf('.');
  if (dot < 0) return false;
  const parent = module.slice(0, dot);
  if (!text.includes(parent)) return false;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const last = escape(module.slice(dot + 1));
  // The imported names run to the end of the logical line, or to the closing parenthesis.
  return new RegExp(`from\\s+${escape(parent)}\\s+import\\s*(\\([^)]*\\b${last}\\b|(?:[^\\n\\\\]|\\\\[\\s\\S])*\\b${last}\\b)`).test(text);
}

function defaultClassOf(state: SwappableState): string | undefined {
  return state.spec?.defaultClass ?? state.declaringModel?.qualified;
}

interface Use {
  span: Span;
  written: string;
  /** `User` (bound by a from-import) or `auth_models.User` (through a module alias). */
  kind: 'name' | 'attribute';
  local: string;
}

/** Every use of the class in the module, through the names its imports bind. */
function usesOf(file: ParsedFile, bindings: Map<string, { kind: string; name?: string }>, qualified: string): Use[] {
  const module = qualified.slice(0, qualified.lastIndexOf('.'));
  const className = qualified.slice(qualified.lastIndexOf('.') + 1);
  const classNames = new Set<string>();
  const moduleNames = new Set<string>();
  for (const [local, binding] of bindings) {
    if (binding.kind !== 'qualified' || !binding.name) continue;
    const name = normalizeQualified(binding.name);
    if (name === qualified) classNames.add(local);
    else if (name === module) moduleNames.add(local);
  }
  if (classNames.size === 0 && moduleNames.size === 0) return [];
  const uses: Use[] = [];
  const visit = (e: PyExpr) => {
    if (e.k === 'name' && classNames.has(e.id)) uses.push({ span: e.span, written: e.id, kind: 'name', local: e.id });
    else if (e.k === 'attr' && e.attr === className && e.object.k === 'name' && moduleNames.has(e.object.id)) {
      uses.push({ span: e.span, written: `${e.object.id}.${className}`, kind: 'attribute', local: e.object.id });
    }
  };
  forEachStatement(file.module.statements, (s) => {
    for (const expr of statementExprs(s)) forEachExpr(expr, visit);
  });
  // An attribute use also visits its object name; a module alias is not a class use.
  return uses.sort((a, b) => a.span.start - b.span.start).filter((u, i, all) => i === 0 || all[i - 1].span.start !== u.span.start);
}

function getterFix(context: RuleContext, file: ParsedFile, moduleName: string, state: SwappableState, qualified: string, uses: Use[]): Finding['fix'] {
  const getter = state.spec?.getter;
  if (!getter) return undefined;
  const imported = ensureImported(file, moduleName, getter.module, getter.name);
  if (!imported) return undefined;
  const call = `${imported.localName}()`;
  const edits: TextEdit[] = [...imported.edits];
  // Uses through a module alias become calls; a class bound by `from ... import User` is rebound to the getter's result.
  for (const use of uses.filter((u) => u.kind === 'attribute')) edits.push({ file: file.path, span: use.span, newText: call });
  const boundNames = [...new Set(uses.filter((u) => u.kind === 'name').map((u) => u.local))];
  for (const local of boundNames) {
    const removal = removeImportedName(file, qualified, local);
    if (!removal) return undefined;
    edits.push(removal.edit);
    edits.push({ file: file.path, span: { start: removal.insertAt, end: removal.insertAt }, newText: `${file.lines.eol}${file.lines.eol}${local} = ${call}` });
  }
  void context;
  return { title: `Use ${call} for ${state.setting}`, safe: false, edits };
}

/** Removes `User` from `from django.contrib.auth.models import Group, User` (or the whole statement). */
function removeImportedName(file: ParsedFile, qualified: string, local: string): { edit: TextEdit; insertAt: number } | undefined {
  const module = qualified.slice(0, qualified.lastIndexOf('.'));
  const className = qualified.slice(qualified.lastIndexOf('.') + 1);
  const statements = file.module.statements.filter((s) => s.kind === 'import');
  const leadingEnd = statements.length > 0 ? file.lines.lineEnd(file.lines.position(statements[statements.length - 1].span.end).line) : 0;
  for (const s of statements) {
    if (s.kind !== 'import' || s.import.kind !== 'from' || s.import.level !== 0 || s.import.module !== module) continue;
    const names = s.import.names;
    const index = names.findIndex((n) => n.name === className && (n.alias ?? n.name) === local);
    if (index < 0) continue;
    if (names.length === 1) {
      // The whole statement and its line break go.
      const startLine = file.lines.position(s.span.start).line;
      const endLine = file.lines.position(s.span.end).line;
      const start = file.lines.lineStart(startLine);
      const end = endLine + 1 < file.lines.lineCount ? file.lines.lineStart(endLine + 1) : file.lines.lineEnd(endLine);
      const insertAt = leadingEnd > s.span.end ? leadingEnd : start > 0 ? start - file.lines.eol.length : 0;
      return { edit: { file: file.path, span: { start, end }, newText: '' }, insertAt };
    }
    const span = index < names.length - 1 ? { start: names[index].span.start, end: names[index + 1].span.start } : { start: names[index - 1].span.end, end: names[index].span.end };
    return { edit: { file: file.path, span, newText: '' }, insertAt: Math.max(leadingEnd, s.span.end) };
  }
  return undefined;
}
