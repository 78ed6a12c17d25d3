import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixToFixpoint } from '../../server/src/engine/fixes';
import { Workspace } from '../../server/src/engine/workspace';
import { describeEachBackend } from '../helpers/parsers';
import { EXAMPLE, REPO, copyToTemp, filesUnder, removeTemp } from '../helpers/paths';
import { LspTestClient, uriOf } from '../helpers/lsp';
import { changedPaths, makeTree, runCli, treeState } from './helpers';

/**
 * djswap reads; it never runs the project, never talks to the network, and writes nothing but the
 * edits `--fix` was asked for, inside the workspace. Each test here fails if one of those slips.
 */

const SERVER_SRC = path.join(REPO, 'server', 'src');
const SENTINEL = path.join(__dirname, 'sentinel.js');

/** The source without comments, so that prose about `require` or `child_process` is not code. */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

describe('safety: what the sources may do (static)', () => {
  const files = filesUnder(SERVER_SRC, '.ts');

  it('no module that starts processes or threads, opens sockets or evaluates code is imported, but for git', () => {
    const forbidden = /^(node:)?(child_process|cluster|worker_threads|vm|net|tls|dgram|dns|http|https|http2|inspector|repl|module)$/;
    // git, for the history of a setting (SWP404).
    const allowed = new Set(['server/src/engine/git.ts: node:child_process']);
    const offenders: string[] = [];
    for (const file of files) {
      const text = code(file);
      for (const match of text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const found = `${path.relative(REPO, file).split(path.sep).join('/')}: ${match[1]}`;
        if (forbidden.test(match[1]) && !allowed.has(found)) offenders.push(found);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('git is the only program, started without a shell, by a fixed name', () => {
    const git = code(path.join(SERVER_SRC, 'engine', 'git.ts'));
    const starts = [...git.matchAll(/\b(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)\s*\(\s*([^,)]*)/g)].map((m) => `${m[1]}(${m[2]}`);
    assert.ok(starts.length > 0);
    assert.deepEqual(starts.filter((call) => call !== "execFileSync('git'"), []);
    assert.doesNotMatch(git, /shell\s*:/);
    // Every command is a read-only one.
    const subcommands = [...git.matchAll(/(?:\bgit\([^,]+,\s*|execFileSync\('git',\s*)\[\s*'([a-z-]+)'/g)].map((m) => m[1]);
    assert.ok(subcommands.length >= 4, subcommands.join(' '));
    assert.deepEqual([...new Set(subcommands)].filter((c) => !['rev-parse', 'log', 'show', 'merge-base'].includes(c)), []);
  });

  it('require() only loads the parser and TOML packages and the language server, by name; no import(), eval or Function', () => {
    const allowed = new Set(['tree-sitter', 'tree-sitter-python', 'web-tree-sitter', 'smol-toml', '../lsp/main', '@hpcc-js/wasm-graphviz', 'sql.js/dist/sql-wasm.js']);
    const offenders: string[] = [];
    for (const file of files) {
      const text = code(file);
      for (const match of text.matchAll(/\brequire\s*\(([^)]*)\)/g)) {
        const literal = /^\s*['"]([^'"]+)['"]\s*$/.exec(match[1]);
        if (!literal || !allowed.has(literal[1])) offenders.push(`${path.relative(REPO, file)}: require(${match[1]})`);
      }
      for (const match of text.matchAll(/\bimport\s*\(|\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"]/g)) offenders.push(`${path.relative(REPO, file)}: ${match[0]}`);
      if (/\brequire\.resolve\s*\(\s*[^'"\s]/.test(text.replace(/require\.resolve\((packageEntry|sqlPackage)\)/g, ''))) offenders.push(`${path.relative(REPO, file)}: require.resolve of a computed name`);
    }
    assert.deepEqual(offenders, []);
  });

  it('the only file writes are the CLI writing what --fix or plan --write computed, and the cache a user asked for', () => {
    const writes = /\b(?:fs|promises)\s*\.\s*(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|mkdir|mkdirSync|mkdtemp|mkdtempSync|rm|rmSync|rmdir|rmdirSync|unlink|unlinkSync|rename|renameSync|copyFile|copyFileSync|cp|cpSync|symlink|symlinkSync|link|linkSync|chmod|chmodSync|chown|chownSync|truncate|truncateSync|utimes|utimesSync|open|openSync|write|writeSync)\s*\(([^)]*)\)/g;
    const found: string[] = [];
    for (const file of files) {
      for (const match of code(file).matchAll(writes)) {
        // Opening for reading is not a write.
        if (/^open(Sync)?$/.test(match[1]) && /,\s*'r'\s*$/.test(match[2])) continue;
        found.push(`${path.relative(REPO, file).split(path.sep).join('/')}: ${match[1]}`);
      }
    }
    assert.deepEqual(found, [
      'server/src/cli/check.ts: writeFileSync',
      // plan --write: the files of the plan's next deployment, inside the project.
      'server/src/cli/plan-write.ts: rmSync',
      'server/src/cli/plan-write.ts: mkdirSync',
      'server/src/cli/plan-write.ts: writeFileSync',
      // --cache-dir: the kept report, in the folder the user named, and nowhere without one.
      'server/src/cli/result-cache.ts: mkdirSync',
      'server/src/cli/result-cache.ts: writeFileSync',
      'server/src/cli/result-cache.ts: renameSync',
      'server/src/cli/result-cache.ts: rmSync',
    ]);
    const main = code(path.join(SERVER_SRC, 'cli', 'main.ts'));
    assert.equal([...main.matchAll(/\bwriteDeploymentEdits\(/g)].length, 1, 'plan writes in one place');
    assert.match(main, /if \(options\.write && swapPlan\.possible\) \{[^]*writeDeploymentEdits\(/);
    const cacheUse = code(path.join(SERVER_SRC, 'cli', 'check.ts'));
    assert.equal([...cacheUse.matchAll(/new ResultCache\b/g)].length, 1);
    assert.match(cacheUse, /cacheDir && !options\.fix && !options\.diff\s*\?\s*new ResultCache/);
    // ...and only writeFixes does it, which check calls after the --diff branch has returned.
    const check = code(path.join(SERVER_SRC, 'cli', 'check.ts'));
    const at = check.indexOf('writeFileSync(');
    assert.ok(check.lastIndexOf('function writeFixes(', at) > check.lastIndexOf('\n}', at), 'the write is not in writeFixes');
    const calls = [...check.matchAll(/\bwriteFixes\(/g)].map((m) => m.index!);
    assert.equal(calls.length, 2, 'writeFixes is declared and called once');
    const call = calls[1];
    const diffBranch = check.lastIndexOf('if (options.diff)', call);
    const fixBranch = check.lastIndexOf('if (options.fix || options.diff)', call);
    assert.ok(fixBranch > 0 && diffBranch > fixBranch, 'the write is not inside the --fix branch, after --diff returned');
  });
});

/** Python and JavaScript in the workspace that leave a marker file if anything runs them. */
function boobyTrappedProject(markers: string): { root: string; trapBin: string } {
  const root = copyToTemp(EXAMPLE, 'djswap-safety-');
  const marker = (name: string) => path.join(markers, name);
  const py = (name: string) => `open(${JSON.stringify(marker(name))}, "w").write("executed")\n`;
  const js = (name: string) => `require("fs").writeFileSync(${JSON.stringify(marker(name))}, "executed");\nmodule.exports = {};\n`;
  for (const file of ['manage.py', 'mysite/settings.py', 'mysite/__init__.py', 'blog/models.py', 'blog/apps.py', 'blog/__init__.py', 'blog/migrations/0001_initial.py', 'accounts/models.py']) {
    const full = path.join(root, file);
    fs.writeFileSync(full, py(file.replace(/\//g, '_')) + fs.readFileSync(full, 'utf8'));
  }
  const extra: Record<string, string> = {
    'conftest.py': py('conftest'),
    'setup.py': py('setup'),
    'sitecustomize.py': py('sitecustomize'),
    'usercustomize.py': py('usercustomize'),
    'djswap.config.js': js('djswap.config.js'),
    '.djswaprc.js': js('djswaprc'),
    'index.js': js('index.js'),
    'package.json': JSON.stringify({ name: 'trap', main: 'index.js', scripts: { postinstall: `node -e "require('fs').writeFileSync('${marker('postinstall')}','x')"` } }),
    'node_modules/tree-sitter/package.json': JSON.stringify({ name: 'tree-sitter', main: 'index.js' }),
    'node_modules/tree-sitter/index.js': js('node_modules_tree-sitter'),
    'node_modules/tree-sitter-python/package.json': JSON.stringify({ name: 'tree-sitter-python', main: 'index.js' }),
    'node_modules/tree-sitter-python/index.js': js('node_modules_tree-sitter-python'),
    'node_modules/web-tree-sitter/package.json': JSON.stringify({ name: 'web-tree-sitter', main: 'index.js' }),
    'node_modules/web-tree-sitter/index.js': js('node_modules_web-tree-sitter'),
    'node_modules/smol-toml/package.json': JSON.stringify({ name: 'smol-toml', main: 'index.js' }),
    'node_modules/smol-toml/index.js': js('node_modules_smol-toml'),
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/python3.12/site-packages/trap.pth': `import os; ${py('pth').trim()}\n`,
    'pyproject.toml': '[tool.djswap]\nselect = ["SWP"]\n',
  };
  for (const [relative, content] of Object.entries(extra)) {
    const full = path.join(root, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  // Programs a careless implementation might start by name.
  const trapBin = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-trap-bin-'));
  for (const program of ['python', 'python3', 'pip', 'pip3', 'django-admin', 'git', 'npm', 'npx', 'uv', 'poetry', 'pipenv']) {
    const file = path.join(trapBin, program);
    fs.writeFileSync(file, `#!/bin/sh\necho executed > ${JSON.stringify(marker(`bin_${program}`))}\n`);
    fs.chmodSync(file, 0o755);
  }
  return { root, trapBin };
}

/**
 * The events but git's: djswap asks git (read-only, no shell) when a swappable setting took its
 * value. The sentinel refuses it too, so the trap `git` on PATH never runs; anything else is kept.
 */
function withoutGit(events: SentinelEvent[]): SentinelEvent[] {
  return events.filter((e) => !(e.kind === 'process' && /^execFileSync "git" \["(rev-parse|log|show|merge-base)"/.test(e.detail)));
}

interface SentinelEvent {
  kind: 'process' | 'network' | 'load' | 'write';
  detail: string;
}

/** What the sentinel saw, after checking that it watched `processes` processes. */
function readSentinel(log: string, processes = 1): SentinelEvent[] {
  const events = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SentinelEvent | { kind: 'start'; detail: string })
    : [];
  assert.equal(events.filter((e) => e.kind === 'start').length, processes, 'the sentinel did not watch every process');
  return events.filter((e): e is SentinelEvent => e.kind !== 'start');
}

describe('safety: nothing of the project runs, nothing is written, no network (dynamic)', function () {
  this.timeout(120_000);
  let markers: string;
  let root: string;
  let trapBin: string;
  let log: string;
  let env: Record<string, string>;

  beforeEach(() => {
    markers = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-markers-'));
    ({ root, trapBin } = boobyTrappedProject(markers));
    log = path.join(markers, '..', `${path.basename(markers)}.sentinel.log`);
    env = {
      NODE_OPTIONS: `--require ${SENTINEL}`,
      DJSWAP_SENTINEL_LOG: log,
      DJSWAP_SENTINEL_WORKSPACE: root,
      PATH: `${trapBin}${path.delimiter}${process.env.PATH ?? ''}`,
      PYTHONSTARTUP: path.join(root, 'sitecustomize.py'),
    };
  });

  afterEach(() => {
    removeTemp(root);
    removeTemp(trapBin);
    removeTemp(markers);
    fs.rmSync(log, { force: true });
  });

  it('the sentinel itself notices processes, connections, workspace code and writes', () => {
    const script = [
      `try { require('child_process').execSync('true'); } catch {}`,
      `try { require('net').connect(9, '127.0.0.1').on('error', () => {}); } catch {}`,
      `try { require(${JSON.stringify(path.join(root, 'index.js'))}); } catch {}`,
      `require('fs').writeFileSync(${JSON.stringify(path.join(markers, 'w'))}, 'x');`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const kinds = readSentinel(log).map((e) => e.kind).sort();
    assert.deepEqual(kinds, ['load', 'network', 'process', 'write']);
    assert.ok(!fs.existsSync(path.join(markers, 'index.js')), 'the workspace module ran');
  });

  it('check, check --diff, inspect and rule run nothing and write nothing', () => {
    const before = treeState(root);
    const runs: [string[], number, RegExp][] = [
      [['check', '.'], 1, /SWP101/],
      [['check', '.', '--format', 'json'], 1, /"code": "SWP101"/],
      [['check', '.', '--diff', '--unsafe-fixes'], 1, /settings\.AUTH_USER_MODEL/],
      [['inspect', '.'], 0, /AUTH_USER_MODEL/],
      [['inspect', '.', '--format', 'json'], 0, /AUTH_USER_MODEL/],
      [['rules'], 0, /SWP101/],
      [['rule', 'SWP101'], 0, /SWP101/],
    ];
    for (const [args, code, output] of runs) {
      const run = runCli(args, { cwd: root, env });
      assert.equal(run.code, code, `${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
      assert.match(run.stdout, output, args.join(' '));
    }
    assert.deepEqual(fs.readdirSync(markers), [], 'project code ran');
    assert.deepEqual(withoutGit(readSentinel(log, runs.length)), []);
    assert.deepEqual(changedPaths(before, treeState(root)), []);
  });

  it('check --fix writes exactly the fixed files, inside the workspace, and runs nothing', () => {
    const models = path.join(root, 'blog', 'models.py');
    const expected = fs.readFileSync(models, 'utf8').replace('models.ForeignKey("auth.User",', 'models.ForeignKey(settings.AUTH_USER_MODEL,');
    const fixed = ['blog/migrations/0002_assign_orphan_posts.py', 'blog/models.py', 'oauth/migrations/0001_initial.py'].map((f) => path.join(...f.split('/')));
    const before = treeState(root);
    const run = runCli(['check', '.', '--fix'], { cwd: root, env });
    // The SWP102 finding has only an unsafe fix: it remains.
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout + run.stderr, /Fixed 3 problems in 3 files/);
    assert.deepEqual(changedPaths(before, treeState(root)), fixed);
    assert.equal(fs.readFileSync(models, 'utf8'), expected);
    assert.deepEqual(fs.readdirSync(markers), [], 'project code ran');
    assert.deepEqual(
      withoutGit(readSentinel(log)),
      fixed.map((f) => ({ kind: 'write', detail: `writeFileSync ${path.join(root, f)}` })),
    );
  });

  it('the language server in a workspace the editor does not trust starts no process at all, not even git', async () => {
    const client = new LspTestClient(env);
    try {
      await client.initialize(root, undefined, { commandLinks: true, trusted: false });
      const models = path.join(root, 'blog', 'models.py');
      await client.waitFor('SWP101', () => client.diagnosticsOf(models)?.some((d) => d.code === 'SWP101'));
      await client.connection.sendRequest('djswap/projectModel', {});
    } finally {
      await client.stop();
    }
    assert.deepEqual(readSentinel(log), []);
    assert.ok(client.logs.some((line) => /not trusted/.test(line)), client.logs.join('\n'));
  });

  it('the language server, through a whole session with fixes, runs nothing and writes nothing', async () => {
    const before = treeState(root);
    const client = new LspTestClient(env);
    client.connection.onRequest('window/showMessageRequest', () => null);
    try {
      await client.initialize(root);
      const models = path.join(root, 'blog', 'models.py');
      const diagnostics = await client.waitFor('SWP101', () => (client.diagnosticsOf(models)?.some((d) => d.code === 'SWP101') ? client.diagnosticsOf(models) : undefined));
      const text = fs.readFileSync(models, 'utf8');
      await client.open(models, text, 1);
      await client.change(models, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
      const d = diagnostics.find((x) => x.code === 'SWP101')!;
      const moved = { ...d, range: { start: { ...d.range.start, line: d.range.start.line + 1 }, end: { ...d.range.end, line: d.range.end.line + 1 } } };
      await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range: moved.range, context: { diagnostics: [moved], only: ['quickfix'] } });
      await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range: moved.range, context: { diagnostics: [], only: ['source.fixAll'] } });
      await client.connection.sendRequest('workspace/executeCommand', { command: 'djswap.fixAllInWorkspace', arguments: [] });
      await client.connection.sendRequest('workspace/executeCommand', { command: 'djswap.applyFixAllInFile', arguments: [uriOf(models)] });
      await client.connection.sendRequest('djswap/projectModel', {});
      // The edits went to the client, as workspace/applyEdit requests: the server wrote none of them.
      assert.ok(client.appliedEdits.length >= 1);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(models) } });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(models), type: 2 }] });
      await client.connection.sendRequest('djswap/projectModel', {});
    } finally {
      await client.stop();
    }
    assert.deepEqual(fs.readdirSync(markers), [], 'project code ran');
    assert.deepEqual(withoutGit(readSentinel(log)), []);
    assert.deepEqual(changedPaths(before, treeState(root)), []);
  });
});

describe('safety: --fix writes only what it fixed, and only inside the workspace', function () {
  this.timeout(120_000);
  const made: string[] = [];
  const temp = (files: Record<string, string | Uint8Array>) => {
    const dir = makeTree(files);
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((d) => removeTemp(d)));

  it('keeps a byte-order mark and CRLF line endings: only the fixed characters change', () => {
    const root = copyToTemp(EXAMPLE, 'djswap-bom-');
    made.push(root);
    const models = path.join(root, 'blog', 'models.py');
    const original = fs.readFileSync(models, 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(models, '\ufeff' + original);
    const run = runCli(['check', '.', '--fix'], { cwd: root });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout + run.stderr, /blog\/models\.py \(SWP101\)/);
    const bytes = fs.readFileSync(models);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the byte-order mark was dropped');
    assert.equal(bytes.toString('utf8'), '\ufeff' + original.replace('models.ForeignKey("auth.User",', 'models.ForeignKey(settings.AUTH_USER_MODEL,'));
  });

  it('does not write through a link to a file outside the workspace', () => {
    const outside = temp({ 'models.py': fs.readFileSync(path.join(EXAMPLE, 'blog', 'models.py'), 'utf8') });
    const root = copyToTemp(EXAMPLE, 'djswap-link-');
    made.push(root);
    const models = path.join(root, 'blog', 'models.py');
    fs.rmSync(models);
    fs.symlinkSync(path.join(outside, 'models.py'), models);
    const before = fs.readFileSync(path.join(outside, 'models.py'));
    const run = runCli(['check', '.', '--fix'], { cwd: root });
    assert.deepEqual(fs.readFileSync(path.join(outside, 'models.py')), before, 'a file outside the workspace was written');
    assert.equal(run.code, 1, `the finding stays reported: ${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /outside/);
  });

  it('writes nothing with --diff, and nothing to files that are not valid UTF-8', () => {
    const root = copyToTemp(EXAMPLE, 'djswap-diff-');
    made.push(root);
    const before = treeState(root);
    const diff = runCli(['check', '.', '--diff'], { cwd: root });
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^\+\s+author = models\.ForeignKey\(settings\.AUTH_USER_MODEL,/m);
    assert.deepEqual(changedPaths(before, treeState(root)), []);
    const models = path.join(root, 'blog', 'models.py');
    fs.appendFileSync(models, Buffer.from([0x23, 0xff, 0x0a]));
    const latin = treeState(root);
    const run = runCli(['check', '.', '--fix', '--unsafe-fixes'], { cwd: root });
    // The other files are fixed; the one that is not UTF-8 is left alone.
    const changed = changedPaths(latin, treeState(root));
    assert.ok(changed.length > 0, run.stderr);
    assert.ok(!changed.includes(path.join('blog', 'models.py')), `${changed.join(', ')}`);
  });
});

describeEachBackend('safety: the engine in this process opens no socket and starts no process', (parser) => {
  it('analysis and fix-all of the example project', () => {
    const root = copyToTemp(EXAMPLE, 'djswap-inproc-');
    const calls: string[] = [];
    const connect = net.Socket.prototype.connect;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const childProcess = require('node:child_process') as Record<string, unknown>;
    const saved = new Map(['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((n) => [n, childProcess[n]]));
    net.Socket.prototype.connect = function () {
      calls.push('net.Socket.connect');
      throw new Error('no network');
    } as typeof connect;
    for (const name of saved.keys()) {
      childProcess[name] = (program: unknown) => {
        calls.push(`child_process.${name} ${String(program)}`);
        throw new Error('no processes');
      };
    }
    try {
      const workspace = new Workspace({ roots: [root], parser: parser(), env: {} });
      const result = workspace.analyze();
      assert.ok(result.diagnostics.length > 0);
      const run = fixToFixpoint(workspace, { unsafe: true });
      assert.ok(run.applied.length > 0);
    } finally {
      net.Socket.prototype.connect = connect;
      for (const [name, value] of saved) childProcess[name] = value;
      removeTemp(root);
    }
    // git alone, for the history of a setting.
    assert.deepEqual(calls.filter((c) => c !== 'child_process.execFileSync git'), []);
  });
});
