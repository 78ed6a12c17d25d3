import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { danglingAppliedReferences, historicalCreations, migrateRun } from '../../server/src/django/migrate-run';
import { analyzed } from '../helpers/engine';
import { describeEachBackend } from '../helpers/parsers';
import { REPO, removeTemp } from '../helpers/paths';

/**
 * What `migrate` does on an empty database, operation by operation (django/migrate-run.ts), on small
 * projects whose outcome Django showed in the Django tier (test/django/scenarios).
 */

function writeProject(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-migrate-run-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const MANAGE = fs.readFileSync(path.join(REPO, 'examples', 'mysite', 'manage.py'), 'utf8').replace('mysite.settings', 'project.settings');
const settings = (apps: string[], extra = '') =>
  `INSTALLED_APPS = [\n${['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes', ...apps].map((a) => `    "${a}",\n`).join('')}]\n${extra}`;
const migration = (deps: string[], ops: string, extra = '') =>
  `from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n${extra}\n    dependencies = [\n${deps.map((d) => `        ${d},\n`).join('')}    ]\n\n    operations = [\n${ops}    ]\n`;
const create = (model: string, fields = '', options = '') =>
  `        migrations.CreateModel(name="${model}", fields=[("id", models.AutoField(primary_key=True)),${fields}]${options ? `, options=${options}` : ''}),\n`;
const fk = (field: string, to: string) => ` ("${field}", models.ForeignKey(on_delete=models.CASCADE, to=${to})),`;

function project(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'manage.py': MANAGE, 'project/__init__.py': '' };
  for (const [rel, text] of Object.entries(files)) {
    out[rel] = text;
    const app = rel.split('/')[0];
    if (rel.includes('/migrations/')) out[`${app}/migrations/__init__.py`] = '';
    if (app !== 'project') out[`${app}/__init__.py`] ??= '';
  }
  return out;
}

