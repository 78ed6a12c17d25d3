/** Questions asked of summarised Python: dotted names, keyword arguments, every nested expression or statement. */
import type { PyExpr, PyStatement } from './python-ast';
import { EVERY_BLOCK, walkStatements } from './walk';

/** `a.b.c` for a chain of names and attributes, else null. */
export function dottedName(expr: PyExpr): string | null {
  if (expr.k === 'name') return expr.id;
  if (expr.k === 'attr') {
    const head = dottedName(expr.object);
    return head === null ? null : `${head}.${expr.attr}`;
  }
  return null;
}

export function keywordArgument(call: Extract<PyExpr, { k: 'call' }>, name: string): PyExpr | undefined {
  return call.keywords.find((k) => k.name === name)?.value;
}

/** Visits an expression and every expression inside it, depth first. */
export function forEachExpr(expr: PyExpr, visit: (e: PyExpr) => void): void {
  const stack: PyExpr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    visit(e);
    switch (e.k) {
      case 'attr':
        stack.push(e.object);
        break;
      // Item by item: spreading a 500,000-item list into push() overflows the call stack.
      case 'call':
        stack.push(e.fn);
        for (const a of e.args) stack.push(a);
        for (const k of e.keywords) stack.push(k.value);
        break;
      case 'list':
      case 'tuple':
      case 'set':
        for (const item of e.items) stack.push(item);
        break;
      case 'dict':
        for (const entry of e.entries) stack.push(entry.key, entry.value);
        break;
      case 'binop':
        stack.push(e.left, e.right);
        break;
      case 'subscript':
        stack.push(e.object, e.index);
        break;
      case 'starred':
        stack.push(e.value);
        break;
      case 'unknown':
        if (e.children) for (const child of e.children) stack.push(child);
        break;
    }
  }
}

/** Every expression of a statement list, including nested blocks and class/def bodies. */
export function forEachStatement(statements: PyStatement[], visit: (s: PyStatement, depth: number) => void, depth = 0): void {
  walkStatements(statements, EVERY_BLOCK, visit, depth);
}

/** The expressions directly held by a statement (not those of nested statements). */
export function statementExprs(s: PyStatement): PyExpr[] {
  switch (s.kind) {
    case 'assign':
      return [...s.targets, s.value];
    case 'augassign':
      return [s.target, s.value];
    case 'expr':
      return [s.value];
    case 'class':
      return [...s.bases, ...s.keywords.map((k) => k.value)];
    case 'if':
      return [s.test];
    case 'return':
      return s.value ? [s.value] : [];
    default:
      return [];
  }
}
