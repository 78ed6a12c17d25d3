import * as path from 'node:path';
import { forEachExpr, statementExprs, type PyExpr, type PyStatement } from '../../syntax/python';
import type { Span } from '../../syntax/tree';
import { conditionTruth, exitGuard, guardsHold, testText, type Guard } from '../../django/conditions';
import { normalizeQualified, type BindingChoice, type ModuleScope } from '../../django/modules';
import type { DjangoProject, SwappableState } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import { describeSetting, settingRelated } from '../common';
import { ensureImported } from '../fix';
import type { Finding, Rule, RuleContext, TextEdit } from '../types';
import { EVERY_BLOCK, nestedBlocks } from '../../syntax/walk';

export const swappedModelImport: Rule = {
  code: 'SWP102',
  name: 'swapped-model-import',
  summary: "Code queries the default class of a swapped model through its manager (AttributeError: Manager isn't available)",
  defaultSeverity: 'error',
  fix: 'unsafe',
  docs: {
    whatItDoes: `Flags code that reaches the manager of a swapped-out model's class — \`User.objects\` with \`User\`
imported from \`django.contrib.auth.models\` while \`AUTH_USER_MODEL\` names another model, or django-oauth-toolkit's
\`Application.objects\` while \`OAUTH2_PROVIDER_APPLICATION_MODEL\` is swapped — or its \`_default_manager\` /
\`_base_manager\`, also through \`get_object_or_404(User, ...)\` and \`get_list_or_404\`. Only modules of installed apps, the URLconf, and the
modules they import are checked: a script that chooses its own settings runs under those. Code under an \`if\`
that is false with these settings (\`if settings.AUTH_USER_MODEL == "auth.User":\`, \`if not swapper.is_swapped(...)\`)
is not flagged. Other uses of the class work and are not flagged: \`User._meta\`, \`isinstance(x, User)\`,
\`User.DoesNotExist\`, annotations. The finding points at the first use in each file; the others are listed with it.`,
    whyIsThisBad: `A swapped-out model has no table, and its manager refuses to work. Importing it works, and no system
check looks at it, so the mistake ships; the first request that reaches it fails with \`AttributeError: Manager isn't
available; 'auth.User' has been swapped for 'users.User'\`. \`_default_manager\` and \`_base_manager\` (and the
shortcuts that use them) do not refuse, but query a table \`migrate\` does not create while the model is swapped
out: \`OperationalError: no such table: auth_user\` on a database migrated with those settings.`,
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
    const governed = governedBy(context);
    const files = context.filesContaining(needles).filter((file) => {
      const role = project.files.get(file)?.role;
      if (role === 'migration' || role === 'settings') return false;
      // Only a manager fails: a file that reaches none is not worth finding the importers of.
      const text = context.text(file) ?? '';
      return MANAGER_TEXT.test(text) && classes.some((c) => mayBind(text, c.qualified)) && governed(file);
    });
    return { files, check: (file) => checkFile(context, file, classes) };
  },
};

/** Managers a swapped-out class refuses (`objects`), and those that query its missing table. */
const REFUSING_MANAGERS = new Set(['objects']);
const TABLE_MANAGERS = new Set(['_default_manager', '_base_manager']);
/** What a module that reaches a manager has in its text. */
const MANAGER_TEXT = /\.objects\b|\._default_manager\b|\._base_manager\b|\bget_object_or_404\b|\bget_list_or_404\b/;
/** Shortcuts that query the class they are given through its `_default_manager`. */
const QUERYING_SHORTCUTS = new Set(['django.shortcuts.get_object_or_404', 'django.shortcuts.get_list_or_404']);

