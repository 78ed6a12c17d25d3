/**
 * The token cursor under the plain reader (plain-expressions.ts, plain-module.ts): the current token,
 * the tests and expectations on it, and what both halves share about the expressions they build.
 */
import type { PyExpr } from './python-ast';
import type { SummaryOptions } from './python';
import { KEYWORDS, OUTSIDE, T, Tokenizer, type Token } from './plain-tokens';

/** Nesting deeper than this (brackets, unary operators, blocks) is outside the subset: no recursion runs out of stack. */
export const MAX_NESTING = 40;

/** An expression with the extent of its node, which includes parentheses the expression itself drops. */
export interface Parsed {
  expr: PyExpr;
  start: number;
  end: number;
}

export class TokenCursor {
  protected readonly tokens: Tokenizer;
  protected token: Token;
  /** How deep expressions and blocks nest here: deep nesting is left to tree-sitter's path, which has its own bound. */
  protected nesting = 0;

  constructor(
    protected readonly source: string,
    protected readonly options: SummaryOptions,
  ) {
    this.tokens = new Tokenizer(source);
    this.token = this.tokens.next();
  }

  protected advance(): Token {
    const current = this.token;
    this.token = this.tokens.next();
    return current;
  }

  /** A method rather than a comparison inline, which the compiler would narrow across `advance()`. */
  protected atDedent(): boolean {
    return this.token.type === T.Dedent;
  }

  protected isOp(text: string): boolean {
    return this.token.type === T.Op && this.token.text === text;
  }

  protected isName(text: string): boolean {
    return this.token.type === T.Name && this.token.text === text;
  }

  protected expectOp(text: string): Token {
    if (!this.isOp(text)) throw OUTSIDE;
    return this.advance();
  }

  protected expectName(): Token {
    if (this.token.type !== T.Name || KEYWORDS.has(this.token.text)) throw OUTSIDE;
    return this.advance();
  }

  protected endOfLine(): void {
    if (this.token.type !== T.Newline) throw OUTSIDE;
    this.advance();
  }
}

/** A clause (`for ... in ...`, `if ...`) from its keyword: `unknown` over its parts. */
export function clauseOver(start: number, parts: Parsed[]): Parsed {
  const end = parts[parts.length - 1].end;
  return { expr: { k: 'unknown', span: { start, end }, children: exprsOf(parts) }, start, end };
}

/** What the tree-sitter path makes of a node it has no shape for: `unknown`, with its operands as children. */
export function unknownOver(parts: Parsed[]): Parsed {
  const start = parts[0].start;
  const end = parts[parts.length - 1].end;
  return { expr: { k: 'unknown', span: { start, end }, children: exprsOf(parts) }, start, end };
}

export function isTarget(expr: PyExpr): boolean {
  return expr.k === 'name' || expr.k === 'attr' || expr.k === 'subscript';
}

/**
 * The expressions of a list of parsed parts, in an array grown by push as the tree-sitter path grows its
 * own: `map` makes holey arrays, another V8 shape, which slows every later reader that meets both.
 */
export function exprsOf(parts: readonly Parsed[]): PyExpr[] {
  const out: PyExpr[] = [];
  for (const part of parts) out.push(part.expr);
  return out;
}
