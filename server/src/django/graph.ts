/**
 * Django's migration graph, built with MigrationLoader.build_graph's rules
 * (django/db/migrations/loader.py and graph.py), from facts instead of imported modules.
 */
import { splitKey, keyOf, type EdgeOrigin, type GraphNode, type GraphNodeInput, type GraphOptions, type GraphProblem, type MigrationKey } from './graph-types';
import { cyclePath, stronglyConnected } from './graph-cycles';

export type { EdgeOrigin, GraphNodeInput, GraphOptions, GraphProblem, MigrationKey } from './graph-types';
export { keyOf, splitKey } from './graph-types';

export class MigrationGraph {
  readonly nodes = new Map<MigrationKey, GraphNode>();
  /** child → parent → how the edge came about. */
  readonly edges = new Map<MigrationKey, Map<MigrationKey, EdgeOrigin>>();
  readonly problems: GraphProblem[] = [];
  /** Replaced migration → the squashed migration that stands for it. */
  readonly replacedBy = new Map<MigrationKey, MigrationKey>();
  private plan?: MigrationKey[];
  /** GraphNode keys by app, so that per-app questions do not walk every node. */
  private readonly byApp = new Map<string, Set<MigrationKey>>();
  private readonly dummies = new Map<MigrationKey, { origin: MigrationKey; index: number; kind: 'parent' | 'child' }[]>();

  /** Apps with a migration whose dependencies are not all known. */
  private readonly partialApps = new Set<string>();

  constructor(
    inputs: GraphNodeInput[],
    private readonly options: GraphOptions,
  ) {
    const byKey = new Map<MigrationKey, GraphNodeInput>();
    for (const input of inputs) {
      if (input.partial) this.partialApps.add(input.app);
      const key = keyOf(input.app, input.name);
      byKey.set(key, input);
      this.nodes.set(key, { key, app: input.app, name: input.name, parents: new Set(), children: new Set() });
      let keys = this.byApp.get(input.app);
      if (!keys) this.byApp.set(input.app, (keys = new Set()));
      keys.add(key);
    }
    // Internal (same-app) dependencies first, so __first__ finds the right root (loader.add_internal_dependencies).
    for (const [key, input] of byKey) {
      input.dependencies.forEach((dependency, index) => {
        if (!dependency) return;
        const [app, name] = splitKey(dependency.key);
        if (app !== input.app || name === '__first__') return;
        this.addEdge(key, dependency.key, { kind: dependency.kind, declaredIn: key, index, setting: dependency.setting, written: dependency.key }, 'parent');
      });
    }
    for (const [key, input] of byKey) {
      input.dependencies.forEach((dependency, index) => {
        if (!dependency) return;
        const [app] = splitKey(dependency.key);
        if (app === input.app) return;
        const parent = this.checkKey(dependency.key, input.app, key, index, 'dependency');
        if (parent) this.addEdge(key, parent, { kind: dependency.kind, declaredIn: key, index, setting: dependency.setting, written: dependency.key }, 'parent');
      });
      input.runBefore.forEach((target, index) => {
        if (!target) return;
        const child = this.checkKey(target, input.app, key, index, 'run_before');
        if (child) this.addEdge(child, key, { kind: 'run_before', declaredIn: key, index, written: target }, 'child');
      });
    }
    this.carryOutReplacements(byKey);
    this.validateConsistency(byKey);
    this.findCycles();
    this.findConflicts();
  }

  /** loader.check_key: resolves __first__/__latest__, drops references Django drops. */
  private checkKey(target: MigrationKey, currentApp: string, origin: MigrationKey, index: number, via: 'dependency' | 'run_before'): MigrationKey | null {
    const [app, name] = splitKey(target);
    if ((name !== '__first__' && name !== '__latest__') || this.nodes.has(target)) return target;
    if (app === currentApp) return null; // ticket #22325
    if (this.options.unmigratedApps.has(app)) {
      this.problems.push({
        kind: 'unmigrated-dependency',
        origin,
        app,
        index,
        via,
        reason: 'unmigrated',
        message: `Dependency on ${app}, an app without a migrations package: Django drops it silently and never creates ${app}'s tables with migrate`,
      });
      return null;
    }
    if (this.options.opaqueApps.has(app)) return null;
    if (this.options.migratedApps.has(app)) {
      const candidates = name === '__first__' ? this.rootNodes(app) : this.leafNodes(app);
      if (candidates.length > 0) return candidates[0];
      this.problems.push({ kind: 'unmigrated-dependency', origin, app, index, via, reason: 'no-migrations', message: `Dependency on app with no migrations: ${app}` });
      return null;
    }
    this.problems.push({ kind: 'unmigrated-dependency', origin, app, index, via, reason: 'unknown-app', message: `Dependency on unknown app: ${app}` });
    return null;
  }

