/** Summarising a tree-sitter tree into a `PyModule` (the plain data of python-ast.ts), reusing unchanged top-level statements. */
import { MirrorNode, mirrorAt } from './mirror';
import type { PyExpr, PyImport, PyImportedName, PyKeyword, PyModule, PyStatement, ModuleChunk } from './python-ast';
import type { Span, SyntaxNode, SyntaxTree } from './tree';
import { findSyntaxErrors, namedChildren, readString, span, type ReadableNode } from './python-nodes';

export type { ModuleChunk, PyExpr, PyImport, PyImportedName, PyKeyword, PyModule, PyStatement } from './python-ast';
export { dottedName, forEachExpr, forEachStatement, keywordArgument, statementExprs } from './python-queries';

/** Expressions nested deeper than this become `unknown`: hostile input must not blow the stack. */
const MAX_DEPTH = 80;
const MAX_SYNTAX_ERRORS = 20;

export interface SummaryOptions {
  /**
   * Calls whose arguments are left out of the summary, by their callee as written (`models.CharField`):
   * the caller knows which arguments can never matter, and skipping them is most of the cost saved.
   */
  skipArguments?: (callee: string) => boolean;
}

/**
 * Summarises a parsed module. Node text is sliced from `source` (the parsed text) rather than read
 * through the tree, and children are fetched one array at a time: each call across the native
 * boundary costs more than the work done with its answer.
 */
export function summarizeModule(tree: SyntaxTree, source: string, options: SummaryOptions = {}, previous?: { module: PyModule; source: string }): PyModule {
  const root = tree.rootNode;
  const syntaxErrors = root.hasError ? findSyntaxErrors(root, MAX_SYNTAX_ERRORS) : [];
  if (!previous?.module.chunks) {
    const reader = new ModuleReader(source, options);
    return { statements: reader.block(readable(tree, root, source, options), 0), imports: reader.imports, syntaxErrors };
  }
  // An edited document: top-level statements whose text did not change are taken from the previous
  // summary (moved to where they are now) instead of being read from the tree again.
  const before = new Map<string, ModuleChunk[]>();
  for (const chunk of previous.module.chunks) {
    if (!chunk.clean) continue;
    const text = previous.source.slice(chunk.start, chunk.end);
    const list = before.get(text);
    if (list) list.push(chunk);
    else before.set(text, [chunk]);
  }
  const chunks: ModuleChunk[] = [];
  for (const node of root.namedChildren) {
    if (!node || node.type === 'comment') continue;
    const start = node.startIndex;
    const end = node.endIndex;
    // Error recovery depends on what surrounds a statement: a broken one is always read again.
    const clean = !node.hasError && node.type !== 'ERROR';
    const old = clean ? before.get(source.slice(start, end))?.shift() : undefined;
    if (old) {
      const delta = start - old.start;
      chunks.push(delta === 0 ? old : { start, end, clean, statements: shifted(old.statements, delta), imports: shifted(old.imports, delta) });
      continue;
    }
    const reader = new ModuleReader(source, options);
    const statements: PyStatement[] = [];
    reader.statement(readable(tree, node, source, options), 0, statements);
    chunks.push({ start, end, clean, statements, imports: reader.imports });
  }
  return { statements: chunks.flatMap((c) => c.statements), imports: chunks.flatMap((c) => c.imports), syntaxErrors, chunks };
}

/**
 * The node to read: on the native backend a mirror made with a cursor (each node read once, skipped
 * arguments not at all), because every node and property read across that binding is costly; wasm
 * nodes are read directly, which is faster there.
 */
function readable(tree: SyntaxTree, node: SyntaxNode, source: string, options: SummaryOptions): ReadableNode {
  return tree.backend === 'native' ? mirrorOf(node, source, options) : node;
}

function mirrorOf(node: SyntaxNode, source: string, options: SummaryOptions): MirrorNode {
  const cursor = node.walk();
  try {
    return mirrorAt(cursor, source, { skipArguments: options.skipArguments });
  } finally {
    cursor.delete?.();
  }
}

/** Summarizes one top-level statement at a time, keeping what the next version of the text can reuse. */
export function summarizeModuleInChunks(tree: SyntaxTree, source: string, options: SummaryOptions = {}): PyModule {
  return summarizeModule(tree, source, options, { module: { statements: [], imports: [], syntaxErrors: [], chunks: [] }, source: '' });
}

/** A copy of a summary with every span moved by `delta`. */
function shifted<T>(value: T, delta: number): T {
  if (Array.isArray(value)) return value.map((v) => shifted(v, delta)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.start === 'number' && typeof record.end === 'number' && Object.keys(record).length === 2) {
    return { start: (record.start as number) + delta, end: (record.end as number) + delta } as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in record) out[key] = shifted(record[key], delta);
  return out as T;
}




