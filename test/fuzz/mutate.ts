import type { PythonParser, SyntaxNode } from '../../server/src/syntax/tree';
import type { CorpusProject } from './corpus';
import { Random } from './random';

/** One change of a text, in offsets (UTF-16) of the text as it is when the change applies. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** What a case does to one file of the project. */
export interface FileChange {
  /** Relative to the project root, with `/`. */
  path: string;
  /** The file's new bytes; null deletes it. */
  bytes: Buffer | null;
  /**
   * The same change as text edits applied in order to the file's original text, when it can be said
   * in text (not for invalid UTF-8, binary data, deletions): the language server replays these as
   * incremental `didChange` events.
   */
  edits?: TextEdit[];
  /** The text cannot round-trip through UTF-8 (lone surrogates): disk and editor see different texts. */
  lossy?: boolean;
}

export interface FuzzCase {
  seed: number;
  index: number;
  project: string;
  operator: string;
  /** What exactly was done, for the report. */
  detail: string;
  changes: FileChange[];
}

export interface MutationContext {
  rng: Random;
  project: CorpusProject;
  corpus: CorpusProject[];
  parser: PythonParser;
}

type Operator = (ctx: MutationContext, file: string, text: string) => { edits: TextEdit[]; detail: string } | undefined;
type ByteOperator = (ctx: MutationContext) => { changes: FileChange[]; detail: string } | undefined;

// ---- helpers ---------------------------------------------------------------------------------

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

interface Token {
  type: string;
  start: number;
  end: number;
}

