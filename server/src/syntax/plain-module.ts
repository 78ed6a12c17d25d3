/**
 * A reader for modules written in the plain subset of Python that generators and most people write
 * (Django's migrations above all): imports, classes, functions, decorators, blocks, assignments and the
 * common expressions. It returns exactly the `PyModule` that `summarizeModule` reads off tree-sitter's
 * tree, or undefined as soon as the text steps outside that subset (a lambda, `except ... as`, a nested
 * target pattern, an escape tree-sitter keeps as text, tabs, deep nesting ...), and the caller parses the
 * file with tree-sitter instead. No tree is built, so nothing is copied out of a parser.
 * `test/syntax/plain-module.test.ts` holds it equal to the tree-sitter path.
 */
import type { PyExpr, PyImport, PyImportedName, PyKeyword, PyModule, PyStatement } from './python-ast';
import type { SummaryOptions } from './python';
import { MAX_NESTING, exprsOf, isTarget, unknownOver, type Parsed } from './plain-cursor';
import { statementsWithin, SUMMARY_DEPTH_BOUND } from './plain-depth';
import { ExpressionReader } from './plain-expressions';
import { KEYWORDS, OUTSIDE, SOFT_KEYWORDS, T } from './plain-tokens';

const AUGMENTED_ASSIGNMENTS = new Set(['+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=']);

/** Reads `source` without a parser; undefined when it is not in the plain subset. */
export function readPlainModule(source: string, options: SummaryOptions = {}): PyModule | undefined {
  try {
    return new PlainReader(source, options).module();
  } catch (error) {
    // Out of stack all the same (a deep structure the bound does not see): tree-sitter's path reads it.
    if (error === OUTSIDE || error instanceof RangeError) return undefined;
    throw error;
  }
}

/** The statements of the subset, over the expression reader. */
class PlainReader extends ExpressionReader {
  private readonly imports: PyImport[] = [];

  module(): PyModule {
    const statements: PyStatement[] = [];
    while (this.token.type !== T.End) this.statement(statements);
    // Past its depth bound the tree-sitter path reads `unknown`: such a module is left to it.
    if (!statementsWithin(statements, SUMMARY_DEPTH_BOUND - this.parenthesesDepth)) throw OUTSIDE;
    return { statements, imports: this.imports, syntaxErrors: [] };
  }

