import * as path from 'node:path';
import { forEachExpr, statementExprs, type PyExpr, type PyStatement } from '../../syntax/python';
import { guardsHold, testText, type Guard } from '../../django/conditions';
import { GET_USER_MODEL } from '../../django/knowledge';
import type { ModuleScope } from '../../django/modules';
import { settingExpression } from '../common';
import type { Finding, Rule } from '../types';
import { IMPORT_TIME_CODE, nestedBlocks } from '../../syntax/walk';

type ModuleKind = 'settings' | 'apps.py' | 'models' | '__init__';

export const getUserModelAtImportTime: Rule = {
  code: 'SWP103',
  name: 'get-user-model-at-import-time',
  summary: '`get_user_model()` runs while Django is still loading apps',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    whatItDoes: `Flags \`get_user_model()\` called at import time — at module level or in a class body, outside
\`if TYPE_CHECKING:\` — in modules Django imports while it loads the apps: settings modules, \`apps.py\` and the
\`__init__.py\` of installed apps (an **error**), and the module that defines the user model, before its class (an
**error**). In other models modules a call that is a relation field's target is **information**: the setting's
string does the same lazily.`,
    whyIsThisBad: `\`get_user_model()\` asks the app registry for the model \`AUTH_USER_MODEL\` names. Settings,
\`apps.py\` and an app's \`__init__.py\` are imported before the registry knows any app, and Django fails with
\`AppRegistryNotReady: Apps aren't loaded yet.\` While models modules are imported the call works: Django imports
the models of the user model's app on demand, whatever the order of \`INSTALLED_APPS\`. It fails there only when the
user model's class is not defined yet — in its own module before the class, or through an import cycle with that
module: \`ImproperlyConfigured: AUTH_USER_MODEL refers to model 'users.User' that has not been installed\`. A
relation field does not need the class at all: the setting's string is enough.`,
    example: `from django.contrib.auth import get_user_model
from django.db import models


class Post(models.Model):
    author = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)`,
    useInstead: `from django.conf import settings
from django.db import models


class Post(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)`,
    fixSafety: `Safe where the call is a relation field's target: it is replaced by \`settings.AUTH_USER_MODEL\`
(the import is added when missing), which names the same model lazily. Other calls get no fix: move them into
the function that needs the model.`,
    references: [
      { title: 'Django: Referencing the User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#referencing-the-user-model' },
      { title: 'Django: How applications are loaded', url: 'https://docs.djangoproject.com/en/stable/ref/applications/#how-applications-are-loaded' },
    ],
  },
  checkFiles(context) {
    const { project } = context;
    const user = project.swappable('AUTH_USER_MODEL');
    const appPackages = new Set(project.apps.filter((a) => a.dir).map((a) => path.join(a.dir!, '__init__.py')));
    const kinds = new Map<string, ModuleKind>();
    const candidates = new Set<string>(context.filesContaining(['get_user_model']));
    for (const [file, info] of project.files) {
      if (!candidates.has(file) && !project.settings.files.includes(file)) continue;
      const kind = info.role === 'settings' ? 'settings' : info.role === 'apps' ? 'apps.py' : info.role === 'models' ? 'models' : undefined;
      if (kind) kinds.set(file, kind);
    }
    for (const file of candidates) {
      if (appPackages.has(file) && !project.files.has(file)) kinds.set(file, '__init__');
    }
    return { files: kinds.keys(), check: (file) => checkFile(file, kinds.get(file)!) };

    function checkFile(file: string, kind: ModuleKind): Finding[] {
      const parsed = context.file(file);
      const scope = parsed ? project.scopeOfFile(file) : undefined;
      if (!parsed || !scope || !parsed.text.includes('get_user_model')) return [];
      const out: Finding[] = [];
      const relationTargets = new Set<number>();
      for (const model of project.models) {
        if (model.file !== file) continue;
        for (const r of model.facts?.relations ?? []) if (r.target.kind === 'get_user_model') relationTargets.add(r.target.span.start);
      }
      // The user model's own module: its class is registered when its class statement ends.
      const userModel = user?.target?.facts && user.target.file === file ? user.target.facts : undefined;
      for (const { call, guards, caught, onlyIf } of importTimeCalls(parsed.module.statements, scope)) {
        const runs = guardsHold(guards, scope, project.conditions);
        if (runs === false || caught) continue;
        let severity: Finding['severity'];
        let consequence: string;
        if (kind !== 'models') {
          severity = 'error';
          consequence = `${kind === 'settings' ? 'a settings module' : kind === 'apps.py' ? 'an apps.py module' : "an app's __init__.py"} is imported before the app registry knows any app, and Django fails with \`AppRegistryNotReady: Apps aren't loaded yet.\``;
        } else if (userModel && call.span.start < userModel.span.end) {
          severity = 'error';
          consequence = `\`${user!.value}\` is defined in this module, by the class statement below, so Django fails with \`ImproperlyConfigured: AUTH_USER_MODEL refers to model '${user!.value}' that has not been installed\``;
        } else if (relationTargets.has(call.span.start)) {
          severity = 'information';
          consequence = `it works, whatever the order of INSTALLED_APPS (Django imports the user model's app on demand), but it is eager: an import cycle with the module that defines the user model can make it fail`;
        } else {
          // `User = get_user_model()` in a models module: works, and is common practice.
          continue;
        }
        const isTarget = relationTargets.has(call.span.start);
        const expression = isTarget && user ? settingExpression(context, parsed, user) : undefined;
        const condition = runs === undefined ? guards.map((g) => `${g.holds ? '' : 'not '}${testText(g.test, scope)}`).join(' and ') : undefined;
        out.push({
          file,
          span: call.span,
          severity,
          message: `\`get_user_model()\` runs at import time here: ${consequence}${consequence.endsWith('.`') ? '' : '.'}${isTarget ? ' A relation field only needs `settings.AUTH_USER_MODEL`.' : ' Call it inside the function that needs the model.'}`,
          fix: expression
            ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file, span: call.span, newText: expression.text }, ...expression.edits] }
            : undefined,
          unverified: condition ? `the call runs only when \`${condition}\` holds, which djswap cannot tell` : onlyIf,
        });
      }
      return out;
    }
  },
};

