/**
 * What the summariser reads off tree-sitter nodes, whichever backend made them: spans, named children,
 * string literals' values, the syntax errors of a tree.
 */
import type { PyExpr } from './python-ast';
import type { Span, SyntaxNode } from './tree';

/** What the reader needs of a node: a tree's own nodes (wasm) and mirrored ones (native) both have it. */
export interface ReadableNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isMissing: boolean;
  readonly childCount: number;
  readonly children: (ReadableNode | null)[];
  readonly namedChildren: (ReadableNode | null)[];
  childForFieldName(name: string): ReadableNode | null;
}

export function span(node: { startIndex: number; endIndex: number }): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** The named children of a node, comments left out. */
export function namedChildren(node: ReadableNode): ReadableNode[] {
  const out: ReadableNode[] = [];
  for (const child of node.namedChildren) {
    if (child && child.type !== 'comment') out.push(child);
  }
  return out;
}

/** A string literal's value; null for f-strings, bytes and literals with errors. */
export function readString(node: ReadableNode, source: string): Extract<PyExpr, { k: 'str' }> | null {
  let opener = '';
  let value = '';
  for (const part of node.children) {
    if (!part) continue;
    switch (part.type) {
      case 'string_start':
        opener = source.slice(part.startIndex, part.endIndex);
        break;
      case 'string_content': {
        // Escape sequences are children of the content: decode them between the literal runs.
        let at = part.startIndex;
        for (const escape of part.childCount > 0 ? part.children : []) {
          if (!escape || escape.type !== 'escape_sequence') continue;
          value += source.slice(at, escape.startIndex) + decodeEscape(source.slice(escape.startIndex, escape.endIndex));
          at = escape.endIndex;
        }
        value += source.slice(at, part.endIndex);
        break;
      }
      case 'escape_sequence':
        value += decodeEscape(source.slice(part.startIndex, part.endIndex));
        break;
      case 'interpolation':
        return null; // f-strings are not static values
      case 'string_end':
        break;
      default:
        if (part.type === 'ERROR' || part.isMissing) return null;
    }
  }
  const match = /^([A-Za-z]*)('\'\'|"""|'|")$/.exec(opener);
  if (!match) return null;
  const prefix = match[1].toLowerCase();
  if (prefix.includes('b') || prefix.includes('f')) return null;
  if (prefix.includes('r')) {
    // Raw strings keep backslashes: re-read the source between the quotes.
    const text = source.slice(node.startIndex, node.endIndex);
    value = text.slice(opener.length, text.length - match[2].length);
  }
  return { k: 'str', value, quote: match[2], prefix: match[1], span: span(node) };
}

function decodeEscape(raw: string): string {
  const simple = SIMPLE_ESCAPES[raw.slice(1)];
  if (simple !== undefined) return simple;
  if (/^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.test(raw)) return String.fromCodePoint(parseInt(raw.slice(2), 16));
  return raw;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** The ERROR and missing nodes of a tree, in source order, at most `limit`. */
export function findSyntaxErrors(root: SyntaxNode, limit: number): Span[] {
  const out: Span[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop()!;
    if (node.type === 'ERROR' || node.isMissing) {
      out.push(span(node));
      continue;
    }
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child && (child.hasError || child.isMissing || child.type === 'ERROR')) stack.push(child);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
