import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Workspace } from '../../server/src/engine/workspace';
import { nodeFileSystem, type FileSystem } from '../../server/src/engine/fs';
import { describeEachBackend } from '../helpers/parsers';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';
import { LspTestClient, applyLspEdits, uriOf } from '../helpers/lsp';
import { MemoryFileSystem } from '../fuzz/memfs';
import { APPS, makeTree, migrationChain, minimalProject, runCli, writeTree } from './helpers';

/**
 * Hostile workspaces: each gives a result or a clear message, never a crash or a hang. The CLI runs
 * in a child process with a deadline far above what the case needs (a hang fails, a slow machine
 * does not); exit code 2 is for usage and configuration errors only.
 */

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report?: { projects: { root: string }[]; diagnostics: { code: string; file: string; line: number }[] };
}

function check(root: string, args: string[] = [], options: { timeoutMs?: number; env?: Record<string, string> } = {}): CheckRun {
  const run = runCli(['check', '.', '--format', 'json', ...args], { cwd: root, timeoutMs: options.timeoutMs ?? 60_000, env: options.env });
  assert.ok(!run.timedOut, `djswap check did not finish within ${options.timeoutMs ?? 60_000} ms`);
  assert.ok(run.code === 0 || run.code === 1, `exit code ${run.code}\nstderr: ${run.stderr.slice(0, 4000)}`);
  let report: CheckRun['report'];
  try {
    report = JSON.parse(run.stdout);
  } catch {
    assert.fail(`not JSON on stdout: ${run.stdout.slice(0, 1000)}\nstderr: ${run.stderr.slice(0, 2000)}`);
  }
  return { ...run, report };
}

/** The text CLI: notes go to stderr. */
function checkText(root: string, args: string[] = [], timeoutMs = 60_000): CheckRun {
  const run = runCli(['check', '.', ...args], { cwd: root, timeoutMs });
  assert.ok(!run.timedOut, `djswap check did not finish within ${timeoutMs} ms`);
  assert.ok(run.code === 0 || run.code === 1, `exit code ${run.code}\nstderr: ${run.stderr.slice(0, 4000)}`);
  return run;
}

function swp101Files(run: CheckRun): string[] {
  return (run.report?.diagnostics ?? []).filter((d) => d.code === 'SWP101').map((d) => d.file).sort();
}

