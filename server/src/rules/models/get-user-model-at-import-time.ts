import * as path from 'node:path';
import { forEachExpr, statementExprs, type PyExpr, type PyStatement } from '../../syntax/python';
import { GET_USER_MODEL } from '../../django/knowledge';
import type { ModuleScope } from '../../django/modules';
import { settingExpression } from '../common';
import type { Finding, Rule, Severity } from '../types';

export const getUserModelAtImportTime: Rule = {
  code: 'SWP103',
  name: 'get-user-model-at-import-time',
  summary: '`get_user_model()` runs while Django is still loading apps',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: {
    whatItDoes: `Flags \`get_user_model()\` called at import time — at module level or in a class body — in modules
Django imports before the app registry is ready: settings modules, \`apps.py\` and the \`__init__.py\` of installed
apps (an **error**), and models modules (**information**, or an **error** when the module's app comes before the
user model's app in \`INSTALLED_APPS\`).`,
    whyIsThisBad: `\`get_user_model()\` asks the app registry for the model \`AUTH_USER_MODEL\` names. In settings,
\`apps.py\` or an app's \`__init__.py\` the registry is not populated yet: \`AppRegistryNotReady: Apps aren't loaded
yet.\` While models modules are imported, Django (since 1.11) returns the model if its module was already
imported — which depends on the order of \`INSTALLED_APPS\` and on import cycles; otherwise
\`ImproperlyConfigured: AUTH_USER_MODEL refers to model '...' that has not been installed\`. A relation field
does not need the class at all: the setting's string is enough.`,
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
    const userApp = user?.value?.split('.')[0];
    const order = project.apps.map((a) => a.label);
    const appPackages = new Set(project.apps.filter((a) => a.dir).map((a) => path.join(a.dir!, '__init__.py')));
    const kinds = new Map<string, 'settings' | 'apps.py' | 'models' | '__init__'>();
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

    function checkFile(file: string, kind: 'settings' | 'apps.py' | 'models' | '__init__'): Finding[] {
      const parsed = context.file(file);
      const scope = parsed ? project.scopeOfFile(file) : undefined;
      if (!parsed || !scope || !parsed.text.includes('get_user_model')) return [];
      const out: Finding[] = [];
      const relationTargets = new Map<number, boolean>();
      for (const model of project.models) {
        if (model.file !== file) continue;
        for (const r of model.facts?.relations ?? []) if (r.target.kind === 'get_user_model') relationTargets.set(r.target.span.start, true);
      }
      const fileApp = project.appOfFile(file)?.label;
      for (const call of importTimeCalls(parsed.module.statements, scope)) {
        let severity: Severity;
        let consequence: string;
        if (kind !== 'models') {
          severity = 'error';
          consequence = `${kind === 'settings' ? 'a settings module' : kind === 'apps.py' ? 'an apps.py module' : "an app's __init__.py"} is imported before the app registry is ready: Django fails with \`AppRegistryNotReady: Apps aren't loaded yet\``;
        } else if (fileApp && userApp && fileApp !== userApp && order.includes(userApp) && order.indexOf(fileApp) < order.indexOf(userApp)) {
          severity = 'error';
          consequence = `\`${fileApp}\` comes before \`${userApp}\` in INSTALLED_APPS, so its models are imported first and Django fails with \`ImproperlyConfigured: AUTH_USER_MODEL refers to model '${user?.value}' that has not been installed\``;
        } else {
          severity = 'information';
          consequence = `it works only because \`${userApp ?? 'the user app'}\`'s models are imported first; it is eager and breaks with a reordered INSTALLED_APPS or an import cycle`;
        }
        const isTarget = relationTargets.has(call.span.start);
        const expression = isTarget && user ? settingExpression(context, parsed, user) : undefined;
        out.push({
          file,
          span: call.span,
          severity,
          message: `\`get_user_model()\` runs at import time here: ${consequence}.${isTarget ? ' A relation field only needs `settings.AUTH_USER_MODEL`.' : ' Call it inside the function that needs the model.'}`,
          fix: expression
            ? { title: `Replace with ${expression.text}`, safe: true, edits: [{ file, span: call.span, newText: expression.text }, ...expression.edits] }
            : undefined,
        });
      }
      return out;
    }
  },
};

/** Calls of get_user_model() that run when the module is imported: not inside a function body. */
function importTimeCalls(statements: PyStatement[], scope: ModuleScope): Extract<PyExpr, { k: 'call' }>[] {
  const out: Extract<PyExpr, { k: 'call' }>[] = [];
  const visit = (list: PyStatement[]) => {
    for (const s of list) {
      for (const expr of statementExprs(s)) {
        forEachExpr(expr, (e) => {
          if (e.k === 'call') {
            const callee = scope.qualify(e.fn);
            if (callee && GET_USER_MODEL.has(callee)) out.push(e);
          }
        });
      }
      if (s.kind === 'class' || s.kind === 'block') visit(s.body);
      else if (s.kind === 'if') {
        visit(s.body);
        visit(s.orelse);
      } else if (s.kind === 'try') {
        visit(s.body);
        for (const h of s.handlers) visit(h.body);
        visit(s.orelse);
        visit(s.finalbody);
      }
    }
  };
  visit(statements);
  return out.sort((a, b) => a.span.start - b.span.start);
}
