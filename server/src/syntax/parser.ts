import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParserBackend, PythonParser, SyntaxNode, SyntaxTree, TreeEdit } from './tree';

/**
 * Loads a Python parser: the native `tree-sitter` binding first, and `web-tree-sitter` on the
 * `tree-sitter-python.wasm` shipped in the same npm package when the native binding cannot load
 * (a prebuild for another libstdc++, a VSIX installed on another platform).
 * `DJSWAP_PARSER=native|wasm` forces one backend.
 */
export async function loadPythonParser(requested: ParserBackend | 'auto' = backendFromEnvironment()): Promise<PythonParser> {
  if (requested === 'wasm') return loadWasmParser();
  try {
    return loadNativeParser();
  } catch (error) {
    if (requested === 'native') {
      throw new Error(`the native tree-sitter parser could not be loaded: ${describe(error)}`);
    }
    return loadWasmParser(describe(error));
  }
}

export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): ParserBackend | 'auto' {
  const value = (env.DJSWAP_PARSER ?? '').trim().toLowerCase();
  if (value === 'native' || value === 'wasm') return value;
  return 'auto';
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** A BOM would otherwise become an ERROR node; a space keeps every offset where it was. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
}

/**
 * Indentation, in the grammar scanner's units (space 1, tab 8), beyond which a line's leading
 * white space is not read as indentation. tree-sitter-python's scanner serializes its stack of
 * indentation levels into a 1024-byte buffer and overruns it past ~380 levels: the native parser
 * then aborts the process (an assertion in tree-sitter) and the wasm one writes past the buffer.
 * The stack holds strictly increasing widths, so no run wider than this means no stack deeper.
 * Python itself refuses more than 100 levels (IndentationError).
 */
const MAX_INDENT_WIDTH = 320;

/**
 * The text with each run of indentation wider than MAX_INDENT_WIDTH turned into form feeds (which
 * reset the scanner's count to zero), offsets unchanged; the text itself when there is none.
 * A run is what the scanner measures: white space after a line break, a carriage return or a form
 * feed, continued across backslash-newlines.
 */
export function withBoundedIndentation(text: string): string {
  let out: string[] | undefined;
  let runStart = 0;
  let width = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 12) {
      runStart = i + 1;
      width = 0;
    } else if (c === 32) width++;
    else if (c === 9) width += 8;
    else if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 13 ? 2 : 1;
    } else {
      if (width >= MAX_INDENT_WIDTH) {
        out ??= text.split('');
        for (let j = runStart; j < i; j++) if (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) out[j] = '\f';
      }
      // The rest of the line is not indentation.
      const next = text.indexOf('\n', i);
      if (next === -1) break;
      i = next - 1;
      width = 0;
      runStart = next;
    }
  }
  if (width >= MAX_INDENT_WIDTH) {
    out ??= text.split('');
    for (let j = runStart; j < length; j++) if (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) out[j] = '\f';
  }
  return out ? out.join('') : text;
}

/** Lines of comments (or lone backslashes) in a row beyond which the grammar's scanner is not shown them. */
const MAX_TRIVIA_RUN = 100;

/**
 * The text with long runs of comment-only (and backslash-only) lines blanked to spaces; the text
 * itself when there is none. tree-sitter-python's scanner, at each such line, looks ahead across
 * all the lines that follow in the run: n comment lines after a statement cost n², and 100,000 of
 * them take the parser hours. Comments mean nothing to the summary, and the line breaks stay, so
 * every offset and line number is unchanged.
 */
export function withoutLongCommentRuns(text: string): string {
  let out: string[] | undefined;
  const length = text.length;
  // The lines of the current run that hold a comment or a backslash: [start of content, end].
  let run: [number, number][] = [];
  const flush = () => {
    if (run.length >= MAX_TRIVIA_RUN) {
      out ??= text.split('');
      for (const [from, to] of run) for (let j = from; j < to; j++) out[j] = ' ';
    }
    run = [];
  };
  let lineStart = 0;
  while (lineStart <= length) {
    let i = lineStart;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 12) break;
      i++;
    }
    let lineEnd = text.indexOf('\n', i);
    if (lineEnd === -1) lineEnd = length;
    const contentEnd = lineEnd > i && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const c = text.charCodeAt(i);
    if (i >= contentEnd) {
      // a blank line: part of the run, nothing to blank
    } else if (c === 35 /* # */) run.push([i, contentEnd]);
    else if (c === 92 /* backslash */ && text.slice(i + 1, contentEnd).trim() === '') run.push([i, contentEnd]);
    else flush();
    lineStart = lineEnd + 1;
  }
  flush();
  return out ? out.join('') : text;
}

/**
 * What the parser is given: the text with a BOM, runaway indentation and long comment runs
 * neutralized, at the same offsets.
 */
function parserInput(text: string): { input: string; rewritten: boolean } {
  const bounded = withoutLongCommentRuns(withBoundedIndentation(text));
  return { input: withoutBom(bounded), rewritten: bounded !== text };
}

interface NativeTree {
  rootNode: SyntaxNode;
  edit(edit: TreeEdit): unknown;
}

interface NativeParser {
  setLanguage(language: unknown): void;
  parse(input: string, oldTree?: NativeTree | null, options?: { bufferSize?: number }): NativeTree;
}

