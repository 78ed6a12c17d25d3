import { cycleEdges, describeEdge, edgeLocation, edgesRelated, isSwappableCycle } from './graph-findings';
import type { Finding, Rule } from '../types';

export const circularMigrationDependency: Rule = {
  code: 'SWP302',
  name: 'circular-migration-dependency',
  summary: 'The migration graph has a cycle (CircularDependencyError)',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags each cycle in the migration graph, on the dependency entry that closes it, with the other
entries of the cycle as related information. Cycles through a swappable dependency or a \`run_before\` are
reported as SWP205 instead.`,
    whyIsThisBad: `Django builds the whole graph before it does anything: with a cycle, \`migrate\`,
\`makemigrations\` and \`showmigrations\` all fail with \`CircularDependencyError: blog.0001_initial,
shop.0001_initial\`.`,
    example: `# shop/migrations/0001_initial.py
dependencies = [("blog", "0001_initial")]
# blog/migrations/0001_initial.py
dependencies = [("shop", "0001_initial")]`,
    useInstead: `# shop/migrations/0001_initial.py: no dependency on blog
dependencies = []
# shop/migrations/0002_product_post.py: the relation to blog, added once blog exists
dependencies = [("shop", "0001_initial"), ("blog", "0001_initial")]`,
    fixSafety: `No fix: decide which relation moves into a later migration (an AddField), as makemigrations does when
it splits a cycle.`,
    references: [{ title: 'Django: Migration dependencies', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies' }],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'cycle') continue;
      const edges = cycleEdges(project, problem);
      if (isSwappableCycle(edges)) continue;
      // Django prints the members following dependents; the first edge is the one it met last.
      const anchorEdge = edges.find((e) => edgeLocation(project, e.origin));
      if (!anchorEdge) continue;
      const anchor = edgeLocation(project, anchorEdge.origin)!;
      findings.push({
        file: anchor.file,
        span: anchor.span,
        severity: 'error',
        message: `Circular migration dependency: ${edges.map(describeEdge).join('; ')}. Django fails with \`CircularDependencyError: ${problem.message}\`.`,
        related: edgesRelated(project, edges).filter((r) => r.file !== anchor.file || r.span.start !== anchor.span.start),
      });
    }
    return findings;
  },
};
