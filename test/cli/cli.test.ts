import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/rules/registry';
import { EXAMPLE, REPO, copyToTemp, removeTemp } from '../helpers/paths';
import { djswapProcess as run } from './helpers';

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
    assert.deepEqual(report.projects, [
      {
        root: 'examples/mysite',
        settings: 'examples/mysite/mysite/settings.py',
        apps: 10,
        models: 5,
        migrations: 4,
        settingsModule: 'mysite.settings',
        settingsSource: 'manage.py',
        settingsReason: 'named in examples/mysite/manage.py',
        otherSettings: [],
        appsUnread: [],
        appsIncomplete: false,
        unknownSettings: [],
        unverified: [],
        blind: null,
      },
    ]);
    assert.deepEqual(report.notes, []);
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
      assert.match(first.stdout, /^Fixed 1 problem in 1 file:\n {2}blog\/models\.py \(SWP101\)\nAll checks passed!/m);
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
    const rules = run(['rules']);
    assert.equal(rules.code, 0);
    assert.match(rules.stdout, /^SWP101 {2}hard-coded-swappable-reference {2,}A relation field targets a swappable model/m);
    assert.deepEqual(
      rules.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0]),
      RULES.map((r) => r.code),
    );
    const doc = run(['rule', 'swp101']);
    assert.equal(doc.code, 0);
    assert.equal(doc.stdout, fs.readFileSync(path.join(REPO, 'docs', 'rules', 'SWP101.md'), 'utf8'));
    for (const rule of RULES) assert.equal(run(['rule', rule.code]).stdout, fs.readFileSync(path.join(REPO, 'docs', 'rules', `${rule.code}.md`), 'utf8'));
  });

  it('summarises in text, and checks a file or a folder within its project', () => {
    const all = run(['check', 'examples/mysite', '--select', 'SWP101']);
    assert.equal(all.code, 1);
    assert.match(all.stdout, /^Found 1 problem \(1 error, 0 warnings, 0 information\) in \d+ files checked\.\n\[\*\] 1 fixable with `djswap check --fix`\.\n$/m);
    // A file, or a folder below manage.py: the project is still read from manage.py, findings are limited to the path.
    for (const target of ['examples/mysite/blog/models.py', 'examples/mysite/blog']) {
      const one = run(['check', target, '--select', 'SWP101', '--quiet']);
      assert.equal(one.code, 1, target);
      assert.match(one.stdout, /^examples\/mysite\/blog\/models\.py:16:32: error SWP101 \[\*\] `blog\.Post\.author`/, target);
    }
    const other = run(['check', 'examples/mysite/accounts', '--select', 'SWP101']);
    assert.equal(other.code, 0);
    assert.match(other.stdout, /^All checks passed! \(\d+ files checked\)\n\nProject examples\/mysite: settings `mysite\.settings` \(named in examples\/mysite\/manage\.py\); 10 apps, 5 models, 4 migrations checked\.\n$/);
  });
});

