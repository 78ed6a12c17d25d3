import type { Span } from './tree';

/**
 * A Python module as plain data: the statements and expressions a static reader needs, with spans.
 * Nothing here knows Django. Anything the summary cannot represent becomes `unknown`, never a guess.
 */

export type PyExpr =
  | { k: 'str'; value: string; quote: string; prefix: string; span: Span }
  | { k: 'num'; value: number; span: Span }
  | { k: 'const'; value: boolean | null; span: Span }
  | { k: 'name'; id: string; span: Span }
  | { k: 'attr'; object: PyExpr; attr: string; attrSpan: Span; span: Span }
  | { k: 'call'; fn: PyExpr; args: PyExpr[]; keywords: PyKeyword[]; starred: boolean; argsSpan: Span; span: Span }
  | { k: 'list' | 'tuple' | 'set'; items: PyExpr[]; span: Span }
  | { k: 'dict'; entries: { key: PyExpr; value: PyExpr }[]; span: Span }
  | { k: 'binop'; op: string; left: PyExpr; right: PyExpr; span: Span }
  | { k: 'subscript'; object: PyExpr; index: PyExpr; span: Span }
  | { k: 'starred'; value: PyExpr; span: Span }
  | { k: 'unknown'; span: Span; children?: PyExpr[] };

export interface PyKeyword {
  name: string;
  nameSpan: Span;
  value: PyExpr;
  span: Span;
}

export interface PyImportedName {
  name: string;
  alias?: string;
  span: Span;
}

/** `import a.b as c` (kind `import`) or `from ..a import b` (kind `from`; `level` counts the dots). */
export interface PyImport {
  kind: 'import' | 'from';
  module: string;
  level: number;
  names: PyImportedName[];
  star: boolean;
  span: Span;
}

export type PyStatement =
  | { kind: 'assign'; targets: PyExpr[]; value: PyExpr; span: Span }
  | { kind: 'augassign'; target: PyExpr; op: string; value: PyExpr; span: Span }
  | { kind: 'expr'; value: PyExpr; span: Span }
  | { kind: 'class'; name: string; nameSpan: Span; bases: PyExpr[]; keywords: PyKeyword[]; body: PyStatement[]; span: Span; bodySpan: Span }
  | { kind: 'def'; name: string; nameSpan: Span; body: PyStatement[]; span: Span }
  | { kind: 'import'; import: PyImport; span: Span }
  | { kind: 'if'; test: PyExpr; body: PyStatement[]; orelse: PyStatement[]; span: Span }
  | { kind: 'try'; body: PyStatement[]; handlers: { types: PyExpr | null; body: PyStatement[] }[]; orelse: PyStatement[]; finalbody: PyStatement[]; span: Span }
  | { kind: 'block'; body: PyStatement[]; span: Span }
  | { kind: 'return'; value: PyExpr | null; span: Span }
  | { kind: 'other'; span: Span };

export interface PyModule {
  statements: PyStatement[];
  /** Every import statement in the module, at any depth, in source order. */
  imports: PyImport[];
  /** Where the parser had to recover: ERROR and MISSING nodes (at most a few). */
  syntaxErrors: Span[];
  /** What each top-level node of the source gave, so that the next version can reuse what did not change. */
  chunks?: ModuleChunk[];
}

export interface ModuleChunk {
  start: number;
  end: number;
  /** Parsed without error: only such statements read the same wherever their text appears. */
  clean: boolean;
  statements: PyStatement[];
  imports: PyImport[];
}
