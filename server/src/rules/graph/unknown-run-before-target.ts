import { splitKey } from '../../django/graph';
import { runBeforeSpan } from '../fix';
import { hintFor } from './graph-findings';
import type { Finding, Rule } from '../types';

export const unknownRunBeforeTarget: Rule = {
  code: 'SWP304',
  name: 'unknown-run-before-target',
  summary: '`run_before` names a migration that does not exist',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags an entry of a migration's \`run_before\` that names a migration the graph does not have —
often \`("oauth2_provider", "0001_initial")\` with a typo, or a package version whose first migration has another
name.`,
    whyIsThisBad: `Django fails while building the graph: \`NodeNotFoundError: Migration oauthapp.0001_initial
dependencies reference nonexistent child node ('oauth2_provider', '0001_inital')\`. And the ordering the
\`run_before\` was there to guarantee is not there.`,
    example: `run_before = [
    ("oauth2_provider", "0001_inital"),
]`,
    useInstead: `run_before = [
    ("oauth2_provider", "0001_initial"),
]`,
    fixSafety: `No fix; the message names the closest existing migration of that app when there is one.`,
    references: [{ title: 'Django: Controlling the order of migrations', url: 'https://docs.djangoproject.com/en/stable/howto/writing-migrations/#controlling-the-order-of-migrations' }],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const problem of project.graph.problems) {
      const isRunBefore = problem.kind === 'missing-child' || (problem.kind === 'unmigrated-dependency' && problem.via === 'run_before' && problem.reason !== 'unmigrated');
      if (!isRunBefore) continue;
      const origin = project.migrations.get(problem.origin);
      if (!origin?.file || origin.origin !== 'workspace') continue;
      const hint = problem.kind === 'missing-child' ? hintFor(project, ...splitKey(problem.missing)) : '';
      const message =
        problem.kind === 'missing-child'
          ? `Django fails with \`NodeNotFoundError: ${problem.message}\`${hint}${hint.endsWith('?') ? '' : '.'}`
          : `Django fails with \`ValueError: ${problem.message}\` (in run_before).`;
      findings.push({ file: origin.file, span: runBeforeSpan(origin, problem.index), severity: 'error', message });
    }
    return findings;
  },
};
