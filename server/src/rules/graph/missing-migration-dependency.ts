import { splitKey } from '../../django/graph';
import { dependencySpan } from '../fix';
import type { Finding, Rule } from '../types';
import { hintFor } from './graph-findings';

export const missingMigrationDependency: Rule = {
  code: 'SWP301',
  name: 'missing-migration-dependency',
  summary: 'A dependency names a migration that does not exist (NodeNotFoundError)',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags an entry of a migration's \`dependencies\` that names a migration the graph does not have: a
typo, a migration deleted or renamed, or a squashed migration's replaced
migrations removed too early. When an installed app's label is only guessed (djswap cannot read the app), a
dependency on a label that matches no installed app is not reported: the unread app may have that label.`,
    whyIsThisBad: `Django checks every edge before it runs anything: \`migrate\` and \`makemigrations\` fail with
\`NodeNotFoundError: Migration blog.0002_post_slug dependencies reference nonexistent parent node ('blog',
'0001_inital')\`. (A \`__first__\` dependency on an app that is not installed is SWP305.)`,
    example: `dependencies = [
    ("blog", "0001_inital"),
]`,
    useInstead: `dependencies = [
    ("blog", "0001_initial"),
]`,
    fixSafety: `No fix; the message names the closest existing migration of that app when there is one.`,
    references: [{ title: 'Django: Migration dependencies', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies' }],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'missing-parent') continue;
      const origin = project.migrations.get(problem.origin);
      if (!origin?.file || origin.origin !== 'workspace') continue;
      const app = splitKey(problem.missing)[0];
      const uncertainty = project.labelUncertainty(app);
      const hint = hintFor(project, app, splitKey(problem.missing)[1]);
      const message = `Django fails with \`NodeNotFoundError: ${problem.message}\`${hint}${hint.endsWith('?') ? '' : '.'}`;
      findings.push({
        file: origin.file,
        span: dependencySpan(origin, problem.index),
        severity: 'error',
        message,
        unverified: uncertainty ? `\`${app}\` matches no installed app, ${uncertainty}` : undefined,
      });
    }
    return findings;
  },
};

