import type { PyExpr, PyModule, PyStatement } from './python';
import { statementExprs } from './python';
import { EVERY_BLOCK, nestedBlocks } from './walk';

/** What encloses an offset: the statements from the outermost in, and the expressions likewise. */
export interface Located {
  statements: PyStatement[];
  exprs: PyExpr[];
}

const within = (span: { start: number; end: number }, offset: number) => offset >= span.start && offset <= span.end;

/** The statements and expressions that contain `offset`, outermost first. */
export function locate(module: PyModule, offset: number): Located {
  const statements: PyStatement[] = [];
  let list: PyStatement[] = module.statements;
  for (let depth = 0; depth < 200; depth++) {
    const found = list.find((s) => within(s.span, offset));
    if (!found) break;
    statements.push(found);
    const nested = bodiesOf(found).find((body) => body.some((s) => within(s.span, offset)));
    if (!nested) break;
    list = nested;
  }
  const exprs: PyExpr[] = [];
  const last = statements[statements.length - 1];
  if (last) {
    let candidates = statementExprs(last);
    for (let depth = 0; depth < 200; depth++) {
      const found = candidates.find((e) => within(e.span, offset));
      if (!found) break;
      exprs.push(found);
      candidates = childrenOf(found);
    }
  }
  return { statements, exprs };
}

function bodiesOf(s: PyStatement): PyStatement[][] {
  return nestedBlocks(s, EVERY_BLOCK).map((block) => block.statements);
}

function childrenOf(e: PyExpr): PyExpr[] {
  switch (e.k) {
    case 'attr':
      return [e.object];
    case 'call':
      return [e.fn, ...e.args, ...e.keywords.map((k) => k.value)];
    case 'list':
    case 'tuple':
    case 'set':
      return e.items;
    case 'dict':
      return e.entries.flatMap((entry) => [entry.key, entry.value]);
    case 'binop':
      return [e.left, e.right];
    case 'subscript':
      return [e.object, e.index];
    case 'starred':
      return [e.value];
    case 'unknown':
      return e.children ?? [];
    default:
      return [];
  }
}
