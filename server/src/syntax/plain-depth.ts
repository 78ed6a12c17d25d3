/**
 * How deep the plain reader's summary goes, counted as the tree-sitter path counts it: past its bound that
 * path reads `unknown`, so a module with anything that deep is left to it.
 */
import type { PyExpr, PyStatement } from './python-ast';

/** Below the tree-sitter path's own bound (80, where it gives up on deeper expressions), with a margin. */
export const SUMMARY_DEPTH_BOUND = 70;

/** Whether every expression sits at most `budget` levels deep, counting enclosing blocks as the tree-sitter path does. */
export function statementsWithin(statements: PyStatement[], budget: number): boolean {
  if (budget < 0) return false;
  for (const statement of statements) {
    switch (statement.kind) {
      case 'assign':
        if (!statement.targets.every((t) => exprWithin(t, budget)) || !exprWithin(statement.value, budget)) return false;
        break;
      case 'augassign':
        if (!exprWithin(statement.target, budget) || !exprWithin(statement.value, budget)) return false;
        break;
      case 'expr':
        if (!exprWithin(statement.value, budget)) return false;
        break;
      case 'return':
        if (statement.value && !exprWithin(statement.value, budget)) return false;
        break;
      case 'class':
        if (!statement.bases.every((b) => exprWithin(b, budget - 1)) || !statement.keywords.every((k) => exprWithin(k.value, budget - 1))) return false;
        if (!statementsWithin(statement.body, budget - 1)) return false;
        break;
      case 'def':
      case 'block':
        if (!statementsWithin(statement.body, budget - 1)) return false;
        break;
      case 'if':
        if (!exprWithin(statement.test, budget) || !statementsWithin(statement.body, budget - 1) || !statementsWithin(statement.orelse, budget - 1)) return false;
        break;
      case 'try':
        if (!statementsWithin(statement.body, budget - 1) || !statementsWithin(statement.orelse, budget - 1) || !statementsWithin(statement.finalbody, budget - 1)) return false;
        for (const handler of statement.handlers) {
          if ((handler.types && !exprWithin(handler.types, budget)) || !statementsWithin(handler.body, budget - 1)) return false;
        }
        break;
      default:
        break;
    }
  }
  return true;
}

function exprWithin(expr: PyExpr, budget: number): boolean {
  if (budget < 0) return false;
  const inner = budget - 1;
  switch (expr.k) {
    case 'attr':
      return exprWithin(expr.object, inner);
    case 'call':
      return exprWithin(expr.fn, inner) && expr.args.every((a) => exprWithin(a, inner)) && expr.keywords.every((k) => exprWithin(k.value, inner));
    case 'list':
    case 'tuple':
    case 'set':
      return expr.items.every((i) => exprWithin(i, inner));
    case 'dict':
      return expr.entries.every((e) => exprWithin(e.key, inner) && exprWithin(e.value, inner));
    case 'binop':
      return exprWithin(expr.left, inner) && exprWithin(expr.right, inner);
    case 'subscript':
      return exprWithin(expr.object, inner) && exprWithin(expr.index, inner);
    case 'starred':
      return exprWithin(expr.value, inner);
    case 'unknown':
      return !expr.children || expr.children.every((c) => exprWithin(c, inner));
    default:
      return true;
  }
}