/** Every node of the file's tree with its type and span (named and anonymous tokens). */
function tokensOf(parser: PythonParser, text: string): Token[] {
  const tree = parser.parse(text);
  const out: Token[] = [];
  try {
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length > 0 && out.length < 200_000) {
      const node = stack.pop()!;
      out.push({ type: node.type, start: node.startIndex, end: node.endIndex });
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child) stack.push(child);
      }
    }
  } finally {
    tree.dispose();
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineRange(text: string, starts: number[], line: number): { start: number; end: number } {
  const start = starts[line];
  const end = line + 1 < starts.length ? starts[line + 1] : text.length;
  return { start, end };
}

const KEYWORDS = new Set(['def', 'class', 'import', 'from', 'return', 'if', 'else', 'elif', 'lambda', 'None', 'True', 'False', 'try', 'except', 'with', 'as', 'for', 'in', 'not', 'and', 'or', 'pass']);

/**
 * The position classes a truncation (or an insertion) can hit: inside a name, inside a string,
 * just inside a bracket, after a colon, ... Each maps to the offsets of that class in the file.
 */
function positionClasses(parser: PythonParser, text: string): Map<string, number[]> {
  const classes = new Map<string, number[]>();
  const add = (name: string, offset: number) => {
    if (offset < 0 || offset > text.length) return;
    const list = classes.get(name) ?? [];
    list.push(offset);
    classes.set(name, list);
  };
  const mid = (t: Token) => t.start + 1 + Math.floor((t.end - t.start - 1) / 2);
  for (const t of tokensOf(parser, text)) {
    const length = t.end - t.start;
    switch (t.type) {
      case 'identifier':
        if (length >= 2) add('mid-token', mid(t));
        break;
      case 'string_content':
        if (length >= 2) add('mid-string', mid(t));
        break;
      case 'string_start':
        add('after-string-open', t.end);
        break;
      case 'string_end':
        add('before-string-close', t.start);
        break;
      case 'escape_sequence':
        if (length >= 2) add('mid-escape', t.start + 1);
        break;
      case '(':
      case '[':
      case '{':
        add('mid-bracket', t.end);
        break;
      case ')':
      case ']':
      case '}':
        add('before-close-bracket', t.start);
        break;
      case ':':
        add('after-colon', t.end);
        break;
      case ',':
        add('after-comma', t.end);
        break;
      case '=':
        add('after-equals', t.end);
        break;
      case '.':
        add('after-dot', t.end);
        break;
      case 'comment':
        if (length >= 2) add('mid-comment', mid(t));
        break;
      case 'integer':
      case 'float':
        add('mid-number', length >= 2 ? mid(t) : t.end);
        break;
      default:
        if (KEYWORDS.has(t.type) && length >= 2) add('mid-keyword', mid(t));
    }
  }
  const starts = lineStarts(text);
  for (let line = 0; line < starts.length; line++) {
    const { start, end } = lineRange(text, starts, line);
    const lineText = text.slice(start, end).replace(/\r?\n$/, '');
    if (lineText.trim() === '') continue;
    add('line-start', start);
    add('line-end', start + lineText.length);
    const indent = /^[ \t]*/.exec(lineText)![0].length;
    if (indent >= 2) add('mid-indent', start + Math.floor(indent / 2));
  }
  return classes;
}

function randomOffset(rng: Random, text: string): number {
  return rng.int(0, text.length);
}

// ---- text operators --------------------------------------------------------------------------

const truncate: Operator = (ctx, _file, text) => {
  const classes = positionClasses(ctx.parser, text);
  if (classes.size === 0) return { edits: [{ start: 0, end: text.length, text: '' }], detail: 'to nothing' };
  const name = ctx.rng.pick([...classes.keys()].sort());
  const at = ctx.rng.pick(classes.get(name)!);
  return { edits: [{ start: at, end: text.length, text: '' }], detail: `${name} at ${at}` };
};

const deleteLines: Operator = (ctx, _file, text) => {
  const starts = lineStarts(text);
  const first = ctx.rng.int(0, starts.length - 1);
  const count = ctx.rng.weighted([[6, 1], [2, 2], [1, ctx.rng.int(3, 10)]] as const);
  const last = Math.min(starts.length - 1, first + count - 1);
  const start = starts[first];
  const end = lineRange(text, starts, last).end;
  return { edits: [{ start, end, text: '' }], detail: `lines ${first + 1}-${last + 1}` };
};

const duplicateLines: Operator = (ctx, _file, text) => {
  const starts = lineStarts(text);
  const first = ctx.rng.int(0, starts.length - 1);
  const last = Math.min(starts.length - 1, first + ctx.rng.int(0, 4));
  const block = text.slice(starts[first], lineRange(text, starts, last).end);
  const withBreak = block.endsWith('\n') ? block : block + '\n';
  const times = ctx.rng.weighted([[8, 1], [2, ctx.rng.int(2, 50)]] as const);
  const target = ctx.rng.chance(0.5) ? starts[first] : starts[ctx.rng.int(0, starts.length - 1)];
  return { edits: [{ start: target, end: target, text: withBreak.repeat(times) }], detail: `lines ${first + 1}-${last + 1} x${times} at ${target}` };
};

const moveLine: Operator = (ctx, _file, text) => {
  const starts = lineStarts(text);
  const line = ctx.rng.int(0, starts.length - 1);
  const { start, end } = lineRange(text, starts, line);
  const content = text.slice(start, end);
  const rest = text.slice(0, start) + text.slice(end);
  const restStarts = lineStarts(rest);
  const target = restStarts[ctx.rng.int(0, restStarts.length - 1)];
  const moved = content.endsWith('\n') ? content : content + '\n';
  return { edits: [{ start, end, text: '' }, { start: target, end: target, text: moved }], detail: `line ${line + 1} to ${target}` };
};

const reindent: Operator = (ctx, _file, text) => {
  const starts = lineStarts(text);
  const line = ctx.rng.int(0, starts.length - 1);
  const start = starts[line];
  const indent = /^[ \t]*/.exec(text.slice(start))![0].length;
  const choice = ctx.rng.pick(['dedent', 'indent', 'tab', 'odd'] as const);
  if (choice === 'dedent') return { edits: [{ start, end: start + indent, text: '' }], detail: `dedent line ${line + 1}` };
  if (choice === 'indent') return { edits: [{ start, end: start, text: '    ' }], detail: `indent line ${line + 1}` };
  if (choice === 'tab') return { edits: [{ start, end: start + indent, text: '\t'.repeat(Math.max(1, indent / 4)) }], detail: `tabs on line ${line + 1}` };
  return { edits: [{ start, end: start, text: ' ' }], detail: `odd indent on line ${line + 1}` };
};

const NULS: Operator = (ctx, _file, text) => {
  const at = randomOffset(ctx.rng, text);
  const count = ctx.rng.int(1, 8);
  return { edits: [{ start: at, end: at, text: '\0'.repeat(count) }], detail: `${count} NUL at ${at}` };
};

const PUNCTUATION = ['(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '"', "'", '"""', "'''", '\\', '#', '@', '*', '**', ';', '->', ':=', '...', '\n', '\t', ' ', '\r'];

const insertChars: Operator = (ctx, _file, text) => {
  const classes = positionClasses(ctx.parser, text);
  const names = [...classes.keys()].sort();
  const at = names.length > 0 && ctx.rng.chance(0.7) ? ctx.rng.pick(classes.get(ctx.rng.pick(names))!) : randomOffset(ctx.rng, text);
  let inserted = '';
  for (let i = ctx.rng.int(1, 6); i > 0; i--) inserted += ctx.rng.pick(PUNCTUATION);
  return { edits: [{ start: at, end: at, text: inserted }], detail: `${JSON.stringify(inserted)} at ${at}` };
};

const BRACKETS = '()[]{}';
const QUOTES = `"'`;

function offsetsOf(text: string, chars: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (chars.includes(text[i])) out.push(i);
  return out;
}

const unbalanceBrackets: Operator = (ctx, _file, text) => {
  const found = offsetsOf(text, BRACKETS);
  if (found.length > 0 && ctx.rng.chance(0.6)) {
    const at = ctx.rng.pick(found);
    return { edits: [{ start: at, end: at + 1, text: '' }], detail: `removed ${JSON.stringify(text[at])} at ${at}` };
  }
  const at = randomOffset(ctx.rng, text);
  const bracket = ctx.rng.pick([...BRACKETS]).repeat(ctx.rng.weighted([[8, 1], [1, ctx.rng.int(2, 100)]] as const));
  return { edits: [{ start: at, end: at, text: bracket }], detail: `inserted ${JSON.stringify(bracket.slice(0, 3))}x${bracket.length} at ${at}` };
};

const unbalanceQuotes: Operator = (ctx, _file, text) => {
  const found = offsetsOf(text, QUOTES);
  if (found.length > 0 && ctx.rng.chance(0.5)) {
    const at = ctx.rng.pick(found);
    return { edits: [{ start: at, end: at + 1, text: '' }], detail: `removed ${JSON.stringify(text[at])} at ${at}` };
  }
  const at = randomOffset(ctx.rng, text);
  const quote = ctx.rng.pick(['"', "'", '"""', "'''", 'f"', 'b"', 'r"\\', 'rb"""', 'f"{', 'f"{x!r:{']);
  return { edits: [{ start: at, end: at, text: quote }], detail: `inserted ${JSON.stringify(quote)} at ${at}` };
};

const UNICODE = ['😀', 'é', 'e\u0301', '\u202e', '\u2028', '\u2029', '\u0085', '\u200b', '\ufeff', '日本語', '（', '𝔘𝔰𝔢𝔯', 'ß', 'İ', '\u00a0', '\r'];

const insertUnicode: Operator = (ctx, _file, text) => {
  // Half the time on a line with a string or a relation field: where fixes and columns are computed.
  const interesting = offsetsOf(text, '"\'').filter(() => ctx.rng.chance(0.5));
  const at = interesting.length > 0 && ctx.rng.chance(0.5) ? ctx.rng.pick(interesting) : randomOffset(ctx.rng, text);
  const piece = ctx.rng.pick(UNICODE).repeat(ctx.rng.int(1, 3));
  return { edits: [{ start: at, end: at, text: piece }], detail: `${JSON.stringify(piece)} at ${at}` };
};

const loneSurrogate: Operator = (ctx, _file, text) => {
  const at = randomOffset(ctx.rng, text);
  const piece = ctx.rng.pick(['\ud800', '\udfff', '\ude00x', '\ud83d']);
  return { edits: [{ start: at, end: at, text: piece }], detail: `lone surrogate at ${at}` };
};

const TOKENS = ['def', 'class', 'import', 'from', 'lambda', ':', '(', ')', '[', ']', '{', '}', ',', '=', '==', '**', '*', '@', '\\', '#', '"', "'", '"""', 'None', 'await', 'yield', 'print', '\n', '\t', ' ', 'ForeignKey', 'settings', 'AUTH_USER_MODEL', '"auth.User"', "'auth.user'", 'models', '.', ';', 'async', 'match', 'case', 'type', '->', ':=', '...', 'swappable_dependency', 'run_before', 'dependencies', 'INSTALLED_APPS', 'import *', 'from . import *', '0', '1e999', '0x', '_'];

const swapToken: Operator = (ctx, _file, text) => {
  const tokens = tokensOf(ctx.parser, text).filter((t) => t.end > t.start && t.end - t.start < 200 && t.type !== 'module');
  if (tokens.length === 0) return undefined;
  const t = ctx.rng.pick(tokens);
  const replacement = ctx.rng.pick(TOKENS);
  return { edits: [{ start: t.start, end: t.end, text: replacement }], detail: `${t.type} at ${t.start} -> ${JSON.stringify(replacement)}` };
};

const splice: Operator = (ctx, file, text) => {
  const donor = ctx.rng.pick(ctx.corpus);
  const pythonFiles = [...donor.files.keys()].filter((f) => f.endsWith('.py') && donor.files.get(f)!.length > 0);
  if (pythonFiles.length === 0) return undefined;
  const from = ctx.rng.pick(pythonFiles);
  const donorText = donor.files.get(from)!.toString('utf8');
  const donorStarts = lineStarts(donorText);
  const first = ctx.rng.int(0, donorStarts.length - 1);
  const last = Math.min(donorStarts.length - 1, first + ctx.rng.int(0, 20));
  let piece = donorText.slice(donorStarts[first], lineRange(donorText, donorStarts, last).end);
  if (!piece.endsWith('\n')) piece += '\n';
  const starts = lineStarts(text);
  const at = starts[ctx.rng.int(0, starts.length - 1)];
  return { edits: [{ start: at, end: at, text: piece }], detail: `${donor.name}/${from}:${first + 1}-${last + 1} into ${file} at ${at}` };
};

const emptyFile: Operator = (ctx, _file, text) => {
  const content = ctx.rng.pick(['', '\n', '   ', '#', '\\', '\t\n\t', '"""', '\ufeff', '\0']);
  return { edits: [{ start: 0, end: text.length, text: content }], detail: JSON.stringify(content) };
};

const lineEndings: Operator = (ctx, _file, text) => {
  const kind = ctx.rng.pick(['crlf', 'cr', 'mixed', 'crlf+bom', 'bom'] as const);
  const lf = text.replace(/\r\n/g, '\n');
  let out: string;
  if (kind === 'crlf') out = lf.replace(/\n/g, '\r\n');
  else if (kind === 'cr') out = lf.replace(/\n/g, '\r');
  else if (kind === 'mixed') out = lf.replace(/\n/g, () => ctx.rng.pick(['\n', '\r\n', '\r']));
  else if (kind === 'crlf+bom') out = '\ufeff' + lf.replace(/\n/g, '\r\n');
  else out = '\ufeff' + text;
  return { edits: [{ start: 0, end: text.length, text: out }], detail: kind };
};

/** Expressions 10,000 levels deep, of every shape the summary walks. */
export function deepExpression(kind: string, depth: number): string {
  switch (kind) {
    case 'parens':
      return '('.repeat(depth) + '"auth.User"' + ')'.repeat(depth);
    case 'lists':
      return '['.repeat(depth) + '"django.contrib.auth"' + ']'.repeat(depth);
    case 'tuples':
      return '('.repeat(depth) + '1,' + '),'.repeat(depth - 1) + ')';
    case 'dicts':
      return '{"k": '.repeat(depth) + '1' + '}'.repeat(depth);
    case 'calls':
      return 'f('.repeat(depth) + ')'.repeat(depth);
    case 'relation-calls':
      return 'models.ForeignKey('.repeat(depth) + '"auth.User"' + ', on_delete=models.CASCADE)'.repeat(depth);
    case 'attributes':
      return 'settings' + '.AUTH_USER_MODEL'.repeat(depth);
    case 'binary':
      return Array(depth).fill('["a"]').join(' + ');
    case 'unary':
      return '-'.repeat(depth) + '1';
    case 'not':
      return 'not '.repeat(depth) + 'x';
    case 'lambda':
      return 'lambda: '.repeat(depth) + '1';
    case 'subscript':
      return 'a' + '["k"]'.repeat(depth);
    case 'conditional':
      return '"a" if x else '.repeat(depth) + '"b"';
    case 'strings':
      return '"auth." '.repeat(depth) + '"User"';
    case 'starred':
      return '[' + '*['.repeat(depth) + '"x"' + ']'.repeat(depth) + ']';
    case 'unclosed':
      return '('.repeat(depth);
    case 'comprehension':
      return '['.repeat(depth) + 'x for x in y' + ']'.repeat(depth);
    default:
      throw new Error(`no deep expression ${kind}`);
  }
}

export const DEEP_KINDS = ['parens', 'lists', 'tuples', 'dicts', 'calls', 'relation-calls', 'attributes', 'binary', 'unary', 'not', 'lambda', 'subscript', 'conditional', 'strings', 'starred', 'unclosed', 'comprehension'];

const deepNesting: Operator = (ctx, _file, text) => {
  const depth = ctx.rng.weighted([[6, 10_000], [2, ctx.rng.int(50, 200)], [1, ctx.rng.int(1000, 9999)]] as const);
  const where = ctx.rng.pick(['replace-expression', 'new-statement', 'class-body', 'blocks'] as const);
  if (where === 'blocks') {
    // Statements nested in blocks: indentation makes the text quadratic, so fewer levels.
    const levels = ctx.rng.int(100, 1000);
    const keyword = ctx.rng.pick(['if x:', 'class A(models.Model):', 'def f():', 'try:', 'with x:', 'for x in y:']);
    let block = '';
    for (let i = 0; i < levels; i++) block += ' '.repeat(i) + keyword + '\n';
    block += ' '.repeat(levels) + 'user = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n';
    return { edits: [{ start: text.length, end: text.length, text: '\n' + block }], detail: `${levels} nested ${JSON.stringify(keyword)}` };
  }
  const kind = ctx.rng.pick(DEEP_KINDS);
  const expression = deepExpression(kind, depth);
  if (where === 'replace-expression') {
    const candidates = tokensOf(ctx.parser, text).filter((t) => ['string', 'list', 'call', 'tuple', 'identifier', 'attribute', 'dictionary'].includes(t.type));
    if (candidates.length > 0) {
      const t = ctx.rng.pick(candidates);
      return { edits: [{ start: t.start, end: t.end, text: expression }], detail: `${kind} x${depth} replacing a ${t.type} at ${t.start}` };
    }
  }
  const target = ctx.rng.pick(['INSTALLED_APPS', 'AUTH_USER_MODEL', 'x', 'dependencies', 'operations']);
  const statement = where === 'class-body' ? `\nclass Deep(models.Model):\n    ${target} = ${expression}\n` : `\n${target} = ${expression}\n`;
  return { edits: [{ start: text.length, end: text.length, text: statement }], detail: `${kind} x${depth} in a ${where}` };
};

const TEN_MB = 10 * 1024 * 1024;

const growToTenMegabytes: Operator = (ctx, _file, text) => {
  const kind = ctx.rng.pick(['repeat', 'long-line', 'long-string', 'relation-fields', 'installed-apps', 'comment-lines'] as const);
  const fill = (unit: string) => unit.repeat(Math.ceil((TEN_MB - text.length) / unit.length));
  let grown: string;
  switch (kind) {
    case 'repeat':
      grown = text.length > 0 ? fill(text.endsWith('\n') ? text : text + '\n') : fill('x = 1\n');
      return { edits: [{ start: text.length, end: text.length, text: grown }], detail: kind };
    case 'long-line':
      return { edits: [{ start: text.length, end: text.length, text: '\nX = ' + fill('a + ') + 'a\n' }], detail: kind };
    case 'long-string':
      return { edits: [{ start: text.length, end: text.length, text: '\nAUTH_USER_MODEL = "' + fill('auth.User') + '"\n' }], detail: kind };
    case 'relation-fields':
      grown = '\nclass Grown(models.Model):\n' + fill('    user = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n');
      return { edits: [{ start: text.length, end: text.length, text: grown }], detail: kind };
    case 'installed-apps': {
      let apps = '\nINSTALLED_APPS += [\n';
      for (let i = 0; apps.length < TEN_MB; i++) apps += `    "app_${i}",\n`;
      return { edits: [{ start: text.length, end: text.length, text: apps + ']\n' }], detail: kind };
    }
    case 'comment-lines':
      return { edits: [{ start: 0, end: 0, text: fill('# a comment line that goes on and on\n') }], detail: kind };
  }
};

const SETTINGS_LINES = [
  'from .settings import *',
  'from settings import *',
  'from . import *',
  'from .. import *',
  'from ...deep.er import *',
  'INSTALLED_APPS = get_apps()',
  'INSTALLED_APPS = list(filter(None, [os.environ.get("APP")]))',
  'INSTALLED_APPS = [*base(), "django.contrib.auth"]',
  'INSTALLED_APPS += discover_apps()',
  'INSTALLED_APPS = INSTALLED_APPS + INSTALLED_APPS',
  'INSTALLED_APPS.remove(INSTALLED_APPS)',
  'INSTALLED_APPS.insert("x", "y")',
  'INSTALLED_APPS.insert(-999999, "y")',
  'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.auth", "", ".", "..", "a..b", "1abc", "x" * 3]',
  'INSTALLED_APPS = {"a": "b"}',
  'INSTALLED_APPS = None',
  'AUTH_USER_MODEL = ""',
  'AUTH_USER_MODEL = "."',
  'AUTH_USER_MODEL = "a.b.c"',
  'AUTH_USER_MODEL = "nodot"',
  'AUTH_USER_MODEL = f"{APP}.User"',
  'AUTH_USER_MODEL = b"auth.User"',
  'AUTH_USER_MODEL = 42',
  'AUTH_USER_MODEL = ("auth.User",)',
  'AUTH_USER_MODEL = "auth.User" if DEBUG else "accounts.User"',
  'AUTH_USER_MODEL = os.environ.get("X", "auth.User")',
  'AUTH_USER_MODEL = "  auth.User  "',
  'AUTH_USER_MODEL = "auth.User\\x00"',
  'AUTH_USER_MODEL = "AUTH.USER"',
  'OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth.Application"',
  'OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"',
  'MIGRATION_MODULES = {"auth": None, "blog": "blog.nowhere", "accounts": 5}',
  'MIGRATION_MODULES = None',
  'DATABASES["default"]["NAME"]["x"] = 1',
  'if DEBUG:\n    INSTALLED_APPS += ["debug_toolbar"]\nelse:\n    AUTH_USER_MODEL = "auth.User"',
  'try:\n    from .local import *\nexcept ImportError:\n    pass',
  'del INSTALLED_APPS',
  'INSTALLED_APPS[0] = "x"',
  'globals().update(vars())',
  'exec(open("other.py").read())',
];

const settingsLine: Operator = (ctx, _file, text) => {
  const line = ctx.rng.pick(SETTINGS_LINES);
  const starts = lineStarts(text);
  const at = ctx.rng.chance(0.7) ? text.length : starts[ctx.rng.int(0, starts.length - 1)];
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { edits: [{ start: at, end: at, text: `${prefix}${line}\n` }], detail: `${JSON.stringify(line)} at ${at}` };
};

const MODEL_LINES = [
  'class Self(Self):\n    pass',
  'class A(B):\n    pass\nclass B(A):\n    pass',
  'class U(models.Model):\n    u = models.ForeignKey(U, on_delete=models.CASCADE)\n    v = models.ForeignKey("self", on_delete=models.CASCADE)',
  'X = Y\nY = X\nclass C(models.Model):\n    f = models.ForeignKey(X, on_delete=models.CASCADE)',
  'class M(models.Model):\n    a = models.ForeignKey()\n    b = models.ForeignKey(to=)\n    c = models.ForeignKey(*args)\n    d = models.ForeignKey(**kw)',
  'class M(models.Model):\n    a = models.ForeignKey("", on_delete=models.CASCADE)\n    b = models.ForeignKey(".", on_delete=models.CASCADE)\n    c = models.ForeignKey("auth.User.x", on_delete=models.CASCADE)',
  'class M(models.Model):\n    class Meta:\n        swappable = "AUTH_USER_MODEL"\n        app_label = ""',
  'class M(models.Model):\n    class Meta:\n        swappable = swapper.swappable_setting()',
  'from django.contrib.auth.models import User as settings\nclass M(models.Model):\n    u = models.ForeignKey("auth.User", on_delete=models.CASCADE)',
  'settings = None\nclass M(models.Model):\n    u = models.ForeignKey("auth.User", on_delete=models.CASCADE)',
  'class M(models.Model):\n    u = models.ForeignKey("auth.User", on_delete=models.CASCADE); v = models.ForeignKey("auth.User", on_delete=models.CASCADE)',
  'class M(models.Model): u = models.ForeignKey("auth.User", on_delete=models.CASCADE)',
  'class M(models.Model):\n    u = models.ForeignKey(\n        "auth.User",  # comment\n        on_delete=models.CASCADE,\n    )',
  'class M(models.Model):\n    u = models.ForeignKey(r"auth.User", on_delete=models.CASCADE)\n    v = models.ForeignKey("""auth.User""", on_delete=models.CASCADE)\n    w = models.ForeignKey("auth" ".User", on_delete=models.CASCADE)',
  'from .models import *\nfrom . import models',
  'from django.conf import settings\nsettings = settings',
  'import django.conf.settings as settings',
];

const modelsLine: Operator = (ctx, _file, text) => {
  const block = ctx.rng.pick(MODEL_LINES);
  const starts = lineStarts(text);
  const at = ctx.rng.chance(0.7) ? text.length : starts[ctx.rng.int(0, starts.length - 1)];
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { edits: [{ start: at, end: at, text: `${prefix}${block}\n` }], detail: `${JSON.stringify(block.split('\n')[0])} at ${at}` };
};

const MIGRATION_LINES = [
  '    dependencies = [("blog", "0001_initial"), ("blog", "9999_missing"), ("nope", "__first__"), ("accounts", "__latest__")]',
  '    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL), migrations.swappable_dependency("auth.User"), migrations.swappable_dependency()]',
  '    dependencies = deps()',
  '    dependencies = [(), ("a",), ("a", "b", "c"), None, 1]',
  '    run_before = [("oauth2_provider", "0001_initial"), ("self", "self")]',
  '    replaces = [("blog", "0001_initial"), ("blog", "0002_assign_orphan_posts")]',
  '    replaces = [("x", "y")]',
  '    operations = [migrations.CreateModel(), migrations.AddField(), migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel("User", [])])]',
  '    operations = ops',
  '    initial = "yes"',
];

const migrationLine: Operator = (ctx, _file, text) => {
  const line = ctx.rng.pick(MIGRATION_LINES);
  const classAt = text.indexOf('class Migration');
  const bodyAt = classAt >= 0 ? text.indexOf('\n', classAt) + 1 : text.length;
  const prefix = bodyAt > 0 && text[bodyAt - 1] !== '\n' ? '\n' : '';
  return { edits: [{ start: bodyAt, end: bodyAt, text: `${prefix}${line}\n` }], detail: JSON.stringify(line.trim()) };
};

const TEXT_OPERATORS: Record<string, Operator> = {
  truncate,
  'delete-lines': deleteLines,
  'duplicate-lines': duplicateLines,
  'move-line': moveLine,
  reindent,
  'insert-nul': NULS,
  'insert-chars': insertChars,
  'unbalance-brackets': unbalanceBrackets,
  'unbalance-quotes': unbalanceQuotes,
  'insert-unicode': insertUnicode,
  'lone-surrogate': loneSurrogate,
  'swap-token': swapToken,
  splice,
  'empty-file': emptyFile,
  'line-endings': lineEndings,
  'deep-nesting': deepNesting,
  'grow-10mb': growToTenMegabytes,
  'settings-line': settingsLine,
  'models-line': modelsLine,
  'migration-line': migrationLine,
};

/** Operators that stay small: the ones `multi` stacks. */
const STACKABLE = ['truncate', 'delete-lines', 'duplicate-lines', 'move-line', 'reindent', 'insert-nul', 'insert-chars', 'unbalance-brackets', 'unbalance-quotes', 'insert-unicode', 'swap-token', 'splice', 'settings-line', 'models-line', 'migration-line'];

// ---- byte and tree operators -------------------------------------------------------------------

function pythonFiles(project: CorpusProject): string[] {
  return [...project.files.keys()].filter((f) => f.endsWith('.py'));
}

const INVALID_UTF8: number[][] = [[0xff], [0xfe], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80]];

const invalidUtf8: ByteOperator = (ctx) => {
  const file = pickFile(ctx);
  const bytes = ctx.project.files.get(file)!;
  const sequence = Buffer.from(ctx.rng.pick(INVALID_UTF8));
  const at = ctx.rng.int(0, bytes.length);
  if (ctx.rng.chance(0.2)) {
    // A multi-byte character cut in half at the end of the file.
    const cut = Buffer.concat([bytes, Buffer.from('# é', 'utf8')]);
    return { changes: [{ path: file, bytes: cut.subarray(0, cut.length - 1) }], detail: `${file}: ends in half a character` };
  }
  return { changes: [{ path: file, bytes: Buffer.concat([bytes.subarray(0, at), sequence, bytes.subarray(at)]) }], detail: `${file}: ${sequence.toString('hex')} at byte ${at}` };
};

const randomBytes: ByteOperator = (ctx) => {
  const file = pickFile(ctx);
  const bytes = ctx.project.files.get(file)!;
  const noise = ctx.rng.bytes(ctx.rng.int(1, 32));
  const at = ctx.rng.int(0, bytes.length);
  return { changes: [{ path: file, bytes: Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]) }], detail: `${file}: ${noise.length} random bytes at ${at}` };
};

