import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SwapPlan } from '../../server/src/django/swap/plan-data';
import { FIXTURES, copyToTemp, matchSnapshot, removeTemp } from '../helpers/paths';
import { djswap } from './helpers';

/**
 * The plan as data, on projects Django itself made (test/fixtures/plan, written by
 * scripts/django/plan-fixtures.mjs from the plan tier's scenarios): each is the later state as the
 * user leaves it, with `history.txt` from `showmigrations --list` on the earlier state's database.
 * The Django tier (npm run test:django:plan) executes these plans; here their data is pinned.
 */

const PLANS = path.join(FIXTURES, 'plan');

async function plan(dir: string, args: string[] = []): Promise<{ code: number | null; plan: SwapPlan; stderr: string }> {
  const history = fs.existsSync(path.join(dir, 'history.txt')) ? ['--history', path.join(dir, 'history.txt')] : [];
  const result = await djswap(['plan', dir, '--format', 'json', ...history, ...args]);
  return { code: result.code, plan: JSON.parse(result.stdout) as SwapPlan, stderr: result.stderr };
}

const shape = (p: SwapPlan) => p.deployments.map((d) => ({ title: d.title, done: d.done, steps: d.steps.map((s) => `${s.kind}${'file' in s ? ` ${s.file}${'delete' in s ? ' (delete)' : ''}` : ''}${s.kind === 'command' ? ` ${s.argv.join(' ')}` : ''}`) }));

