import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJsonHistory, parseShowMigrations } from '../../server/src/django/history';
import { analyzed } from '../helpers/engine';
import { describeEachBackend } from '../helpers/parsers';
import { REPO, copyToTemp, removeTemp } from '../helpers/paths';

const ORACLE_MIDSWAP = path.join(REPO, 'test', 'oracle', 'midswap_default_to_custom_user');
const AUTH = ['0001_initial', '0002_alter_permission_name_max_length', '0003_alter_user_email_max_length', '0004_alter_user_username_opts', '0005_alter_user_last_login_null', '0006_require_contenttypes_0002', '0007_alter_validators_add_error_messages', '0008_alter_user_username_max_length', '0009_alter_user_last_name_max_length', '0010_alter_group_name_max_length', '0011_update_proxy_permissions', '0012_alter_user_first_name_max_length'];
const DOT = ['0001_initial', '0002_auto_20190406_1805', '0003_auto_20201211_1314', '0004_auto_20200902_2022', '0005_auto_20211222_2352', '0006_alter_application_client_secret', '0007_application_post_logout_redirect_uris', '0008_alter_accesstoken_token', '0009_add_hash_client_secret', '0010_application_allowed_origins', '0011_refreshtoken_token_family', '0012_add_token_checksum'];
const BASE: [string, string][] = [
  ...(['0001_initial', '0002_remove_content_type_name'].map((n) => ['contenttypes', n]) as [string, string][]),
  ...(AUTH.map((n) => ['auth', n]) as [string, string][]),
  ...(['0001_initial', '0002_logentry_remove_auto_add', '0003_logentry_add_action_flag_choices'].map((n) => ['admin', n]) as [string, string][]),
  ['sessions', '0001_initial'],
];

/** `showmigrations --list` text for applied (app, name) pairs. */
function showmigrations(applied: [string, string][]): string {
  const byApp = new Map<string, string[]>();
  for (const [app, name] of applied) byApp.set(app, [...(byApp.get(app) ?? []), name]);
  return [...byApp].map(([app, names]) => `${app}\n${names.map((n) => ` [X] ${n}\n`).join('')}`).join('');
}

