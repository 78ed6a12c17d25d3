import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, copyToTemp, matchSnapshot, removeTemp } from '../helpers/paths';
import { CLI_FIXTURES, djswap, djswapProcess, snapshotPath, treeBytes } from './helpers';

function snapshot(name: string, actual: string): void {
  const result = matchSnapshot(snapshotPath(name), actual);
  assert.equal(result.actual, result.expected);
}

describe('djswap check --fix, --diff, --unsafe-fixes', () => {
  let copy: string;
  beforeEach(() => {
    copy = copyToTemp(path.join(CLI_FIXTURES, 'site'));
  });
  afterEach(() => removeTemp(copy));

  it('--fix applies the safe fixes, reports what it changed and what remains; a second run changes nothing', async () => {
    const first = await djswap(['check', '--fix', '--select', 'SWP101'], { cwd: copy });
    assert.equal(first.code, 1, 'the unsafe fix remains: an error');
    snapshot('fix.snap', first.stdout);
    assert.equal(first.stderr, '');
    const after = treeBytes(copy);
    const second = await djswap(['check', '--fix', '--select', 'SWP101'], { cwd: copy });
    assert.equal(second.code, 1);
    assert.doesNotMatch(second.stdout, /^Fixed/m);
    assert.match(second.stdout, /^Found 1 problem \(1 error, 0 warnings, 0 information\) in 6 files checked\.\n1 more fixable with `--fix --unsafe-fixes`\.\n$/m);
    assert.deepEqual(treeBytes(copy), after, 'a second --fix wrote nothing');
  });

  it('--fix --unsafe-fixes leaves a project that checks clean, and is byte-identical on a second run', async () => {
    const first = djswapProcess(['check', '--fix', '--unsafe-fixes', '--select', 'SWP101'], copy);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^Fixed 4 problems in 1 file:\n {2}shop\/models\.py \(SWP101 ×4\)\nAll checks passed! \(6 files checked\)\n\nProject \.: settings `config\.settings` \(named in manage\.py\); 5 apps, 3 models, 2 migrations checked\.\n$/);
    const fixed = treeBytes(copy);
    const again = djswapProcess(['check', '--fix', '--unsafe-fixes', '--select', 'SWP101'], copy);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, 'All checks passed! (6 files checked)\n\nProject .: settings `config.settings` (named in manage.py); 5 apps, 3 models, 2 migrations checked.\n');
    assert.deepEqual(treeBytes(copy), fixed);
    const check = djswapProcess(['check', '--select', 'SWP101'], copy);
    assert.equal(check.code, 0);
    // What was written: imports added once each, every reference through its setting.
    const models = fs.readFileSync(path.join(copy, 'shop', 'models.py'), 'utf8');
    assert.equal(models.match(/^from django\.conf import settings$/gm)?.length, 1);
    assert.equal(models.match(/^from oauth2_provider\.settings import oauth2_settings$/gm)?.length, 1);
    assert.doesNotMatch(models, /ForeignKey\((?:[^)]*to=)?"auth\.User"/);
  });

  it('--fix on the example project: every fixable finding is fixed, and a second run is byte-identical', () => {
    const example = copyToTemp(EXAMPLE);
    try {
      const first = djswapProcess(['check', '--fix', '--unsafe-fixes', '--format', 'json'], example);
      assert.notEqual(first.code, 2, first.stderr);
      const remaining = JSON.parse(first.stdout).diagnostics as { code: string; fix: unknown }[];
      assert.deepEqual(remaining.filter((d) => d.fix !== null), [], 'nothing fixable remains');
      assert.equal(remaining.filter((d) => d.code === 'SWP101').length, 0);
      const fixed = treeBytes(example);
      const second = djswapProcess(['check', '--fix', '--unsafe-fixes', '--format', 'json'], example);
      assert.equal(second.code, first.code);
      assert.deepEqual(JSON.parse(second.stdout).diagnostics, remaining);
      assert.deepEqual(treeBytes(example), fixed);
    } finally {
      removeTemp(example);
    }
  });

  it('--fix with a machine format: the report is the remaining findings, the note is on stderr', async () => {
    const run = await djswap(['check', '--fix', '--select', 'SWP101', '--format', 'json'], { cwd: copy });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'djswap: fixed 3 problems in 1 file\n');
    assert.deepEqual(
      JSON.parse(run.stdout).diagnostics.map((d: { line: number; fix: { safe: boolean } }) => [d.line, d.fix.safe]),
      [[11, false]],
    );
  });

  it('--diff prints a unified diff, writes nothing and exits 1; patch applies it to what --fix writes', async () => {
    const before = treeBytes(copy);
    const run = await djswap(['check', '--diff', '--select', 'SWP101'], { cwd: copy });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'Would fix 3 problems in 1 file.\n');
    snapshot('diff.snap', run.stdout);
    assert.deepEqual(treeBytes(copy), before, '--diff wrote a file');

    const patched = copyToTemp(copy);
    try {
      const patch = spawnSync('patch', ['-p0', '--quiet'], { cwd: patched, input: run.stdout, encoding: 'utf8' });
      if (patch.error) return; // no `patch` on this machine: the snapshot still holds
      assert.equal(patch.status, 0, patch.stderr + patch.stdout);
      await djswap(['check', '--fix', '--select', 'SWP101'], { cwd: copy });
      assert.equal(fs.readFileSync(path.join(patched, 'shop', 'models.py'), 'utf8'), fs.readFileSync(path.join(copy, 'shop', 'models.py'), 'utf8'));
    } finally {
      removeTemp(patched);
    }
  });

  it('--diff with --unsafe-fixes includes the unsafe fix; with nothing to fix it exits 0; --exit-zero exits 0', async () => {
    const unsafe = await djswap(['check', '--diff', '--unsafe-fixes', '--select', 'SWP101'], { cwd: copy });
    assert.equal(unsafe.code, 1);
    assert.match(unsafe.stdout, /^\+ {4}paid_by = models\.ForeignKey\(settings\.AUTH_USER_MODEL, /m);
    assert.equal(unsafe.stderr, 'Would fix 4 problems in 1 file.\n');
    assert.equal((await djswap(['check', '--diff', '--exit-zero', '--select', 'SWP101'], { cwd: copy })).code, 0);
    const none = await djswap(['check', '--diff', '--select', 'SWP101', '--ignore', 'SWP101'], { cwd: copy });
    assert.deepEqual(none, { code: 0, stdout: '', stderr: 'No fixes available.\n' });
    const quiet = await djswap(['check', '--diff', '--quiet', '--select', 'SWP101'], { cwd: copy });
    assert.equal(quiet.stderr, '');
  });

  it('--fix only fixes findings under the paths given', async () => {
    const config = copyToTemp(path.join(CLI_FIXTURES, 'config'));
    try {
      const legacy = fs.readFileSync(path.join(config, 'legacy', 'models.py'), 'utf8');
      const run = await djswap(['check', 'shop', '--fix', '--select', 'SWP101'], { cwd: config });
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^Fixed 1 problem in 1 file:\n {2}shop\/models\.py \(SWP101\)\nAll checks passed!/);
      assert.equal(fs.readFileSync(path.join(config, 'legacy', 'models.py'), 'utf8'), legacy);
      assert.equal((await djswap(['check', '--select', 'SWP101', '--quiet'], { cwd: config })).stdout.split('\n')[0].split(':')[0], 'legacy/models.py');
    } finally {
      removeTemp(config);
    }
  });

  it('--fix keeps a byte-order mark and the rest of the file as it was', async () => {
    const file = path.join(copy, 'shop', 'models.py');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '\ufeff' + original);
    await djswap(['check', '--fix', '--select', 'SWP101'], { cwd: copy });
    const bytes = fs.readFileSync(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.match(bytes.toString('utf8'), /placed_by = models\.ForeignKey\(settings\.AUTH_USER_MODEL,/);
  });
});
