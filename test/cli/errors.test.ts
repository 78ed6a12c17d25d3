import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_SCHEMA } from '../../server/src/engine/config';
import { REPO, copyToTemp, removeTemp } from '../helpers/paths';
import { CLI_FIXTURES, djswapProcess, type CliRun } from './helpers';

/** Exit code 2, nothing on stdout, and exactly one line on stderr that matches. */
function assertUsageError(result: CliRun, pattern: RegExp, what: string): void {
  assert.equal(result.code, 2, `${what}: exit ${result.code}\n${result.stdout}${result.stderr}`);
  assert.equal(result.stdout, '', `${what} printed a report`);
  assert.match(result.stderr, /^djswap: [^\n]+\n$/, `${what}: not one line:\n${result.stderr}`);
  assert.match(result.stderr, pattern, what);
  assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+\)?$/m, `${what}: a stack trace`);
}

/**
 * Runs as an unprivileged user when the tests run as root (who can read any file), so that a file
 * without read permission is unreadable; undefined when that is not possible here.
 */
function asUnprivileged(): { uid: number; gid: number } | undefined | null {
  if (typeof process.getuid !== 'function') return undefined;
  if (process.getuid() !== 0) return null;
  // That user must be able to run djswap: not from a checkout inside a folder only root may enter.
  return reachableByOthers(path.join(REPO, 'bin', 'djswap.js')) ? { uid: 65534, gid: 65534 } : undefined;
}

