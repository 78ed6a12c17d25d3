/**
 * A reader for modules written in the plain subset of Python that code generators write (Django's
 * migrations above all): imports, classes, functions, assignments, `if`/`for`/`while`/`with`/`try` blocks
 * and expressions of names, literals, calls, operators and comparisons. It returns exactly the `PyModule`
 * that `summarizeModule` reads off tree-sitter's tree, or undefined as soon as the text steps outside that
 * subset (a lambda, a comprehension, an f-string, a decorator, a backslash it does not know, tabs ...),
 * and the caller parses the file with tree-sitter instead. No tree is built, so nothing is copied out of
 * a parser. `test/syntax/plain-module.test.ts` holds it equal to the tree-sitter path.
 */
import type { PyExpr, PyImport, PyImportedName, PyKeyword, PyModule, PyStatement } from './python-ast';
import type { SummaryOptions } from './python';
import { KEYWORDS, OUTSIDE, SOFT_KEYWORDS, T, Tokenizer, type Token } from './plain-tokens';

/** Operators of binary expressions, loosest first, as tree-sitter's grammar ranks them (`^` above `&`, unlike Python). */
const BINARY_LEVELS: readonly (readonly string[])[] = [['|'], ['&'], ['^'], ['+', '-'], ['*', '/', '%']];
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Reads `source` without a parser; undefined when it is not in the plain subset. */
export function readPlainModule(source: string, options: SummaryOptions = {}): PyModule | undefined {
  try {
    return new PlainReader(source, options).module();
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

/** An expression with the extent of its node, which includes parentheses the expression itself drops. */
interface Parsed {
  expr: PyExpr;
  start: number;
  end: number;
}

class PlainReader {
  private readonly tokens: Tokenizer;
  private token: Token;
  private readonly imports: PyImport[] = [];

  constructor(
    private readonly source: string,
    private readonly options: SummaryOptions,
  ) {
    this.tokens = new Tokenizer(source);
    this.token = this.tokens.next();
  }

  module(): PyModule {
    const statements: PyStatement[] = [];
    while (this.token.type !== T.End) this.statement(statements);
    return { statements, imports: this.imports, syntaxErrors: [] };
  }

  private advance(): Token {
    const current = this.token;
    this.token = this.tokens.next();
    return current;
  }

  /** A method rather than a comparison inline, which the compiler would narrow across `advance()`. */
  private atDedent(): boolean {
    return this.token.type === T.Dedent;
  }

  private isOp(text: string): boolean {
    return this.token.type === T.Op && this.token.text === text;
  }

  private isName(text: string): boolean {
    return this.token.type === T.Name && this.token.text === text;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) throw OUTSIDE;
    return this.advance();
  }

  private expectName(): Token {
    if (this.token.type !== T.Name || KEYWORDS.has(this.token.text)) throw OUTSIDE;
    return this.advance();
  }

  private endOfLine(): void {
    if (this.token.type !== T.Newline) throw OUTSIDE;
    this.advance();
  }

  private statement(out: PyStatement[]): void {
    const token = this.token;
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
        if (value.items.length > 1) targets.push(unknownOver(value.items).expr);
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
    if (this.token.type === T.Op && this.token.text.length === 2 && this.token.text.endsWith('=') && this.token.text !== '==' && this.token.text !== '!=' && this.token.text !== '<=' && this.token.text !== '>=') {
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
    return { parsed: { expr: { k: 'tuple', items: items.map((i) => i.expr), span: { start, end } }, start, end }, items };
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
      const name = this.dottedName();
      let alias: string | undefined;
      let nameEnd = name.end;
      if (this.isName('as')) {
        this.advance();
        const aliasToken = this.expectName();
        alias = aliasToken.text;
        nameEnd = aliasToken.end;
      }
      names.push(alias === undefined ? { name: name.text, span: { start: name.start, end: nameEnd } } : { name: name.text, alias, span: { start: name.start, end: nameEnd } });
      end = nameEnd;
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
    while (this.isOp('.')) {
      this.advance();
      level++;
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
        const name = this.dottedName();
        let nameEnd = name.end;
        let alias: string | undefined;
        if (this.isName('as')) {
          this.advance();
          const aliasToken = this.expectName();
          alias = aliasToken.text;
          nameEnd = aliasToken.end;
        }
        names.push(alias === undefined ? { name: name.text, span: { start: name.start, end: nameEnd } } : { name: name.text, alias, span: { start: name.start, end: nameEnd } });
        end = nameEnd;
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
      if (this.argumentList(bases, keywords).starred) throw OUTSIDE;
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

  /** The arguments after an open parenthesis already read, through the closing one. */
  private argumentList(args: PyExpr[], keywords: PyKeyword[]): { starred: boolean; end: number } {
    let starred = false;
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) {
        this.advance();
        this.expression();
        starred = true;
      } else if (this.token.type === T.Name && !KEYWORDS.has(this.token.text) && this.peekIsKeywordEquals()) {
        const name = this.advance();
        this.expectOp('=');
        const value = this.expression();
        keywords.push({ name: name.text, nameSpan: { start: name.start, end: name.end }, value: value.expr, span: { start: name.start, end: value.end } });
      } else {
        args.push(this.expression().expr);
      }
      if (!this.isOp(',')) break;
      this.advance();
    }
    return { starred, end: this.expectOp(')').end };
  }

  /** Whether the name under the cursor is followed by `=` (a keyword argument): looks at the text. */
  private peekIsKeywordEquals(): boolean {
    let at = this.token.end;
    const source = this.source;
    while (source.charCodeAt(at) === 32) at++;
    return source.charCodeAt(at) === 61 && source.charCodeAt(at + 1) !== 61;
  }

  /**
   * An expression. Conditionals, `or`/`and`/`not` and comparisons are read as tree-sitter's path reads
   * them: `unknown` over their operands.
   */
  private expression(): Parsed {
    const body = this.disjunction();
    if (!this.isName('if')) return body;
    this.advance();
    const test = this.disjunction();
    if (!this.isName('else')) throw OUTSIDE;
    this.advance();
    const orelse = this.expression();
    return unknownOver([body, test, orelse]);
  }

  private disjunction(): Parsed {
    let left = this.conjunction();
    while (this.isName('or')) {
      this.advance();
      left = unknownOver([left, this.conjunction()]);
    }
    return left;
  }

  private conjunction(): Parsed {
    let left = this.negation();
    while (this.isName('and')) {
      this.advance();
      left = unknownOver([left, this.negation()]);
    }
    return left;
  }

  private negation(): Parsed {
    if (!this.isName('not')) return this.comparison();
    const start = this.advance().start;
    const operand = this.negation();
    return { expr: { k: 'unknown', span: { start, end: operand.end }, children: [operand.expr] }, start, end: operand.end };
  }

  private comparison(): Parsed {
    const first = this.binary(0);
    const operands = [first];
    for (;;) {
      if (this.token.type === T.Op && COMPARISONS.has(this.token.text)) this.advance();
      else if (this.isName('in')) this.advance();
      else if (this.isName('is')) {
        this.advance();
        if (this.isName('not')) this.advance();
      } else if (this.isName('not')) {
        this.advance();
        if (!this.isName('in')) throw OUTSIDE;
        this.advance();
      } else break;
      operands.push(this.binary(0));
    }
    return operands.length === 1 ? first : unknownOver(operands);
  }

  private binary(level: number): Parsed {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const operators = BINARY_LEVELS[level];
    while (this.token.type === T.Op && operators.includes(this.token.text)) {
      this.advance();
      const right = this.binary(level + 1);
      const op = this.source.slice(left.end, right.start).trim();
      left = { expr: { k: 'binop', op, left: left.expr, right: right.expr, span: { start: left.start, end: right.end } }, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): Parsed {
    if (this.isOp('-') || this.isOp('+') || this.isOp('~')) {
      const start = this.advance().start;
      const operand = this.unary();
      return { expr: { k: 'unknown', span: { start, end: operand.end }, children: [operand.expr] }, start, end: operand.end };
    }
    return this.power();
  }

  /** `a ** b`: binds tighter than a unary operator on its left, and to the right. */
  private power(): Parsed {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    this.advance();
    const exponent = this.unary();
    const op = this.source.slice(base.end, exponent.start).trim();
    const span = { start: base.start, end: exponent.end };
    return { expr: { k: 'binop', op, left: base.expr, right: exponent.expr, span }, start: base.start, end: exponent.end };
  }

  private primary(): Parsed {
    let node = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.advance();
        const attribute = this.expectName();
        const span = { start: node.start, end: attribute.end };
        node = { expr: { k: 'attr', object: node.expr, attr: attribute.text, attrSpan: { start: attribute.start, end: attribute.end }, span }, start: node.start, end: attribute.end };
      } else if (this.isOp('(')) {
        const open = this.advance();
        const args: PyExpr[] = [];
        const keywords: PyKeyword[] = [];
        const skip = this.options.skipArguments?.(this.source.slice(node.start, node.end)) === true;
        const { starred, end } = this.argumentList(args, keywords);
        const span = { start: node.start, end };
        node = {
          expr: skip
            ? { k: 'call', fn: node.expr, args: [], keywords: [], starred: false, argsSpan: { start: open.start, end }, span }
            : { k: 'call', fn: node.expr, args, keywords, starred, argsSpan: { start: open.start, end }, span },
          start: node.start,
          end,
        };
      } else if (this.isOp('[')) {
        this.advance();
        if (this.isOp(']')) throw OUTSIDE;
        const index = this.expression();
        if (!this.isOp(']')) throw OUTSIDE;
        const end = this.advance().end;
        const span = { start: node.start, end };
        node = { expr: { k: 'subscript', object: node.expr, index: index.expr, span }, start: node.start, end };
      } else return node;
    }
  }

  private atom(): Parsed {
    const token = this.token;
    switch (token.type) {
      case T.Name: {
        if (KEYWORDS.has(token.text)) throw OUTSIDE;
        this.advance();
        const span = { start: token.start, end: token.end };
        if (token.text === 'True') return { expr: { k: 'const', value: true, span }, start: token.start, end: token.end };
        if (token.text === 'False') return { expr: { k: 'const', value: false, span }, start: token.start, end: token.end };
        if (token.text === 'None') return { expr: { k: 'const', value: null, span }, start: token.start, end: token.end };
        return { expr: { k: 'name', id: token.text, span }, start: token.start, end: token.end };
      }
      case T.Number: {
        this.advance();
        const value = Number(token.text.replace(/_/g, ''));
        const span = { start: token.start, end: token.end };
        return { expr: Number.isFinite(value) ? { k: 'num', value, span } : { k: 'unknown', span }, start: token.start, end: token.end };
      }
      case T.String:
        return this.strings();
      case T.Op:
        if (token.text === '(') return this.parenthesized();
        if (token.text === '[') return this.list();
        if (token.text === '{') return this.braces();
        throw OUTSIDE;
      default:
        throw OUTSIDE;
    }
  }

  /** One string literal or several side by side (`'a' 'b'`). */
  private strings(): Parsed {
    const first = this.advance();
    let end = first.end;
    let opaque = isOpaqueLiteral(first.text);
    const parts = [first];
    while (this.token.type === T.String) {
      const part = this.advance();
      opaque ||= isOpaqueLiteral(part.text);
      parts.push(part);
      end = part.end;
    }
    const span = { start: first.start, end };
    // Bytes and f-strings have no static value: the whole literal is unknown, as on the tree-sitter path.
    if (opaque) return { expr: { k: 'unknown', span }, start: first.start, end };
    const firstValue = stringValue(first.text);
    let value = firstValue.value;
    for (let i = 1; i < parts.length; i++) value += stringValue(parts[i].text).value;
    return { expr: { k: 'str', value, quote: firstValue.quote, prefix: firstValue.prefix, span }, start: first.start, end };
  }

  private parenthesized(): Parsed {
    const open = this.advance();
    if (this.isOp(')')) {
      const end = this.advance().end;
      return { expr: { k: 'tuple', items: [], span: { start: open.start, end } }, start: open.start, end };
    }
    const first = this.item();
    if (this.isOp(')') && first.expr.k !== 'starred') {
      const end = this.advance().end;
      // tree-sitter keeps the parentheses as a node of their own; the summary reads through it.
      return { expr: first.expr, start: open.start, end };
    }
    const items = [first.expr];
    while (this.isOp(',')) {
      this.advance();
      if (this.isOp(')')) break;
      items.push(this.item().expr);
    }
    const end = this.expectOp(')').end;
    return { expr: { k: 'tuple', items, span: { start: open.start, end } }, start: open.start, end };
  }

  private list(): Parsed {
    const open = this.advance();
    const items: PyExpr[] = [];
    while (!this.isOp(']')) {
      items.push(this.item().expr);
      if (!this.isOp(',')) break;
      this.advance();
    }
    const end = this.expectOp(']').end;
    return { expr: { k: 'list', items, span: { start: open.start, end } }, start: open.start, end };
  }

  /** An element of a list or tuple: an expression or `*expression`. */
  private item(): Parsed {
    if (this.isOp('*')) {
      const star = this.advance();
      const value = this.binary(0);
      return { expr: { k: 'starred', value: value.expr, span: { start: star.start, end: value.end } }, start: star.start, end: value.end };
    }
    return this.expression();
  }

  private braces(): Parsed {
    const open = this.advance();
    if (this.isOp('}')) {
      const end = this.advance().end;
      return { expr: { k: 'dict', entries: [], span: { start: open.start, end } }, start: open.start, end };
    }
    if (this.isOp('*')) throw OUTSIDE;
    if (this.isOp('**')) return this.dictionary(open.start, undefined);
    const first = this.expression();
    if (this.isOp(':')) return this.dictionary(open.start, first);
    const items = [first.expr];
    while (this.isOp(',')) {
      this.advance();
      if (this.isOp('}')) break;
      items.push(this.item().expr);
    }
    const end = this.expectOp('}').end;
    return { expr: { k: 'set', items, span: { start: open.start, end } }, start: open.start, end };
  }

  /** A dict from its first key (read) or first `**` (not yet); with a `**` in it the whole dict is unknown, as on the tree-sitter path. */
  private dictionary(start: number, firstKey: Parsed | undefined): Parsed {
    const entries: { key: PyExpr; value: PyExpr }[] = [];
    let splat = false;
    let key = firstKey;
    for (;;) {
      if (key) {
        this.expectOp(':');
        const value = this.expression();
        entries.push({ key: key.expr, value: value.expr });
      } else {
        this.expectOp('**');
        this.binary(0);
        splat = true;
      }
      if (!this.isOp(',')) break;
      this.advance();
      if (this.isOp('}')) break;
      key = this.isOp('**') ? undefined : this.expression();
    }
    const end = this.expectOp('}').end;
    const span = { start, end };
    return { expr: splat ? { k: 'unknown', span } : { k: 'dict', entries, span }, start, end };
  }
}

const COMPARISONS = new Set(['<', '>', '==', '!=', '<=', '>=']);

/** What the tree-sitter path makes of a node it has no shape for: `unknown`, with its operands as children. */
function unknownOver(parts: Parsed[]): Parsed {
  const start = parts[0].start;
  const end = parts[parts.length - 1].end;
  return { expr: { k: 'unknown', span: { start, end }, children: parts.map((p) => p.expr) }, start, end };
}

function isTarget(expr: PyExpr): boolean {
  return expr.k === 'name' || expr.k === 'attr' || expr.k === 'subscript';
}

function isOpaqueLiteral(raw: string): boolean {
  const prefix = raw.slice(0, Math.min(raw.indexOf('"') >>> 0, raw.indexOf("'") >>> 0)).toLowerCase();
  return prefix.includes('b') || prefix.includes('f');
}

/** A literal's value, quote and prefix, as `readString` decodes them; outside the subset for escapes it does not know. */
function stringValue(raw: string): { value: string; quote: string; prefix: string } {
  let prefixLength = 0;
  while (raw[prefixLength] !== '"' && raw[prefixLength] !== "'") prefixLength++;
  const prefix = raw.slice(0, prefixLength);
  const triple = raw.startsWith(raw[prefixLength].repeat(3), prefixLength) && raw.length - prefixLength >= 6;
  const quote = triple ? raw[prefixLength].repeat(3) : raw[prefixLength];
  const body = raw.slice(prefixLength + quote.length, raw.length - quote.length);
  if (body.indexOf('\\') < 0) return { value: body, quote, prefix };
  if (prefix === 'r' || prefix === 'R') {
    // A raw string keeps its backslashes; one before the closing quote is where tokenizers differ.
    if (body.endsWith('\\')) throw OUTSIDE;
    return { value: body, quote, prefix };
  }
  let value = '';
  let at = 0;
  for (;;) {
    const slash = body.indexOf('\\', at);
    if (slash < 0) break;
    value += body.slice(at, slash);
    const next = body[slash + 1];
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      at = slash + 2;
      continue;
    }
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const digits = body.slice(slash + 2, slash + 2 + hex);
    if (hex === 0 || !new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) throw OUTSIDE;
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) throw OUTSIDE;
    value += String.fromCodePoint(code);
    at = slash + 2 + hex;
  }
  value += body.slice(at);
  return { value, quote, prefix };
}
