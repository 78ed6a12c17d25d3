import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unifiedDiff } from '../../server/src/cli/diff';
import { colorEnabled, Progress, type Output } from '../../server/src/cli/output';
import { REPO } from '../helpers/paths';
import { djswap, djswapProcess } from './helpers';

function recorder(interactive: boolean): Output & { written: string } {
  const output = { written: '', color: false, interactive, out: () => undefined, err: (s: string) => void (output.written += s) };
  return output;
}

describe('djswap check: terminal behaviour', () => {
  it('colour only on a terminal, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    const cases: [Record<string, string>, boolean, boolean][] = [
      [{}, true, true],
      [{}, false, false],
      [{ NO_COLOR: '1' }, true, false],
      [{ NO_COLOR: '' }, true, true],
      [{ TERM: 'dumb' }, true, false],
      [{ FORCE_COLOR: '1' }, false, true],
      [{ FORCE_COLOR: '' }, false, true],
      [{ FORCE_COLOR: '0' }, true, false],
      [{ FORCE_COLOR: 'false' }, true, false],
      [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    ];
    for (const [env, tty, expected] of cases) assert.equal(colorEnabled(env, tty), expected, `${JSON.stringify(env)} on ${tty ? 'a terminal' : 'a pipe'}`);
  });

  it('FORCE_COLOR colours a piped report; NO_COLOR keeps it plain', () => {
    const args = ['check', 'test/fixtures/cli/site', '--select', 'SWP101'];
    assert.match(djswapProcess(args, REPO, { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout, /\u001b\[31m/);
    assert.doesNotMatch(djswapProcess(args, REPO, { NO_COLOR: '1' }).stdout, /\u001b\[/);
    assert.doesNotMatch(djswapProcess(args, REPO, { NO_COLOR: undefined }).stdout, /\u001b\[/, 'a pipe is not a terminal');
  });

  it('progress: only on a terminal, only for long runs, and erased before the report', () => {
    const quick = recorder(true);
    const progress = new Progress(quick, true);
    progress.step('djswap: checking 12 files…', 12);
    progress.clear();
    assert.equal(quick.written, '', 'a short run shows nothing');

    const long = recorder(true);
    const big = new Progress(long, true);
    big.step('djswap: checking 5000 files…', 5000);
    big.step('djswap: applying fixes…');
    big.clear();
    assert.equal(long.written, '\r\u001b[2Kdjswap: checking 5000 files…\r\u001b[2Kdjswap: applying fixes…\r\u001b[2K');

    const slow = recorder(true);
    const late = new Progress(slow, true, { ms: 0, files: Infinity });
    late.step('djswap: checking…');
    late.clear();
    assert.equal(slow.written, '\r\u001b[2Kdjswap: checking…\r\u001b[2K');

    const piped = recorder(false);
    const off = new Progress(piped, false);
    off.step('djswap: checking 5000 files…', 5000);
    off.clear();
    assert.equal(piped.written, '');
  });

  it('a check on a terminal writes nothing to stderr for a small project', async () => {
    const run = await djswap(['check', 'test/fixtures/cli/site'], { interactive: true });
    assert.equal(run.stderr, '');
  });
});

describe('unified diffs', () => {
  it('one hunk with three lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n') + '\n';
    const after = before.replace('d\n', 'D\n');
    assert.equal(unifiedDiff('x.py', before, after), ['--- x.py', '+++ x.py', '@@ -1,7 +1,7 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', ''].join('\n'));
  });

  it('changes far apart make separate hunks; close ones share one', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const before = lines.join('\n') + '\n';
    const far = [...lines];
    far[1] = 'LINE 2';
    far[25] = 'LINE 26';
    const diff = unifiedDiff('x.py', before, far.join('\n') + '\n');
    assert.deepEqual(
      diff.split('\n').filter((l) => l.startsWith('@@')),
      ['@@ -1,5 +1,5 @@', '@@ -23,7 +23,7 @@'],
    );
    const near = [...lines];
    near[1] = 'LINE 2';
    near[8] = 'LINE 9';
    assert.deepEqual(
      unifiedDiff('x.py', before, near.join('\n') + '\n')
        .split('\n')
        .filter((l) => l.startsWith('@@')),
      ['@@ -1,12 +1,12 @@'],
    );
  });

  it('insertions at the top, and a last line without a newline', () => {
    assert.equal(unifiedDiff('x.py', 'b\nc\n', 'import a\nb\nc\n'), '--- x.py\n+++ x.py\n@@ -1,2 +1,3 @@\n+import a\n b\n c\n');
    assert.equal(unifiedDiff('x.py', 'a\nb', 'a\nB'), '--- x.py\n+++ x.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n\\ No newline at end of file\n');
    assert.equal(unifiedDiff('x.py', 'a\nb', 'a\nb\n'), '--- x.py\n+++ x.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
    assert.equal(unifiedDiff('x.py', 'same\n', 'same\n'), '');
  });

  it('finds the shortest edit script in the middle of a file', () => {
    const before = 'a\nb\nc\nd\ne\n';
    const after = 'a\nc\nd\nx\ne\n';
    assert.equal(unifiedDiff('x.py', before, after), '--- x.py\n+++ x.py\n@@ -1,5 +1,5 @@\n a\n-b\n c\n d\n+x\n e\n');
  });
});

describe('the pre-commit hook', () => {
  it('.pre-commit-hooks.yaml runs `djswap check` once on the project when Python files change', () => {
    const text = fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8');
    const field = (name: string) => new RegExp(`^ {2}${name}: (.+)$`, 'm').exec(text)?.[1];
    assert.match(text, /^- id: djswap$/m);
    assert.equal(field('entry'), 'djswap check');
    assert.equal(field('language'), 'node');
    assert.equal(field('types'), '[python]');
    // The migration graph spans files: a changed settings.py can raise a finding in another file.
    assert.equal(field('pass_filenames'), 'false');
  });

  it('npm pack ships the bundles the hook runs, built by prepack', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(manifest.bin.djswap, 'bin/djswap.js');
    assert.match(manifest.scripts.prepack, /scripts\/bundle\.mjs/);
    const ignore = fs.readFileSync(path.join(REPO, '.npmignore'), 'utf8');
    for (const kept of ['!/bin/', '!/dist/cli.js', '!/dist/tree-sitter.wasm', '!/dist/tree-sitter-python.wasm']) assert.ok(ignore.split('\n').includes(kept), kept);
    // pre-commit reads the tarball's name from `npm pack`'s stdout: no script banner may precede it.
    assert.match(fs.readFileSync(path.join(REPO, '.npmrc'), 'utf8'), /^foreground-scripts=false$/m);
  });

  it('`djswap check` without paths checks the current folder', () => {
    const run = djswapProcess(['check', '--quiet', '--select', 'SWP101'], path.join(REPO, 'test', 'fixtures', 'cli', 'site'));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^shop\/models\.py:8:35: error SWP101/);
  });
});
