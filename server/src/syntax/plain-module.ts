/**
 * A reader for modules written in the plain subset of Python that code generators write (Django's
 * migrations above all): imports, classes, assignments and literal expressions. It returns exactly the
 * `PyModule` that `summarizeModule` reads off tree-sitter's tree, or undefined as soon as the text steps
 * outside that subset (a `def`, an `if`, a lambda, a backslash it does not know, tabs ...), and the caller
 * parses the file with tree-sitter instead. No tree is built, so nothing is copied out of a parser.
 * `test/syntax/plain-module.test.ts` holds it equal to the tree-sitter path.
 */
import type { PyExpr, PyImport, PyImportedName, PyKeyword, PyModule, PyStatement } from './python-ast';
import type { SummaryOptions } from './python';

/** Thrown where the text leaves the subset; caught once, at the top. */
class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset();

const enum T {
  Name,
  Number,
  String,
  Op,
  Newline,
  Indent,
  Dedent,
  End,
}

interface Token {
  type: T;
  start: number;
  end: number;
  /** The name, operator, or the raw text of a number. */
  text: string;
}

/** Python's keywords: never a name. */
const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for',
  'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
/** Names that start statements of their own in tree-sitter's grammar (`print x`, `match x:`): the subset never starts a statement with one. */
const SOFT_KEYWORDS = new Set(['print', 'exec', 'match', 'case', 'type']);