  private addEdge(child: MigrationKey, parent: MigrationKey, origin: EdgeOrigin, declaredSide: 'parent' | 'child'): void {
    const missing = declaredSide === 'parent' ? parent : child;
    if (!this.nodes.has(missing)) {
      if (this.isOpaque(missing)) return;
      const list = this.dummies.get(missing) ?? [];
      list.push({ origin: origin.declaredIn, index: origin.index, kind: declaredSide });
      this.dummies.set(missing, list);
      return;
    }
    if (!this.nodes.has(child) || !this.nodes.has(parent)) return;
    this.nodes.get(child)!.parents.add(parent);
    this.nodes.get(parent)!.children.add(child);
    let map = this.edges.get(child);
    if (!map) this.edges.set(child, (map = new Map()));
    if (!map.has(parent)) map.set(parent, origin);
  }

  private isOpaque(key: MigrationKey): boolean {
    const [app, name] = splitKey(key);
    if (this.options.opaqueApps.has(app)) return true;
    if (this.options.mayHaveNewerMigrations?.has(app)) {
      // A release newer than the one known may have added it: only a number past the last known one.
      const number = parseInt(name, 10);
      const known = this.appNodes(app).map((k) => parseInt(splitKey(k)[1], 10)).filter(Number.isFinite);
      if (Number.isFinite(number) && known.length > 0) return number > Math.max(...known);
    }
    return false;
  }

  private carryOutReplacements(byKey: Map<MigrationKey, GraphNodeInput>): void {
    const applied = this.options.applied ?? new Set<MigrationKey>();
    for (const [key, input] of byKey) {
      if (input.replaces.length === 0) continue;
      const statuses = input.replaces.map((r) => applied.has(r));
      const all = statuses.every(Boolean);
      const none = !statuses.some(Boolean);
      if (all || none) this.removeReplacedNodes(key, input.replaces);
      else this.removeReplacementNode(key, input.replaces);
    }
  }

  /** graph.remove_replaced_nodes: the squashed migration takes the replaced ones' edges. */
  private removeReplacedNodes(replacement: MigrationKey, replaced: MigrationKey[]): void {
    const node = this.nodes.get(replacement);
    if (!node) return;
    const replacedSet = new Set(replaced);
    for (const key of replaced) {
      const old = this.nodes.get(key);
      if (!old) {
        this.redirectDummy(key, replacement);
        continue;
      }
      this.replacedBy.set(key, replacement);
      for (const child of old.children) {
        this.nodes.get(child)?.parents.delete(key);
        if (!replacedSet.has(child) && child !== replacement) {
          const origin = this.edges.get(child)?.get(key);
          this.nodes.get(child)?.parents.add(replacement);
          node.children.add(child);
          if (origin && !this.edges.get(child)!.has(replacement)) this.edges.get(child)!.set(replacement, origin);
        }
        this.edges.get(child)?.delete(key);
      }
      for (const parent of old.parents) {
        this.nodes.get(parent)?.children.delete(key);
        if (!replacedSet.has(parent) && parent !== replacement) {
          const origin = this.edges.get(key)?.get(parent);
          node.parents.add(parent);
          this.nodes.get(parent)?.children.add(replacement);
          let map = this.edges.get(replacement);
          if (!map) this.edges.set(replacement, (map = new Map()));
          if (origin && !map.has(parent)) map.set(parent, origin);
        }
      }
      this.edges.delete(key);
      this.deleteNode(key);
      this.redirectDummy(key, replacement);
    }
  }

  /** graph.remove_replacement_node: a partly applied squash is not used. */
  private removeReplacementNode(replacement: MigrationKey, replaced: MigrationKey[]): void {
    const node = this.nodes.get(replacement);
    if (!node) return;
    const last = [...replaced].reverse().find((k) => this.nodes.has(k));
    for (const child of node.children) {
      this.nodes.get(child)?.parents.delete(replacement);
      const origin = this.edges.get(child)?.get(replacement);
      this.edges.get(child)?.delete(replacement);
      if (last && !replaced.includes(child)) {
        this.nodes.get(child)?.parents.add(last);
        this.nodes.get(last)?.children.add(child);
        if (origin) this.edges.get(child)?.set(last, origin);
      }
    }
    for (const parent of node.parents) this.nodes.get(parent)?.children.delete(replacement);
    this.edges.delete(replacement);
    this.deleteNode(replacement);
  }

