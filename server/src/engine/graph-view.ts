import * as path from 'node:path';
import { splitKey, type MigrationKey } from '../django/graph';
import type { DjangoProject } from '../django/project';
import type { EngineDiagnostic } from './workspace';

/**
 * A picture of the migration graph, or of the part around an app or a migration: nodes grouped by
 * app, swappable and run_before edges drawn apart, and every problem the rules found marked on the
 * nodes and edges involved. Rendered as DOT, Mermaid or (through Graphviz in WebAssembly) SVG.
 */

export interface GraphViewOptions {
  app?: string;
  around?: MigrationKey;
  /** How many dependency steps around `around` (or around the app) to show. */
  depth?: number;
  /** Fold runs of plain migrations (default true). */
  collapse?: boolean;
}

export interface ViewNode {
  id: string;
  app: string;
  label: string;
  kind: 'migration' | 'missing' | 'collapsed';
  key?: MigrationKey;
  applied?: boolean;
  focus?: boolean;
  problems: string[];
  file?: string;
  line?: number;
  /** For collapsed runs: the keys folded into this node. */
  folded?: MigrationKey[];
}

export interface ViewEdge {
  /** The migration that runs first. */
  from: string;
  to: string;
  kind: 'dependency' | 'swappable' | 'run_before' | 'needed';
  label?: string;
  problem?: string;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  title: string;
}

const id = (key: string) => key.replace(/[^A-Za-z0-9_]/g, '_');