/** Operators of binary expressions, loosest first, as tree-sitter's grammar ranks them (`^` above `&`, unlike Python). */
const BINARY_LEVELS: readonly (readonly string[])[] = [['|'], ['&'], ['^'], ['+', '-'], ['*', '/', '%']];
/** Operators of two or more characters: none is in the subset (`**`, `//`, comparisons, augmented assignments). */
const LONG_OPERATORS = ['...', '->', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@='];
/** One-character tokens of the subset; `@`, `;`, `<`, `>` and `!` are not in it. */
const SINGLE_OPERATORS = new Set('()[]{},:.=+-*/%|&^~');
const NUMBER = /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const STRING_PREFIX = /(?:[rRuU]|)(?=['"])/y;
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

class Tokenizer {
  private at = 0;
  private depth = 0;
  private readonly indents: number[] = [0];
  private pendingDedents = 0;
  private atLineStart = true;
  private finished = false;
  /** The comments since the last token that is not a newline, indent or dedent: a block's span takes those indented inside it. */
  comments: { column: number; end: number }[] = [];

  constructor(private readonly source: string) {
    if (source.charCodeAt(0) === 0xfeff) throw OUTSIDE;
  }

  next(): Token {
    const token = this.read();
    if (token.type <= T.Op && this.comments.length > 0) this.comments = [];
    return token;
  }

  private read(): Token {
    if (this.pendingDedents > 0) {
      this.pendingDedents--;
      return { type: T.Dedent, start: this.at, end: this.at, text: '' };
    }
    const source = this.source;
    if (this.atLineStart && this.depth === 0) {
      const indentToken = this.lineStart();
      if (indentToken) return indentToken;
    }
    // Skip spaces and comments within a line (and newlines inside brackets).
    for (;;) {
      const c = source.charCodeAt(this.at);
      if (c === 32) this.at++;
      else if (c === 35) this.skipComment();
      else if ((c === 10 || c === 13) && this.depth > 0) this.at += c === 13 && source.charCodeAt(this.at + 1) === 10 ? 2 : 1;
      else if (c === 9 || c === 12 || c === 92) throw OUTSIDE; // tabs, form feeds, backslash continuations
      else break;
    }
    const start = this.at;
    if (start >= source.length) return this.end();
    const c = source.charCodeAt(start);
    if (c === 10 || c === 13) {
      this.at += c === 13 && source.charCodeAt(start + 1) === 10 ? 2 : 1;
      this.atLineStart = true;
      return { type: T.Newline, start, end: start, text: '' };
    }
    STRING_PREFIX.lastIndex = start;
    if (STRING_PREFIX.test(source)) return this.string(start, STRING_PREFIX.lastIndex);
    NAME.lastIndex = start;
    if (NAME.test(source)) {
      if (source.charCodeAt(NAME.lastIndex) > 127) throw OUTSIDE;
      this.at = NAME.lastIndex;
      // b'', f'' and the other prefixes the subset does not read.
      if (source[this.at] === '"' || source[this.at] === "'") throw OUTSIDE;
      return { type: T.Name, start, end: this.at, text: source.slice(start, this.at) };
    }
    if ((c >= 48 && c <= 57) || (c === 46 && isDigit(source.charCodeAt(start + 1)))) {
      NUMBER.lastIndex = start;
      if (!NUMBER.test(source)) throw OUTSIDE;
      this.at = NUMBER.lastIndex;
      const after = source.charCodeAt(this.at);
      if ((after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95 || isDigit(after) || after === 46) throw OUTSIDE; // 0x1, 1j, 1L
      return { type: T.Number, start, end: this.at, text: source.slice(start, this.at) };
    }
    for (const op of LONG_OPERATORS) {
      if (source.startsWith(op, start)) throw OUTSIDE;
    }
    const ch = source[start];
    if (!SINGLE_OPERATORS.has(ch)) throw OUTSIDE;
    this.at = start + 1;
    if (ch === '(' || ch === '[' || ch === '{') this.depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (this.depth === 0) throw OUTSIDE;
      this.depth--;
    }
    return { type: T.Op, start, end: this.at, text: ch };
  }

  /** At the start of a logical line: skips blank and comment lines, then measures the indentation. */
  private lineStart(): Token | undefined {
    const source = this.source;
    for (;;) {
      let at = this.at;
      while (source.charCodeAt(at) === 32) at++;
      const c = source.charCodeAt(at);
      if (c === 9 || c === 12 || c === 92) throw OUTSIDE;
      if (c === 35) {
        this.at = at;
        this.skipComment();
        continue;
      }
      if (c === 10 || c === 13) {
        this.at = at + (c === 13 && source.charCodeAt(at + 1) === 10 ? 2 : 1);
        continue;
      }
      if (at >= source.length) {
        this.at = at;
        return undefined;
      }
      this.atLineStart = false;
      const width = at - this.at;
      this.at = at;
      const current = this.indents[this.indents.length - 1];
      if (width > current) {
        this.indents.push(width);
        return { type: T.Indent, start: at, end: at, text: '' };
      }
      if (width < current) {
        while (this.indents[this.indents.length - 1] > width) {
          this.indents.pop();
          this.pendingDedents++;
        }
        if (this.indents[this.indents.length - 1] !== width) throw OUTSIDE;
        this.pendingDedents--;
        return { type: T.Dedent, start: at, end: at, text: '' };
      }
      return undefined;
    }
  }

  private skipComment(): void {
    const source = this.source;
    const column = this.at - (source.lastIndexOf('\n', this.at - 1) + 1);
    // As in tree-sitter, a comment runs to the line feed, a carriage return before it included.
    while (this.at < source.length && source.charCodeAt(this.at) !== 10) {
      if (source.charCodeAt(this.at) === 13 && source.charCodeAt(this.at + 1) !== 10) throw OUTSIDE;
      this.at++;
    }

    this.comments.push({ column, end: this.at });
  }

  private end(): Token {
    if (this.depth > 0) throw OUTSIDE;
    if (!this.finished) {
      this.finished = true;
      // A last line without a newline still ends its statement; open blocks close.
      if (!this.atLineStart) {
        this.atLineStart = true;
        this.pendingDedents = this.indents.length - 1;
        this.indents.length = 1;
        return { type: T.Newline, start: this.at, end: this.at, text: '' };
      }
      this.pendingDedents = this.indents.length - 1;
      this.indents.length = 1;
      if (this.pendingDedents > 0) return this.read();
    }
    return { type: T.End, start: this.at, end: this.at, text: '' };
  }

  /** A string literal from its prefix at `start`; its token text is the raw literal. */
  private string(start: number, quoteAt: number): Token {
    const source = this.source;
    const quote = source[quoteAt];
    const triple = source.startsWith(quote.repeat(3), quoteAt);
    const closer = triple ? quote.repeat(3) : quote;
    let at = quoteAt + closer.length;
    for (;;) {
      if (at >= source.length) throw OUTSIDE;
      const c = source.charCodeAt(at);
      if (c === 92) {
        at += 2;
        continue;
      }
      if (!triple && (c === 10 || c === 13)) throw OUTSIDE;
      if (source.startsWith(closer, at)) break;
      at++;
    }
    this.at = at + closer.length;
    return { type: T.String, start, end: this.at, text: source.slice(start, this.at) };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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
    if (token.type !== T.Name && !(token.type === T.Op && (token.text === '(' || token.text === '[' || token.text === '{')) && token.type !== T.String && token.type !== T.Number) throw OUTSIDE;
    if (token.type === T.Name) {
      switch (token.text) {
        case 'import':
          return this.importStatement(out);
        case 'from':
          return this.fromStatement(out);
        case 'class':
          return this.classDefinition(out);
        case 'pass':
          this.advance();
          this.endOfLine();
          out.push({ kind: 'other', span: { start: token.start, end: token.end } });
          return;
        default:
          if (KEYWORDS.has(token.text) || SOFT_KEYWORDS.has(token.text)) throw OUTSIDE;
      }
    }
    const first = this.expression();
    if (this.isOp('=')) {
      const targets: PyExpr[] = [first.expr];
      if (!isTarget(first.expr)) throw OUTSIDE;
      let value = first;
      while (this.isOp('=')) {
        this.advance();
        value = this.expression();
        if (this.isOp('=')) {
          if (!isTarget(value.expr)) throw OUTSIDE;
          targets.push(value.expr);
        }
      }
      this.endOfLine();
      out.push({ kind: 'assign', targets, value: value.expr, span: { start: first.start, end: value.end } });
      return;
    }
    this.endOfLine();
    out.push({ kind: 'expr', value: first.expr, span: { start: first.start, end: first.end } });
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
    this.expectOp(':');
    this.endOfLine();
    if (this.token.type !== T.Indent) throw OUTSIDE;
    this.advance();
    const bodyStart = this.token.start;
    const body: PyStatement[] = [];
    let bodyEnd = bodyStart;
    while (!this.atDedent()) {
      this.statement(body);
      bodyEnd = body[body.length - 1].span.end;
    }
    // Comments after the last statement, indented at least as deep as the body, end it (as in tree-sitter's tree).
    const width = bodyStart - (this.source.lastIndexOf('\n', bodyStart - 1) + 1);
    for (const comment of this.tokens.comments) if (comment.column >= width && comment.end > bodyEnd) bodyEnd = comment.end;
    this.advance();
    out.push({
      kind: 'class',
      name: nameToken.text,
      nameSpan: { start: nameToken.start, end: nameToken.end },
      bases,
      keywords,
      body,
      span: { start, end: bodyEnd },
      bodySpan: { start: bodyStart, end: bodyEnd },
    });
  }

  /** The arguments after an open parenthesis already read, through the closing one. */
  private argumentList(args: PyExpr[], keywords: PyKeyword[]): { starred: boolean; end: number } {
    let starred = false;
    while (!this.isOp(')')) {
      if (this.isOp('*')) {
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

  /** An expression; what may follow one outside the subset (`if`, `for`, `and` ...) fails where the caller expects its next token. */
  private expression(): Parsed {
    return this.binary(0);
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
    return this.primary();
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
    const firstValue = stringValue(first.text);
    if (this.token.type !== T.String) {
      const span = { start: first.start, end: first.end };
      return { expr: { k: 'str', value: firstValue.value, quote: firstValue.quote, prefix: firstValue.prefix, span }, start: first.start, end: first.end };
    }
    let value = firstValue.value;
    let end = first.end;
    while (this.token.type === T.String) {
      const part = this.advance();
      value += stringValue(part.text).value;
      end = part.end;
    }
    return { expr: { k: 'str', value, quote: firstValue.quote, prefix: firstValue.prefix, span: { start: first.start, end } }, start: first.start, end };
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
    const first = this.expression();
    if (this.isOp(':')) {
      const entries: { key: PyExpr; value: PyExpr }[] = [];
      let key = first;
      for (;;) {
        this.expectOp(':');
        const value = this.expression();
        entries.push({ key: key.expr, value: value.expr });
        if (!this.isOp(',')) break;
        this.advance();
        if (this.isOp('}') || this.isOp('*')) break;
        key = this.expression();
      }
      const end = this.expectOp('}').end;
      return { expr: { k: 'dict', entries, span: { start: open.start, end } }, start: open.start, end };
    }
    const items = [first.expr];
    while (this.isOp(',')) {
      this.advance();
      if (this.isOp('}')) break;
      items.push(this.item().expr);
    }
    const end = this.expectOp('}').end;
    return { expr: { k: 'set', items, span: { start: open.start, end } }, start: open.start, end };
  }
}

function isTarget(expr: PyExpr): boolean {
  return expr.k === 'name' || expr.k === 'attr' || expr.k === 'subscript';
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