  private deleteNode(key: MigrationKey): void {
    const node = this.nodes.get(key);
    if (node) this.byApp.get(node.app)?.delete(key);
    this.nodes.delete(key);
  }

  private redirectDummy(key: MigrationKey, replacement: MigrationKey): void {
    const waiting = this.dummies.get(key);
    if (!waiting) return;
    this.dummies.delete(key);
    for (const w of waiting) {
      if (w.kind === 'parent') this.addEdge(w.origin, replacement, { kind: 'dependency', declaredIn: w.origin, index: w.index, written: key }, 'parent');
      else this.addEdge(replacement, w.origin, { kind: 'run_before', declaredIn: w.origin, index: w.index, written: key }, 'child');
    }
  }

  /**
   * graph.validate_consistency: every edge end must exist. A missing parent that a squash not in the
   * graph replaces gets the loader's own text (MigrationLoader.build_graph, #23556).
   */
  private validateConsistency(byKey: Map<MigrationKey, GraphNodeInput>): void {
    const replacers = new Map<MigrationKey, MigrationKey[]>();
    for (const [key, input] of byKey) for (const replaced of input.replaces) replacers.set(replaced, [...(replacers.get(replaced) ?? []), key]);
    for (const [missing, waiting] of this.dummies) {
      const [app, name] = splitKey(missing);
      const missingRepr = `('${app}', '${name}')`;
      const candidates = replacers.get(missing) ?? [];
      const squashNotUsed = candidates.length > 0 && !candidates.some((c) => this.nodes.has(c));
      for (const w of waiting) {
        if (w.kind === 'parent') {
          this.problems.push({
            kind: 'missing-parent',
            origin: w.origin,
            missing,
            index: w.index,
            message: squashNotUsed
              ? `Migration ${w.origin} depends on nonexistent node ${missingRepr}. Django tried to replace migration ${app}.${name} with any of [${candidates.join(', ')}] but wasn't able to because some of the replaced migrations are already applied.`
              : `Migration ${w.origin} dependencies reference nonexistent parent node ${missingRepr}`,
          });
        } else {
          this.problems.push({
            kind: 'missing-child',
            origin: w.origin,
            missing,
            index: w.index,
            message: `Migration ${w.origin} dependencies reference nonexistent child node ${missingRepr}`,
          });
        }
      }
    }
  }

  /** Every cycle Django's ensure_not_cyclic could report, one per strongly connected component. */
  private findCycles(): void {
    for (const component of stronglyConnected(this.nodes)) {
      const first = [...component].sort()[0];
      const selfLoop = component.size === 1 && this.nodes.get(first)!.children.has(first);
      if (component.size < 2 && !selfLoop) continue;
      const cycle = cyclePath(first, component, this.nodes);
      this.problems.push({ kind: 'cycle', members: cycle, message: cycle.join(', ') });
    }
  }

  private findConflicts(): void {
    const leavesByApp = new Map<string, MigrationKey[]>();
    for (const key of this.leafNodes()) {
      const app = this.nodes.get(key)!.app;
      const list = leavesByApp.get(app) ?? [];
      list.push(key);
      leavesByApp.set(app, list);
    }
    // A leaf cut off by a missing parent is the missing node's problem, not a second branch.
    const cutOff = new Set(this.problems.filter((p) => p.kind === 'missing-parent').map((p) => p.origin));
    for (const [app, leaves] of leavesByApp) {
      if (leaves.length < 2) continue;
      if (leaves.some((leaf) => cutOff.has(leaf))) continue;
      // Dependencies djswap cannot read may join the branches: two leaves prove nothing then.
      if (this.partialApps.has(app)) continue;
      const names = leaves.map((k) => splitKey(k)[1]).sort();
      this.problems.push({
        kind: 'conflict',
        app,
        leaves: names.map((n) => keyOf(app, n)),
        message: `Conflicting migrations detected; multiple leaf nodes in the migration graph: (${names.join(', ')} in ${app}).\nTo fix them run 'python manage.py makemigrations --merge'`,
      });
    }
  }

  appNodes(app: string): MigrationKey[] {
    return [...(this.byApp.get(app) ?? [])].sort();
  }

  private nodesOf(app?: string): Iterable<GraphNode> {
    if (app === undefined) return this.nodes.values();
    return [...(this.byApp.get(app) ?? [])].map((key) => this.nodes.get(key)!);
  }

