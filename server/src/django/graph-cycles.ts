/** Cycles in the migration graph: strongly connected components and a readable path through one. */
import type { GraphNode, MigrationKey } from './graph-types';

/** Tarjan's algorithm, iterative (10,000-migration graphs must not overflow the stack). */
export function stronglyConnected(nodes: Map<MigrationKey, GraphNode>): Set<MigrationKey>[] {
  const index = new Map<MigrationKey, number>();
  const low = new Map<MigrationKey, number>();
  const onStack = new Set<MigrationKey>();
  const stack: MigrationKey[] = [];
  const out: Set<MigrationKey>[] = [];
  let counter = 0;
  for (const start of [...nodes.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { key: MigrationKey; children: MigrationKey[]; next: number }[] = [];
    const enter = (key: MigrationKey) => {
      index.set(key, counter);
      low.set(key, counter);
      counter++;
      stack.push(key);
      onStack.add(key);
      work.push({ key, children: [...nodes.get(key)!.children].sort(), next: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.children.length) {
        const child = frame.children[frame.next++];
        if (!nodes.has(child)) continue;
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) low.set(frame.key, Math.min(low.get(frame.key)!, index.get(child)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].key;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.key)!));
      }
      if (low.get(frame.key) === index.get(frame.key)) {
        const component = new Set<MigrationKey>();
        let member: MigrationKey;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.add(member);
        } while (member !== frame.key);
        out.push(component);
      }
    }
  }
  return out;
}

/** A cycle through `start` following children (dependents), in the order Django prints it. */
export function cyclePath(start: MigrationKey, component: Set<MigrationKey>, nodes: Map<MigrationKey, GraphNode>): MigrationKey[] {
  const previous = new Map<MigrationKey, MigrationKey>();
  const queue = [start];
  const seen = new Set<MigrationKey>([start]);
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const child of [...nodes.get(current)!.children].sort()) {
      if (!component.has(child)) continue;
      if (child === start) {
        const path = [current];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return path;
      }
      if (seen.has(child)) continue;
      seen.add(child);
      previous.set(child, current);
      queue.push(child);
    }
  }
  return [start];
}
