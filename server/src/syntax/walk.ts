/**
 * One statement walker for every pass over a module: which nested statement lists it enters is an
 * explicit choice of the caller (what runs at import time differs from what a file merely contains).
 * `if` branches and `try` bodies are always entered.
 */
import type { PyExpr, PyStatement } from './python-ast';

/** The nested statement lists a walk enters besides `if` branches and `try` bodies. */
export interface WalkScope {
  classBodies: boolean;
  functionBodies: boolean;
  /** `with` bodies and other plain blocks. */
  withBlocks: boolean;
  exceptHandlers: boolean;
  tryElse: boolean;
  finallyBlocks: boolean;
}

/** Every nested statement, wherever it is. */
export const EVERY_BLOCK: WalkScope = { classBodies: true, functionBodies: true, withBlocks: true, exceptHandlers: true, tryElse: true, finallyBlocks: true };

/**
 * The statements of a module that define its top-level names, as model discovery reads them: every
 * block that runs at import time (`if`, `try` and its handlers, `else` and `finally`, `with`), not
 * class or function bodies. A class defined in a `with` block is a module-level class to Python.
 */
export const MODULE_DEFINITIONS: WalkScope = { classBodies: false, functionBodies: false, withBlocks: true, exceptHandlers: true, tryElse: true, finallyBlocks: true };

/** Code that runs when a module is imported: everything but function bodies. */
export const IMPORT_TIME_CODE: WalkScope = { ...EVERY_BLOCK, functionBodies: false };

/** A nested statement list and where it sits in its statement. */
export type NestedBlock =
  | { part: 'class' | 'def' | 'with' | 'try' | 'try-else' | 'finally'; statements: PyStatement[] }
  | { part: 'if' | 'else'; test: PyExpr; statements: PyStatement[] }
  | { part: 'except'; types: PyExpr | null; statements: PyStatement[] };

/** The statement lists nested in `s` that `scope` enters, in source order. */
export function nestedBlocks(s: PyStatement, scope: WalkScope): NestedBlock[] {
  switch (s.kind) {
    case 'class':
      return scope.classBodies ? [{ part: 'class', statements: s.body }] : [];
    case 'def':
      return scope.functionBodies ? [{ part: 'def', statements: s.body }] : [];
    case 'block':
      return scope.withBlocks ? [{ part: 'with', statements: s.body }] : [];
    case 'if':
      return [
        { part: 'if', test: s.test, statements: s.body },
        { part: 'else', test: s.test, statements: s.orelse },
      ];
    case 'try': {
      const out: NestedBlock[] = [{ part: 'try', statements: s.body }];
      if (scope.exceptHandlers) for (const h of s.handlers) out.push({ part: 'except', types: h.types, statements: h.body });
      if (scope.tryElse) out.push({ part: 'try-else', statements: s.orelse });
      if (scope.finallyBlocks) out.push({ part: 'finally', statements: s.finalbody });
      return out;
    }
    default:
      return [];
  }
}

/** Visits each statement, then the statements nested in it that `scope` enters (depth: how deeply nested). */
export function walkStatements(statements: PyStatement[], scope: WalkScope, visit: (s: PyStatement, depth: number) => void, depth = 0): void {
  for (const s of statements) {
    visit(s, depth);
    for (const block of nestedBlocks(s, scope)) walkStatements(block.statements, scope, visit, depth + 1);
  }
}
