import { cycleEdges, describeEdge, edgeLocation, edgesRelated, isSwappableCycle } from '../graph/graph-findings';
import type { Finding, Rule } from '../types';

export const swappableDependencyCycle: Rule = {
  code: 'SWP205',
  name: 'swappable-dependency-cycle',
  summary: "A replacement model's first migration depends, through others, on the swappable dependency it provides",
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags a migration cycle that goes through a swappable dependency or a \`run_before\`: typically the
first migration of the custom user app depends on another app's migration which itself depends on
\`swappable_dependency(settings.AUTH_USER_MODEL)\` — that is, on the user app's first migration again. It is
reported instead of SWP302, on the edge that closes the cycle: a \`run_before\` entry when there is one (makemigrations
never writes those), else the swappable dependency.`,
    whyIsThisBad: `Django cannot order a cycle: every \`migrate\` and \`makemigrations\` fails with
\`CircularDependencyError\`. With swappable models it appears when the user model's app needs something that needs
the user model — a foreign key from the user to a model that itself points at \`AUTH_USER_MODEL\`, or a custom
django-oauth-toolkit model whose \`run_before\` target it also depends on.`,
    example: `# users/migrations/0001_initial.py
dependencies = [("teams", "0001_initial")]  # teams.0001 has swappable_dependency(settings.AUTH_USER_MODEL)`,
    useInstead: `# users/migrations/0001_initial.py: create the user model first, add the relation later
dependencies = []
# users/migrations/0002_user_team.py
dependencies = [("users", "0001_initial"), ("teams", "0001_initial")]`,
    fixSafety: `No fix: break the cycle by moving the relation that needs the other app into a later migration of
the user app (an AddField in 0002), which is what makemigrations does when it splits a cycle.`,
    references: [
      { title: 'Django: Substituting a custom User model', url: 'https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model' },
      { title: 'Django: Migration dependencies', url: 'https://docs.djangoproject.com/en/stable/topics/migrations/#dependencies' },
    ],
  },
  check(context) {
    const { project } = context;
    const findings: Finding[] = [];
    for (const problem of project.graph.problems) {
      if (problem.kind !== 'cycle') continue;
      const edges = cycleEdges(project, problem);
      if (!isSwappableCycle(edges)) continue;
      // Anchor on the edge a hand put there: a run_before (makemigrations never writes one), else
      // the swappable dependency that closes the cycle.
      const closing = edges.find((e) => e.origin.kind === 'run_before') ?? edges.find((e) => e.origin.kind === 'swappable')!;
      const provider = closing.parent;
      const anchor = edgeLocation(project, closing.origin) ?? edges.map((e) => edgeLocation(project, e.origin)).find(Boolean);
      if (!anchor) continue;
      const setting = closing.origin.setting;
      const state = setting ? project.swappable(setting) : undefined;
      const what = setting
        ? `\`${closing.child}\` depends on \`${provider}\`, the first migration of \`${state?.value?.split('.')[0] ?? provider.split('.')[0]}\` that \`swappable_dependency(settings.${setting})\` stands for, and \`${provider}\` depends back on it`
        : `\`${closing.parent}\` must run before \`${closing.child}\` (run_before), but it also depends on it`;
      findings.push({
        file: anchor.file,
        span: anchor.span,
        severity: 'error',
        message: `${what}: ${edges.map(describeEdge).join('; ')}. Django fails with \`CircularDependencyError: ${problem.message}\`.`,
        related: edgesRelated(project, edges).filter((r) => r.file !== anchor.file || r.span.start !== anchor.span.start),
      });
    }
    return findings;
  },
};