/** Whether a user with no special rights can read `file`: every folder above it open to others. */
function reachableByOthers(file: string): boolean {
  if ((fs.statSync(file).mode & 0o004) === 0) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

function canRead(file: string): boolean {
  try {
    fs.readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

describe('djswap check: every error is exit code 2 and one clear line', () => {
  describe('on the command line', () => {
    const cases: [string[], RegExp][] = [
      [['check', '--bogus'], /^djswap: unknown option '--bogus'\n$/],
      [['check', '--fixx'], /^djswap: unknown option '--fixx' \(Did you mean --fix\?\)\n$/],
      [['chek'], /^djswap: unknown command 'chek' \(Did you mean check\?\)\n$/],
      [['check', 'no/such/folder'], /^djswap: no\/such\/folder: no such file or folder\n$/],
      [['check', '--format', 'xml'], /^djswap: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, sarif, github\.\n$/],
      [['check', '--format'], /^djswap: option '--format <format>' argument missing\n$/],
      [['check', '--select', 'XYZ1'], /^djswap: --select: 'XYZ1' is not a rule code or prefix \(SWP101, SWP1, SWP\)\n$/],
      [['check', '--ignore', 'SWP101,SWP999'], /^djswap: --ignore: there is no rule SWP999 \(see `djswap rules`\)\n$/],
      [['check', '--settings', 'config/settings.py'], /^djswap: --settings: 'config\/settings\.py' is not a dotted module name/],
      [['check', '--statistics', '--format', 'json'], /^djswap: --statistics prints a table; it does not go with --format json\n$/],
      [['check', '--diff', '--format', 'sarif'], /^djswap: --diff prints a unified diff; it does not go with --format sarif\n$/],
      [['rule', 'SWP999'], /^djswap: there is no rule SWP999 \(see `djswap rules`\)\n$/],
      [['rule'], /^djswap: missing required argument 'code'\n$/],
      [['check', '--history', 'no/such/showmigrations.txt'], /^djswap: --history: no\/such\/showmigrations\.txt: no such file\n$/],
      [['check', '--database', 'no/such/db.sqlite3'], /^djswap: --database: no\/such\/db\.sqlite3: no such file\n$/],
    ];
    for (const [args, pattern] of cases) {
      it(`djswap ${args.join(' ')}`, () => assertUsageError(djswapProcess(args), pattern, args.join(' ')));
    }

    it('djswap alone prints the help on stderr and exits 2', () => {
      const result = djswapProcess([]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^Usage: djswap \[options\] \[command\]/);
    });
  });

  describe('in pyproject.toml', () => {
    const cases: [string, string, RegExp][] = [
      ['TOML syntax', '[tool.djswap]\nselect = ["SWP101"\n', /^djswap: pyproject\.toml:3:1: invalid TOML: expected comma or end of structure\n$/],
      ['an unknown key', '[tool.djswap]\nselec = ["SWP101"]\n', new RegExp(`^djswap: pyproject\\.toml \\[tool\\.djswap\\]: unknown key 'selec' \\(known keys: ${CONFIG_SCHEMA.map((k) => k.toml).join(', ')}\\)\n$`)],
      ['a string for a list', '[tool.djswap]\nselect = "SWP101"\n', /^djswap: pyproject\.toml \[tool\.djswap\]: 'select' must be a list of strings\n$/],
      ['an unknown rule', '[tool.djswap]\nignore = ["SWP999"]\n', /^djswap: pyproject\.toml \[tool\.djswap\]: 'ignore': there is no rule SWP999/],
      ['a bad severity', '[tool.djswap]\nseverity = { SWP101 = "fatal" }\n', /^djswap: pyproject\.toml \[tool\.djswap\]: 'severity': SWP101 must be one of error, warning, information, off\n$/],
      ['a prefix in severity', '[tool.djswap]\nseverity = { SWP1 = "off" }\n', /'severity': 'SWP1' must be a full rule code \(e\.g\. SWP101\)\n$/],
      ['a settings path', '[tool.djswap]\nsettings = "proj/settings.py"\n', /^djswap: pyproject\.toml \[tool\.djswap\]: 'settings': 'proj\/settings\.py' is not a dotted module name/],
      ['a settings module that does not exist', '[tool.djswap]\nsettings = "proj.setings"\n', /^djswap: settings module 'proj\.setings' \(from \[tool\.djswap\] settings in pyproject\.toml\) was not found under \.\n$/],
      ['per-file-ignores to a string', '[tool.djswap]\nper-file-ignores = { "legacy/**" = "SWP101" }\n', /'per-file-ignores': 'legacy\/\*\*' must map to a list of rule codes\n$/],
      ['[tool.djswap] not a table', '[tool]\ndjswap = 3\n', /^djswap: pyproject\.toml: \[tool\.djswap\] must be a table\n$/],
    ];
    for (const [what, toml, pattern] of cases) {
      it(what, () => {
        const copy = copyToTemp(path.join(CLI_FIXTURES, 'config'));
        try {
          fs.writeFileSync(path.join(copy, 'pyproject.toml'), toml);
          for (const format of ['text', 'json', 'sarif', 'github']) assertUsageError(djswapProcess(['check', '--format', format], copy), pattern, `${what} (${format})`);
        } finally {
          removeTemp(copy);
        }
      });
    }

    it('a settings module named by --settings or DJANGO_SETTINGS_MODULE that does not exist', () => {
      const dir = path.join(CLI_FIXTURES, 'config');
      assertUsageError(djswapProcess(['check', '--settings', 'proj.nope'], dir), /^djswap: settings module 'proj\.nope' \(from --settings\) was not found under \.\n$/, '--settings');
      assertUsageError(djswapProcess(['check'], dir, { DJANGO_SETTINGS_MODULE: 'proj.nope' }), /\(from DJANGO_SETTINGS_MODULE\) was not found/, 'DJANGO_SETTINGS_MODULE');
    });
  });

  describe('unreadable files', () => {
    const user = asUnprivileged();

    function unreadable(relative: string, args: string[], pattern: RegExp, context: Mocha.Context): void {
      if (user === undefined) context.skip();
      const copy = copyToTemp(path.join(CLI_FIXTURES, 'site'));
      try {
        fs.chmodSync(copy, 0o755);
        const file = path.join(copy, relative);
        if (!fs.existsSync(file)) fs.writeFileSync(file, '[tool.djswap]\n');
        fs.chmodSync(file, 0o000);
        if (user === null && canRead(file)) context.skip(); // a file system that ignores permissions
        const result = djswapProcess(args, copy, {}, user ?? {});
        assertUsageError(result, pattern, relative);
      } finally {
        removeTemp(copy);
      }
    }

    it('a Python file of the project', function () {
      unreadable('shop/models.py', ['check'], /^djswap: cannot read shop\/models\.py: permission denied\n$/, this);
    });

    it('pyproject.toml', function () {
      unreadable('pyproject.toml', ['check', '--format', 'json'], /^djswap: cannot read pyproject\.toml: permission denied\n$/, this);
    });

    it('a file named on the command line', function () {
      unreadable('shop/models.py', ['check', 'shop/models.py'], /^djswap: shop\/models\.py: cannot read this file: permission denied\n$/, this);
    });
  });
});