  private statement(out: PyStatement[]): void {
    const token = this.token;
    if (this.isOp('@')) return this.decorated(out);
    if (token.type === T.Name) {
      switch (token.text) {
        case 'import':
          return this.importStatement(out);
        case 'from':
          return this.fromStatement(out);
        case 'class':
          return this.classDefinition(out);
        case 'def':
          return this.functionDefinition(out);
        case 'if':
          out.push(this.ifStatement());
          return;
        case 'for':
        case 'while':
        case 'with':
          return this.loopOrWith(out);
        case 'try':
          return this.tryStatement(out);
        case 'return': {
          this.advance();
          const value = this.token.type === T.Newline ? null : this.tupleFrom(this.expression()).parsed;
          this.endOfLine();
          out.push({ kind: 'return', value: value?.expr ?? null, span: { start: token.start, end: value?.end ?? token.end } });
          return;
        }
        case 'yield': {
          // `yield x` / `yield from x`: an expression statement, `unknown` over what it yields.
          this.advance();
          if (this.isName('from')) this.advance();
          const value = this.token.type === T.Newline ? undefined : this.tupleFrom(this.expression()).parsed;
          this.endOfLine();
          const span = { start: token.start, end: value?.end ?? token.end };
          out.push({ kind: 'expr', value: value ? { k: 'unknown', span, children: [value.expr] } : { k: 'unknown', span }, span });
          return;
        }
        case 'pass':
        case 'break':
        case 'continue':
        case 'raise':
        case 'del':
        case 'global':
        case 'nonlocal':
        case 'assert':
          return this.simpleStatement(out);
        default:
          if (KEYWORDS.has(token.text) || SOFT_KEYWORDS.has(token.text)) throw OUTSIDE;
      }
    } else if (token.type !== T.String && token.type !== T.Number && !(token.type === T.Op && (token.text === '(' || token.text === '[' || token.text === '{'))) {
      throw OUTSIDE;
    }
    const first = this.expression();
    if (this.isOp(',') || this.isOp('=')) {
      // `a, b = c` and `a = b = c, d`: a target list is read as tree-sitter's path reads a pattern list.
      const targets: PyExpr[] = [];
      let value = this.tupleFrom(first);
      while (this.isOp('=')) {
        // Nested patterns (`(a, b), c = ...`) read differently from tuples: not in the subset.
        if (value.items.length > 1 && value.items.every((item) => isTarget(item.expr))) targets.push(unknownOver(value.items).expr);
        else if (isTarget(value.parsed.expr)) targets.push(value.parsed.expr);
        else throw OUTSIDE;
        this.advance();
        value = this.tupleFrom(this.expression());
      }
      if (targets.length === 0) throw OUTSIDE;
      this.endOfLine();
      out.push({ kind: 'assign', targets, value: value.parsed.expr, span: { start: first.start, end: value.parsed.end } });
      return;
    }
    if (this.token.type === T.Op && AUGMENTED_ASSIGNMENTS.has(this.token.text)) {
      if (!isTarget(first.expr)) throw OUTSIDE;
      this.advance();
      const value = this.expression();
      this.endOfLine();
      const op = this.source.slice(first.end, value.start).trim();
      out.push({ kind: 'augassign', target: first.expr, op, value: value.expr, span: { start: first.start, end: value.end } });
      return;
    }
    this.endOfLine();
    out.push({ kind: 'expr', value: first.expr, span: { start: first.start, end: first.end } });
  }

  /** `a, b` without parentheses, from its first expression: a tuple (an expression list); a trailing comma or a star is not in the subset. */
  private tupleFrom(first: Parsed): { parsed: Parsed; items: Parsed[] } {
    if (!this.isOp(',')) return { parsed: first, items: [first] };
    const items = [first];
    while (this.isOp(',')) {
      this.advance();
      if (this.token.type === T.Newline || this.isOp('=') || this.isOp('*')) throw OUTSIDE;
      items.push(this.expression());
    }
    const start = first.start;
    const end = items[items.length - 1].end;
    return { parsed: { expr: { k: 'tuple', items: exprsOf(items), span: { start, end } }, start, end }, items };
  }

  /** Decorators are not kept: the definition under them is, with its own span. */
  private decorated(out: PyStatement[]): void {
    while (this.isOp('@')) {
      this.advance();
      this.expression();
      this.endOfLine();
    }
    if (!this.isName('def') && !this.isName('class')) throw OUTSIDE;
    this.statement(out);
  }

  /** `pass`, `break`, `raise X` ...: statements the summary keeps as a span only. */
  private simpleStatement(out: PyStatement[]): void {
    const start = this.token.start;
    let end = this.advance().end;
    while (this.token.type !== T.Newline) {
      if (this.token.type !== T.Name && this.token.type !== T.Op && this.token.type !== T.String && this.token.type !== T.Number) throw OUTSIDE;
      if (this.token.type === T.Name && (this.token.text === 'lambda' || this.token.text === 'yield' || this.token.text === 'await')) throw OUTSIDE;
      end = this.advance().end;
    }
    this.endOfLine();
    out.push({ kind: 'other', span: { start, end } });
  }

  /** The tokens of a header up to its colon (`for x in y`, `def f(a, b)`), which the summary does not keep. */
  private skipHeader(): void {
    while (!this.isOp(':')) {
      if (this.token.type === T.Newline || this.token.type === T.End) throw OUTSIDE;
      if (this.isName('lambda')) throw OUTSIDE;
      if (this.isOp('(') || this.isOp('[') || this.isOp('{')) this.skipBracketed();
      else this.advance();
    }
  }