const binaryFile: ByteOperator = (ctx) => {
  const file = pickFile(ctx);
  const kind = ctx.rng.pick(['random', 'utf16', 'png', 'zeros'] as const);
  let bytes: Buffer;
  if (kind === 'random') bytes = ctx.rng.bytes(ctx.rng.int(1, 8192));
  else if (kind === 'utf16') bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ctx.project.files.get(file)!.toString('utf8'), 'utf16le')]);
  else if (kind === 'png') bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), ctx.rng.bytes(512)]);
  else bytes = Buffer.alloc(ctx.rng.int(1, 65536));
  return { changes: [{ path: file, bytes }], detail: `${file}: ${kind} (${bytes.length} bytes)` };
};

const deleteFile: ByteOperator = (ctx) => {
  const files = [...ctx.project.files.keys()];
  const preferred = files.filter((f) => /(^|\/)(__init__|settings|models|apps|manage)\.py$/.test(f));
  const file = ctx.rng.pick(preferred.length > 0 && ctx.rng.chance(0.8) ? preferred : files);
  return { changes: [{ path: file, bytes: null }], detail: file };
};

const PYPROJECTS = [
  '[tool.djswap]\nselect = ["SWP"]\n',
  '[tool.djswap]\nsettings = "nowhere.settings"\n',
  '[tool.djswap]\nsettings = 42\n',
  '[tool.djswap]\nselect = "SWP101"\n',
  '[tool.djswap]\nseverity = { SWP101 = "bogus" }\n',
  '[tool.djswap]\nper-file-ignores = { "[" = ["SWP101"] }\n',
  '[tool.djswap]\nunknown-key = true\n',
  '[tool.djswap\n',
  '[tool]\ndjswap = 5\n',
  '[tool.djswap]\nsite-packages = ["/", "../../..", ""]\n',
  '[tool.djswap]\nenable = false\n',
  '\0\0\0',
  '[tool.djswap]\nselect = [' + '"SWP",'.repeat(10000) + ']\n',
  'a = ' + '['.repeat(10000) + ']'.repeat(10000) + '\n',
];

