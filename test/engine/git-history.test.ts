import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzed } from '../helpers/engine';
import { describeEachBackend } from '../helpers/parsers';
import { REPO, removeTemp } from '../helpers/paths';

const MANAGE = fs.readFileSync(path.join(REPO, 'examples', 'mysite', 'manage.py'), 'utf8').replace('mysite.settings', 'project.settings');
const APPS = '["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "blog"';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

function commit(root: string, message: string, when: string): string {
  git(root, 'add', '-A');
  execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', message], {
    cwd: root,
    env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
  });
  return git(root, 'rev-parse', 'HEAD').trim();
}

const BLOG = {
  'blog/__init__.py': '',
  'blog/migrations/__init__.py': '',
  'blog/models.py': 'from django.conf import settings\nfrom django.db import models\n\n\nclass Post(models.Model):\n    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n',
  'blog/migrations/0001_initial.py':
    'from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n\n    dependencies = [\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n    ]\n\n    operations = []\n',
};
const USERS = {
  'users/__init__.py': '',
  'users/migrations/__init__.py': '',
  'users/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
  'users/migrations/0001_initial.py':
    'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n\n    dependencies = [\n        ("auth", "0012_alter_user_first_name_max_length"),\n    ]\n\n    operations = [\n        migrations.CreateModel(name="User", fields=[("id", models.AutoField(primary_key=True))]),\n    ]\n',
};

describeEachBackend('setting history from git (SWP404)', (parser) => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-git-'));
    git(root, 'init', '-q', '-b', 'main');
  });
  afterEach(() => removeTemp(root));

  const swp404 = async () => (await analyzed(root, parser(), {}, {})).result.diagnostics.filter((d) => d.code === 'SWP404');

  it('warns when the setting changed after migrations that depend on it were committed', async () => {
    write(root, { 'manage.py': MANAGE, 'project/__init__.py': '', 'project/settings.py': `INSTALLED_APPS = ${APPS}]\n`, ...BLOG });
    const first = commit(root, 'Start the blog', '2024-01-10T10:00:00Z');
    write(root, { 'project/settings.py': `INSTALLED_APPS = ${APPS}, "users"]\n\nAUTH_USER_MODEL = "users.User"\n`, ...USERS });
    const change = commit(root, 'Use a custom user model', '2024-03-01T10:00:00Z');
    const [finding, ...others] = await swp404();
    assert.deepEqual(others, []);
    assert.equal(path.relative(root, finding.file), 'project/settings.py');
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, new RegExp(`changed from unset \\(the default \`auth\\.User\`\\) to "users\\.User" in commit ${change.slice(0, 10)} \\(2024-03-01, "Use a custom user model"\\)`));
    assert.match(finding.message, new RegExp(`\`admin\\.0001_initial\` \\(Django's\\), \`blog\\.0001_initial\` \\(commit ${first.slice(0, 10)}\\)`));
    assert.match(finding.message, /InconsistentMigrationHistory/);
  });

  it('says so when the change is not committed yet', async () => {
    write(root, { 'manage.py': MANAGE, 'project/__init__.py': '', 'project/settings.py': `INSTALLED_APPS = ${APPS}]\n`, ...BLOG });
    commit(root, 'Start the blog', '2024-01-10T10:00:00Z');
    write(root, { 'project/settings.py': `INSTALLED_APPS = ${APPS}, "users"]\n\nAUTH_USER_MODEL = "users.User"\n`, ...USERS });
    const [finding] = await swp404();
    assert.match(finding.message, /to "users\.User" in changes not committed yet, after migrations that depend on it existed: `admin\.0001_initial` \(Django's\), `blog\.0001_initial` \(commit /);
  });

  it('is silent when the setting was set before any migration depended on it', async () => {
    write(root, { 'manage.py': MANAGE, 'project/__init__.py': '', 'project/settings.py': `INSTALLED_APPS = ${APPS}, "users"]\n\nAUTH_USER_MODEL = "users.User"\n`, ...BLOG, ...USERS });
    commit(root, 'Start with a custom user model', '2024-01-10T10:00:00Z');
    write(root, { 'project/settings.py': `INSTALLED_APPS = ${APPS}, "users"]\n\nAUTH_USER_MODEL = "users.User"\nDEBUG = True\n` });
    commit(root, 'Debug', '2024-02-10T10:00:00Z');
    assert.deepEqual(await swp404(), []);
  });

  it('is silent outside a git repository, and with DJSWAP_GIT=0', async () => {
    write(root, { 'manage.py': MANAGE, 'project/__init__.py': '', 'project/settings.py': `INSTALLED_APPS = ${APPS}]\n`, ...BLOG });
    commit(root, 'Start the blog', '2024-01-10T10:00:00Z');
    write(root, { 'project/settings.py': `INSTALLED_APPS = ${APPS}, "users"]\n\nAUTH_USER_MODEL = "users.User"\n`, ...USERS });
    commit(root, 'Swap', '2024-03-01T10:00:00Z');
    const quiet = (await analyzed(root, parser(), {}, { DJSWAP_GIT: '0' })).result.diagnostics.filter((d) => d.code === 'SWP404');
    assert.deepEqual(quiet, []);
    fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    assert.deepEqual(await swp404(), []);
  });
});
