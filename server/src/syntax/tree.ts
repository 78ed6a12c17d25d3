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
   * All children in one call. Prefer these to `child(i)` / `namedChild(i)` in loops: tree-sitter
   * finds the i-th child by walking from the first, so indexed loops are quadratic in wide nodes
   * (a module of 100,000 statements).
   */
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  descendantForIndex(start: number, end?: number): SyntaxNode | null;
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