  /** graph.root_nodes: migrations with no parent in their own app, sorted. */
  rootNodes(app?: string): MigrationKey[] {
    const out: MigrationKey[] = [];
    for (const node of this.nodesOf(app)) {
      let root = true;
      for (const p of node.parents) if (this.nodes.get(p)?.app === node.app) root = false;
      if (root) out.push(node.key);
    }
    return out.sort();
  }

  /** graph.leaf_nodes: migrations with no child in their own app, sorted. */
  leafNodes(app?: string): MigrationKey[] {
    const out: MigrationKey[] = [];
    for (const node of this.nodesOf(app)) {
      let leaf = true;
      for (const c of node.children) if (this.nodes.get(c)?.app === node.app) leaf = false;
      if (leaf) out.push(node.key);
    }
    return out.sort();
  }

  parents(key: MigrationKey): MigrationKey[] {
    return [...(this.nodes.get(key)?.parents ?? [])].sort();
  }

  children(key: MigrationKey): MigrationKey[] {
    return [...(this.nodes.get(key)?.children ?? [])].sort();
  }

  edge(child: MigrationKey, parent: MigrationKey): EdgeOrigin | undefined {
    return this.edges.get(child)?.get(parent);
  }

  /** The node that stands for a key after squashing. */
  canonical(key: MigrationKey): MigrationKey | undefined {
    if (this.nodes.has(key)) return key;
    const replacement = this.replacedBy.get(key);
    return replacement && this.nodes.has(replacement) ? replacement : undefined;
  }

  /** True when `from` depends on `to`, directly or through other migrations. */
  dependsOn(from: MigrationKey, to: MigrationKey): boolean {
    const start = this.canonical(from);
    const goal = this.canonical(to);
    if (!start || !goal || start === goal) return false;
    return this.ancestors(start).has(goal);
  }

  /** Every migration `key` depends on, transitively. */
  ancestors(key: MigrationKey): Set<MigrationKey> {
    const seen = new Set<MigrationKey>();
    const stack = [...(this.nodes.get(key)?.parents ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const p of this.nodes.get(next)?.parents ?? []) if (!seen.has(p)) stack.push(p);
    }
    return seen;
  }

  /**
   * The order `migrate` applies everything in on an empty database: executor.migration_plan over
   * the sorted leaf nodes, each expanded by graph.iterative_dfs (parents first, sorted).
   */
  migrationPlan(): MigrationKey[] {
    if (!this.plan) this.plan = this.planWithout(new Set());
    return this.plan;
  }

  /**
   * The plan of the graph without some nodes (the newest migrations of a package, which an older
   * release does not have): their edges are gone, and the nodes before them can be leaves.
   */
  planWithout(excluded: Set<MigrationKey>): MigrationKey[] {
    const plan: MigrationKey[] = [];
    const planned = new Set<MigrationKey>();
    const leaves =
      excluded.size === 0
        ? this.leafNodes()
        : [...this.nodes.values()]
            .filter((node) => !excluded.has(node.key) && ![...node.children].some((c) => !excluded.has(c) && this.nodes.get(c)?.app === node.app))
            .map((node) => node.key)
            .sort();
    for (const target of leaves) {
      const visited = new Set<MigrationKey>();
      // Django runs this only on acyclic graphs; here a cycle must not loop forever.
      const entered = new Set<MigrationKey>();
      const stack: [MigrationKey, boolean][] = [[target, false]];
      while (stack.length > 0) {
        const [key, processed] = stack.pop()!;
        if (visited.has(key)) continue;
        if (processed) {
          visited.add(key);
          if (!planned.has(key)) {
            planned.add(key);
            plan.push(key);
          }
        } else {
          if (entered.has(key)) continue;
          entered.add(key);
          stack.push([key, true]);
          for (const parent of this.parents(key)) if (!excluded.has(parent)) stack.push([parent, false]);
        }
      }
    }
    return plan;
  }

  /** A dependency path from `from` down to `to` (both included), if there is one. */
  pathBetween(from: MigrationKey, to: MigrationKey): MigrationKey[] | undefined {
    const previous = new Map<MigrationKey, MigrationKey>();
    const queue = [from];
    const seen = new Set([from]);
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (current === to) {
        const path = [to];
        while (path[0] !== from) path.unshift(previous.get(path[0])!);
        return path;
      }
      for (const p of [...(this.nodes.get(current)?.parents ?? [])].sort()) {
        if (seen.has(p)) continue;
        seen.add(p);
        previous.set(p, current);
        queue.push(p);
      }
    }
    return undefined;
  }
}