class ModuleReader {
  readonly imports: PyImport[] = [];

  constructor(
    private readonly source: string,
    private readonly options: SummaryOptions,
  ) {}

  private text(node: ReadableNode | Span): string {
    return 'startIndex' in node ? this.source.slice(node.startIndex, node.endIndex) : this.source.slice(node.start, node.end);
  }

  block(node: ReadableNode, depth: number): PyStatement[] {
    const out: PyStatement[] = [];
    if (depth > MAX_DEPTH) return out;
    for (const child of namedChildren(node)) this.statement(child, depth, out);
    return out;
  }

  statement(node: ReadableNode, depth: number, out: PyStatement[]): void {
    switch (node.type) {
      case 'expression_statement': {
        for (const inner of namedChildren(node)) {
          if (inner.type === 'assignment') out.push(this.assignment(inner, node, depth));
          else if (inner.type === 'augmented_assignment') {
            const [left, right] = namedChildren(inner);
            if (left && right) {
              const op = this.source.slice(left.endIndex, right.startIndex).trim();
              out.push({ kind: 'augassign', target: this.expr(left, depth), op, value: this.expr(right, depth), span: span(node) });
            }
          } else out.push({ kind: 'expr', value: this.expr(inner, depth), span: span(node) });
        }
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement': {
        const imported = this.importStatement(node);
        if (imported) {
          this.imports.push(imported);
          out.push({ kind: 'import', import: imported, span: span(node) });
        }
        return;
      }
      case 'class_definition': {
        const parts = namedChildren(node);
        const name = parts[0]?.type === 'identifier' ? parts[0] : undefined;
        const superclasses = parts.find((p) => p.type === 'argument_list');
        const body = parts.length > 0 && parts[parts.length - 1].type === 'block' ? parts[parts.length - 1] : undefined;
        const bases: PyExpr[] = [];
        const keywords: PyKeyword[] = [];
        if (superclasses) this.argumentList(superclasses, depth, bases, keywords);
        out.push({
          kind: 'class',
          name: name ? this.text(name) : '',
          nameSpan: name ? span(name) : span(node),
          bases,
          keywords,
          body: body ? this.block(body, depth + 1) : [],
          span: span(node),
          bodySpan: body ? span(body) : span(node),
        });
        return;
      }
      case 'function_definition': {
        const parts = namedChildren(node);
        const name = parts[0]?.type === 'identifier' ? parts[0] : undefined;
        const body = parts.length > 0 && parts[parts.length - 1].type === 'block' ? parts[parts.length - 1] : undefined;
        out.push({
          kind: 'def',
          name: name ? this.text(name) : '',
          nameSpan: name ? span(name) : span(node),
          body: body ? this.block(body, depth + 1) : [],
          span: span(node),
        });
        return;
      }
      case 'decorated_definition': {
        const parts = namedChildren(node);
        const definition = parts[parts.length - 1];
        if (definition && definition.type !== 'decorator') this.statement(definition, depth, out);
        return;
      }
      case 'if_statement':
        out.push(this.ifStatement(node, depth));
        return;
      case 'try_statement': {
        const handlers: { types: PyExpr | null; body: PyStatement[] }[] = [];
        let orelse: PyStatement[] = [];
        let finalbody: PyStatement[] = [];
        let body: PyStatement[] = [];
        for (const child of namedChildren(node)) {
          if (child.type === 'block') body = this.block(child, depth + 1);
          else if (child.type === 'except_clause' || child.type === 'except_group_clause') {
            const parts = namedChildren(child);
            const blockNode = parts.find((p) => p.type === 'block');
            const typeNode = parts.find((p) => p.type !== 'block');
            handlers.push({ types: typeNode ? this.expr(typeNode, depth) : null, body: blockNode ? this.block(blockNode, depth + 1) : [] });
          } else if (child.type === 'else_clause' || child.type === 'finally_clause') {
            const blockNode = namedChildren(child).find((p) => p.type === 'block');
            const statements = blockNode ? this.block(blockNode, depth + 1) : [];
            if (child.type === 'else_clause') orelse = statements;
            else finalbody = statements;
          }
        }
        out.push({ kind: 'try', body, handlers, orelse, finalbody, span: span(node) });
        return;
      }
      case 'with_statement':
      case 'for_statement':
      case 'while_statement': {
        const parts = namedChildren(node);
        const body = parts.find((p) => p.type === 'block');
        out.push({ kind: 'block', body: body ? this.block(body, depth + 1) : [], span: span(node) });
        return;
      }
      case 'return_statement': {
        const value = namedChildren(node)[0];
        out.push({ kind: 'return', value: value ? this.expr(value, depth) : null, span: span(node) });
        return;
      }
      case 'ERROR':
        // Recover what the parser could still recognise inside a broken region.
        for (const child of namedChildren(node)) {
          if (STATEMENT_TYPES.has(child.type)) this.statement(child, depth + 1, out);
        }
        return;
      default:
        out.push({ kind: 'other', span: span(node) });
    }
  }