describe('hostile workspaces (CLI)', function () {
  this.timeout(180_000);
  const roots: string[] = [];
  const tree = (files: Record<string, string | Uint8Array>) => {
    const root = makeTree(files);
    roots.push(root);
    return root;
  };
  after(() => roots.forEach((r) => removeTemp(r)));

  it('symbolic-link loops, links to themselves and dangling links', () => {
    const root = tree(minimalProject());
    fs.symlinkSync('..', path.join(root, 'blog', 'up'));
    fs.symlinkSync('.', path.join(root, 'here'));
    fs.symlinkSync('self.py', path.join(root, 'self.py'));
    fs.symlinkSync('nowhere.py', path.join(root, 'blog', 'dangling.py'));
    fs.symlinkSync(path.join(root, 'blog', 'models.py'), path.join(root, 'blog', 'alias.py'));
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'a', 'b', 'back'));
    const run = checkText(root);
    assert.match(run.stderr, /symbolic-link loop/);
    assert.equal(run.code, 1);
    const json = check(root);
    assert.deepEqual(swp101Files(json), ['blog/models.py']);
  });

  it('a link to / (or anywhere outside the workspace) is not followed', () => {
    const root = tree(minimalProject());
    fs.symlinkSync('/', path.join(root, 'everything'));
    fs.symlinkSync(os.homedir(), path.join(root, 'home'));
    const run = checkText(root, [], 60_000);
    assert.match(run.stderr, /everything was skipped: it leads outside the workspace/);
    assert.equal(run.code, 1);
    assert.deepEqual(swp101Files(check(root)), ['blog/models.py']);
  });

  it('a virtual environment linked from outside the workspace is still read, not walked', () => {
    const outside = tree({
      'pyvenv.cfg': 'home = /usr/bin\n',
      'lib/python3.12/site-packages/shared/__init__.py': '',
      'lib/python3.12/site-packages/shared/models.py': 'from django.db import models\n\n\nclass Thing(models.Model):\n    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n',
      'lib/python3.12/site-packages/other/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")\n',
    });
    const root = tree(minimalProject({ 'project/settings.py': 'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "accounts", "blog", "shared"]\nAUTH_USER_MODEL = "accounts.User"\n' }));
    fs.symlinkSync(outside, path.join(root, '.venv'));
    const run = check(root);
    assert.deepEqual(run.report?.projects.length, 1);
    const inspect = runCli(['inspect', '.', '--format', 'json'], { cwd: root });
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, /"shared"/);
  });

  it('unreadable files and folders (chmod 000, when the user is not root)', function () {
    if (process.getuid?.() === 0) this.skip(); // root reads anything: see the simulated case below
    const root = tree(minimalProject({ 'other/__init__.py': '', 'other/models.py': 'x = 1\n' }));
    fs.chmodSync(path.join(root, 'blog', 'models.py'), 0);
    fs.chmodSync(path.join(root, 'other'), 0);
    try {
      const run = checkText(root);
      assert.match(run.stderr, /blog\/models\.py: could not be read/);
    } finally {
      fs.chmodSync(path.join(root, 'blog', 'models.py'), 0o644);
      fs.chmodSync(path.join(root, 'other'), 0o755);
    }
  });

  it('a settings module that star-imports itself, a cycle of settings modules, and a chain 40 modules deep', () => {
    const self = tree(minimalProject({ 'project/settings.py': `from .settings import *\nfrom project.settings import *\nINSTALLED_APPS = ${APPS}\nAUTH_USER_MODEL = "accounts.User"\n` }));
    const selfRun = checkText(self);
    assert.match(selfRun.stderr, /imports itself through a cycle/);
    assert.equal(selfRun.code, 1);

    const cycle = tree(
      minimalProject({
        'project/settings.py': 'from .base import *\nINSTALLED_APPS += ["blog"]\n',
        'project/base.py': 'from .settings import *\nINSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "accounts"]\nAUTH_USER_MODEL = "accounts.User"\n',
      }),
    );
    const cycleRun = checkText(cycle);
    assert.match(cycleRun.stderr, /imports itself through a cycle/);
    assert.equal(cycleRun.code, 1);

    const chain: Record<string, string> = { 'project/settings.py': `from .s1 import *\nINSTALLED_APPS = ${APPS}\nAUTH_USER_MODEL = "accounts.User"\n` };
    for (let i = 1; i < 40; i++) chain[`project/s${i}.py`] = `from .s${i + 1} import *\nX${i} = ${i}\n`;
    chain['project/s40.py'] = 'from .s1 import *\n';
    const chainRun = checkText(tree(minimalProject(chain)));
    assert.match(chainRun.stderr, /nest deeper than \d+ modules|imports itself through a cycle/);
    assert.equal(chainRun.code, 1);
  });

  it('INSTALLED_APPS built from calls nobody can evaluate statically', () => {
    const root = tree(
      minimalProject({
        'project/settings.py': 'import os\nfrom .apps import discover\n\nINSTALLED_APPS = discover(os.environ["APPS"])\nINSTALLED_APPS += list(map(str, get_more()))\nAUTH_USER_MODEL = compute()\n',
      }),
    );
    const run = checkText(root);
    assert.match(run.stderr, /INSTALLED_APPS is not statically known/);
    check(root);
  });

  it('20,000 migrations in one app', () => {
    const root = tree(minimalProject(migrationChain('blog', 20_000)));
    const run = check(root, [], { timeoutMs: 170_000 });
    assert.deepEqual(swp101Files(run), ['blog/models.py']);
    assert.equal((run.report?.projects[0] as { migrations?: number }).migrations, 20_000);
  });

  it('a migrations folder without __init__.py', () => {
    const root = tree(minimalProject({ 'blog/migrations/0001_initial.py': 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n' }));
    fs.rmSync(path.join(root, 'blog', 'migrations', '__init__.py'));
    const run = check(root);
    assert.deepEqual(swp101Files(run), ['blog/models.py']);
    const inspect = runCli(['inspect', '.'], { cwd: root });
    assert.equal(inspect.code, 0, inspect.stderr);
  });

  it('binary .py files, files in UTF-16, invalid UTF-8, and a file past the size limit', () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 256;
    const root = tree(
      minimalProject({
        'blog/views.py': noise,
        'blog/admin.py': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('from django.contrib import admin\n', 'utf16le')]),
        'blog/urls.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xc3, 0x28, 0x22, 0x0a, 0x00, 0x00]),
        'other/__init__.py': '',
        'other/models.py': Buffer.alloc(17 * 1024 * 1024, 0x23),
      }),
    );
    // models.py itself: a hard-coded reference, then bytes that are not UTF-8.
    fs.appendFileSync(path.join(root, 'blog', 'models.py'), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x00, 0x0a]));
    fs.writeFileSync(path.join(root, 'project', 'settings.py'), 'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "accounts", "blog", "other"]\nAUTH_USER_MODEL = "accounts.User"\n');
    const run = checkText(root);
    assert.match(run.stderr, /other\/models\.py: larger than 16 MB; not read/);
    const json = check(root);
    assert.deepEqual(swp101Files(json), ['blog/models.py']);
    // The file is not valid UTF-8: the finding is reported, but no fix is offered for it.
    const report = JSON.parse(runCli(['check', '.', '--format', 'json'], { cwd: root }).stdout);
    assert.equal(report.diagnostics.find((d: { code: string }) => d.code === 'SWP101').fix, null);
    const before = fs.readFileSync(path.join(root, 'blog', 'models.py'));
    runCli(['check', '.', '--fix'], { cwd: root });
    assert.deepEqual(fs.readFileSync(path.join(root, 'blog', 'models.py')), before, '--fix wrote a file that is not valid UTF-8');
  });

  it('odd file and folder names: spaces, unicode, leading dashes, shell and URI characters', () => {
    const files = minimalProject({
      'project/settings.py': 'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "accounts", "blog", "cafe"]\nAUTH_USER_MODEL = "accounts.User"\n',
      'cafe/__init__.py': '',
      'cafe/migrations/__init__.py': '',
      'cafe/migrations/0001_café.py': 'x = (\n',
      'cafe/models.py': '"""☕ 𝔘𝔰𝔢𝔯"""\nfrom django.db import models\n\n\nclass Tasse(models.Model):\n    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)  # ☕ 𝔘\n',
      'café/__init__.py': '',
      'café/models.py': 'from django.db import models\n',
      'blog/my file.py': 'x = 1\n',
      'blog/-rf.py': 'x = 1\n',
      'blog/--help.py': 'x = 1\n',
      '-x/models.py': 'x = (\n',
      'blog/100% #1?&;$(x).py': 'x = 1\n',
      'blog/日本語.py': 'x = "日本語"\n',
    });
    const parent = tree({});
    const root = path.join(parent, '-odd dir ü #%');
    writeTree(root, files);
    fs.writeFileSync(path.join(root, 'blog', 'new\nline.py'), 'x = 1\n');
    const run = runCli(['check', './-odd dir ü #%', '--format', 'json'], { cwd: parent });
    assert.ok(run.code === 1, `exit ${run.code}: ${run.stderr}`);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.diagnostics.filter((d: { code: string }) => d.code === 'SWP101').map((d: { file: string }) => d.file).sort(), ['-odd dir ü #%/blog/models.py', '-odd dir ü #%/cafe/models.py']);
    const text = runCli(['check', '.'], { cwd: root });
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /cafe\/models\.py:6:31/);
  });

  it('node_modules, .git, .venv and caches are not walked and hold no projects', () => {
    const root = tree(
      minimalProject({
        'node_modules/pkg/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "evil.settings")\n',
        'node_modules/pkg/pyproject.toml': '[tool.djswap\n',
        '.git/manage.py': 'x',
        '.git/pyproject.toml': '\0',
        '.venv/pyvenv.cfg': 'home = /usr/bin\n',
        '.venv/lib/python3.12/site-packages/evil/manage.py': 'x',
        '.venv/lib/python3.12/site-packages/evil/pyproject.toml': '[tool.djswap\n',
        '__pycache__/manage.py': 'x',
        '.tox/py312/manage.py': 'x',
      }),
    );
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(root, 'node_modules', 'pkg', `m${i}.py`), 'x = 1\n');
    const run = check(root);
    assert.deepEqual(run.report?.projects.map((p) => p.root), ['.']);
    assert.deepEqual(swp101Files(run), ['blog/models.py']);
  });

  it('a workspace with no Django at all: a clear message, exit 0', () => {
    for (const files of [{}, { 'README.md': '# nothing\n' }, { 'main.py': 'print("hello")\n', 'lib/util.py': 'def f():\n    return 1\n' }, { "package.json": "{}", "index.js": "module.exports = 1;\n" }] as Record<string, string>[]) {
      const root = tree(files);
      const run = runCli(['check', '.'], { cwd: root });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /no Django project found/);
      const json = runCli(['check', '.', '--format', 'json'], { cwd: root });
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout).projects, []);
    }
  });

  it('special files where Python files are expected: a FIFO, a device, a folder named settings.py', function () {
    const root = tree(minimalProject());
    try {
      execFileSync('mkfifo', [path.join(root, 'blog', 'views.py')]);
      execFileSync('mkfifo', [path.join(root, 'blog', 'admin.py')]);
    } catch {
      this.skip();
    }
    fs.symlinkSync('/dev/zero', path.join(root, 'blog', 'urls.py'));
    fs.mkdirSync(path.join(root, 'other', 'settings.py'), { recursive: true });
    const run = check(root, [], { timeoutMs: 30_000 });
    assert.deepEqual(swp101Files(run), ['blog/models.py']);
  });

  it('folders nested deeper than the walk goes, and many projects side by side', () => {
    let deep = 'deep';
    for (let i = 0; i < 60; i++) deep += `/d${i}`;
    const files: Record<string, string> = { [`${deep}/manage.py`]: 'x = 1\n' };
    for (let i = 0; i < 150; i++) Object.assign(files, Object.fromEntries(Object.entries(minimalProject()).map(([k, v]) => [`site${i}/${k}`, v as string])));
    const root = tree(files);
    const run = checkText(root);
    assert.match(run.stderr, /deeper than \d+ folders/);
    const json = check(root);
    assert.equal(json.report?.projects.length, 150);
    assert.equal(swp101Files(json).length, 150);
  });

  it('a pyproject.toml that is not TOML is a configuration error: exit 2, one line', () => {
    for (const content of [Buffer.from([0xff, 0x00, 0x01, 0x5b]), '[tool.djswap\n', '[tool.djswap]\nselect = 3\n']) {
      const root = tree(minimalProject({ 'pyproject.toml': content }));
      const run = runCli(['check', '.'], { cwd: root });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /^djswap: .*pyproject\.toml/);
    }
  });
});

