import type { TreeCursor } from './tree';

/**
 * A plain JavaScript copy of a subtree, made in one walk of a tree cursor. Reading a tree node by
 * node through the native binding costs an object and a boundary crossing per node and per
 * property; a cursor walk reads each node once, and subtrees the reader will never look at
 * (the arguments of `models.CharField(...)`) are not copied at all.
 */
export class MirrorNode {
  readonly children: MirrorNode[] = [];
  private named?: MirrorNode[];

  constructor(
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** The field this node fills in its parent (`condition`, `body`...). */
    readonly field: string | null,
  ) {}

  get namedChildren(): MirrorNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  childForFieldName(name: string): MirrorNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
}

export interface MirrorOptions {
  /** Calls whose argument list is kept as a leaf, by their callee as written. */
  skipArguments?: (callee: string) => boolean;
  /** Deeper nodes are kept as leaves: hostile nesting must not cost more than it can tell. */
  maxDepth?: number;
}

/** Copies the node the cursor is on and its subtree; the cursor ends where it started. */
export function mirrorAt(cursor: TreeCursor, source: string, options: MirrorOptions = {}): MirrorNode {
  const types: string[] = [];
  const fields: (string | null)[] = [];
  const maxDepth = options.maxDepth ?? 400;
  const named: boolean[] = [];
  const make = (): MirrorNode => {
    // Each property read crosses into the parser: what a node's type decides is read once per type.
    const typeId = cursor.nodeTypeId;
    let type = types[typeId];
    if (type === undefined) {
      type = types[typeId] = cursor.nodeType;
      named[typeId] = cursor.nodeIsNamed;
    }
    const fieldId = cursor.currentFieldId;
    let field: string | null = null;
    if (fieldId) {
      let name = fields[fieldId];
      if (name === undefined) name = fields[fieldId] = cursor.currentFieldName ?? null;
      field = name;
    }
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    // Only an empty node can be one the parser inserted.
    return new MirrorNode(type, start, end, named[typeId], start === end && cursor.nodeIsMissing, field);
  };
  const root = make();
  if (!cursor.gotoFirstChild()) return root;
  const stack: MirrorNode[] = [root];
  for (;;) {
    const parent = stack[stack.length - 1];
    const node = make();
    parent.children.push(node);
    if (descend(node, parent, source, options) && stack.length < maxDepth && cursor.gotoFirstChild()) {
      stack.push(node);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      cursor.gotoParent();
      stack.pop();
      if (stack.length === 0) return root;
    }
  }
}

function descend(node: MirrorNode, parent: MirrorNode, source: string, options: MirrorOptions): boolean {
  if (node.type !== 'argument_list' || parent.type !== 'call' || !options.skipArguments) return true;
  const callee = parent.children[0];
  return !callee || !options.skipArguments(source.slice(callee.startIndex, callee.endIndex));
}
