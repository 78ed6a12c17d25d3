import { splitKey, type EdgeOrigin, type GraphProblem, type MigrationKey } from '../../django/graph';
import type { DjangoProject } from '../../django/project';
import type { Span } from '../../syntax/tree';
import { dependencySpan, runBeforeSpan } from '../fix';
import { closestName } from '../text-distance';
import type { RelatedInformation, RuleContext } from '../types';

/** Where an edge was declared: the dependency or run_before entry, in a file of the workspace. */
export function edgeLocation(project: DjangoProject, origin: EdgeOrigin): { file: string; span: Span } | undefined {
  const migration = project.migrations.get(origin.declaredIn);
  if (!migration?.file || migration.origin !== 'workspace') return undefined;
  const span = origin.kind === 'run_before' ? runBeforeSpan(migration, origin.index) : dependencySpan(migration, origin.index);
  return { file: migration.file, span };
}

export interface CycleEdge {
  child: MigrationKey;
  parent: MigrationKey;
  origin: EdgeOrigin;
}

/** The edges of a cycle in Django's order: each member is a child of the one before it. */
export function cycleEdges(project: DjangoProject, problem: Extract<GraphProblem, { kind: 'cycle' }>): CycleEdge[] {
  const members = problem.members;
  const out: CycleEdge[] = [];
  for (let i = 0; i < members.length; i++) {
    const parent = members[i];
    const child = members[(i + 1) % members.length];
    const origin = project.graph.edge(child, parent);
    if (origin) out.push({ child, parent, origin });
  }
  return out;
}

export function isSwappableCycle(edges: CycleEdge[]): boolean {
  return edges.some((e) => e.origin.kind === 'swappable' || e.origin.kind === 'run_before');
}

export function describeEdge(edge: CycleEdge): string {
  if (edge.origin.kind === 'run_before') return `${edge.parent} has run_before ${edge.child}`;
  if (edge.origin.kind === 'swappable') return `${edge.child} depends on ${edge.parent} (swappable_dependency(settings.${edge.origin.setting}))`;
  return `${edge.child} depends on ${edge.parent}`;
}

export function edgesRelated(project: DjangoProject, edges: CycleEdge[]): RelatedInformation[] {
  const out: RelatedInformation[] = [];
  for (const edge of edges) {
    const location = edgeLocation(project, edge.origin);
    if (location) out.push({ ...location, message: describeEdge(edge) });
  }
  return out;
}

/** What a dependency on a migration that does not exist probably meant. */
export function hintFor(project: RuleContext['project'], app: string, name: string): string {
  const installed = project.appsByLabel.get(app);
  if (!installed) {
    const uncertainty = project.labelUncertainty(app);
    return uncertainty ? ` — \`${app}\` matches no installed app, ${uncertainty}` : `: \`${app}\` is not in INSTALLED_APPS`;
  }
  const names = project.graph.appNodes(app).map((k) => splitKey(k)[1]);
  if (names.length === 0) return `: \`${app}\` has no migrations`;
  const closest = closestName(name, names);
  return closest ? ` — did you mean \`${closest}\`?` : ` (\`${app}\` has ${names.length} migrations, the last is \`${names[names.length - 1]}\`)`;
}
