/**
 * The tokens of the plain subset of Python (see plain-module.ts): names, numbers, string literals (and
 * their values), operators, and the newlines, indents and dedents of Python's own tokenizer. Anything else in the text
 * (tabs, backslash continuations, a byte-order mark, `;`, `:=` ...) throws `OUTSIDE`.
 */

/** Thrown where the text leaves the subset; caught once, at the top. */
class OutsideSubset extends Error {}
export const OUTSIDE = new OutsideSubset();

export const enum T {
  Name,
  Number,
  String,
  Op,
  Newline,
  Indent,
  Dedent,
  End,
}

export interface Token {
  type: T;
  start: number;
  end: number;
  /** The name, operator, or the raw text of a number. */
  text: string;
}

/** Python's keywords: never a name. */
export const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for',
  'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
/** Names that start statements of their own in tree-sitter's grammar (`print x`, `match x:`): the subset never starts a statement with one. */
export const SOFT_KEYWORDS = new Set(['print', 'exec', 'match', 'case', 'type']);

/** Operators the subset does not read: they throw. */
const UNREAD_OPERATORS = new Set([':=', '@=']);
/** Comparisons, augmented assignments, `**` (power, and `**kwargs`), `//`, shifts and `->`. */
const TWO_CHARACTER_OPERATORS = new Set(['==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '**', '//', '<<', '>>', '->']);
/** One-character tokens of the subset (`@` for decorators only); `;` and `!` are not in it. */
const SINGLE_OPERATORS = new Set('()[]{},:.=+-*/%|&^~<>@');
const NUMBER = /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const STRING_PREFIX = /(?:[rRuU]|)(?=['"])/y;
/** Prefixes of literals read as a whole token (lower-cased); the one-letter `r` and `u` come through STRING_PREFIX. */
const STRING_PREFIXES = new Set(['b', 'rb', 'br', 'f', 'rf', 'fr']);

export class Tokenizer {
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
      if (source[this.at] === '"' || source[this.at] === "'") {
        // Bytes and f-strings: the summary never has their value, only their extent.
        const prefix = source.slice(start, this.at).toLowerCase();
        if (!STRING_PREFIXES.has(prefix)) throw OUTSIDE;
        return this.string(start, this.at, prefix.includes('f'));
      }
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
    if (source.startsWith('...', start)) {
      this.at = start + 3;
      return { type: T.Op, start, end: this.at, text: '...' };
    }
    const two = source.slice(start, start + 2);
    if (UNREAD_OPERATORS.has(two)) throw OUTSIDE;
    if (TWO_CHARACTER_OPERATORS.has(two)) {
      this.at = start + 2;
      return { type: T.Op, start, end: this.at, text: two };
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
  private string(start: number, quoteAt: number, formatted = false): Token {
    const source = this.source;
    const quote = source[quoteAt];
    const triple = source.startsWith(quote.repeat(3), quoteAt);
    const closer = triple ? quote.repeat(3) : quote;
    let at = quoteAt + closer.length;
    // Inside an f-string's braces: how deep, so that a quote there does not end the literal.
    let braces = 0;
    for (;;) {
      if (at >= source.length) throw OUTSIDE;
      const c = source.charCodeAt(at);
      if (c === 92) {
        if (braces > 0) throw OUTSIDE;
        at += 2;
        continue;
      }
      if (!triple && (c === 10 || c === 13)) throw OUTSIDE;
      if (braces === 0 && source.startsWith(closer, at)) break;
      if (formatted && (c === 123 || c === 125)) {
        if (braces === 0 && source.charCodeAt(at + 1) === c) at += 2;
        else {
          braces += c === 123 ? 1 : -1;
          if (braces < 0) throw OUTSIDE;
          at++;
        }
        continue;
      }
      if (braces > 0 && (c === 34 || c === 39)) {
        // A literal inside the braces: another quote than the f-string's own (Python before 3.12).
        if (source[at] === quote) throw OUTSIDE;
        const inner = source.indexOf(source[at], at + 1);
        if (inner < 0 || /[\\\n\r]/.test(source.slice(at + 1, inner))) throw OUTSIDE;
        at = inner + 1;
        continue;
      }
      if (braces > 0 && c === 35) throw OUTSIDE;
      at++;
    }
    this.at = at + closer.length;
    return { type: T.String, start, end: this.at, text: source.slice(start, this.at) };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Bytes and f-strings: literals whose value the summary never has. */
export function isOpaqueLiteral(raw: string): boolean {
  const prefix = raw.slice(0, Math.min(raw.indexOf('"') >>> 0, raw.indexOf("'") >>> 0)).toLowerCase();
  return prefix.includes('b') || prefix.includes('f');
}

/** A literal's value, quote and prefix, as `readString` decodes them; outside the subset for escapes it does not know. */
export function stringValue(raw: string): { value: string; quote: string; prefix: string } {
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