export function buildGraphView(project: DjangoProject, diagnostics: EngineDiagnostic[], options: GraphViewOptions = {}): GraphView {
  const graph = project.graph;
  const applied = project.history ? new Set(project.history.applied) : undefined;
  const problems = new Map<MigrationKey, string[]>();
  const edgeProblems = new Map<string, string>();
  const extraEdges: ViewEdge[] = [];
  const missing = new Map<MigrationKey, string>();
  const note = (key: MigrationKey, message: string) => problems.set(key, [...(problems.get(key) ?? []), message]);

  for (const problem of graph.problems) {
    if (problem.kind === 'cycle') {
      for (let i = 0; i < problem.members.length; i++) {
        const parent = problem.members[i];
        const child = problem.members[(i + 1) % problem.members.length];
        edgeProblems.set(`${parent}>${child}`, `cycle: ${problem.message}`);
        note(parent, `in a cycle: ${problem.message}`);
      }
    } else if (problem.kind === 'conflict') {
      for (const leaf of problem.leaves) note(leaf, `one of ${problem.leaves.length} leaves of ${problem.app}: run makemigrations --merge`);
    } else if (problem.kind === 'missing-parent' || problem.kind === 'missing-child') {
      missing.set(problem.missing, problem.message);
      const edge: ViewEdge =
        problem.kind === 'missing-parent'
          ? { from: problem.missing, to: problem.origin, kind: 'dependency', problem: problem.message }
          : { from: problem.origin, to: problem.missing, kind: 'run_before', problem: problem.message };
      extraEdges.push(edge);
    }
  }
  for (const d of diagnostics) {
    const migration = project.migrationOfFile(d.file);
    if (!migration) continue;
    if (d.code === 'SWP201') {
      const consumer = /run before `([\w.]+)`/.exec(d.message)?.[1];
      if (consumer) extraEdges.push({ from: migration.key, to: consumer, kind: 'needed', label: 'run_before needed', problem: d.message });
    }
    if (['SWP201', 'SWP202', 'SWP203', 'SWP205', 'SWP301', 'SWP303', 'SWP304', 'SWP305', 'SWP306'].includes(d.code)) note(migration.key, `${d.code}: ${d.message}`);
  }
  if (applied) {
    for (const key of applied) {
      if (!graph.nodes.has(key)) continue;
      for (const parent of graph.parents(key)) {
        if (applied.has(parent)) continue;
        edgeProblems.set(`${parent}>${key}`, `Migration ${key} is applied before its dependency ${parent}`);
        note(key, `InconsistentMigrationHistory: Migration ${key} is applied before its dependency ${parent} on database 'default'.`);
      }
    }
  }

  // Which nodes to show.
  let keys: Set<MigrationKey>;
  const depth = options.depth ?? 2;
  if (options.around) {
    const start = graph.canonical(options.around) ?? options.around;
    keys = neighbourhood(project, [start], depth);
  } else if (options.app) {
    const own = graph.appNodes(options.app);
    keys = new Set(own);
    for (const key of own) {
      for (const p of graph.parents(key)) keys.add(p);
      for (const c of graph.children(key)) keys.add(c);
    }
  } else keys = new Set(graph.nodes.keys());
  for (const e of extraEdges) {
    if (keys.has(e.from) || keys.has(e.to)) {
      if (graph.nodes.has(e.from)) keys.add(e.from);
      if (graph.nodes.has(e.to)) keys.add(e.to);
    }
  }

  const nodes = new Map<string, ViewNode>();
  for (const key of [...keys].sort()) {
    const [app, name] = splitKey(key);
    const migration = project.migrations.get(key);
    const parsed = migration?.file ? project.scopeOfFile(migration.file)?.file : undefined;
    nodes.set(key, {
      id: id(key),
      app,
      label: name,
      kind: 'migration',
      key,
      applied: applied ? applied.has(key) : undefined,
      focus: options.around ? key === (graph.canonical(options.around) ?? options.around) : undefined,
      problems: problems.get(key) ?? [],
      file: migration?.file,
      line: parsed && migration?.classNameSpan ? parsed.lines.position(migration.classNameSpan.start).line + 1 : undefined,
    });
  }
  for (const [key, message] of missing) {
    if (![...extraEdges].some((e) => (e.from === key || e.to === key) && (nodes.has(e.from) || nodes.has(e.to)))) continue;
    const [app, name] = splitKey(key);
    nodes.set(key, { id: id(key), app, label: name, kind: 'missing', key, problems: [message] });
  }

  const edges: ViewEdge[] = [];
  for (const [child, parents] of graph.edges) {
    if (!nodes.has(child)) continue;
    for (const [parent, origin] of parents) {
      if (!nodes.has(parent)) continue;
      const state = origin.setting ? project.swappable(origin.setting) : undefined;
      edges.push({
        from: parent,
        to: child,
        kind: origin.kind,
        label: origin.kind === 'swappable' ? `${origin.setting} → ${state?.value ?? '?'}` : origin.kind === 'run_before' ? 'run_before' : undefined,
        problem: edgeProblems.get(`${parent}>${child}`),
      });
    }
  }
  for (const e of extraEdges) if (nodes.has(e.from) && nodes.has(e.to)) edges.push(e);

  const view: GraphView = {
    nodes: [...nodes.values()],
    edges,
    title: options.around ? `around ${options.around}` : options.app ? `app ${options.app}` : `${path.basename(project.config.root)}: ${project.graph.nodes.size} migrations`,
  };
  return options.collapse === false ? view : collapseChains(view);
}