function loadNativeParser(): PythonParser {
  // Resolved at run time: the bundles keep these packages external.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const NativeParserClass = require('tree-sitter') as new () => NativeParser;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const language = require('tree-sitter-python') as unknown;
  const parser = new NativeParserClass();
  parser.setLanguage(language);
  // The binding reads the input in chunks of bufferSize; a larger buffer avoids many round trips.
  const parse = (text: string, previous?: SyntaxTree): SyntaxTree => {
    const { input, rewritten } = parserInput(text);
    // A tree of a rewritten text does not match the edits of the real one: parse from scratch.
    const old = previous instanceof NativeSyntaxTree && !previous.rewritten && !rewritten ? previous.tree : null;
    const tree = parser.parse(input, old, { bufferSize: Math.max(32 * 1024, text.length + 1) });
    return new NativeSyntaxTree(tree, rewritten, text.length);
  };
  parse(''); // fail here, not on first use, when the binding is unusable
  return { backend: 'native', parse };
}

/** Native memory a tree-sitter tree parsed from scratch takes per character: 25–38 bytes on models and migrations. */
const NATIVE_TREE_BYTES_PER_CHAR = 32;
/** Enough to pace the collector for any module; an editor buffer of hundreds of megabytes must not ask for gigabytes. */
const MAX_COUNTED_TREE_BYTES = 64 * 1024 * 1024;

class NativeSyntaxTree implements SyntaxTree {
  readonly backend = 'native';
  /**
   * A buffer the size of the tree parsed from scratch, allocated and never written (no resident
   * memory), freed with the tree's wrapper: V8 counts it as external memory, which the binding does
   * not report, and starts its collections sooner while the user types. Without it the engine's
   * garbage of each keystroke piled up to 480 MB of heap between collections on the L benchmark; with
   * it, RSS after 300 edits went from 527 to 367 MB and the edits got faster (bench/edit-memory.mjs).
   */
  private readonly sizeForTheCollector: Buffer;
  constructor(
    readonly tree: NativeTree,
    readonly rewritten: boolean,
    parsedLength: number,
  ) {
    this.sizeForTheCollector = Buffer.allocUnsafeSlow(Math.min(MAX_COUNTED_TREE_BYTES, Math.max(1, parsedLength * NATIVE_TREE_BYTES_PER_CHAR)));
  }
  get rootNode(): SyntaxNode {
    return this.tree.rootNode;
  }
  edit(edit: TreeEdit): void {
    this.tree.edit(edit);
  }
  dispose(): void {
    // The garbage collector owns native trees.
  }
}

interface WasmTree {
  rootNode: SyntaxNode;
  edit(edit: TreeEdit): void;
  delete(): void;
}

interface WasmModule {
  Parser: {
    init(options?: { locateFile?: (file: string) => string }): Promise<void>;
    new (): { setLanguage(language: unknown): void; parse(text: string, old?: WasmTree | null): WasmTree | null };
  };
  Language: { load(input: string | Uint8Array): Promise<unknown> };
}

let wasmLanguage: Promise<{ module: WasmModule; language: unknown }> | undefined;

async function loadWasmParser(fallbackReason?: string): Promise<PythonParser> {
  wasmLanguage ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('web-tree-sitter') as WasmModule;
    const runtimeWasm = locateAsset('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    await module.Parser.init({ locateFile: () => runtimeWasm });
    const grammar = fs.readFileSync(locateAsset('tree-sitter-python.wasm', 'tree-sitter-python/package.json', 'tree-sitter-python.wasm'));
    const language = await module.Language.load(grammar);
    return { module, language };
  })();
  const { module, language } = await wasmLanguage;
  const parser = new module.Parser();
  parser.setLanguage(language);
  const parse = (text: string, previous?: SyntaxTree): SyntaxTree => {
    const { input, rewritten } = parserInput(text);
    const old = previous instanceof WasmSyntaxTree && !previous.rewritten && !rewritten ? previous.tree : null;
    const tree = parser.parse(input, old);
    if (!tree) throw new Error('the wasm parser returned no tree');
    return new WasmSyntaxTree(tree, rewritten);
  };
  return { backend: 'wasm', fallbackReason, parse };
}

class WasmSyntaxTree implements SyntaxTree {
  readonly backend = 'wasm';
  private deleted = false;
  constructor(
    readonly tree: WasmTree,
    readonly rewritten = false,
  ) {}
  get rootNode(): SyntaxNode {
    return this.tree.rootNode;
  }
  edit(edit: TreeEdit): void {
    this.tree.edit(edit);
  }
  dispose(): void {
    if (!this.deleted) {
      this.deleted = true;
      this.tree.delete();
    }
  }
}

/**
 * Finds a wasm file: next to the running bundle (the VSIX copies them into dist/), else in the
 * npm package that ships it.
 */
function locateAsset(fileName: string, packageEntry: string, relativeToEntry?: string): string {
  const besideBundle = path.join(__dirname, fileName);
  if (fs.existsSync(besideBundle)) return besideBundle;
  const entry = require.resolve(packageEntry);
  return relativeToEntry ? path.join(path.dirname(entry), relativeToEntry) : entry;
}
