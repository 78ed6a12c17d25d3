/**
 * The part of tree-sitter's node API that both backends (native and wasm) share.
 * Indices are UTF-16 code-unit offsets into the parsed JavaScript string on both backends.
 */
export interface Point {
  row: number;
  column: number;
}

export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly parent: SyntaxNode | null;
  /**
   * All children in one call: far cheaper than child(i) per index across the native boundary, and
   * linear where indexed loops are quadratic (tree-sitter finds the i-th child by walking from the first).
   */
  readonly children: (SyntaxNode | null)[];
  readonly namedChildren: (SyntaxNode | null)[];
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  descendantForIndex(start: number, end?: number): SyntaxNode | null;
  /** A cursor on this node: the cheap way to read a whole subtree. */
  walk(): TreeCursor;
}

/** The part of tree-sitter's cursor API that both backends share. */
export interface TreeCursor {
  readonly nodeType: string;
  readonly nodeTypeId: number;
  readonly nodeIsNamed: boolean;
  readonly nodeIsMissing: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentFieldId: number;
  readonly currentFieldName: string | null | undefined;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Frees the cursor (wasm); absent where the garbage collector owns it. */
  delete?(): void;
}

export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

export interface SyntaxTree {
  readonly backend: ParserBackend;
  readonly rootNode: SyntaxNode;
  edit(edit: TreeEdit): void;
  /** Frees native memory (wasm); a no-op where the garbage collector owns the tree. */
  dispose(): void;
}

export type ParserBackend = 'native' | 'wasm';

export interface PythonParser {
  readonly backend: ParserBackend;
  /** Why the native backend was not used, when it was not. */
  readonly fallbackReason?: string;
  /** Never throws on bad input: broken code gives a tree with ERROR nodes. */
  parse(text: string, previous?: SyntaxTree): SyntaxTree;
}

/** A half-open range of UTF-16 code-unit offsets into a file's text. */
export interface Span {
  start: number;
  end: number;
}
