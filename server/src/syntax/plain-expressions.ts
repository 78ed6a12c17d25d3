/**
 * The expression half of the plain reader (see plain-module.ts): the expressions of the subset, each
 * read to exactly the `PyExpr` the tree-sitter path gives.
 */
import type { PyExpr, PyKeyword } from './python-ast';
import { KEYWORDS, OUTSIDE, T, isOpaqueLiteral, stringValue } from './plain-tokens';
import { MAX_NESTING, TokenCursor, clauseOver, exprsOf, unknownOver, type Parsed } from './plain-cursor';

/** Operators of binary expressions, loosest first, as tree-sitter's grammar ranks them (`^` above `&`, unlike Python). */
const BINARY_LEVELS: readonly (readonly string[])[] = [['|'], ['&'], ['^'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']];
const COMPARISONS = new Set(['<', '>', '==', '!=', '<=', '>=']);

export class ExpressionReader extends TokenCursor {
  /** The deepest parentheses seen: the tree-sitter path counts them in its depth, though the summary drops them. */
  protected parenthesesDepth = 0;
  private openParentheses = 0;

  /** The arguments after an open parenthesis already read, through the closing one. */
  protected argumentList(args: PyExpr[], keywords: PyKeyword[]): { starred: boolean; end: number; generator?: boolean } {
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
        const value = this.expression();
        if (this.isName('for') && args.length === 0 && keywords.length === 0 && !starred) {
          // `f(x for x in y)`: the call's arguments are one generator, which the tree-sitter path keeps as a span.
          this.comprehensionClauses();
          return { starred: false, end: this.expectOp(')').end, generator: true };
        }
        args.push(value.expr);
      }
      if (!this.isOp(',')) break;
      this.advance();
    }
    return { starred, end: this.expectOp(')').end };
  }

  /** Whether the name under the cursor is followed by `=` (a keyword argument): looks at the text. */
  protected peekIsKeywordEquals(): boolean {
    let at = this.token.end;
    const source = this.source;
    while (source.charCodeAt(at) === 32) at++;
    return source.charCodeAt(at) === 61 && source.charCodeAt(at + 1) !== 61;
  }

  /**
   * An expression. Conditionals, `or`/`and`/`not` and comparisons are read as tree-sitter's path reads
   * them: `unknown` over their operands.
   */
  protected expression(): Parsed {
    // Leaving the subset abandons the whole read, so the count need not be restored on a throw.
    if (++this.nesting > MAX_NESTING) throw OUTSIDE;
    const parsed = this.conditional();
    this.nesting--;
    return parsed;
  }

  private conditional(): Parsed {
    const body = this.disjunction();
    if (!this.isName('if')) return body;
    this.advance();
    const test = this.disjunction();
    if (!this.isName('else')) throw OUTSIDE;
    this.advance();
    const orelse = this.expression();
    return unknownOver([body, test, orelse]);
  }

  protected disjunction(): Parsed {
    let left = this.conjunction();
    while (this.isName('or')) {
      this.advance();
      left = unknownOver([left, this.conjunction()]);
    }
    return left;
  }

  protected conjunction(): Parsed {
    let left = this.negation();
    while (this.isName('and')) {
      this.advance();
      left = unknownOver([left, this.negation()]);
    }
    return left;
  }

  protected negation(): Parsed {
    if (!this.isName('not')) return this.comparison();
    const start = this.advance().start;
    if (++this.nesting > MAX_NESTING) throw OUTSIDE;
    const operand = this.negation();
    this.nesting--;
    return { expr: { k: 'unknown', span: { start, end: operand.end }, children: [operand.expr] }, start, end: operand.end };
  }

  protected comparison(): Parsed {
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

  protected binary(level: number): Parsed {
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

  protected unary(): Parsed {
    if (this.isOp('-') || this.isOp('+') || this.isOp('~')) {
      const start = this.advance().start;
      if (++this.nesting > MAX_NESTING) throw OUTSIDE;
      const operand = this.unary();
      this.nesting--;
      return { expr: { k: 'unknown', span: { start, end: operand.end }, children: [operand.expr] }, start, end: operand.end };
    }
    return this.power();
  }

  /** `a ** b`: binds tighter than a unary operator on its left, and to the right. */
  protected power(): Parsed {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    this.advance();
    const exponent = this.unary();
    const op = this.source.slice(base.end, exponent.start).trim();
    const span = { start: base.start, end: exponent.end };
    return { expr: { k: 'binop', op, left: base.expr, right: exponent.expr, span }, start: base.start, end: exponent.end };
  }

  protected primary(): Parsed {
    let node = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.advance();
        const attribute = this.expectName();
        const span = { start: node.start, end: attribute.end };
        node = { expr: { k: 'attr', object: node.expr, attr: attribute.text, attrSpan: { start: attribute.start, end: attribute.end }, span }, start: node.start, end: attribute.end };
      } else if (this.isOp('(')) {
        const open = this.advance();
        // The arrays a call keeps come from one place, filled or not, as on the tree-sitter path (one V8 shape).
        const args: PyExpr[] = [];
        const keywords: PyKeyword[] = [];
        const skip = this.options.skipArguments?.(this.source.slice(node.start, node.end)) === true;
        const read = skip ? this.argumentList([], []) : this.argumentList(args, keywords);
        const end = read.end;
        const span = { start: node.start, end };
        const argsSpan = { start: open.start, end };
        if (read.generator && !skip) args.push({ k: 'unknown', span: argsSpan });
        const starred = !skip && !read.generator && read.starred;
        node = {
          expr: { k: 'call', fn: node.expr, args, keywords, starred, argsSpan, span },
          start: node.start,
          end,
        };
      } else if (this.isOp('[')) {
        this.advance();
        // `x[a, b]`: the tree-sitter path keeps the first subscript only.
        const index = this.subscriptItem();
        while (this.isOp(',')) {
          this.advance();
          if (this.isOp(']')) break;
          this.subscriptItem();
        }
        const end = this.expectOp(']').end;
        const span = { start: node.start, end };
        node = { expr: { k: 'subscript', object: node.expr, index: index.expr, span }, start: node.start, end };
      } else return node;
    }
  }

  /** The rest of a comprehension after its body, through the closing bracket: `unknown` over the body and its clauses. */
  protected comprehension(start: number, body: Parsed[], close: string): Parsed {
    const clauses = this.comprehensionClauses();
    const end = this.expectOp(close).end;
    const span = { start, end };
    return { expr: { k: 'unknown', span, children: exprsOf([...body, ...clauses]) }, start, end };
  }

  /** `for target in iterable` and `if condition` clauses, each `unknown` over its parts. */
  protected comprehensionClauses(): Parsed[] {
    const clauses: Parsed[] = [];
    while (this.isName('for') || (clauses.length > 0 && this.isName('if'))) {
      const keyword = this.advance();
      if (keyword.text === 'if') {
        const condition = this.disjunction();
        if (this.isName('else')) throw OUTSIDE;
        clauses.push(clauseOver(keyword.start, [condition]));
        continue;
      }
      const target = this.comprehensionTarget();
      if (!this.isName('in')) throw OUTSIDE;
      this.advance();
      const iterable = this.disjunction();
      if (this.isOp(',')) throw OUTSIDE;
      clauses.push(clauseOver(keyword.start, [target, iterable]));
    }
    return clauses;
  }

  /** `x`, `a, b` or `(a, b)` before `in`: a name, or `unknown` over the names (a pattern list or tuple pattern). */
  protected comprehensionTarget(): Parsed {
    if (this.isOp('(')) {
      const open = this.advance();
      const names = [this.targetName()];
      while (this.isOp(',')) {
        this.advance();
        if (this.isOp(')')) throw OUTSIDE;
        names.push(this.targetName());
      }
      const end = this.expectOp(')').end;
      return { expr: { k: 'unknown', span: { start: open.start, end }, children: exprsOf(names) }, start: open.start, end };
    }
    const names = [this.targetName()];
    while (this.isOp(',')) {
      this.advance();
      names.push(this.targetName());
    }
    return names.length === 1 ? names[0] : unknownOver(names);
  }

  private targetName(): Parsed {
    const name = this.expectName();
    if (this.isOp('.') || this.isOp('[') || this.isOp('(')) throw OUTSIDE;
    const span = { start: name.start, end: name.end };
    return { expr: { k: 'name', id: name.text, span }, start: name.start, end: name.end };
  }

  /** An index or a slice (`a:b:c`, any part left out); a slice is `unknown` over the parts it has. */
  protected subscriptItem(): Parsed {
    const start = this.token.start;
    let lower: Parsed | undefined;
    if (!this.isOp(':')) {
      lower = this.expression();
      if (!this.isOp(':')) return lower;
    }
    const parts: Parsed[] = lower ? [lower] : [];
    let end = this.advance().end;
    const boundFollows = () => !this.isOp(':') && !this.isOp(']') && !this.isOp(',');
    if (boundFollows()) {
      const upper = this.expression();
      parts.push(upper);
      end = upper.end;
    }
    if (this.isOp(':')) {
      end = this.advance().end;
      if (boundFollows()) {
        const step = this.expression();
        parts.push(step);
        end = step.end;
      }
    }
    const span = { start, end };
    return { expr: parts.length > 0 ? { k: 'unknown', span, children: exprsOf(parts) } : { k: 'unknown', span }, start, end };
  }

  protected atom(): Parsed {
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
        if (token.text === '...') {
          this.advance();
          return { expr: { k: 'unknown', span: { start: token.start, end: token.end } }, start: token.start, end: token.end };
        }
        throw OUTSIDE;
      default:
        throw OUTSIDE;
    }
  }

  /** One string literal or several side by side (`'a' 'b'`). */
  protected strings(): Parsed {
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

  protected parenthesized(): Parsed {
    this.parenthesesDepth = Math.max(this.parenthesesDepth, ++this.openParentheses);
    const parsed = this.parenthesizedInside();
    this.openParentheses--;
    return parsed;
  }

  private parenthesizedInside(): Parsed {
    const open = this.advance();
    if (this.isOp(')')) {
      const end = this.advance().end;
      return { expr: { k: 'tuple', items: [], span: { start: open.start, end } }, start: open.start, end };
    }
    const first = this.item();
    if (this.isName('for') && first.expr.k !== 'starred') return this.comprehension(open.start, [first], ')');
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

  protected list(): Parsed {
    const open = this.advance();
    const items: PyExpr[] = [];
    while (!this.isOp(']')) {
      const item = this.item();
      if (items.length === 0 && this.isName('for') && item.expr.k !== 'starred') return this.comprehension(open.start, [item], ']');
      items.push(item.expr);
      if (!this.isOp(',')) break;
      this.advance();
    }
    const end = this.expectOp(']').end;
    return { expr: { k: 'list', items, span: { start: open.start, end } }, start: open.start, end };
  }

  /** An element of a list or tuple: an expression or `*expression`. */
  protected item(): Parsed {
    if (this.isOp('*')) {
      const star = this.advance();
      const value = this.binary(0);
      return { expr: { k: 'starred', value: value.expr, span: { start: star.start, end: value.end } }, start: star.start, end: value.end };
    }
    return this.expression();
  }

  protected braces(): Parsed {
    const open = this.advance();
    if (this.isOp('}')) {
      const end = this.advance().end;
      return { expr: { k: 'dict', entries: [], span: { start: open.start, end } }, start: open.start, end };
    }
    if (this.isOp('*')) throw OUTSIDE;
    if (this.isOp('**')) return this.dictionary(open.start, undefined);
    const first = this.expression();
    if (this.isName('for')) return this.comprehension(open.start, [first], '}');
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
  protected dictionary(start: number, firstKey: Parsed | undefined): Parsed {
    const entries: { key: PyExpr; value: PyExpr }[] = [];
    let splat = false;
    let key = firstKey;
    for (;;) {
      if (key) {
        this.expectOp(':');
        const value = this.expression();
        if (entries.length === 0 && !splat && this.isName('for')) {
          // `{k: v for ...}`: the pair is `unknown` over key and value, as the tree-sitter path reads a pair outside a dict.
          return this.comprehension(start, [unknownOver([key, value])], '}');
        }
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
