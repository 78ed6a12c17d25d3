import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { environmentFileSettings, pytestFacts, rankCandidates, shellSettings, toxFacts } from '../../server/src/django/entry-points';
import { readIni } from '../../server/src/engine/ini';
import { describeEachBackend } from '../helpers/parsers';
import { FIXTURES } from '../helpers/paths';
import { workspaceOn } from '../helpers/engine';
import type { PythonParser } from '../../server/src/syntax/tree';

const PROJECTS = path.join(FIXTURES, 'projects');

function discover(parser: PythonParser, name: string, env: Record<string, string> = {}, overrides = {}) {
  const root = path.join(PROJECTS, name);
  const workspace = workspaceOn(root, parser, overrides, { DJSWAP_GIT: '0', ...env });
  const result = workspace.analyze();
  const rel = (file: string | undefined) => (file === undefined ? undefined : path.relative(root, file).split(path.sep).join('/'));
  const projects = result.projects.map((p) => ({
    root: rel(p.config.root),
    settings: p.config.settingsModule,
    source: p.config.settingsSource,
    reason: p.config.settingsReason,
    others: p.config.otherSettings ?? [],
  }));
  return { root, result, projects, rel, workspace };
}

describe('reading how a project is started', () => {
  it('reads INI files as configparser does: continuation lines extend the value above', () => {
    const document = readIni('[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = tests.settings\n    PYTHONPATH = {toxinidir}\n# a comment\n[pytest]\nDJANGO_SETTINGS_MODULE: app.settings\n');
    assert.equal(document.get('testenv')?.get('setenv'), 'DJANGO_SETTINGS_MODULE = tests.settings\nPYTHONPATH = {toxinidir}');
    assert.equal(document.get('pytest')?.get('django_settings_module'), 'app.settings');
  });

  it("pytest-django's option, pytest-env's env and pytest's pythonpath", () => {
    assert.deepEqual(pytestFacts(readIni('[pytest]\nDJANGO_SETTINGS_MODULE = a.settings\npythonpath = . tests\n').get('pytest'), 'x'), { settingsModule: 'a.settings', pythonPath: ['.', 'tests'], where: 'x' });
    assert.equal(pytestFacts(readIni('[pytest]\nenv =\n    D:DJANGO_SETTINGS_MODULE=b.settings\n').get('pytest'), 'x')?.settingsModule, 'b.settings');
    assert.equal(pytestFacts(readIni('[pytest]\naddopts = -q\n').get('pytest'), 'x'), undefined);
  });

  it("tox's setenv, with {toxinidir} on PYTHONPATH, or --settings in its commands", () => {
    const section = readIni('[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = tests.settings\n    PYTHONPATH = {toxinidir}:{toxinidir}/src\n').get('testenv');
    assert.deepEqual(toxFacts(section, 'tox.ini'), { settingsModule: 'tests.settings', pythonPath: ['.', 'src'], where: 'tox.ini' });
    assert.equal(toxFacts(readIni('[testenv]\ncommands = django-admin test --settings=demo.settings\n').get('testenv'), 'tox.ini')?.settingsModule, 'demo.settings');
  });

  it('shell scripts that export DJANGO_SETTINGS_MODULE', () => {
    assert.equal(shellSettings('#!/bin/sh\nexport DJANGO_SETTINGS_MODULE="test_settings"\n'), 'test_settings');
    assert.equal(shellSettings('test:\n\tDJANGO_SETTINGS_MODULE=app.settings django-admin test\n'), 'app.settings');
    assert.equal(shellSettings('echo $DJANGO_SETTINGS_MODULE\n'), undefined);
  });

  it('dotenv files, dev containers and compose files that set DJANGO_SETTINGS_MODULE', () => {
    assert.equal(environmentFileSettings('SECRET_KEY=x\nDJANGO_SETTINGS_MODULE=app.settings.dev\n'), 'app.settings.dev');
    assert.equal(environmentFileSettings('{\n  "containerEnv": {"DJANGO_SETTINGS_MODULE": "app.settings"}\n}\n'), 'app.settings');
    assert.equal(environmentFileSettings('    environment:\n      - DJANGO_SETTINGS_MODULE=config.settings.local\n'), 'config.settings.local');
    assert.equal(environmentFileSettings('    environment:\n      DJANGO_SETTINGS_MODULE: config.settings.local\n'), 'config.settings.local');
    assert.equal(environmentFileSettings('DJANGO_SETTINGS_MODULE=${SETTINGS}\n'), undefined);
  });

  it('candidates of a computed name: the code’s own completions first, then development before production', () => {
    const naming = { pattern: 'tower.settings.*', completions: ['production', 'development'], written: '' };
    assert.deepEqual(rankCandidates(naming, ['tower.settings.defaults', 'tower.settings.development', 'tower.settings.production']), [
      'tower.settings.production',
      'tower.settings.development',
      'tower.settings.defaults',
    ]);
    assert.deepEqual(rankCandidates({ ...naming, completions: [] }, ['p.settings.production', 'p.settings.local', 'p.settings.test']), ['p.settings.local', 'p.settings.test', 'p.settings.production']);
  });
});