  private assignment(node: ReadableNode, statement: ReadableNode, depth: number): PyStatement {
    // `a = b = value` nests assignments on the right; `x: int = v` has a type between.
    const targets: PyExpr[] = [];
    let current: ReadableNode | undefined = node;
    let value: PyExpr = { k: 'unknown', span: span(node) };
    while (current) {
      const parts: ReadableNode[] = namedChildren(current);
      const left = parts[0];
      const right: ReadableNode | undefined = parts.length >= 2 && parts[parts.length - 1].type !== 'type' ? parts[parts.length - 1] : undefined;
      if (left) targets.push(this.expr(left, depth));
      if (right && right.type === 'assignment') {
        current = right;
        continue;
      }
      if (right) value = this.expr(right, depth);
      current = undefined;
    }
    return { kind: 'assign', targets, value, span: span(statement) };
  }

  private ifStatement(node: ReadableNode, depth: number): PyStatement {
    const condition = node.childForFieldName('condition');
    const consequence = node.childForFieldName('consequence');
    const test = condition ? this.expr(condition, depth) : { k: 'unknown' as const, span: span(node) };
    const body = consequence ? this.block(consequence, depth + 1) : [];
    // elif/else chains become nested ifs in `orelse`; clauses are read in source order (imports are listed so).
    const clauses = namedChildren(node)
      .filter((c) => c.type === 'elif_clause' || c.type === 'else_clause')
      .map((clause) => {
        if (clause.type === 'else_clause') {
          const elseBody = clause.childForFieldName('body');
          return { clause, test: null, body: elseBody ? this.block(elseBody, depth + 1) : [] };
        }
        const elifCondition = clause.childForFieldName('condition');
        const elifBody = clause.childForFieldName('consequence');
        const elifTest: PyExpr = elifCondition ? this.expr(elifCondition, depth) : { k: 'unknown', span: span(clause) };
        return { clause, test: elifTest, body: elifBody ? this.block(elifBody, depth + 1) : [] };
      });
    let orelse: PyStatement[] = [];
    for (let i = clauses.length - 1; i >= 0; i--) {
      const { clause, test: clauseTest, body: clauseBody } = clauses[i];
      orelse = clauseTest === null ? clauseBody : [{ kind: 'if', test: clauseTest, body: clauseBody, orelse, span: span(clause) }];
    }
    return { kind: 'if', test, body, orelse, span: span(node) };
  }

  private importStatement(node: ReadableNode): PyImport | null {
    if (node.type === 'future_import_statement') {
      return { kind: 'from', module: '__future__', level: 0, names: [], star: false, span: span(node) };
    }
    if (node.type === 'import_statement') {
      const names: PyImportedName[] = [];
      for (const child of namedChildren(node)) {
        if (child.type === 'dotted_name') names.push({ name: this.text(child), span: span(child) });
        else if (child.type === 'aliased_import') {
          const [name, alias] = namedChildren(child);
          if (name) names.push({ name: this.text(name), alias: alias ? this.text(alias) : undefined, span: span(child) });
        }
      }
      return { kind: 'import', module: '', level: 0, names, star: false, span: span(node) };
    }
    const moduleNode = node.childForFieldName('module_name');
    let module = '';
    let level = 0;
    if (moduleNode) {
      if (moduleNode.type === 'relative_import') {
        for (const part of namedChildren(moduleNode)) {
          if (part.type === 'import_prefix') level = this.text(part).trim().length;
          else if (part.type === 'dotted_name') module = this.text(part);
        }
      } else module = this.text(moduleNode);
    }
    const names: PyImportedName[] = [];
    let star = false;
    for (const child of namedChildren(node)) {
      if (moduleNode && child.startIndex === moduleNode.startIndex) continue;
      if (child.type === 'wildcard_import') star = true;
      else if (child.type === 'dotted_name') names.push({ name: this.text(child), span: span(child) });
      else if (child.type === 'aliased_import') {
        const [name, alias] = namedChildren(child);
        if (name) names.push({ name: this.text(name), alias: alias ? this.text(alias) : undefined, span: span(child) });
      }
    }
    return { kind: 'from', module, level, names, star, span: span(node) };
  }

  private argumentList(node: ReadableNode, depth: number, args: PyExpr[], keywords: PyKeyword[]): boolean {
    let starred = false;
    for (const child of namedChildren(node)) {
      if (child.type === 'keyword_argument') {
        const [name, value] = namedChildren(child);
        if (name && value) keywords.push({ name: this.text(name), nameSpan: span(name), value: this.expr(value, depth + 1), span: span(child) });
      } else if (child.type === 'list_splat' || child.type === 'dictionary_splat') {
        starred = true;
      } else {
        args.push(this.expr(child, depth + 1));
      }
    }
    return starred;
  }