interface ImportTimeCall {
  call: Extract<PyExpr, { k: 'call' }>;
  /** The `if` tests it sits under. */
  guards: Guard[];
  /** Inside a `try` whose handler catches what Django raises. */
  caught: boolean;
  /** It runs only on some other condition djswap does not follow (an exception handler). */
  onlyIf?: string;
}

/** What Django raises here (AppRegistryNotReady, ImproperlyConfigured), and the handlers that catch them. */
const CATCHING = /^(Exception|BaseException|(django\.core\.exceptions\.)?(AppRegistryNotReady|ImproperlyConfigured))$/;

/** Calls of get_user_model() that run when the module is imported: not inside a function body. */
function importTimeCalls(statements: PyStatement[], scope: ModuleScope): ImportTimeCall[] {
  const out: ImportTimeCall[] = [];
  const catches = (types: PyExpr | null): boolean => {
    if (!types) return true;
    const names = types.k === 'tuple' ? types.items : [types];
    return names.some((n) => CATCHING.test(scope.qualify(n) ?? (n.k === 'name' ? n.id : '')));
  };
  const visit = (list: PyStatement[], guards: Guard[], caught: boolean, onlyIf: string | undefined) => {
    for (const s of list) {
      for (const expr of statementExprs(s)) {
        forEachExpr(expr, (e) => {
          if (e.k === 'call') {
            const callee = scope.qualify(e.fn);
            if (callee && GET_USER_MODEL.has(callee)) out.push({ call: e, guards, caught, onlyIf });
          }
        });
      }
      for (const block of nestedBlocks(s, IMPORT_TIME_CODE)) {
        if (block.part === 'if' || block.part === 'else') visit(block.statements, [...guards, { test: block.test, holds: block.part === 'if' }], caught, onlyIf);
        else if (block.part === 'try' && s.kind === 'try') visit(block.statements, guards, caught || s.handlers.some((h) => catches(h.types)), onlyIf);
        else if (block.part === 'except') visit(block.statements, guards, caught, onlyIf ?? 'the call runs only when an exception is handled');
        else visit(block.statements, guards, caught, onlyIf);
      }
    }
  };
  visit(statements, [], false, undefined);
  return out.sort((a, b) => a.call.span.start - b.call.span.start);
}
