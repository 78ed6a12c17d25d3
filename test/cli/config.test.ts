import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyToTemp, removeTemp } from '../helpers/paths';
import { CLI_FIXTURES, djswap } from './helpers';

/**
 * test/fixtures/cli/config: no manage.py; proj/settings.py (the lone settings.py) swaps
 * AUTH_USER_MODEL, proj/settings_default.py does not; shop/ and legacy/ each hard-code "auth.User".
 * Each case writes its own pyproject.toml into a copy.
 */
describe('djswap check: configuration precedence (defaults < pyproject.toml < flags)', () => {
  let copy: string;
  beforeEach(() => {
    copy = copyToTemp(path.join(CLI_FIXTURES, 'config'));
  });
  afterEach(() => removeTemp(copy));

  async function swp101(args: string[], pyproject?: string, env: Record<string, string> = {}) {
    if (pyproject !== undefined) fs.writeFileSync(path.join(copy, 'pyproject.toml'), pyproject);
    const run = await djswap(['check', '--format', 'json', ...args], { cwd: copy, env });
    assert.notEqual(run.code, 2, run.stderr);
    const report = JSON.parse(run.stdout);
    const found = report.diagnostics
      .filter((d: { code: string }) => d.code === 'SWP101')
      .map((d: { file: string; severity: string }) => `${d.file} ${d.severity}`)
      .sort();
    return { code: run.code, found, settings: report.projects.map((p: { settings: string }) => p.settings) };
  }

  it('defaults: every rule, the lone settings.py, severities from the project', async () => {
    const { code, found, settings } = await swp101([]);
    assert.equal(code, 1);
    assert.deepEqual(settings, ['proj/settings.py']);
    assert.deepEqual(found, ['legacy/models.py error', 'shop/models.py error']);
  });

  it('select and ignore: pyproject.toml narrows the defaults; --select starts over; --ignore takes away', async () => {
    assert.deepEqual((await swp101([], '[tool.djswap]\nignore = ["SWP101"]\n')).found, []);
    assert.deepEqual((await swp101([], '[tool.djswap]\nselect = ["SWP2", "SWP3"]\n')).found, []);
    // A command-line selection replaces pyproject.toml's select *and* ignore, as ruff's does.
    assert.deepEqual((await swp101(['--select', 'SWP101'], '[tool.djswap]\nignore = ["SWP101"]\n')).found, ['legacy/models.py error', 'shop/models.py error']);
    assert.deepEqual((await swp101(['--select', 'SWP1'], '[tool.djswap]\nselect = ["SWP2"]\n')).found, ['legacy/models.py error', 'shop/models.py error']);
    // --ignore alone removes from what pyproject.toml selects, and keeps pyproject.toml's ignores.
    assert.deepEqual((await swp101(['--ignore', 'SWP101'], '[tool.djswap]\nselect = ["SWP101"]\n')).found, []);
    assert.deepEqual((await swp101(['--ignore', 'SWP2'], '[tool.djswap]\nignore = ["SWP101"]\n')).found, []);
    // On one command line the longer match wins.
    assert.deepEqual((await swp101(['--select', 'SWP101', '--ignore', 'SWP1'])).found, ['legacy/models.py error', 'shop/models.py error']);
    assert.deepEqual((await swp101(['--select', 'SWP1', '--ignore', 'SWP101'])).found, []);
    // Repeated flags add up; codes are case-insensitive.
    assert.deepEqual((await swp101(['--select', 'swp2', '--select', 'swp101'])).found, ['legacy/models.py error', 'shop/models.py error']);
  });

  it('settings: the lone settings.py < DJANGO_SETTINGS_MODULE < pyproject.toml < --settings', async () => {
    // proj.settings_default leaves AUTH_USER_MODEL at its default: in a project without manage.py, a warning.
    assert.deepEqual((await swp101([], undefined, { DJANGO_SETTINGS_MODULE: 'proj.settings_default' })).found, ['legacy/models.py warning', 'shop/models.py warning']);
    const fromPyproject = await swp101([], '[tool.djswap]\nsettings = "proj.settings_default"\n', { DJANGO_SETTINGS_MODULE: 'proj.settings' });
    assert.deepEqual(fromPyproject.settings, ['proj/settings_default.py']);
    assert.deepEqual(fromPyproject.found, ['legacy/models.py warning', 'shop/models.py warning']);
    const fromFlag = await swp101(['--settings', 'proj.settings'], '[tool.djswap]\nsettings = "proj.settings_default"\n');
    assert.deepEqual(fromFlag.settings, ['proj/settings.py']);
    assert.deepEqual(fromFlag.found, ['legacy/models.py error', 'shop/models.py error']);
  });

  it('severity overrides and per-file-ignores come from pyproject.toml', async () => {
    assert.deepEqual((await swp101([], '[tool.djswap]\nseverity = { SWP101 = "warning" }\n')).found, ['legacy/models.py warning', 'shop/models.py warning']);
    assert.deepEqual((await swp101([], '[tool.djswap]\nseverity = { swp101 = "off" }\n')).found, []);
    assert.deepEqual((await swp101([], '[tool.djswap]\nper-file-ignores = { "legacy/**" = ["SWP1"] }\n')).found, ['shop/models.py error']);
    // A flag does not bring back what per-file-ignores leave out.
    assert.deepEqual((await swp101(['--select', 'SWP101'], '[tool.djswap]\nper-file-ignores = { "legacy/**" = ["SWP101"] }\n')).found, ['shop/models.py error']);
  });

  it('exit codes: 1 for errors or warnings, 0 for information alone, 0 with --exit-zero', async () => {
    assert.equal((await swp101([])).code, 1);
    assert.equal((await swp101(['--exit-zero'])).code, 0);
    assert.equal((await swp101([], '[tool.djswap]\nseverity = { SWP101 = "warning" }\n')).code, 1);
    const information = await swp101(['--select', 'SWP101'], '[tool.djswap]\nseverity = { SWP101 = "information" }\n');
    assert.deepEqual(information, { code: 0, found: ['legacy/models.py information', 'shop/models.py information'], settings: ['proj/settings.py'] });
    const text = await djswap(['check', '--select', 'SWP101'], { cwd: copy });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Found 2 problems \(0 errors, 0 warnings, 2 information\) in 7 files checked\.\n/);
  });

  it('enable = false turns the project off', async () => {
    const run = await djswap(['check'], { cwd: copy });
    assert.equal(run.code, 1);
    fs.writeFileSync(path.join(copy, 'pyproject.toml'), '[tool.djswap]\nenable = false\n');
    const off = await djswap(['check'], { cwd: copy });
    assert.equal(off.code, 0);
    assert.match(off.stdout, /^All checks passed! \(0 files checked\)\n$/);
    assert.equal(off.stderr, 'djswap: note: checking is turned off here by `enable = false` under [tool.djswap] in pyproject.toml\n');
  });
});