describe('hostile file contents (CLI)', function () {
  this.timeout(180_000);
  for (const backend of ['native', 'wasm']) {
    it(`indentation 520 levels deep does not abort the parser [${backend}]`, () => {
      let models = 'from django.db import models\n\n\n';
      for (let i = 0; i < 520; i++) models += ' '.repeat(i) + 'if x:\n';
      models += ' '.repeat(520) + 'user = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n';
      models += 'class Post(models.Model):\n    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n';
      models += 'if y:\n' + '  \\\n'.repeat(600) + 'z = "a"\n';
      const root = makeTree(minimalProject({ 'blog/models.py': models }));
      try {
        const run = runCli(['check', '.', '--format', 'json'], { cwd: root, env: { DJSWAP_PARSER: backend } });
        assert.ok(run.code === 0 || run.code === 1, `exit ${run.code} ${run.stderr.slice(0, 500)}`);
        const line = models.split('\n').indexOf('class Post(models.Model):') + 2;
        assert.ok(JSON.parse(run.stdout).diagnostics.some((d: { code: string; line: number }) => d.code === 'SWP101' && d.line === line), run.stdout.slice(0, 2000));
      } finally {
        removeTemp(root);
      }
    });

  }

  it('a 10 MB module ending in 600,000 comment lines, and 30,000 hard-coded references fixed with --fix', () => {
    const comments = 'X = 1\n' + '# a comment line\n'.repeat(Math.ceil((10 * 1024 * 1024) / 17));
    let fields = 'from django.db import models\n\n\nclass Post(models.Model):\n';
    while (fields.length < 2 * 1024 * 1024) fields += `    u${fields.length} = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n`;
    const root = makeTree(minimalProject({ 'project/notes.py': comments, 'blog/models.py': fields, 'project/settings.py': `from .notes import *\nINSTALLED_APPS = ${APPS}\nAUTH_USER_MODEL = "accounts.User"\n` }));
    try {
      const run = runCli(['check', '.', '--fix'], { cwd: root, timeoutMs: 170_000 });
      assert.ok(!run.timedOut, 'check --fix did not finish within 170 s');
      assert.equal(run.code, 0, run.stderr.slice(0, 2000));
      assert.match(run.stdout + run.stderr, /Fixed \d+ problems in 1 file/);
      const fixed = fs.readFileSync(path.join(root, 'blog', 'models.py'), 'utf8');
      assert.ok(!fixed.includes('"auth.User"'));
      assert.match(fixed, /^from django\.conf import settings$/m);
    } finally {
      removeTemp(root);
    }
  });
});

