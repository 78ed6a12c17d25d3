import { splitKey } from '../../django/graph';
import { classSpan } from '../fix';
import type { Finding, Rule } from '../types';

export const conflictingMigrations: Rule = {
  code: 'SWP303',
  name: 'conflicting-migrations',
  summary: 'An app has more than one leaf migration (makemigrations --merge needed)',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags an app whose migration graph has two or more leaves — typically two branches that each added
a \`0002\` migration. One finding per app, on the first leaf by name; the other leaves are related information.
Only the literal edges count as proof: an app with a dependency list djswap cannot read in full (\`[...] + EXTRA\`,
an entry built at run time, \`self.dependencies\` set in \`__init__\`) has edges it cannot see, and gets no finding.`,
    whyIsThisBad: `Django refuses to migrate until the branches are merged: \`CommandError: Conflicting migrations
detected; multiple leaf nodes in the migration graph: (0002_post_slug, 0002_post_summary in blog). To fix them run
'python manage.py makemigrations --merge'\`.`,
    example: `# blog/migrations/0002_post_slug.py     dependencies = [("blog", "0001_initial")]
# blog/migrations/0002_post_summary.py  dependencies = [("blog", "0001_initial")]`,
    useInstead: `# blog/migrations/0003_merge.py
dependencies = [("blog", "0002_post_slug"), ("blog", "0002_post_summary")]`,
    fixSafety: `No fix: run \`python manage.py makemigrations --merge\`, which checks that the branches do not touch
the same fields.`,
    references: [{ title: 'Django: Version control and merging migrations', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#version-control' }],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'conflict') continue;
      const leaves = problem.leaves.map((k) => project.migrations.get(k)).filter((m) => m?.file && m.origin === 'workspace');
      if (leaves.length === 0) continue;
      const [first, ...others] = leaves;
      // Point at the entry where the branch leaves the common history (its parent in the same app).
      const span = (m: NonNullable<(typeof leaves)[number]>) => {
        const index = (m.dependencies?.entries ?? []).findIndex((e) => e.kind === 'key' && e.app === m.app);
        return index >= 0 ? m.dependencies!.entries[index].span : classSpan(m);
      };
      findings.push({
        file: first!.file!,
        span: span(first!),
        severity: 'error',
        message: `Django fails with \`CommandError: ${problem.message.replace('\n', ' ')}\``,
        related: others.map((m) => ({ file: m!.file!, span: span(m!), message: `${splitKey(m!.key)[1]} is another leaf of ${problem.app}` })),
      });
    }
    return findings;
  },
};