/** A temporary copy of a plan fixture, changed by `edit`. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = copyToTemp(path.join(PLANS, name), 'djswap-plan-');
  edit(dir);
  return dir;
}

const write = (dir: string, file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const replace = (dir: string, file: string, from: string | RegExp, to: string) => {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `${file}: nothing replaced`);
  fs.writeFileSync(path.join(dir, file), next);
};

describe('djswap plan: the plan as data', () => {
  const expected: Record<string, { setting: string; from: string; to: string; fromSource: string; deployments: number }> = {
    'default-to-custom': { setting: 'AUTH_USER_MODEL', from: 'auth.User', to: 'users.User', fromSource: 'database', deployments: 2 },
    'custom-to-other-app': { setting: 'AUTH_USER_MODEL', from: 'accounts.User', to: 'users.User', fromSource: 'migrations', deployments: 2 },
    'custom-to-default': { setting: 'AUTH_USER_MODEL', from: 'accounts.User', to: 'auth.User', fromSource: 'migrations', deployments: 1 },
    'custom-to-default-migrated': { setting: 'AUTH_USER_MODEL', from: 'accounts.User', to: 'auth.User', fromSource: 'migrations', deployments: 1 },
    'dot-application': { setting: 'OAUTH2_PROVIDER_APPLICATION_MODEL', from: 'oauth2_provider.Application', to: 'clients.MyApplication', fromSource: 'database', deployments: 2 },
    'own-swappable': { setting: 'CATALOG_THING_MODEL', from: 'catalog.Thing', to: 'things.CustomThing', fromSource: 'database', deployments: 2 },
  };

  for (const [name, facts] of Object.entries(expected)) {
    it(`${name}: ${facts.from} -> ${facts.to} in ${facts.deployments} deployment(s), as pinned`, async () => {
      const { code, plan: result } = await plan(path.join(PLANS, name), ['--setting', facts.setting]);
      assert.equal(code, 0);
      assert.equal(result.possible, true, result.reason);
      assert.deepEqual(
        { setting: result.setting, from: result.from, to: result.to, fromSource: result.fromSource, deployments: result.deployments.length },
        facts,
      );
      assert.equal(result.version, 1);
      assert.deepEqual(result.database, { kind: 'showmigrations', file: 'history.txt', applied: result.database.applied });
      // Paths are relative to the project, with forward slashes; nothing drops or deletes.
      for (const d of result.deployments) {
        for (const s of d.steps) {
          if ('file' in s) assert.ok(!path.isAbsolute(s.file) && !s.file.includes('\\') && !s.file.startsWith('..'), s.file);
          if (s.kind === 'sql') for (const q of [...s.sqlite, ...s.postgresql]) assert.doesNotMatch(q, /\b(DROP|DELETE|TRUNCATE)\b/i);
        }
      }
      const { expected: snapshot, actual } = matchSnapshot(path.join(PLANS, `${name}.plan.json`), JSON.stringify(result, null, 2) + '\n');
      assert.equal(actual, snapshot);
    });
  }

  it('is deterministic: the same project gives the same bytes', async () => {
    const dir = path.join(PLANS, 'dot-application');
    const a = await djswap(['plan', dir, '--setting', 'OAUTH2_PROVIDER_APPLICATION_MODEL', '--history', path.join(dir, 'history.txt'), '--format', 'json']);
    const b = await djswap(['plan', dir, '--setting', 'OAUTH2_PROVIDER_APPLICATION_MODEL', '--history', path.join(dir, 'history.txt'), '--format', 'json']);
    assert.equal(a.stdout, b.stdout);
  });

  it('default-to-custom: records users.0001_initial first, then writes the model, both migrations and migrates', async () => {
    const { plan: result } = await plan(path.join(PLANS, 'default-to-custom'));
    assert.deepEqual(shape(result), [
      { title: 'Record users.0001_initial as applied', done: false, steps: ['sql'] },
      {
        title: 'Move AUTH_USER_MODEL to users.User',
        done: false,
        steps: ['edit users/models.py', 'edit users/migrations/0001_initial.py', 'edit users/migrations/0002_move_from_auth_user.py', 'command python manage.py migrate'],
      },
    ]);
    const [record] = result.deployments[0].steps;
    assert.ok(record.kind === 'sql');
    assert.deepEqual(record.sqlite, [
      "INSERT INTO django_migrations (app, name, applied) SELECT 'users', '0001_initial', CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM django_migrations WHERE app = 'users' AND name = '0001_initial');",
    ]);
    assert.deepEqual(record.postgresql, record.sqlite);
    const models = result.deployments[1].steps[0];
    assert.ok(models.kind === 'edit' && 'newText' in models);
    assert.match(models.newText, /class User\(AbstractUser\):\n {4}id = models\.AutoField\(primary_key=True\)\n/);
    assert.match(models.newText, /\n {4}class Meta\(AbstractUser\.Meta\):\n {8}db_table = "auth_user"/);
  });

  it('custom-to-other-app: removes the DeleteModel makemigrations wrote, and moves accounts.User out of accounts without dropping it', async () => {
    const { plan: result } = await plan(path.join(PLANS, 'custom-to-other-app'));
    assert.deepEqual(shape(result)[1].steps, [
      'edit users/models.py',
      'edit users/migrations/0001_initial.py',
      'edit users/migrations/0002_move_from_accounts_user.py',
      'edit accounts/migrations/0002_move_user_to_users.py',
      'edit accounts/migrations/0002_delete_user.py (delete)',
      'command python manage.py migrate',
    ]);
    const removed = result.deployments[1].steps.find((s) => 'delete' in s);
    assert.match(removed!.summary, /applying it would drop accounts_user with accounts\.User's rows/);
  });

  it('custom-to-default: one deployment, the tables renamed by a migration of accounts', async () => {
    const { plan: result } = await plan(path.join(PLANS, 'custom-to-default'));
    assert.deepEqual(shape(result), [
      {
        title: 'Move AUTH_USER_MODEL to auth.User',
        done: false,
        steps: ['edit accounts/migrations/0002_move_user_to_auth.py', 'edit accounts/migrations/0002_delete_user.py (delete)', 'command python manage.py migrate'],
      },
    ]);
  });

  it('dot-application: the custom Application runs before oauth2_provider.0001_initial, and takes its permissions along', async () => {
    const { plan: result } = await plan(path.join(PLANS, 'dot-application'));
    const steps = result.deployments[1].steps;
    const first = steps.find((s) => 'file' in s && s.file === 'clients/migrations/0001_initial.py');
    assert.ok(first && 'newText' in first);
    assert.match(first.newText, /run_before = \[\n {8}\("oauth2_provider", "0001_initial"\),\n {4}\]/);
    assert.match(first.newText, /"db_table": "oauth2_provider_application"/);
    const second = steps.find((s) => 'file' in s && s.file.startsWith('clients/migrations/0002_'));
    assert.ok(second && 'newText' in second);
    assert.match(second.newText, /permissions\.filter\(codename="%s_%s" % \(action, "application"\)\)\.update\(/);
    assert.match(second.newText, /name="agree",\n {12}field=models\.BooleanField\(default=False\),/);
  });

  it('knows what is done on the database read', async () => {
    const dir = variant('default-to-custom', (d) => fs.appendFileSync(path.join(d, 'history.txt'), 'users\n [X] 0001_initial\n'));
    try {
      const { plan: result } = await plan(dir);
      assert.deepEqual(
        result.deployments.map((d) => d.done),
        [true, false],
      );
    } finally {
      removeTemp(dir);
    }
  });

  it('--write writes the edits of the next deployment, and only them', async () => {
    const dir = variant('custom-to-other-app', () => undefined);
    try {
      const { plan: expectedPlan } = await plan(dir);
      const result = await djswap(['plan', dir, '--history', path.join(dir, 'history.txt'), '--write']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /djswap: wrote the edits of deployment 2 \(Move AUTH_USER_MODEL to users\.User\): wrote users\/models\.py, .*deleted accounts\/migrations\/0002_delete_user\.py\.\n/);
      assert.match(result.stdout, /deploy them only after deployment 1 ran on every database/);
      for (const step of expectedPlan.deployments[1].steps) {
        if (step.kind !== 'edit') continue;
        const file = path.join(dir, step.file);
        if ('delete' in step) assert.ok(!fs.existsSync(file), step.file);
        else assert.equal(fs.readFileSync(file, 'utf8'), step.newText, step.file);
      }
    } finally {
      removeTemp(dir);
    }
  });

  it('--to with the setting not changed yet: the plan changes it too', async () => {
    const dir = variant('default-to-custom', (d) => replace(d, 'config/settings.py', /\nAUTH_USER_MODEL = "users\.User"\n/, '\n'));
    try {
      const { plan: result } = await plan(dir, ['--to', 'users.User']);
      assert.equal(result.fromSource, 'settings');
      assert.equal(result.from, 'auth.User');
      const [settings] = result.deployments[1].steps;
      assert.ok(settings.kind === 'edit' && 'newText' in settings);
      assert.equal(settings.file, 'config/settings.py');
      assert.match(settings.newText, /\nAUTH_USER_MODEL = "users\.User"\n$/);
    } finally {
      removeTemp(dir);
    }
  });

  it('with nothing applied there is nothing to move', async () => {
    const dir = variant('default-to-custom', (d) => write(d, 'history.txt', 'admin\n [ ] 0001_initial\n'));
    try {
      const { plan: result } = await plan(dir);
      assert.deepEqual(shape(result), [{ title: 'Migrate', done: false, steps: ['command python manage.py migrate'] }]);
    } finally {
      removeTemp(dir);
    }
  });

  it('without git or a database, nothing says a swap happened', async () => {
    const result = await djswap(['plan', 'examples/mysite', '--setting', 'AUTH_USER_MODEL', '--format', 'json']);
    const data = JSON.parse(result.stdout) as SwapPlan;
    assert.equal(data.fromSource, 'none');
    assert.deepEqual(data.deployments, []);
    const markdown = await djswap(['plan', 'examples/mysite', '--setting', 'AUTH_USER_MODEL']);
    assert.match(markdown.stdout, /^# `AUTH_USER_MODEL` names `accounts\.User`: nothing to move$/m);
  });

  const refusals: [string, string, (dir: string) => void, RegExp][] = [
    [
      'a new field without a default',
      'default-to-custom',
      (d) => replace(d, 'users/models.py', 'models.CharField(max_length=50, blank=True, default="")', 'models.IntegerField()'),
      /users\.User\.nickname is neither nullable nor given a default/,
    ],
    ['a field the old table has and the new model lacks', 'custom-to-other-app', (d) => replace(d, 'users/models.py', /\n\s+phone = .*\n/, '\n    pass\n'), /users\.User has no field phone/],
    [
      'the old model still defined',
      'custom-to-other-app',
      (d) => write(d, 'accounts/models.py', 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n'),
      /accounts\.User is still defined \(accounts\/models\.py\)/,
    ],
    ['a database behind the code', 'default-to-custom', (d) => replace(d, 'history.txt', ' [X] 0012_alter_user_first_name_max_length', ' [ ] 0012_alter_user_first_name_max_length'), /has not applied auth\.0012_alter_user_first_name_max_length/],
    [
      'a newer django-oauth-toolkit than djswap knows',
      'dot-application',
      (d) => replace(d, 'history.txt', ' [X] 0005_auto_20211222_2352', ' [X] 0005_auto_20211222_2352\n [X] 0007_application_post_logout_redirect_uris'),
      /applied oauth2_provider\.0007_application_post_logout_redirect_uris, which change oauth2_provider\.Application after the version djswap knows/,
    ],
    ['fields back to auth.User would not hold', 'custom-to-default', (d) => fs.cpSync(path.join(PLANS, 'custom-to-other-app', 'accounts', 'migrations', '0001_initial.py'), path.join(d, 'accounts', 'migrations', '0001_initial.py')), /accounts\.User has fields auth\.User does not \(phone\)/],
    ['a renamed user model with many-to-many tables', 'default-to-custom', (d) => {
      replace(d, 'users/models.py', 'class User(', 'class Account(');
      replace(d, 'config/settings.py', 'users.User', 'users.Account');
      fs.rmSync(path.join(d, 'users', 'migrations', '0001_initial.py'));
    }, /name their column after the model \(user_id\): name the new model User/],
    ['a migration of the new app applied for real', 'default-to-custom', (d) => fs.appendFileSync(path.join(d, 'history.txt'), 'users\n [X] 0001_initial\n [X] 0002_profile\n'), /users\.0002_profile is applied already/],
  ];
  for (const [what, fixture, edit, reason] of refusals) {
    it(`says no safe plan exists, and why: ${what}`, async () => {
      const dir = variant(fixture, edit);
      try {
        const { code, plan: result } = await plan(dir, fixture === 'dot-application' ? ['--setting', 'OAUTH2_PROVIDER_APPLICATION_MODEL'] : []);
        assert.equal(code, 1);
        assert.equal(result.possible, false);
        assert.deepEqual(result.deployments, []);
        assert.match(result.reason ?? '', reason);
      } finally {
        removeTemp(dir);
      }
    });
  }

  it('rejects what is not a swappable setting or a label', async () => {
    assert.match((await djswap(['plan', 'examples/mysite', '--setting', 'DEBUG'])).stderr, /--setting: 'DEBUG' is not a swappable setting of this project/);
    assert.equal((await djswap(['plan', 'examples/mysite', '--to', 'users.models.User'])).code, 2);
    assert.equal((await djswap(['plan', 'examples/mysite', '--from', 'nope'])).code, 2);
    assert.equal((await djswap(['plan', 'examples/mysite', '--format', 'yaml'])).code, 2);
  });

  it('renders the Markdown from the same data', async () => {
    const dir = path.join(PLANS, 'default-to-custom');
    const json = JSON.parse((await djswap(['plan', dir, '--history', path.join(dir, 'history.txt'), '--format', 'json'])).stdout) as SwapPlan;
    const markdown = (await djswap(['plan', dir, '--history', path.join(dir, 'history.txt')])).stdout;
    assert.match(markdown, /^# Changing `AUTH_USER_MODEL` from `auth\.User` to `users\.User`$/m);
    assert.match(markdown, /^## Deployment 1 of 2: Record users\.0001_initial as applied$/m);
    for (const d of json.deployments) for (const s of d.steps) if (s.kind === 'edit' && 'newText' in s) assert.ok(markdown.includes(s.newText.split('\n').filter(Boolean).map((l) => `   ${l}`)[3] ?? ''), s.file);
    const { expected, actual } = matchSnapshot(path.join(PLANS, 'default-to-custom.plan.md'), markdown);
    assert.equal(actual, expected);
  });
});

