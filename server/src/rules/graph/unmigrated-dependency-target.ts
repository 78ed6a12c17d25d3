import { describeSetting } from '../common';
import { classSpan, dependencySpan } from '../migration-edits';
import type { Finding, Rule } from '../types';

export const unmigratedDependencyTarget: Rule = {
  code: 'SWP305',
  name: 'unmigrated-dependency-target',
  summary: 'A dependency or a swappable setting points at an app without migrations',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a \`__first__\`, \`__latest__\` or swappable dependency on an app that has no migrations or is
not installed, and a swappable setting whose model lives in an app without a migrations package (a missing
\`migrations/__init__.py\` counts: Django then treats the folder as a namespace package and the app as
unmigrated).`,
    whyIsThisBad: `Django raises \`ValueError: Dependency on app with no migrations: users\` (or \`Dependency on unknown
app\`) for a migrated app without migrations. For an *unmigrated* app it is worse: the loader drops the dependency
silently, \`migrate\` never creates the app's tables, and the first query fails with \`OperationalError: no such
table: users_user\` — while admin's and your apps' tables hold foreign keys to it.`,
    example: `# settings.py
AUTH_USER_MODEL = "users.User"
# users/migrations/ does not exist (or has no __init__.py)`,
    useInstead: `python manage.py makemigrations users   # creates users/migrations/0001_initial.py`,
    fixSafety: `No fix: create the app's migrations with \`makemigrations\` (and, for a missing \`__init__.py\`, add the
empty file first).`,
    references: [
      { title: 'Django: Adding migrations to apps', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#adding-migrations-to-apps' },
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    const coveredApps = new Set<string>();
    for (const state of project.swappables) {
      if (!state.inUse || !state.targetApp || state.targetApp.migrations !== 'none' || !state.assignment) continue;
      const app = state.targetApp;
      coveredApps.add(app.label);
      const dependents: string[] = [];
      for (const problem of project.graph.problems) {
        if (problem.kind === 'unmigrated-dependency' && problem.app === app.label) dependents.push(problem.origin);
      }
      const table = `${app.label}_${state.value!.split('.')[1].toLowerCase()}`;
      findings.push({
        file: state.assignment.location.file,
        span: state.assignment.valueSpan,
        severity: 'error',
        message:
          `${describeSetting(context, state)}, but \`${app.label}\` is unmigrated (${app.migrationsNote ?? 'no migrations package'}): ` +
          `Django drops the ("${app.label}", "__first__") dependencies silently and \`migrate\` never creates \`${table}\`` +
          (dependents.length > 0 ? `, although ${[...new Set(dependents)].map((d) => `\`${d}\``).join(', ')} point${dependents.length === 1 ? 's' : ''} at it` : '') +
          `: \`OperationalError: no such table: ${table}\` at run time. Run \`python manage.py makemigrations ${app.label}\`.`,
        related: [...new Set(dependents)].flatMap((key) => {
          const m = project.migrations.get(key);
          return m?.file ? [{ file: m.file, span: classSpan(m), message: `${key} depends on ${app.label} through swappable_dependency` }] : [];
        }),
      });
    }
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'unmigrated-dependency' || problem.via !== 'dependency') continue;
      if (problem.reason === 'unmigrated' && coveredApps.has(problem.app)) continue;
      const origin = project.migrations.get(problem.origin);
      if (!origin?.file || origin.origin !== 'workspace') continue;
      const entry = origin.dependencies?.entries[problem.index];
      const written = entry?.kind === 'key' ? `("${entry.app}", "${entry.name}")` : entry ? 'this swappable dependency' : 'a dependency';
      const uncertainty = problem.reason === 'unknown-app' ? project.labelUncertainty(problem.app) : undefined;
      const message =
        problem.reason === 'unmigrated'
          ? `${written} points at \`${problem.app}\`, an app without migrations: Django drops the dependency silently, and \`migrate\` never creates ${problem.app}'s tables.`
          : `Django fails with \`ValueError: ${problem.message}\`${problem.reason === 'unknown-app' ? (uncertainty ? ` — ${uncertainty}` : ` (\`${problem.app}\` is not in INSTALLED_APPS)`) : ''}.`;
      findings.push({
        file: origin.file,
        span: dependencySpan(origin, problem.index),
        severity: problem.reason === 'unmigrated' || uncertainty ? 'warning' : 'error',
        message,
      });
    }
    return findings;
  },
};
