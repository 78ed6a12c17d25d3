import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, REPO, copyToTemp, removeTemp } from '../helpers/paths';

const BIN = path.join(REPO, 'bin', 'djswap.js');

function run(args: string[], cwd = REPO, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DJSWAP_GIT: '0', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('djswap CLI', () => {
  it('prints its version and help', () => {
    const version = run(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
    const help = run(['check', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--format <format>/);
  });

  it('reports the example project in the JSON contract and exits 1', () => {
    const result = run(['check', 'examples/mysite', '--format', 'json']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(report.projects, [{ root: 'examples/mysite', settings: 'examples/mysite/mysite/settings.py', apps: 10, models: 5, migrations: 4 }]);
    const swp101 = report.diagnostics.find((d: { code: string }) => d.code === 'SWP101');
    assert.deepEqual(
      { ...swp101, message: undefined },
      {
        code: 'SWP101',
        name: 'hard-coded-swappable-reference',
        severity: 'error',
        message: undefined,
        file: 'examples/mysite/blog/models.py',
        line: 16,
        column: 32,
        endLine: 16,
        endColumn: 43,
        fix: {
          title: 'Replace with settings.AUTH_USER_MODEL',
          safe: true,
          edits: [{ file: 'examples/mysite/blog/models.py', line: 16, column: 32, endLine: 16, endColumn: 43, newText: 'settings.AUTH_USER_MODEL' }],
        },
      },
    );
    assert.deepEqual(Object.keys(report.summary).sort(), ['durationMs', 'errors', 'files', 'infos', 'warnings']);
  });

  it('exits 0 with --exit-zero, and with findings it does not select', () => {
    assert.equal(run(['check', 'examples/mysite', '--exit-zero']).code, 0);
    assert.equal(run(['check', 'examples/mysite', '--select', 'SWP101', '--ignore', 'SWP101']).code, 0);
  });

  it('gives exit code 2 and one clear line for usage errors', () => {
    for (const [args, pattern] of [
      [['check', 'no/such/folder'], /^djswap: no\/such\/folder: no such file or folder\n$/],
      [['check', '--format', 'xml'], /argument 'xml' is invalid/],
      [['check', '--select', 'XYZ1'], /'XYZ1' is not a rule code/],
      [['check', '--bogus'], /unknown option '--bogus'/],
      [['rule', 'SWP999'], /there is no rule SWP999/],
    ] as [string[], RegExp][]) {
      const result = run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')} printed more than one line:\n${result.stderr}`);
    }
  });

  it('--fix applies safe fixes and a second run changes nothing', () => {
    const copy = copyToTemp(EXAMPLE);
    try {
      const first = run(['check', '.', '--fix', '--select', 'SWP101'], copy);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stderr, /Fixed 1 problem in 1 file/);
      const fixed = fs.readFileSync(path.join(copy, 'blog', 'models.py'), 'utf8');
      assert.match(fixed, /author = models\.ForeignKey\(settings\.AUTH_USER_MODEL, on_delete=models\.CASCADE, related_name="posts"\)/);
      const second = run(['check', '.', '--fix', '--select', 'SWP101'], copy);
      assert.equal(second.code, 0);
      assert.equal(fs.readFileSync(path.join(copy, 'blog', 'models.py'), 'utf8'), fixed);
    } finally {
      removeTemp(copy);
    }
  });

  it('lists rules and prints their documentation', () => {
    assert.match(run(['rules']).stdout, /^SWP101 {2}hard-coded-swappable-reference/m);
    const doc = run(['rule', 'swp101']);
    assert.equal(doc.code, 0);
    assert.equal(doc.stdout, fs.readFileSync(path.join(REPO, 'docs', 'rules', 'SWP101.md'), 'utf8'));
  });
});

describe('djswap plan', () => {
  it('writes the plan for the example project, in its own names', () => {
    const result = run(['plan', 'examples/mysite', '--setting', 'AUTH_USER_MODEL']);
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /^# Changing `AUTH_USER_MODEL` from `auth\.User` to `accounts\.User`$/m);
    assert.match(text, /- 6 migrations depend on it: `admin\.0001_initial`, `blog\.0001_initial`, `oauth\.0001_initial`, `oauth2_provider\.0001_initial`, `oauth2_provider\.0004_auto_20200902_2022`, `oauth2_provider\.0005_auto_20211222_2352`\./);
    assert.match(text, /`accounts\/migrations\/0001_initial\.py` exists: add `"db_table": "auth_user"` to its `CreateModel` options/);
    assert.match(text, /INSERT INTO django_migrations \(app, name, applied\) VALUES \('accounts', '0001_initial', CURRENT_TIMESTAMP\);/);
    assert.match(text, /UPDATE django_content_type SET app_label = 'accounts', model = 'user' WHERE app_label = 'auth' AND model = 'user';/);
    assert.match(text, /ship the same statements as a `migrations\.RunSQL` in an app whose migrations already ran \(e\.g\. `blog`\)/);
  });

  it('rejects what is not a swappable setting or a label', () => {
    assert.match(run(['plan', 'examples/mysite', '--setting', 'DEBUG']).stderr, /--setting: 'DEBUG' is not a swappable setting of this project/);
    assert.equal(run(['plan', 'examples/mysite', '--to', 'users.models.User']).code, 2);
  });
});