  private skipBracketed(): void {
    let depth = 0;
    do {
      if (this.token.type === T.End) throw OUTSIDE;
      if (this.isOp('(') || this.isOp('[') || this.isOp('{')) depth++;
      else if (this.isOp(')') || this.isOp(']') || this.isOp('}')) depth--;
      else if (this.isName('lambda') || this.isName('yield') || this.isName('await')) throw OUTSIDE;
      this.advance();
    } while (depth > 0);
  }

  /** `: NEWLINE INDENT statements DEDENT`; the end takes the comments after the last statement indented inside it, as tree-sitter's does. */
  private block(): { body: PyStatement[]; start: number; end: number } {
    if (++this.nesting > MAX_NESTING) throw OUTSIDE;
    this.expectOp(':');
    this.endOfLine();
    if (this.token.type !== T.Indent) throw OUTSIDE;
    this.advance();
    const start = this.token.start;
    const body: PyStatement[] = [];
    let end = start;
    while (!this.atDedent()) {
      this.statement(body);
      end = body[body.length - 1].span.end;
    }
    const width = start - (this.source.lastIndexOf('\n', start - 1) + 1);
    for (const comment of this.tokens.comments) if (comment.column >= width && comment.end > end) end = comment.end;
    this.advance();
    this.nesting--;
    return { body, start, end };
  }

  private functionDefinition(out: PyStatement[]): void {
    const start = this.advance().start;
    const nameToken = this.expectName();
    if (!this.isOp('(')) throw OUTSIDE;
    this.skipHeader();
    const block = this.block();
    out.push({ kind: 'def', name: nameToken.text, nameSpan: { start: nameToken.start, end: nameToken.end }, body: block.body, span: { start, end: block.end } });
  }

  /** `for`, `while` and `with` keep their body only; an `else:` after a loop is not in the subset. */
  private loopOrWith(out: PyStatement[]): void {
    const start = this.advance().start;
    this.skipHeader();
    const block = this.block();
    if (this.isName('else')) throw OUTSIDE;
    out.push({ kind: 'block', body: block.body, span: { start, end: block.end } });
  }

  /** `if`/`elif`/`else`, the `elif`s nested in `orelse` as the tree-sitter path reads them. */
  private ifStatement(): PyStatement {
    const start = this.advance().start;
    const test = this.expression().expr;
    const block = this.block();
    const clauses: { start: number; test: PyExpr | null; body: PyStatement[]; end: number }[] = [];
    while (this.isName('elif') || this.isName('else')) {
      const keyword = this.advance();
      const clauseTest = keyword.text === 'elif' ? this.expression().expr : null;
      const clause = this.block();
      clauses.push({ start: keyword.start, test: clauseTest, body: clause.body, end: clause.end });
      if (keyword.text === 'else') break;
    }
    let orelse: PyStatement[] = [];
    for (let i = clauses.length - 1; i >= 0; i--) {
      const clause = clauses[i];
      orelse = clause.test === null ? clause.body : [{ kind: 'if', test: clause.test, body: clause.body, orelse, span: { start: clause.start, end: clause.end } }];
    }
    const end = clauses.length > 0 ? clauses[clauses.length - 1].end : block.end;
    return { kind: 'if', test, body: block.body, orelse, span: { start, end } };
  }

  private tryStatement(out: PyStatement[]): void {
    const start = this.advance().start;
    const body = this.block();
    let end = body.end;
    const handlers: { types: PyExpr | null; body: PyStatement[] }[] = [];
    let orelse: PyStatement[] = [];
    let finalbody: PyStatement[] = [];
    while (this.isName('except')) {
      this.advance();
      if (this.isOp('*')) throw OUTSIDE;
      const types = this.isOp(':') ? null : this.expression().expr;
      if (this.isName('as') || this.isOp(',')) throw OUTSIDE;
      const handler = this.block();
      handlers.push({ types, body: handler.body });
      end = handler.end;
    }
    if (this.isName('else')) {
      this.advance();
      const clause = this.block();
      orelse = clause.body;
      end = clause.end;
    }
    if (this.isName('finally')) {
      this.advance();
      const clause = this.block();
      finalbody = clause.body;
      end = clause.end;
    }
    out.push({ kind: 'try', body: body.body, handlers, orelse, finalbody, span: { start, end } });
  }

