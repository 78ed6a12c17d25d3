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
    const old = previous instanceof NativeSyntaxTree ? previous.tree : null;
    const tree = parser.parse(withoutBom(text), old, { bufferSize: Math.max(32 * 1024, text.length + 1) });
    return new NativeSyntaxTree(tree);
  };
  parse(''); // fail here, not on first use, when the binding is unusable
  return { backend: 'native', parse };
}

class NativeSyntaxTree implements SyntaxTree {
  readonly backend = 'native';
  constructor(readonly tree: NativeTree) {}
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
    const old = previous instanceof WasmSyntaxTree ? previous.tree : null;
    const tree = parser.parse(withoutBom(text), old);
    if (!tree) throw new Error('the wasm parser returned no tree');
    return new WasmSyntaxTree(tree);
  };
  return { backend: 'wasm', fallbackReason, parse };
}

class WasmSyntaxTree implements SyntaxTree {
  readonly backend = 'wasm';
  private deleted = false;
  constructor(readonly tree: WasmTree) {}
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