describeEachBackend('migrate on an empty database', (parser) => {
  const run = async (files: Record<string, string>) => {
    const root = writeProject(project(files));
    try {
      const { result } = await analyzed(root, parser());
      return result.projects[0].project;
    } finally {
      removeTemp(root);
    }
  };

  it('relations ordered only by the plan: they work by the order of the labels, nothing fails', async () => {
    const p = await run({
      'project/settings.py': settings(['users', 'alpha', 'zeta'], 'AUTH_USER_MODEL = "users.User"\n'),
      'users/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
      'users/migrations/0001_initial.py': migration(['("auth", "0012_alter_user_first_name_max_length")'], create('User')),
      'alpha/migrations/0001_initial.py': migration([], create('Note', fk('user', 'settings.AUTH_USER_MODEL'))),
      'zeta/migrations/0001_initial.py': migration([], create('Note', fk('user', 'settings.AUTH_USER_MODEL'))),
    });
    const relations = migrateRun(p).unordered;
    const alpha = relations.find((r) => r.consumer === 'alpha.0001_initial')!;
    const zeta = relations.find((r) => r.consumer === 'zeta.0001_initial')!;
    // admin's leaf comes first in the plan and pulls users.0001 in through its swappable dependency:
    // both work only by that order.
    assert.equal(alpha.ordered, false);
    assert.equal(alpha.target, 'users.User');
    assert.equal(alpha.creator, 'users.0001_initial');
    assert.equal(zeta.ordered, false);
    assert.deepEqual(
      relations.map((r) => [r.consumer, r.failsNow, r.first]),
      [
        ['alpha.0001_initial', false, false],
        ['zeta.0001_initial', false, false],
      ],
    );
  });

  it('without admin pulling it in, the app that sorts first fails: the first failure of the plan', async () => {
    const p = await run({
      'project/settings.py': settings(['users', 'blog'], 'AUTH_USER_MODEL = "users.User"\n').replace('    "django.contrib.admin",\n', ''),
      'users/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
      'users/migrations/0001_initial.py': migration(['("auth", "0012_alter_user_first_name_max_length")'], create('User')),
      'blog/migrations/0001_initial.py': migration(['("auth", "0012_alter_user_first_name_max_length")'], create('Post', fk('author', 'settings.AUTH_USER_MODEL'))),
    });
    const [blog] = migrateRun(p).unordered;
    assert.deepEqual([blog.consumer, blog.failsNow, blog.first, blog.kind], ['blog.0001_initial', true, true, 'ForeignKey']);
  });

  it('a model swapped out in the migration state gets no table: its relations need nothing', async () => {
    const p = await run({
      'project/settings.py': settings(['shop', 'zlegacy'], 'SHOP_ITEM_MODEL = "zlegacy.Item"\n'),
      'shop/migrations/0001_initial.py': migration([], create('Item', fk('owner', '"zlegacy.Owner"'), '{"swappable": "SHOP_ITEM_MODEL"}')),
      'zlegacy/migrations/0001_initial.py': migration([], create('Owner') + create('Item')),
    });
    assert.deepEqual(migrateRun(p).unordered, []);
    assert.equal(historicalCreations(p).get('shop.item')?.swappable, 'SHOP_ITEM_MODEL');
    assert.equal(historicalCreations(p).get('zlegacy.owner')?.swappable, undefined);
  });

  it('operations out of order inside one migration', async () => {
    const p = await run({
      'project/settings.py': settings(['shop']),
      'shop/migrations/0001_initial.py': migration([], create('Order', fk('customer', '"shop.Customer"')) + create('Customer')),
    });
    const [order] = migrateRun(p).unordered;
    assert.deepEqual([order.consumer, order.creator, order.operation, order.creatorOperation, order.first], ['shop.0001_initial', 'shop.0001_initial', 0, 1, true]);
  });

  it('the applied state: a relation to a model no applied migration creates gives Django\'s lazy-reference text', async () => {
    const p = await run({
      'project/settings.py': settings(['blog'], 'AUTH_USER_MODEL = "blog.User"\n'),
      'blog/models.py': 'from django.contrib.auth.models import AbstractUser\nfrom django.db import models\n\n\nclass Post(models.Model):\n    pass\n\n\nclass User(AbstractUser):\n    pass\n',
      'blog/migrations/0001_initial.py': migration([], create('Post')),
      'blog/migrations/0002_user.py': migration(['("blog", "0001_initial")'], create('User')),
    });
    const applied = new Set(['contenttypes.0001_initial', 'auth.0001_initial', 'admin.0001_initial', 'blog.0001_initial']);
    const [first] = danglingAppliedReferences(p, applied);
    assert.equal(first.message, "The field admin.LogEntry.user was declared with a lazy reference to 'blog.user', but app 'blog' doesn't provide model 'user'.");
  });
});

describeEachBackend('dependency lists djswap cannot read in full', (parser) => {
  const graphOf = async (files: Record<string, string>) => {
    const root = writeProject(project(files));
    try {
      const { result } = await analyzed(root, parser());
      return result.projects[0].project.graph;
    } finally {
      removeTemp(root);
    }
  };

  it('an entry built at run time: no conflict claimed from the literal edges alone', async () => {
    const graph = await graphOf({
      'project/settings.py': settings(['users']),
      'users/migrations/0001_initial.py': migration([], create('Team')),
      'users/migrations/0002_groups.py': migration(['(model_app_label, "0001_initial")'], '', '    model_app_label = "users"\n'),
    });
    assert.deepEqual(graph.problems.filter((p) => p.kind === 'conflict'), []);
  });

  it('dependencies set in __init__ keep their literal entries', async () => {
    const graph = await graphOf({
      'project/settings.py': settings(['tokens']),
      'tokens/migrations/0001_initial.py': migration([], create('Token')),
      'tokens/migrations/0002_linear.py':
        'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    def __init__(self, name, app_label):\n        super().__init__(name, app_label)\n        self.dependencies = [("tokens", "0001_initial")]\n\n    operations = []\n',
      'tokens/migrations/0003_more.py': migration(['("tokens", "0002_linear")'], ''),
    });
    assert.deepEqual(graph.problems.filter((p) => p.kind === 'conflict'), []);
    assert.deepEqual(graph.parents('tokens.0002_linear'), ['tokens.0001_initial']);
  });
});