function checkFile(context: RuleContext, file: string, classes: { state: SwappableState; qualified: string }[]): Finding[] {
  const { project } = context;
  const findings: Finding[] = [];
  // Most files that name the package import something else from it (get_user_model): not worth parsing.
  const text = context.text(file);
  if (text === undefined || !classes.some((c) => mayBind(text, c.qualified))) return findings;
  const parsed = context.file(file);
  const scope = parsed ? project.scopeOfFile(file) : undefined;
  if (!parsed || !scope) return findings;
  for (const { state, qualified } of classes) {
    const uses = usesOf(parsed, scope, project, qualified);
    // Only the managers fail; `User._meta`, `isinstance(x, User)`, `User.DoesNotExist` work.
    const live = uses.filter((u) => u.runs !== false && u.manager !== undefined);
    if (live.length === 0) continue;
    const first = live.find((u) => u.runs === true && u.refuses) ?? live.find((u) => u.runs === true) ?? live[0];
    const line = (span: Span) => parsed.lines.position(span.start).line + 1;
    const others = live.filter((u) => u !== first);
    const table = state.defaultLabel.replace('.', '_').toLowerCase();
    const manager = first.manager!;
    const reached = manager.startsWith('.') ? `${first.written}${manager}` : `${manager}${first.written}, ...)`;
    const consequence = first.refuses
      ? `\`${reached}\` raises \`AttributeError: Manager isn't available; '${state.defaultLabel}' has been swapped for '${state.value}'\``
      : `\`${reached}\` queries \`${table}\`, a table \`migrate\` does not create while \`${state.defaultLabel}\` is swapped out: on a database migrated with these settings it fails (SQLite: \`OperationalError: no such table: ${table}\`)`;
    // Tests may select the default model again for themselves (`override_settings(AUTH_USER_MODEL=...)`).
    const overridden = context.codeRole(file) === 'test' && /override_settings|modify_settings/.test(text) && text.includes(state.setting);
    findings.push({
      file,
      span: first.span,
      severity: 'error',
      message:
        `\`${first.written}\` is \`${qualified}\` (\`${state.defaultLabel}\`), but ${describeSetting(context, state)}: ${consequence}` +
        (others.length > 0 ? ` (${others.length} more use${others.length === 1 ? '' : 's'} in this file, line${others.length === 1 ? '' : 's'} ${others.map((u) => line(u.span)).join(', ')})` : '') +
        `. Use ${state.spec?.getter ? `\`${state.spec.getter.name}()\`` : `\`apps.get_model(settings.${state.setting})\``}.`,
      related: [...others.slice(0, 10).map((u) => ({ file, span: u.span, message: `\`${u.written}\` is used here too` })), ...settingRelated(state)],
      fix: getterFix(context, parsed, scope.moduleName, state, qualified, uses),
      unverified:
        first.runs === undefined
          ? `the use runs only when \`${first.condition}\` holds, which djswap cannot tell`
          : overridden
          ? `the tests may select another ${state.setting} with override_settings`
          : undefined,
    });
  }
  return findings;
}

/**
 * Whether the project's settings govern a file: it belongs to an installed app, to a package that
 * holds one, or is the URLconf, or one of those imports it (a few steps away); a module that names
 * its own settings never is.
 */
function governedBy(context: RuleContext): (file: string) => boolean {
  const { project } = context;
  const appDirs = project.apps.filter((a) => a.dir && a.origin !== 'builtin').map((a) => a.dir!);
  // The top-level packages that hold installed apps (nautobot/ for nautobot/dcim): the project's own code.
  const packages = new Set<string>();
  for (const dir of appDirs) {
    const root = project.resolver.roots.find((r) => isWithin(dir, r));
    if (root) packages.add(path.join(root, path.relative(root, dir).split(path.sep)[0]));
  }
  const urlconf = project.settings.values.get('ROOT_URLCONF')?.value;
  const urlconfFile = urlconf?.kind === 'str' ? project.resolver.resolve(urlconf.value)?.file : undefined;
  const isRoot = (file: string) => file === urlconfFile || [...packages].some((dir) => isWithin(file, dir));
  const memo = new Map<string, boolean>();
  const ownSettings = (text: string) => {
    if (/\bsettings\.configure\(/.test(text)) return true;
    const named = /DJANGO_SETTINGS_MODULE['"]\s*(?:\]\s*=|,)\s*f?['"]([\w.]+)['"]/.exec(text);
    return named !== null && named[1] !== project.config.settingsModule;
  };
  const governed = (file: string, depth: number): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    memo.set(file, false);
    let result = false;
    if (!ownSettings(context.text(file) ?? '')) {
      if (isRoot(file)) result = true;
      else if (depth < 3) {
        const moduleName = project.resolver.moduleName(file);
        if (moduleName) {
          const last = moduleName.split('.').pop()!;
          const imports = importPattern(moduleName);
          // `import a.b.c`, `from a.b.c import x`, `from a.b import c`, `from .c import x`, `from . import c`.
          for (const importer of context.filesContaining([moduleName, `.${last} import`, `import ${last}`, `, ${last}`])) {
            if (importer !== file && imports.test(context.text(importer) ?? '') && governed(importer, depth + 1)) {
              result = true;
              break;
            }
          }
        }
      }
    }
    memo.set(file, result);
    return result;
  };
  return (file) => governed(file, 0);
}

/** The import statements that can bring in a module, read from the text (cheaper than parsing every candidate). */
function importPattern(moduleName: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = moduleName.split('.');
  const last = escape(parts[parts.length - 1]);
  const parent = escape(parts.slice(0, -1).join('.'));
  const alternatives = [
    `^\\s*import\\s+[^\\n]*\\b${escape(moduleName)}\\b`,
    `^\\s*from\\s+${escape(moduleName)}\\s+import\\b`,
    `^\\s*from\\s+\\.+${last}\\s+import\\b`,
    `^\\s*from\\s+\\.+\\s+import\\s*\\(?[^)\\n]*\\b${last}\\b`,
  ];
  if (parent) alternatives.push(`^\\s*from\\s+${parent}\\s+import\\s*(?:\\([^)]*?\\b${last}\\b|[^\\n]*\\b${last}\\b)`);
  return new RegExp(alternatives.join('|'), 'm');
}

