import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { keyOf } from '../../server/src/django/graph';
import { describeEachBackend } from '../helpers/parsers';
import { FIXTURES } from '../helpers/paths';
import { workspaceOn } from '../helpers/engine';
import type { PythonParser } from '../../server/src/syntax/tree';

const PROJECTS = path.join(FIXTURES, 'projects');

function load(parser: PythonParser, name: string, env: Record<string, string> = {}, overrides = {}) {
  const root = path.join(PROJECTS, name);
  const result = workspaceOn(root, parser, overrides, { DJSWAP_GIT: '0', ...env }).analyze();
  const rel = (file: string | undefined) => (file ? path.relative(root, file).split(path.sep).join('/') : undefined);
  return { root, result, project: result.projects[0]?.project, rel };
}

describeEachBackend('project model', (parser) => {
  it('settings package chosen by manage.py: star imports, +=, environment defaults, a missing optional import', () => {
    const { project, rel } = load(parser(), 'settings-package');
    assert.equal(project.config.settingsModule, 'config.settings.dev');
    assert.equal(project.config.settingsSource, 'manage.py');
    assert.deepEqual(project.settings.files.map(rel), ['config/settings/dev.py', 'config/settings/base.py']);
    assert.deepEqual(project.apps.map((a) => a.label), ['auth', 'contenttypes', 'users', 'debug_toolbar']);
    assert.equal(project.appsIncomplete, false);
    const user = project.swappable('AUTH_USER_MODEL')!;
    assert.equal(user.value, 'users.User');
    assert.equal(rel(user.assignment?.location.file), 'config/settings/base.py');
    assert.equal(project.settings.values.get('SECRET_KEY')?.value.kind, 'str');
    const database = project.settings.values.get('DATABASE_URL')!.value;
    assert.deepEqual(database.kind === 'str' ? [database.value, database.fromEnvironment] : [], ['sqlite:///db.sqlite3', 'DATABASE_URL']);
    assert.equal(project.settings.values.get('DEBUG')?.value.kind, 'bool');
    assert.deepEqual(project.settings.problems, []);
  });

  it('another settings module of the package: --settings wins', () => {
    const { project } = load(parser(), 'settings-package', {}, { settingsModule: 'config.settings.prod' });
    assert.equal(project.config.settingsSource, 'configuration');
    assert.equal(project.swappable('AUTH_USER_MODEL')?.value, 'accounts.User');
  });

  it('models package with __init__ re-exports; abstract and non-model classes', () => {
    const { project } = load(parser(), 'models-package');
    const labels = project.models.filter((m) => m.origin === 'workspace').map((m) => `${m.label}${m.abstract ? ' (abstract)' : ''}`).sort();
    assert.deepEqual(labels, ['orders.Line', 'shop.Category', 'shop.Product', 'shop.TimeStamped (abstract)']);
    // `from shop.models import Product` resolves through the package's __init__.
    assert.equal(project.modelByQualified('shop.models.Product')?.label, 'shop.Product');
    const line = project.models.find((m) => m.label === 'orders.Line')!;
    assert.deepEqual(line.facts!.relations.map((r) => [r.name, r.target.kind, r.target.kind === 'class' ? r.target.qualified : '']), [['product', 'class', 'shop.models.Product']]);
  });

  it('AppConfig labels: an explicit config path and a default=True config in apps.py', () => {
    const { project, rel } = load(parser(), 'appconfig-label');
    assert.deepEqual(
      project.apps.map((a) => [a.label, a.name, a.config?.className ?? null, rel(a.dir) ?? null]),
      [
        ['contenttypes', 'django.contrib.contenttypes', null, null],
        ['core_app', 'apps.core', 'CoreConfig', 'apps/core'],
        ['money', 'apps.billing', 'BillingConfig', 'apps/billing'],
      ],
    );
    assert.equal(project.modelByLabel('money.Invoice')?.app, 'money');
    assert.ok(project.graph.nodes.has(keyOf('money', '0001_initial')));
  });

  it('a project app labelled auth is not django.contrib.auth: "auth.User" is not a swappable reference', () => {
    const { project, result } = load(parser(), 'project-auth-label');
    const auth = project.appsByLabel.get('auth')!;
    assert.equal(auth.origin, 'workspace');
    assert.equal(auth.name, 'proj.auth');
    assert.equal(project.modelByLabel('auth.User')?.swappable, undefined);
    assert.deepEqual(result.diagnostics.filter((d) => d.code === 'SWP101'), []);
  });

  it('apps under src/ and in a folder manage.py puts on sys.path', () => {
    const { project, rel } = load(parser(), 'src-layout');
    assert.deepEqual(project.config.sourceRoots.map(rel), ['', 'apps', 'src']);
    assert.equal(rel(project.settings.file), 'src/config/settings.py');
    assert.deepEqual(project.apps.filter((a) => a.dir).map((a) => [a.label, rel(a.dir)]), [['blog', 'src/blog'], ['accounts', 'apps/accounts']]);
    assert.equal(project.swappable('AUTH_USER_MODEL')?.target?.label, 'accounts.Account');
    assert.equal(project.swappable('AUTH_USER_MODEL')?.target?.userModel, true);
  });

  it('reads Django 3.2 and black-formatted migrations alike', () => {
    const { project } = load(parser(), 'migration-styles');
    const shape = (key: string) => {
      const m = project.migrations.get(key)!;
      return {
        initial: m.initial,
        dependencies: m.dependencies!.entries.map((e) => (e.kind === 'swappable' ? `swappable:${e.setting}` : e.kind)),
        operations: m.operations!.map((op) => (op.kind === 'CreateModel' ? `CreateModel ${op.model} ${op.fields.map((f) => f.name).join(',')}` : op.kind)),
        relations: m.relations!.map((r) => `${r.model}.${r.field} -> ${r.relation.target.kind === 'setting' ? r.relation.target.setting : '?'}`),
      };
    };
    const expected = { initial: true, dependencies: ['swappable:AUTH_USER_MODEL'], operations: ['CreateModel Note id,owner'], relations: ['Note.owner -> AUTH_USER_MODEL'] };
    assert.deepEqual(shape('old.0001_initial'), expected);
    assert.deepEqual(shape('new.0001_initial'), expected);
    assert.deepEqual(project.graph.parents('old.0001_initial'), ['auth.0001_initial']);
  });

  it('squashed migrations replace what they replace, and edges are remapped', () => {
    const { project } = load(parser(), 'squashed');
    const blog = project.graph.appNodes('blog');
    assert.deepEqual(blog, ['blog.0001_squashed_0003_post_body', 'blog.0004_post_slug']);
    assert.deepEqual(project.graph.parents('blog.0004_post_slug'), ['blog.0001_squashed_0003_post_body']);
    assert.deepEqual(project.graph.parents('tags.0001_initial'), ['blog.0001_squashed_0003_post_body']);
    assert.equal(project.graph.canonical('blog.0002_post_title'), 'blog.0001_squashed_0003_post_body');
    assert.deepEqual(project.graph.problems, []);
  });

  it('swapper: the setting name, its default, and swapper.dependency resolved', () => {
    const { project } = load(parser(), 'swapper');
    const state = project.swappable('REVIEWS_REVIEW_MODEL')!;
    assert.equal(state.defaultLabel, 'reviews.Review');
    assert.equal(state.value, 'reviews.Review');
    assert.equal(state.defaultAvailable, true);
    assert.equal(state.creatingMigration, 'reviews.0001_initial');
    const edge = project.graph.edge('shop.0001_initial', 'reviews.0001_initial');
    assert.equal(edge?.kind, 'swappable');
    assert.equal(edge?.setting, 'REVIEWS_REVIEW_MODEL');
    const product = project.models.find((m) => m.label === 'shop.Product')!;
    assert.deepEqual(product.facts!.relations[0].target.kind, 'swapper');
  });

  it('a virtual environment in the workspace: third-party apps read from site-packages', () => {
    const { project, rel } = load(parser(), 'venv-third-party');
    assert.deepEqual(project.config.sitePackages.map(rel), ['.venv/lib/python3.11/site-packages']);
    const dot = project.appsByLabel.get('oauth2_provider')!;
    assert.equal(dot.origin, 'site-packages');
    assert.equal(dot.migrations, 'package');
    assert.deepEqual(project.graph.appNodes('oauth2_provider'), ['oauth2_provider.0001_initial', 'oauth2_provider.0002_accesstoken_scope']);
    assert.equal(project.appsByLabel.get('taggit')?.origin, 'site-packages');
    assert.deepEqual(project.graph.parents('clients.0001_initial'), ['auth.0001_initial', 'taggit.0001_initial']);
    const application = project.modelByLabel('oauth2_provider.Application')!;
    assert.equal(application.origin, 'site-packages');
    assert.equal(application.swappable, 'OAUTH2_PROVIDER_APPLICATION_MODEL');
    // The real migration's relation to oauth2_settings.APPLICATION_MODEL is what SWP201 reasons on.
    const migration = project.migrations.get('oauth2_provider.0001_initial')!;
    assert.deepEqual(migration.relations!.map((r) => r.relation.target.kind === 'setting' && r.relation.target.setting), ['OAUTH2_PROVIDER_APPLICATION_MODEL']);
  });

  it('a monorepo: one project per manage.py, analysed separately', () => {
    const { result, rel } = load(parser(), 'monorepo');
    assert.deepEqual(
      result.projects.map((p) => [rel(p.config.root), p.summary.settingsModule, p.project.swappable('AUTH_USER_MODEL')?.value]),
      [
        ['admin_site', 'admin_site_conf.settings', 'auth.User'],
        ['shop', 'shop_conf.settings', 'customers.Customer'],
      ],
    );
  });

  it('discovery falls back to pyproject.toml, then DJANGO_SETTINGS_MODULE, then a lone settings.py', () => {
    const fromPyproject = load(parser(), 'pyproject-settings');
    assert.equal(fromPyproject.project.config.settingsSource, 'pyproject.toml');
    assert.equal(fromPyproject.project.config.settingsModule, 'tests.settings');
    // No manage.py: a reusable app, so a hard reference is a warning.
    assert.deepEqual(fromPyproject.result.diagnostics.map((d) => [d.code, d.severity]), [['SWP101', 'warning']]);

    const fromEnvironment = load(parser(), 'lone-settings', { DJANGO_SETTINGS_MODULE: 'conf.settings' });
    assert.equal(fromEnvironment.project.config.settingsSource, 'environment');

    const lone = load(parser(), 'lone-settings');
    assert.equal(lone.project.config.settingsSource, 'settings.py');
    assert.equal(lone.project.config.settingsModule, 'conf.settings');

    const none = load(parser(), 'no-django');
    assert.deepEqual(none.result.projects, []);
    assert.deepEqual(none.result.diagnostics, []);
  });
});