function neighbourhood(project: DjangoProject, starts: MigrationKey[], depth: number): Set<MigrationKey> {
  const seen = new Set<MigrationKey>(starts.filter((s) => project.graph.nodes.has(s)));
  let frontier = [...seen];
  for (let d = 0; d < depth; d++) {
    const next: MigrationKey[] = [];
    for (const key of frontier) {
      for (const n of [...project.graph.parents(key), ...project.graph.children(key)]) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Folds runs of three or more plain migrations of one app (one way in, one way out) into one node. */
export function collapseChains(view: GraphView): GraphView {
  const incoming = new Map<string, ViewEdge[]>();
  const outgoing = new Map<string, ViewEdge[]>();
  for (const e of view.edges) {
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
    outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  }
  const byKey = new Map(view.nodes.map((n) => [n.key ?? n.id, n]));
  const plain = (n: ViewNode) => {
    const ins = incoming.get(n.key!) ?? [];
    const outs = outgoing.get(n.key!) ?? [];
    return (
      n.kind === 'migration' &&
      !n.focus &&
      n.problems.length === 0 &&
      ins.length === 1 &&
      outs.length === 1 &&
      ins[0].kind === 'dependency' &&
      outs[0].kind === 'dependency' &&
      !ins[0].problem &&
      !outs[0].problem &&
      byKey.get(ins[0].from)?.app === n.app &&
      byKey.get(outs[0].to)?.app === n.app &&
      (n.applied === undefined || n.applied === byKey.get(ins[0].from)?.applied)
    );
  };
  const folded = new Map<string, string>(); // key -> collapsed id
  const nodes: ViewNode[] = [];
  const visited = new Set<string>();
  for (const node of view.nodes) {
    const key = node.key ?? node.id;
    if (visited.has(key)) continue;
    if (!plain(node)) {
      nodes.push(node);
      visited.add(key);
      continue;
    }
    // A run is followed from its first node, the one whose predecessor is not plain.
    if (plain(byKey.get(incoming.get(key)![0].from)!)) continue;
    const run: ViewNode[] = [];
    let current: ViewNode | undefined = node;
    while (current && plain(current) && !visited.has(current.key!)) {
      run.push(current);
      visited.add(current.key!);
      current = byKey.get(outgoing.get(current.key!)![0].to);
    }
    if (run.length < 3) {
      nodes.push(...run);
      continue;
    }
    const collapsedId = `${run[0].id}__${run.length}`;
    for (const n of run) folded.set(n.key!, collapsedId);
    nodes.push({
      id: collapsedId,
      app: node.app,
      label: `… ${run.length} migrations (${run[0].label.slice(0, 4)}–${run[run.length - 1].label.slice(0, 4)})`,
      kind: 'collapsed',
      applied: run[0].applied,
      problems: [],
      folded: run.map((n) => n.key!),
    });
  }
  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const e of view.edges) {
    const from = folded.get(e.from) ?? e.from;
    const to = folded.get(e.to) ?? e.to;
    if (from === to) continue;
    const key = `${from}>${to}>${e.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ ...e, from, to });
  }
  const ids = new Map(nodes.map((n) => [n.key ?? n.id, n.id]));
  for (const n of nodes) if (n.kind === 'collapsed') ids.set(n.id, n.id);
  return { ...view, nodes, edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}

// ---- renderers ---------------------------------------------------------------------------------

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function nodeId(view: GraphView, key: string): string {
  const node = view.nodes.find((n) => n.key === key || n.id === key);
  return node ? node.id : id(key);
}

export function toDot(view: GraphView): string {
  const lines = ['digraph migrations {', `  label=${quote(view.title)};`, '  labelloc=t;', '  rankdir=TB;', '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  const apps = [...new Set(view.nodes.map((n) => n.app))].sort();
  for (const app of apps) {
    lines.push(`  subgraph ${quote(`cluster_${app}`)} {`, `    label=${quote(app)};`, '    style="rounded";', '    color="#999999";');
    for (const n of view.nodes.filter((node) => node.app === app)) {
      const attrs: string[] = [`label=${quote(n.label)}`, `id=${quote(n.key ?? n.id)}`];
      if (n.kind === 'missing') attrs.push('style="dashed"', 'color="#d32f2f"', 'fontcolor="#d32f2f"');
      else if (n.kind === 'collapsed') attrs.push('style="rounded,dashed"', 'color="#777777"');
      else if (n.problems.length > 0) attrs.push('color="#d32f2f"', 'penwidth=2');
      if (n.applied === true) attrs.push('fillcolor="#e8f5e9"');
      if (n.focus) attrs.push('penwidth=3');
      const tooltip = [n.key ?? n.label, ...(n.applied === undefined ? [] : [n.applied ? 'applied' : 'not applied']), ...n.problems].join('\n');
      attrs.push(`tooltip=${quote(tooltip)}`);
      if (n.file) attrs.push(`URL=${quote(`${n.file}#L${n.line ?? 1}`)}`);
      lines.push(`    ${n.id} [${attrs.join(', ')}];`);
    }
    lines.push('  }');
  }
  for (const e of view.edges) {
    const attrs: string[] = [];
    if (e.kind === 'swappable') attrs.push('style=dashed', 'color="#1565c0"', 'fontcolor="#1565c0"');
    if (e.kind === 'run_before') attrs.push('style=dotted', 'color="#6a1b9a"', 'fontcolor="#6a1b9a"');
    if (e.kind === 'needed') attrs.push('style=dotted', 'color="#d32f2f"', 'fontcolor="#d32f2f"', 'penwidth=2');
    if (e.problem) attrs.push(...(e.kind === 'needed' ? [] : ['color="#d32f2f"', 'penwidth=2']), `tooltip=${quote(e.problem)}`);
    if (e.label) attrs.push(`label=${quote(e.label)}`);
    lines.push(`  ${nodeId(view, e.from)} -> ${nodeId(view, e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function toMermaid(view: GraphView): string {
  const text = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart TB', `  %% ${view.title}`];
  const apps = [...new Set(view.nodes.map((n) => n.app))].sort();
  for (const app of apps) {
    lines.push(`  subgraph ${id(`app_${app}`)}["${text(app)}"]`);
    for (const n of view.nodes.filter((node) => node.app === app)) {
      const shape = n.kind === 'missing' ? `{{"${text(n.label)} (missing)"}}` : n.kind === 'collapsed' ? `(["${text(n.label)}"])` : `["${text(n.label)}"]`;
      lines.push(`    ${n.id}${shape}`);
    }
    lines.push('  end');
  }
  view.edges.forEach((e) => {
    const arrow = e.kind === 'swappable' || e.kind === 'run_before' || e.kind === 'needed' ? '-.->' : '-->';
    lines.push(`  ${nodeId(view, e.from)} ${arrow}${e.label ? `|"${text(e.label)}"|` : ''} ${nodeId(view, e.to)}`);
  });
  lines.push('  classDef problem stroke:#d32f2f,stroke-width:2px;', '  classDef applied fill:#e8f5e9;', '  classDef missing stroke:#d32f2f,stroke-dasharray: 4 4;');
  const problem = view.nodes.filter((n) => n.problems.length > 0 && n.kind !== 'missing').map((n) => n.id);
  const appliedNodes = view.nodes.filter((n) => n.applied).map((n) => n.id);
  const missingNodes = view.nodes.filter((n) => n.kind === 'missing').map((n) => n.id);
  if (problem.length) lines.push(`  class ${problem.join(',')} problem;`);
  if (appliedNodes.length) lines.push(`  class ${appliedNodes.join(',')} applied;`);
  if (missingNodes.length) lines.push(`  class ${missingNodes.join(',')} missing;`);
  const problemEdges = view.edges.map((e, i) => (e.problem ? i : -1)).filter((i) => i >= 0);
  if (problemEdges.length) lines.push(`  linkStyle ${problemEdges.join(',')} stroke:#d32f2f,stroke-width:2px;`);
  return lines.join('\n') + '\n';
}

interface GraphvizModule {
  Graphviz: { load(): Promise<{ dot(source: string): string }> };
}

let graphviz: Promise<{ dot(source: string): string }> | undefined;

/** SVG rendered locally by Graphviz compiled to WebAssembly: no network, no system binary. */
export async function toSvg(view: GraphView): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  graphviz ??= (require('@hpcc-js/wasm-graphviz') as GraphvizModule).Graphviz.load();
  return (await graphviz).dot(toDot(view));
}