describe('hostile workspaces (language server)', function () {
  this.timeout(120_000);
  let client: LspTestClient | undefined;
  let parent: string | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    if (parent) removeTemp(parent);
  });

  it('odd names, links out of the workspace and loops, binary files: findings arrive at the right URIs and fixes apply', async () => {
    parent = makeTree({});
    const root = path.join(parent, '-odd dir ü #%?');
    writeTree(
      root,
      minimalProject({
        'blog/models.py': '"""☕ 𝔘𝔰𝔢𝔯"""\nfrom django.db import models\n\n\nclass Post(models.Model):\n    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)  # ☕\n',
        'blog/views.py': Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0xc3]),
        'blog/100% #1?.py': 'x = 1\n',
      }),
    );
    fs.symlinkSync('/', path.join(root, 'everything'));
    fs.symlinkSync('..', path.join(root, 'blog', 'up'));
    client = new LspTestClient();
    client.connection.onRequest('window/showMessageRequest', () => null);
    await client.initialize(root);
    const models = path.join(root, 'blog', 'models.py');
    const published = await client.waitFor('SWP101 at the odd URI', () => client!.diagnosticsOf(models)?.find((d) => d.code === 'SWP101'));
    assert.deepEqual(published.range, { start: { line: 5, character: 31 }, end: { line: 5, character: 42 } });
    for (const uri of client.diagnostics.keys()) assert.ok(fs.existsSync(new URL(uri)), `published for ${uri}, which is no file`);
    const text = fs.readFileSync(models, 'utf8');
    await client.open(models, text, 1);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(models) },
      range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as { edit: { documentChanges: { textDocument: { uri: string }; edits: never[] }[] } }[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0].edit.documentChanges[0].textDocument.uri, uriOf(models));
    const fixed = applyLspEdits(text, actions[0].edit.documentChanges[0].edits);
    assert.match(fixed, /author = models\.ForeignKey\(settings\.AUTH_USER_MODEL, on_delete=models\.CASCADE\)  # ☕\n/);
    assert.match(fixed, /^"""☕ 𝔘𝔰𝔢𝔯"""\nfrom django\.conf import settings\nfrom django\.db import models\n/);
  });
});