  expr(node: ReadableNode, depth: number): PyExpr {
    const where = span(node);
    if (depth > MAX_DEPTH) return { k: 'unknown', span: where };
    switch (node.type) {
      case 'string':
        return readString(node, this.source) ?? { k: 'unknown', span: where };
      case 'concatenated_string': {
        let value = '';
        let first: Extract<PyExpr, { k: 'str' }> | null = null;
        for (const part of namedChildren(node)) {
          const piece = part.type === 'string' ? readString(part, this.source) : null;
          if (!piece) return { k: 'unknown', span: where };
          first ??= piece;
          value += piece.value;
        }
        return { k: 'str', value, quote: first?.quote ?? '"', prefix: first?.prefix ?? '', span: where };
      }
      case 'integer':
      case 'float': {
        const value = Number(this.text(node).replace(/_/g, ''));
        return Number.isFinite(value) ? { k: 'num', value, span: where } : { k: 'unknown', span: where };
      }
      case 'true':
        return { k: 'const', value: true, span: where };
      case 'false':
        return { k: 'const', value: false, span: where };
      case 'none':
        return { k: 'const', value: null, span: where };
      case 'identifier':
        return { k: 'name', id: this.text(node), span: where };
      case 'attribute': {
        const [object, attribute] = namedChildren(node);
        if (!object || !attribute) return { k: 'unknown', span: where };
        return { k: 'attr', object: this.expr(object, depth + 1), attr: this.text(attribute), attrSpan: span(attribute), span: where };
      }
      case 'call': {
        const [fn, argumentsNode] = namedChildren(node);
        if (!fn) return { k: 'unknown', span: where };
        const args: PyExpr[] = [];
        const keywords: PyKeyword[] = [];
        let starred = false;
        const skip = this.options.skipArguments?.(this.text(fn)) === true;
        if (!skip && argumentsNode && argumentsNode.type === 'argument_list') starred = this.argumentList(argumentsNode, depth, args, keywords);
        else if (!skip && argumentsNode) args.push({ k: 'unknown', span: span(argumentsNode) });
        return { k: 'call', fn: this.expr(fn, depth + 1), args, keywords, starred, argsSpan: argumentsNode ? span(argumentsNode) : where, span: where };
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list': {
        const items: PyExpr[] = [];
        for (const child of namedChildren(node)) {
          if (child.type === 'list_splat') {
            const inner = namedChildren(child)[0];
            items.push(inner ? { k: 'starred', value: this.expr(inner, depth + 1), span: span(child) } : { k: 'unknown', span: span(child) });
          } else items.push(this.expr(child, depth + 1));
        }
        const k = node.type === 'expression_list' ? 'tuple' : node.type;
        return { k: k as 'list' | 'tuple' | 'set', items, span: where };
      }
      case 'dictionary': {
        const entries: { key: PyExpr; value: PyExpr }[] = [];
        for (const child of namedChildren(node)) {
          if (child.type !== 'pair') return { k: 'unknown', span: where };
          const [key, value] = namedChildren(child);
          if (key && value) entries.push({ key: this.expr(key, depth + 1), value: this.expr(value, depth + 1) });
        }
        return { k: 'dict', entries, span: where };
      }
      case 'parenthesized_expression': {
        const inner = namedChildren(node)[0];
        return inner ? this.expr(inner, depth + 1) : { k: 'unknown', span: where };
      }
      case 'binary_operator': {
        const [left, right] = namedChildren(node);
        if (!left || !right) return { k: 'unknown', span: where };
        const op = this.source.slice(left.endIndex, right.startIndex).trim();
        return { k: 'binop', op, left: this.expr(left, depth + 1), right: this.expr(right, depth + 1), span: where };
      }
      case 'subscript': {
        const [value, index] = namedChildren(node);
        if (!value || !index) return { k: 'unknown', span: where };
        return { k: 'subscript', object: this.expr(value, depth + 1), index: this.expr(index, depth + 1), span: where };
      }
      default: {
        // Keep calls found inside other expressions (lambdas, comprehensions, conditionals) reachable.
        const children: PyExpr[] = [];
        const parts = namedChildren(node);
        if (parts.length > 0 && parts.length < 64) {
          for (const child of parts) if (child.type !== 'ERROR') children.push(this.expr(child, depth + 1));
        }
        return children.length > 0 ? { k: 'unknown', span: where, children } : { k: 'unknown', span: where };
      }
    }
  }
}

const STATEMENT_TYPES = new Set([
  'expression_statement',
  'import_statement',
  'import_from_statement',
  'class_definition',
  'function_definition',
  'decorated_definition',
  'if_statement',
  'try_statement',
  'with_statement',
  'for_statement',
  'while_statement',
]);