  private importStatement(out: PyStatement[]): void {
    const start = this.advance().start;
    const names: PyImportedName[] = [];
    let end: number;
    for (;;) {
      const imported = this.importedName();
      names.push(imported);
      end = imported.span.end;
      if (!this.isOp(',')) break;
      this.advance();
    }
    this.endOfLine();
    const imported: PyImport = { kind: 'import', module: '', level: 0, names, star: false, span: { start, end } };
    this.imports.push(imported);
    out.push({ kind: 'import', import: imported, span: { start, end } });
  }

  private fromStatement(out: PyStatement[]): void {
    const start = this.advance().start;
    let level = 0;
    while (this.isOp('.') || this.isOp('...')) {
      level += this.advance().text.length;
    }
    const module = this.token.type === T.Name && this.token.text !== 'import' ? this.dottedName().text : '';
    if (!this.isName('import')) throw OUTSIDE;
    let end = this.advance().end;
    const names: PyImportedName[] = [];
    let star = false;
    if (module === '__future__' && level === 0) {
      // tree-sitter reads these as their own statement, whose names the summary does not keep.
      if (this.isOp('(') || this.isOp('*')) throw OUTSIDE;
      for (;;) {
        end = this.expectName().end;
        if (this.isName('as')) throw OUTSIDE;
        if (!this.isOp(',')) break;
        this.advance();
      }
      this.endOfLine();
      return this.pushImport(out, { kind: 'from', module, level, names, star, span: { start, end } });
    }
    if (this.isOp('*')) {
      end = this.advance().end;
      star = true;
    } else {
      const parenthesized = this.isOp('(');
      if (parenthesized) this.advance();
      for (;;) {
        const imported = this.importedName();
        names.push(imported);
        end = imported.span.end;
        if (!this.isOp(',')) break;
        end = this.advance().end;
        if (parenthesized && this.isOp(')')) break;
        if (!parenthesized && this.token.type === T.Newline) throw OUTSIDE;
      }
      if (parenthesized) end = this.expectOp(')').end;
    }
    this.endOfLine();
    this.pushImport(out, { kind: 'from', module, level, names, star, span: { start, end } });
  }

  /** `a.b` or `a.b as c`; the alias key only when there is one, as on the tree-sitter path. */
  private importedName(): PyImportedName {
    const name = this.dottedName();
    if (!this.isName('as')) return { name: name.text, span: { start: name.start, end: name.end } };
    this.advance();
    const alias = this.expectName();
    return { name: name.text, alias: alias.text, span: { start: name.start, end: alias.end } };
  }

  private pushImport(out: PyStatement[], imported: PyImport): void {
    this.imports.push(imported);
    out.push({ kind: 'import', import: imported, span: imported.span });
  }

  private dottedName(): { text: string; start: number; end: number } {
    const first = this.expectName();
    let end = first.end;
    while (this.isOp('.')) {
      this.advance();
      end = this.expectName().end;
    }
    const text = this.source.slice(first.start, end);
    if (/\s/.test(text)) throw OUTSIDE;
    return { text, start: first.start, end };
  }

  private classDefinition(out: PyStatement[]): void {
    const start = this.advance().start;
    const nameToken = this.expectName();
    const bases: PyExpr[] = [];
    const keywords: PyKeyword[] = [];
    if (this.isOp('(')) {
      this.advance();
      const read = this.argumentList(bases, keywords);
      if (read.starred || read.generator) throw OUTSIDE;
    }
    const block = this.block();
    out.push({
      kind: 'class',
      name: nameToken.text,
      nameSpan: { start: nameToken.start, end: nameToken.end },
      bases,
      keywords,
      body: block.body,
      span: { start, end: block.end },
      bodySpan: { start: block.start, end: block.end },
    });
  }
}
