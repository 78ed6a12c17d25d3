import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE, REPO, removeTemp } from './helpers/paths';
import { unzip } from './helpers/zip';

describe('the VSIX', function () {
  let dir: string;
  let entries: string[];

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-vsix-'));
    const vsix = path.join(dir, 'djswap.vsix');
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'package-vsix.mjs'), '--out', vsix], { cwd: REPO, stdio: 'pipe' });
    entries = (await unzip(vsix, path.join(dir, 'unpacked'))).filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  });

  after(() => removeTemp(dir));

  it('holds the bundles, the wasm fallback and the native prebuilds', () => {
    for (const required of [
      'package.json',
      'readme.md',
      'LICENSE.txt',
      'dist/client.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/sql-wasm.wasm',
      'dist/tree-sitter.wasm',
      'dist/tree-sitter-python.wasm',
      'bin/djswap.js',
      'syntaxes/djswap.injection.json',
      'node_modules/tree-sitter/index.js',
      'node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node',
      'node_modules/tree-sitter-python/bindings/node/index.js',
      'node_modules/tree-sitter-python/prebuilds/linux-x64/tree-sitter-python.node',
      'node_modules/node-gyp-build/index.js',
    ]) {
      assert.ok(entries.includes(required), `missing ${required}`);
    }
  });

  it('holds nothing else: no sources, tests, maps or locally compiled build/', () => {
    for (const entry of entries) {
      assert.doesNotMatch(entry, /(^|\/)build\//, `${entry}: a local build/ would be loaded before the prebuilds`);
      assert.doesNotMatch(entry, /\.(ts|map)$/, entry);
      assert.doesNotMatch(entry, /^(server|client|test|examples|scripts|docs)\//, entry);
    }
    assert.ok(entries.length < 60, `${entries.length} files`);
  });

  it('runs from the unpacked extension: the CLI checks the example project', () => {
    const extension = path.join(dir, 'unpacked', 'extension');
    const result = spawnSync(process.execPath, [path.join(extension, 'bin', 'djswap.js'), 'check', EXAMPLE, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.ok(report.diagnostics.some((d: { code: string }) => d.code === 'SWP101'));
  });
});