const pyproject: ByteOperator = (ctx) => {
  const text = ctx.rng.pick(PYPROJECTS);
  return { changes: [{ path: 'pyproject.toml', bytes: Buffer.from(text) }], detail: JSON.stringify(text.slice(0, 60)) };
};

/** Many generated migrations in one app: long chains, branches, cycles, squashes. */
const manyMigrations: ByteOperator = (ctx) => {
  const dirs = [...new Set([...ctx.project.files.keys()].filter((f) => /\/migrations\/__init__\.py$/.test(f)).map((f) => f.slice(0, -'/__init__.py'.length)))];
  if (dirs.length === 0) return undefined;
  const dir = ctx.rng.pick(dirs);
  const app = dir.split('/').slice(-2)[0];
  const count = ctx.rng.weighted([[6, ctx.rng.int(10, 200)], [2, ctx.rng.int(500, 3000)]] as const);
  const shape = ctx.rng.pick(['chain', 'cycle', 'branches', 'squash', 'self'] as const);
  const changes: FileChange[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${String(i + 5000).padStart(5, '0')}_gen`;
    const previous = `${String(i + 4999).padStart(5, '0')}_gen`;
    let deps = i === 1 ? '' : `("${app}", "${previous}")`;
    if (shape === 'cycle' && i === 1) deps = `("${app}", "${String(count + 5000).padStart(5, '0')}_gen")`;
    if (shape === 'branches' && i > 2 && i % 3 === 0) deps = `("${app}", "${String(i + 4997).padStart(5, '0')}_gen")`;
    if (shape === 'self') deps = `("${app}", "${name}")`;
    const replaces = shape === 'squash' && i === count ? `    replaces = [${Array.from({ length: count - 1 }, (_, j) => `("${app}", "${String(j + 5001).padStart(5, '0')}_gen")`).join(', ')}]\n` : '';
    const text = `from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n${replaces}    operations = [\n        migrations.AddField("m${i}", "user", models.ForeignKey("auth.User", on_delete=models.CASCADE)),\n    ]\n`;
    changes.push({ path: `${dir}/${name}.py`, bytes: Buffer.from(text) });
  }
  return { changes, detail: `${count} migrations (${shape}) in ${dir}` };
};

const BYTE_OPERATORS: Record<string, ByteOperator> = {
  'invalid-utf8': invalidUtf8,
  'random-bytes': randomBytes,
  'binary-file': binaryFile,
  'delete-file': deleteFile,
  pyproject,
  'many-migrations': manyMigrations,
};

export const OPERATORS = [...Object.keys(TEXT_OPERATORS), 'multi', ...Object.keys(BYTE_OPERATORS)];

/** Settings, models, migrations and apps modules more often than the rest. */
function pickFile(ctx: MutationContext, prefer?: RegExp): string {
  const files = pythonFiles(ctx.project);
  if (prefer) {
    const matching = files.filter((f) => prefer.test(f));
    if (matching.length > 0 && ctx.rng.chance(0.8)) return ctx.rng.pick(matching);
  }
  const weighted = files.map((f) => [/(settings|models|migrations\/\d|apps|manage)/.test(f) ? 4 : 1, f] as const);
  return ctx.rng.weighted(weighted);
}

const PREFERRED: Record<string, RegExp> = {
  'settings-line': /settings\.py$/,
  'models-line': /models\.py$/,
  'migration-line': /migrations\/\d\w*\.py$/,
};

/**
 * Case `index` of `seed`. The first cases walk the operators in turn, so even a short run uses
 * every one; after that they are drawn at random.
 */
export function makeCase(seed: number, index: number, corpus: CorpusProject[], parser: PythonParser): FuzzCase {
  const rng = Random.forCase(seed, index);
  const project = corpus[index < OPERATORS.length * corpus.length ? Math.floor(index / OPERATORS.length) % corpus.length : rng.int(0, corpus.length - 1)];
  const ctx: MutationContext = { rng, project, corpus, parser };
  for (let attempt = 0; ; attempt++) {
    const operator = attempt === 0 && index < OPERATORS.length * corpus.length ? OPERATORS[index % OPERATORS.length] : rng.pick(OPERATORS);
    const made = makeWith(ctx, operator);
    if (made) return { seed, index, project: project.name, operator, ...made };
    if (attempt > 20) return { seed, index, project: project.name, operator: 'none', detail: 'no operator applied', changes: [] };
  }
}

function makeWith(ctx: MutationContext, operator: string): { detail: string; changes: FileChange[] } | undefined {
  const byteOperator = BYTE_OPERATORS[operator];
  if (byteOperator) return byteOperator(ctx);
  const file = pickFile(ctx, PREFERRED[operator]);
  const original = ctx.project.files.get(file)!.toString('utf8');
  const edits: TextEdit[] = [];
  const details: string[] = [];
  const steps = operator === 'multi' ? STACKABLE.map(() => ctx.rng.pick(STACKABLE)).slice(0, ctx.rng.int(2, 5)) : [operator];
  let text = original;
  for (const step of steps) {
    const made = TEXT_OPERATORS[step](ctx, file, text);
    if (!made) continue;
    edits.push(...made.edits);
    details.push(operator === 'multi' ? `${step}: ${made.detail}` : made.detail);
    text = applyTextEdits(text, made.edits);
  }
  if (edits.length === 0) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  // Lone surrogates do not survive UTF-8, and a BOM is dropped when the file is decoded: the editor and
  // the disk then see texts that differ, and their findings are not compared.
  const lossy = bytes.toString('utf8') !== text || text.startsWith('\ufeff');
  return { detail: `${file}: ${details.join('; ')}`, changes: [{ path: file, bytes, edits, lossy }] };
}