/** A SQLite file with a django_migrations table, made the way Django makes it. */
async function sqliteWith(file: string, applied: [string, string][]): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const init = require('sql.js/dist/sql-wasm.js') as (c: { wasmBinary: Uint8Array }) => Promise<{ Database: new () => { run(sql: string, params?: unknown[]): void; export(): Uint8Array; close(): void } }>;
  const SQL = await init({ wasmBinary: fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')) });
  const db = new SQL.Database();
  db.run('CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)');
  for (const [app, name] of applied) db.run('INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)', [app, name, '2024-01-01 00:00:00']);
  fs.writeFileSync(file, db.export());
  db.close();
}

const hash = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A small project written from a map of files. */
function writeProject(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-history-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const MANAGE = fs.readFileSync(path.join(REPO, 'examples', 'mysite', 'manage.py'), 'utf8').replace('mysite.settings', 'project.settings');
const migration = (deps: string[], ops = '', extra = '') =>
  `from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n\n    dependencies = [\n${deps.map((d) => `        ${d},\n`).join('')}    ]\n${extra}\n    operations = [\n${ops}    ]\n`;
const create = (model: string, fields = '') => `        migrations.CreateModel(name="${model}", fields=[("id", models.AutoField(primary_key=True)),${fields}]),\n`;
const SWAP = 'migrations.swappable_dependency(settings.AUTH_USER_MODEL)';

function settings(apps: string[], extra = ''): string {
  return `import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\nINSTALLED_APPS = [\n${['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions', ...apps].map((a) => `    "${a}",\n`).join('')}]\n\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}\n${extra}`;
}

describe('showmigrations parsing', () => {
  it('reads the --list and --plan forms', () => {
    const list = parseShowMigrations('admin\n [X] 0001_initial\n [ ] 0002_logentry_remove_auto_add\nblog\n (no migrations)\nshop\n [-] 0001_squashed_0004_auto (4 squashed migrations)\n', 'x');
    assert.deepEqual(list.applied, ['admin.0001_initial']);
    assert.match(list.notes[0], /shop\.0001_squashed_0004_auto is a squashed migration only partly applied/);
    const plan = parseShowMigrations('[X]  contenttypes.0001_initial\n[X]  auth.0001_initial\n[ ]  admin.0001_initial\n', 'x');
    assert.deepEqual(plan.applied, ['contenttypes.0001_initial', 'auth.0001_initial']);
  });
});

describeEachBackend('applied history (SWP306)', (parser) => {
  const check = async (root: string, overrides = {}) => (await analyzed(root, parser(), overrides)).result.diagnostics.filter((d) => d.code === 'SWP306');

  it("midswap_default_to_custom_user with showmigrations output: Django's own text on the setting line", async () => {
    const applied = JSON.parse(fs.readFileSync(path.join(ORACLE_MIDSWAP, 'history.json'), 'utf8')).applied_migrations as [string, string][];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-showmigrations-'));
    try {
      fs.writeFileSync(path.join(dir, 'showmigrations.txt'), showmigrations(applied));
      const [finding, ...others] = await check(ORACLE_MIDSWAP, { history: path.join(dir, 'showmigrations.txt') });
      assert.deepEqual(others, []);
      assert.equal(path.relative(ORACLE_MIDSWAP, finding.file), 'project/settings.py');
      assert.equal(finding.range.start.line + 1, 77);
      assert.equal(finding.severity, 'error');
      const expected = JSON.parse(fs.readFileSync(path.join(ORACLE_MIDSWAP, 'expected.json'), 'utf8')).sequence.state_b_migrate_same_db.error_message as string;
      assert.ok(finding.message.includes(`InconsistentMigrationHistory: ${expected}`), finding.message);
    } finally {
      removeTemp(dir);
    }
  });

  it("midswap_default_to_custom_user with the SQLite database the settings name: read-only, untouched", async () => {
    const applied = JSON.parse(fs.readFileSync(path.join(ORACLE_MIDSWAP, 'history.json'), 'utf8')).applied_migrations as [string, string][];
    const root = copyToTemp(ORACLE_MIDSWAP);
    try {
      const db = path.join(root, 'db.sqlite3');
      await sqliteWith(db, applied);
      const before = hash(db);
      const listing = fs.readdirSync(root).sort();
      const findings = await check(root);
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /on the database db\.sqlite3 fails with `InconsistentMigrationHistory: Migration admin\.0001_initial is applied before its dependency users\.0001_initial on database 'default'\.`/);
      assert.equal(hash(db), before, 'the database is not modified');
      assert.deepEqual(fs.readdirSync(root).sort(), listing, 'no journal or lock file appears');
    } finally {
      removeTemp(root);
    }
  });

  it('a consistent history is silent; no history, no finding', async () => {
    const root = writeProject({
      'manage.py': MANAGE,
      'project/__init__.py': '',
      'project/settings.py': settings(['users', 'blog'], 'AUTH_USER_MODEL = "users.User"\n'),
      'users/__init__.py': '',
      'users/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
      'users/migrations/__init__.py': '',
      'users/migrations/0001_initial.py': migration(['("auth", "0012_alter_user_first_name_max_length")'], create('User')),
      'blog/__init__.py': '',
      'blog/migrations/__init__.py': '',
      'blog/migrations/0001_initial.py': migration([SWAP], create('Post', '("author", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL))')),
    });
    try {
      assert.deepEqual(await check(root), []);
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE.slice(0, 14), ['users', '0001_initial'], ...BASE.slice(14), ['blog', '0001_initial']]);
      assert.deepEqual(await check(root), []);
    } finally {
      removeTemp(root);
    }
  });

  const dotProject = (runBefore: boolean) =>
    writeProject({
      'manage.py': MANAGE,
      'project/__init__.py': '',
      'project/settings.py': settings(['oauth2_provider', 'oauthapp'], 'OAUTH2_PROVIDER_APPLICATION_MODEL = "oauthapp.Application"\n'),
      'oauthapp/__init__.py': '',
      'oauthapp/models.py': 'from oauth2_provider.models import AbstractApplication\n\n\nclass Application(AbstractApplication):\n    pass\n',
      'oauthapp/migrations/__init__.py': '',
      'oauthapp/migrations/0001_initial.py': migration([SWAP], create('Application'), runBefore ? '\n    run_before = [\n        ("oauth2_provider", "0001_initial"),\n    ]\n' : ''),
    });

  it('built-in → custom django-oauth-toolkit Application, with run_before: InconsistentMigrationHistory on the setting', async () => {
    const root = dotProject(true);
    try {
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE, ...DOT.map((n) => ['oauth2_provider', n] as [string, string])]);
      const [finding, ...others] = await check(root);
      assert.deepEqual(others, []);
      assert.equal(path.relative(root, finding.file), 'project/settings.py');
      assert.match(finding.message, /InconsistentMigrationHistory: Migration oauth2_provider\.0001_initial is applied before its dependency oauthapp\.0001_initial on database 'default'\./);
      assert.match(finding.message, /ran when it named `oauth2_provider\.Application`/);
    } finally {
      removeTemp(root);
    }
  });

  // Django 3.2 with django-oauth-toolkit 1.7, migrated with DOT's Application, then swapped without
  // run_before: `migrate` renders the applied state first and stops (checked by running it).
  it('built-in → custom django-oauth-toolkit Application, without run_before: the applied state has lazy references', async () => {
    const root = dotProject(false);
    try {
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE, ...DOT.map((n) => ['oauth2_provider', n] as [string, string])]);
      const [finding, ...others] = await check(root);
      assert.deepEqual(others, []);
      assert.equal(finding.severity, 'error');
      assert.match(finding.message, /oauth2_provider\.0001_initial, oauth2_provider\.0004_auto_20200902_2022, applied there, point at it through the setting/);
      assert.match(finding.message, /ValueError: The field oauth2_provider\.AccessToken\.application was declared with a lazy reference to 'oauthapp\.application', but app 'oauthapp' isn't installed\./);
    } finally {
      removeTemp(root);
    }
  });

  it('a user model added to an app whose first migration is applied: the lazy-reference ValueError', async () => {
    const root = writeProject({
      'manage.py': MANAGE,
      'project/__init__.py': '',
      'project/settings.py': settings(['blog'], 'AUTH_USER_MODEL = "blog.User"\n'),
      'blog/__init__.py': '',
      'blog/models.py': 'from django.contrib.auth.models import AbstractUser\nfrom django.db import models\n\n\nclass Post(models.Model):\n    pass\n\n\nclass User(AbstractUser):\n    pass\n',
      'blog/migrations/__init__.py': '',
      'blog/migrations/0001_initial.py': migration([], create('Post')),
      'blog/migrations/0002_user.py': migration(['("blog", "0001_initial")', '("auth", "0012_alter_user_first_name_max_length")'], create('User')),
    });
    try {
      // Migrated when AUTH_USER_MODEL was the default: admin.0001 came after auth.0001; blog.0001 too.
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE, ['blog', '0001_initial']]);
      const findings = await check(root);
      const lazy = findings.find((f) => /lazy reference/.test(f.message));
      assert.ok(lazy, findings.map((f) => f.message).join('\n'));
      assert.match(lazy.message, /`blog\.User` is created in `blog\.0002_user`/);
      assert.match(lazy.message, /ValueError: The field admin\.LogEntry\.user was declared with a lazy reference to 'blog\.user', but app 'blog' doesn't provide model 'user'\./);
    } finally {
      removeTemp(root);
    }
  });

  it('swapping back to the default: no error from migrate, then no such table', async () => {
    const root = writeProject({
      'manage.py': MANAGE,
      'project/__init__.py': '',
      'project/settings.py': settings(['users']),
      'users/__init__.py': '',
      'users/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
      'users/migrations/__init__.py': '',
      'users/migrations/0001_initial.py': migration(['("auth", "0012_alter_user_first_name_max_length")'], create('User')),
    });
    try {
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE.slice(0, 14), ['users', '0001_initial'], ...BASE.slice(14)]);
      const findings = await check(root);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      assert.equal(findings[0].severity, 'warning');
      assert.match(findings[0].message, /`auth_user` was never created\. `migrate` will not complain; the first query of `auth\.User` fails with `OperationalError: no such table: auth_user`/);
    } finally {
      removeTemp(root);
    }
  });

  it('a project-declared swappable setting changed after migrate', async () => {
    const root = writeProject({
      'manage.py': MANAGE,
      'project/__init__.py': '',
      'project/settings.py': settings(['catalog', 'store', 'shop'], 'CATALOG_WIDGET_MODEL = "store.Widget"\n'),
      'catalog/__init__.py': '',
      'catalog/models.py': 'from django.db import models\n\n\nclass Widget(models.Model):\n    class Meta:\n        swappable = "CATALOG_WIDGET_MODEL"\n',
      'catalog/migrations/__init__.py': '',
      'catalog/migrations/0001_initial.py': migration([], create('Widget')),
      'store/__init__.py': '',
      'store/models.py': 'from django.db import models\n\n\nclass Widget(models.Model):\n    pass\n',
      'store/migrations/__init__.py': '',
      'store/migrations/0001_initial.py': migration([], create('Widget')),
      'shop/__init__.py': '',
      'shop/migrations/__init__.py': '',
      'shop/migrations/0001_initial.py': migration(['migrations.swappable_dependency(settings.CATALOG_WIDGET_MODEL)'], create('Order')),
    });
    try {
      await sqliteWith(path.join(root, 'db.sqlite3'), [...BASE, ['catalog', '0001_initial'], ['shop', '0001_initial']]);
      const [finding] = await check(root);
      assert.match(finding.message, /InconsistentMigrationHistory: Migration shop\.0001_initial is applied before its dependency store\.0001_initial on database 'default'\./);
      assert.match(finding.message, /`CATALOG_WIDGET_MODEL` \(project\/settings\.py:\d+\) now names `store\.Widget`, but 1 applied migration \(shop\.0001_initial\) ran when it named `catalog\.Widget`/);
    } finally {
      removeTemp(root);
    }
  });
});

