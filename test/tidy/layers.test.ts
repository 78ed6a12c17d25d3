import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, filesUnder } from '../helpers/paths';

/** Every import specifier of a TypeScript file: static, dynamic, and require(). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) out.push(match[1]);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) out.push(match[1]);
  for (const match of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(match[1]);
  return out;
}

const SERVER = path.join(REPO, 'server', 'src');
const LAYERS = ['syntax', 'django', 'rules', 'engine', 'lsp', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layers each layer may import (design §2: syntax <- django <- rules <- engine <- {lsp, cli}). */
const ALLOWED: Record<Layer, Layer[]> = {
  syntax: ['syntax'],
  django: ['syntax', 'django'],
  rules: ['syntax', 'django', 'rules'],
  engine: ['syntax', 'django', 'rules', 'engine'],
  lsp: ['syntax', 'django', 'rules', 'engine', 'lsp'],
  // `djswap lsp` starts the server: the one arrow from cli to lsp.
  cli: ['syntax', 'django', 'rules', 'engine', 'cli', 'lsp'],
};

function layerOf(file: string): Layer | undefined {
  const relative = path.relative(SERVER, file).split(path.sep);
  return LAYERS.find((l) => l === relative[0]);
}

describe('layer arrows', () => {
  for (const file of filesUnder(SERVER, '.ts')) {
    const layer = layerOf(file);
    if (!layer) continue;
    it(`${path.relative(REPO, file)} imports only what ${layer}/ may`, () => {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = layerOf(path.resolve(path.dirname(file), spec));
          assert.ok(target, `${spec} leaves server/src`);
          assert.ok(ALLOWED[layer].includes(target), `${layer}/ must not import ${target}/ (${spec})`);
          if (layer === 'cli' && target === 'lsp') assert.equal(spec, '../lsp/main', 'cli/ may only start the server');
        } else {
          assert.notEqual(spec, 'vscode', 'only client/ imports vscode');
          if (spec.startsWith('vscode-languageserver') || spec.startsWith('vscode-jsonrpc')) {
            assert.equal(layer, 'lsp', `only lsp/ imports ${spec}`);
          }
          if (spec === 'tree-sitter' || spec === 'web-tree-sitter' || spec === 'tree-sitter-python') {
            assert.equal(layer, 'syntax', `only syntax/ loads ${spec}`);
          }
        }
      }
    });
  }

  for (const file of filesUnder(path.join(REPO, 'client', 'src'), '.ts')) {
    it(`${path.relative(REPO, file)} is a thin client`, () => {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec);
          const inClient = !path.relative(path.join(REPO, 'client', 'src'), target).startsWith('..');
          assert.ok(inClient || target === path.join(SERVER, 'lsp', 'protocol'), `client/ may import only the shared protocol from the server (${spec})`);
        } else {
          assert.ok(['vscode', 'vscode-languageclient/node', 'vscode-languageclient', '@vscode/python-extension'].includes(spec) || spec.startsWith('node:'), `client/ must not import ${spec}`);
        }
      }
    });
  }

  it('the shared protocol module imports nothing', () => {
    assert.deepEqual(importsOf(path.join(SERVER, 'lsp', 'protocol.ts')), []);
  });
});