function isWithin(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
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
  /** How it reaches a manager: `.objects` after it, or `get_object_or_404(` before it; undefined when it does not. */
  manager?: string;
  /** The manager refuses a swapped-out model (AttributeError). */
  refuses: boolean;
  /** Whether the use runs with these settings (undefined: it depends on a test djswap cannot evaluate). */
  runs: boolean | undefined;
  condition?: string;
}

/**
 * Every use of the class in the module, through the names its imports bind (a name an `if` binds
 * follows the branch these settings take), with the `if` tests it runs under.
 */
function usesOf(file: ParsedFile, scope: ModuleScope, project: DjangoProject, qualified: string): Use[] {
  const module = qualified.slice(0, qualified.lastIndexOf('.'));
  const className = qualified.slice(qualified.lastIndexOf('.') + 1);
  const truth = (test: PyExpr) => conditionTruth(test, scope, project.conditions);
  const classNames = new Map<string, string | undefined>();
  const moduleNames = new Map<string, string | undefined>();
  for (const local of new Set([...scope.bindings.keys(), ...scope.choices.keys()])) {
    const choice = scope.choices.get(local);
    const resolved = choice ? scope.resolveName(local, truth) : scope.bindings.get(local);
    // A binding that depends on a test djswap cannot evaluate: uses through it are uncertain.
    const uncertain = resolved === 'unknown' ? `${testText(choice!.test, scope)}` : undefined;
    const candidates = resolved === 'unknown' ? bindingsOf(choice!) : resolved ? [resolved] : [];
    for (const binding of candidates) {
      if (binding.kind !== 'qualified' || !binding.name) continue;
      const name = normalizeQualified(binding.name);
      if (name === qualified) classNames.set(local, uncertain);
      else if (name === module) moduleNames.set(local, uncertain);
    }
  }
  if (classNames.size === 0 && moduleNames.size === 0) return [];
  const uses: Use[] = [];
  const managers = new Map<number, string>();
  const visitExpr = (expr: PyExpr, guards: Guard[]) => {
    forEachExpr(expr, (e) => {
      let use: Omit<Use, 'manager' | 'refuses' | 'runs' | 'condition'> | undefined;
      let uncertain: string | undefined;
      if (e.k === 'attr' && (REFUSING_MANAGERS.has(e.attr) || TABLE_MANAGERS.has(e.attr))) managers.set(e.object.span.start, `.${e.attr}`);
      if (e.k === 'call' && e.args[0] && QUERYING_SHORTCUTS.has(scope.qualify(e.fn) ?? '')) managers.set(e.args[0].span.start, `${scope.file.text.slice(e.fn.span.start, e.fn.span.end)}(`);
      if (e.k === 'name' && classNames.has(e.id)) {
        use = { span: e.span, written: e.id, kind: 'name', local: e.id };
        uncertain = classNames.get(e.id);
      } else if (e.k === 'attr' && e.attr === className && e.object.k === 'name' && moduleNames.has(e.object.id)) {
        use = { span: e.span, written: `${e.object.id}.${className}`, kind: 'attribute', local: e.object.id };
        uncertain = moduleNames.get(e.object.id);
      }
      if (!use) return;
      const manager = managers.get(e.span.start);
      const holds = guardsHold(guards, scope, project.conditions);
      const conditions = [...(uncertain ? [`${uncertain} (which decides what \`${use.local}\` is)`] : []), ...guards.map((g) => `${g.holds ? '' : 'not '}${testText(g.test, scope)}`)];
      const runs = holds === false ? false : holds === undefined || uncertain ? undefined : true;
      uses.push({ ...use, manager, refuses: manager !== undefined && manager.startsWith('.') && REFUSING_MANAGERS.has(manager.slice(1)), runs, condition: runs === undefined ? conditions.join(' and ') : undefined });
    });
  };
  const walk = (list: PyStatement[], guards: Guard[]) => {
    let current = guards;
    for (const s of list) {
      for (const expr of statementExprs(s)) visitExpr(expr, current);
      for (const block of nestedBlocks(s, EVERY_BLOCK)) {
        walk(block.statements, block.part === 'if' || block.part === 'else' ? [...current, { test: block.test, holds: block.part === 'if' }] : current);
      }
      // `if swapper.is_swapped(...): return` guards what follows in the block.
      const exit = exitGuard(s, file.text);
      if (exit) current = [...current, exit];
    }
  };
  walk(file.module.statements, []);
  // An attribute use also visits its object name; a module alias is not a class use.
  return uses.sort((a, b) => a.span.start - b.span.start).filter((u, i, all) => i === 0 || all[i - 1].span.start !== u.span.start);
}

function bindingsOf(choice: BindingChoice): { kind: string; name?: string }[] {
  const out: { kind: string; name?: string }[] = [];
  for (const branch of [choice.whenTrue, choice.whenFalse]) {
    if (!branch) continue;
    if ('test' in branch) out.push(...bindingsOf(branch));
    else out.push(branch);
  }
  return out;
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