describe('applied migrations as JSON', () => {
  it('reads {"applied_migrations": [[app, name], ...]} and a bare list of pairs, in order', () => {
    assert.deepEqual(parseJsonHistory('{"note": "x", "applied_migrations": [["auth", "0001_initial"], ["blog", "0001_initial"]]}', 'h.json')?.applied, ['auth.0001_initial', 'blog.0001_initial']);
    assert.deepEqual(parseJsonHistory('[["auth", "0001_initial"]]', 'h.json')?.applied, ['auth.0001_initial']);
    assert.equal(parseJsonHistory('{"applied": 3}', 'h.json'), undefined);
    assert.equal(parseJsonHistory('auth\n [X] 0001_initial\n', 'h.txt'), undefined);
  });
});

describeEachBackend('a history.json beside manage.py', (parser) => {
  it('is read when no database is found: the mid-project swap is reported on the setting', async () => {
    const { result } = await analyzed(ORACLE_MIDSWAP, parser());
    const finding = result.diagnostics.find((d) => d.code === 'SWP306');
    assert.ok(finding, result.diagnostics.map((d) => d.code).join(', '));
    assert.equal(path.relative(ORACLE_MIDSWAP, finding.file), path.join('project', 'settings.py'));
    assert.equal(finding.range.start.line, 76);
    assert.match(finding.message, /InconsistentMigrationHistory: Migration admin\.0001_initial is applied before its dependency users\.0001_initial on database 'default'\./);
  });
});