/** A FileSystem over the real one where some paths fail as EACCES would: they exist but cannot be read. */
function denying(denied: (file: string) => boolean): FileSystem {
  return {
    stat: (file) => nodeFileSystem.stat(file),
    readDir: (dir) => (denied(dir) ? [] : nodeFileSystem.readDir(dir)),
    readFile: (file) => (denied(file) ? undefined : nodeFileSystem.readFile(file)),
    realpath: (file) => nodeFileSystem.realpath(file),
  };
}

describeEachBackend('hostile workspaces (engine)', (parser) => {
  it('unreadable files and folders give notes and the rest of the project is still checked', () => {
    const root = copyToTemp(EXAMPLE);
    try {
      const unreadable = new Set([path.join(root, 'accounts', 'models.py'), path.join(root, 'oauth'), path.join(root, 'blog', 'migrations')]);
      const workspace = new Workspace({ roots: [root], parser: parser(), fs: denying((f) => unreadable.has(f)), env: {} });
      const result = workspace.analyze();
      assert.ok(result.notes.some((n) => n.endsWith(`${path.join('accounts', 'models.py')}: could not be read`)), result.notes.join('\n'));
      assert.ok(result.diagnostics.some((d) => d.code === 'SWP101' && d.file === path.join(root, 'blog', 'models.py')));
      // An unreadable settings module: the project is still found, with a note, and nothing crashes.
      unreadable.add(path.join(root, 'mysite', 'settings.py'));
      const again = new Workspace({ roots: [root], parser: parser(), fs: denying((f) => unreadable.has(f)), env: {} }).analyze();
      assert.equal(again.projects.length, 1);
      assert.ok(again.notes.some((n) => /settings/.test(n)), again.notes.join('\n'));
    } finally {
      removeTemp(root);
    }
  });

  it('node_modules and .git are never listed, however large', () => {
    const files: [string, Uint8Array][] = Object.entries(minimalProject()).map(([k, v]) => [k, Buffer.from(v as string)]);
    for (let i = 0; i < 500; i++) files.push([`node_modules/p${i}/index.py`, Buffer.from('x = 1\n')], [`.git/objects/${i}/manage.py`, Buffer.from('x')]);
    const memory = new MemoryFileSystem('/w', files);
    const result = new Workspace({ roots: ['/w'], parser: parser(), fs: memory, env: {} }).analyze();
    assert.equal(result.projects.length, 1);
    assert.deepEqual(memory.readDirLog.filter((d) => /node_modules|\.git/.test(d)), []);
  });
});