describeEachBackend('finding projects the way they are run', (parser) => {
  it('manage.py hands over to a package that computes the settings name: the candidates it allows, development first', () => {
    const { projects, result } = discover(parser(), 'computed-manage');
    assert.deepEqual(projects, [
      {
        root: '',
        settings: 'tower.settings.development',
        source: 'manage.py (computed)',
        reason: 'computed in manage.py (through tower/__init__.py) as `"tower.settings.%s" % MODE`; chose `tower.settings.development` of `tower.settings.development`, `tower.settings.production`',
        others: ['tower.settings.production'],
      },
    ]);
    assert.equal(result.projects[0].project.swappable('AUTH_USER_MODEL')?.value, 'main.User');
    assert.deepEqual(result.diagnostics, []);
  });

  it('a manage.py deep in the package naming its settings from the repository root runs from there', () => {
    const { projects, result, rel } = discover(parser(), 'outer-root');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source]),
      [['', 'cms.test.settings', 'manage.py']],
    );
    const project = result.projects[0].project;
    assert.deepEqual(project.apps.filter((a) => a.dir).map((a) => [a.label, rel(a.dir)]), [['pages', 'cms/pages'], ['customuser', 'cms/test/customuser']]);
    assert.deepEqual(result.diagnostics, []);
  });

  it('a package tested through tox and a demo project nested in its tests are two projects, each judging its own files', () => {
    const { projects, result, rel } = discover(parser(), 'nested-demo');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source]),
      [
        ['', 'tests.settings', 'tox'],
        ['tests/app/idp', 'idp.settings', 'manage.py'],
      ],
    );
    // The demo's view uses auth.User while its own settings swap it; the package's settings do not.
    assert.deepEqual(result.diagnostics.map((d) => [d.code, rel(d.file), rel(d.project)]), [['SWP102', 'tests/app/idp/accounts/views.py', 'tests/app/idp']]);
  });

  it("packages at the repository root and the test project found through pytest's pythonpath", () => {
    const { projects, result, rel } = discover(parser(), 'pytest-pythonpath');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source, p.reason]),
      [['', 'site2.settings', 'pytest', 'named in pytest.ini [pytest]']],
    );
    const project = result.projects[0].project;
    assert.deepEqual(project.apps.filter((a) => a.dir).map((a) => [a.label, rel(a.dir)]), [['widgets_core', 'widgets']]);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity, rel(d.file)]), [['SWP101', 'warning', 'widgets/models.py']]);
  });

  it('settings.configure() in a conftest: its keywords are the settings', () => {
    const { projects, result } = discover(parser(), 'configure-conftest');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source, p.reason]),
      [['', undefined, 'script', 'settings.configure() in tests/conftest.py']],
    );
    assert.deepEqual(
      result.projects[0].project.apps.map((a) => a.label),
      ['auth', 'contenttypes', 'restkit'],
    );
  });

  it('a templated pyproject.toml in a sub-folder is a note on that folder, not the end of the run', () => {
    const { projects, workspace } = discover(parser(), 'templated');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings]),
      [['{{cookiecutter.project_slug}}', 'config.settings']],
    );
    assert.ok(workspace.scanNotes.some((n) => /^\{\{cookiecutter\.project_slug\}\}\/pyproject\.toml:3:1: invalid TOML: .*; its settings were not read$/.test(n)), workspace.scanNotes.join('\n'));
  });

  it('DJANGO_SETTINGS_MODULE in the environment wins over manage.py’s default, as setdefault() lets it', () => {
    const { projects } = discover(parser(), 'computed-manage', { DJANGO_SETTINGS_MODULE: 'tower.settings.production' });
    assert.deepEqual(
      projects.map((p) => [p.settings, p.source, p.others]),
      [['tower.settings.production', 'environment', ['tower.settings.development']]],
    );
  });

  it('a manage.py that leaves the settings to a .env file: the module the environment files name, with that manage.py', () => {
    const { projects, result, rel } = discover(parser(), 'dotenv');
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source, p.reason]),
      [['', 'kennel.settings.development', 'environment file', 'named in .devcontainer.json']],
    );
    assert.equal(rel(result.projects[0].config.manageFile), 'manage.py');
    assert.equal(result.projects[0].config.testHarness, false);
  });

  it('--settings finds the project its module belongs to', () => {
    const { projects } = discover(parser(), 'nested-demo', {}, { settingsModule: 'tests.settings_swapped' });
    assert.deepEqual(
      projects.map((p) => [p.root, p.settings, p.source]),
      [['', 'tests.settings_swapped', 'configuration']],
    );
  });
});
