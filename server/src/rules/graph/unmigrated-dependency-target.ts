import { describeSetting } from '../common';
import { classSpan, dependencySpan } from '../fix';
import type { Finding, Rule } from '../types';

export const unmigratedDependencyTarget: Rule = {
  code: 'SWP305',
  name: 'unmigrated-dependency-target',
  summary: 'A dependency or a swappable setting points at an app without migrations',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a swappable setting whose model lives in an app without a migrations package (a missing
\`migrations/__init__.py\` counts: Django then treats the folder as a namespace package and the app as
unmigrated), and a \`__first__\` or \`__latest__\` dependency on an app that is not installed or whose migrations
package is empty. A dependency on an installed app without a migrations package is not reported: Django drops it
without a word and \`migrate\` succeeds.`,
    whyIsThisBad: `For an app that is not installed, Django fails with \`ValueError: Dependency on unknown app: catalog\`;
for an app whose migrations package holds no migration, with \`ValueError: Dependency on app with no migrations:
catalog\`. For an app without a migrations package it says nothing: the loader drops the
dependency (\`MigrationLoader.check_key\`), \`migrate\` never creates the app's tables, and the first query fails
with \`OperationalError: no such table: users_user\` — while admin's and your apps' tables hold foreign keys to it.
Under test settings (found through pytest, tox or a test script) the test runner migrates with \`run_syncdb=True\`
and creates those tables itself: the finding is information there.`,
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
    const harness = project.config.testHarness;
    for (const state of project.swappables) {
      if (!state.inUse || !state.targetApp || state.targetApp.migrations !== 'none' || !state.assignment) continue;
      const app = state.targetApp;
      const dependents: string[] = [];
      for (const problem of project.graph.problems) {
        if (problem.kind === 'unmigrated-dependency' && problem.app === app.label) dependents.push(problem.origin);
      }
      const table = `${app.label}_${state.value!.split('.')[1].toLowerCase()}`;
      const dropped =
        `Django drops the ("${app.label}", "__first__") dependencies silently and \`migrate\` never creates \`${table}\`` +
        (dependents.length > 0 ? `, although ${[...new Set(dependents)].map((d) => `\`${d}\``).join(', ')} point${dependents.length === 1 ? 's' : ''} at it` : '');
      findings.push({
        file: state.assignment.location.file,
        span: state.assignment.valueSpan,
        // The test runner migrates with run_syncdb: it creates unmigrated apps' tables itself.
        severity: harness ? 'information' : 'error',
        message: harness
          ? `${describeSetting(context, state)}, and \`${app.label}\` is unmigrated (${app.migrationsNote ?? 'no migrations package'}): these are test settings, and the test runner creates \`${table}\` itself (it migrates with \`run_syncdb=True\`); \`manage.py migrate\` with them would not — ${dropped}.`
          : `${describeSetting(context, state)}, but \`${app.label}\` is unmigrated (${app.migrationsNote ?? 'no migrations package'}): ${dropped}: \`OperationalError: no such table: ${table}\` at run time. Run \`python manage.py makemigrations ${app.label}\`.`,
        related: [...new Set(dependents)].flatMap((key) => {
          const m = project.migrations.get(key);
          return m?.file ? [{ file: m.file, span: classSpan(m), message: `${key} depends on ${app.label} through swappable_dependency` }] : [];
        }),
      });
    }
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'unmigrated-dependency' || problem.via !== 'dependency') continue;
      // Django drops a dependency on an installed app without a migrations package (MigrationLoader.check_key)
      // and migrate succeeds (scenario dependency_on_unmigrated_app): nothing to report.
      if (problem.reason === 'unmigrated') continue;
      const origin = project.migrations.get(problem.origin);
      if (!origin?.file || origin.origin !== 'workspace') continue;
      const entry = origin.dependencies?.entries[problem.index];
      // A swappable setting naming an app that is not installed stops Django before the graph
      // (ImproperlyConfigured at setup): the setting's finding says it.
      if (problem.reason === 'unknown-app' && entry && (entry.kind === 'swappable' || entry.kind === 'swapper')) continue;
      const uncertainty = problem.reason === 'unknown-app' ? project.labelUncertainty(problem.app) : undefined;
      findings.push({
        file: origin.file,
        span: dependencySpan(origin, problem.index),
        severity: 'error',
        message:
          problem.reason === 'unknown-app'
            ? `Django fails with \`ValueError: ${problem.message}\`${uncertainty ? ` — \`${problem.app}\` matches no installed app, ${uncertainty}` : `: no installed app has the label \`${problem.app}\``}.`
            : `Django fails with \`ValueError: ${problem.message}\`.`,
        unverified: uncertainty ? `\`${problem.app}\` matches no installed app, ${uncertainty}` : undefined,
      });
    }
    return findings;
  },
};
