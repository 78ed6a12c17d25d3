import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCheckArguments } from '../../server/src/cli/cached-check';
import type * as CachedCheck from '../../server/src/cli/cached-check';
import { EXAMPLE, REPO, copyToTemp, removeTemp } from '../helpers/paths';
import { djswapProcess, nodeProcess, processEnv, type CliRun } from './helpers';

const DIST = path.join(REPO, 'dist');

/** The first stage as bin/djswap.js loads it: the bundle, which keys the cache on dist/cli.js as dist/cli.js does. */
function firstStage(): typeof CachedCheck {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(DIST, 'cli-cached.js')) as typeof CachedCheck;
}

/** What a run printed, with the one figure that differs between runs (the JSON's duration) set to 0. */
function printed(run: CliRun): CliRun {
  return { code: run.code, stdout: run.stdout.replace(/"durationMs": \d+/, '"durationMs": 0'), stderr: run.stderr };
}

describe('parseCheckArguments: what the first stage of a cached check reads of the command line', () => {
  it('reads the plain forms of check and its flags as commander does', () => {
    assert.deepEqual(parseCheckArguments(['check']), { paths: ['.'], options: { format: 'text' } });
    assert.deepEqual(parseCheckArguments(['check', 'a', '--format', 'json', 'b', '--exit-zero', '-q', '--cache-dir=/tmp/c', '--select', 'SWP1', '--select=SWP201', '--ignore', 'SWP103']), {
      paths: ['a', 'b'],
      options: { format: 'json', exitZero: true, quiet: true, cacheDir: '/tmp/c', select: ['SWP1', 'SWP201'], ignore: ['SWP103'] },
    });
    assert.deepEqual(parseCheckArguments(['check', '--format', 'text', '--format=github', '--statistics', '--unsafe-fixes', '--settings', 'a.b', '--history', 'h.txt', '--database', 'db.sqlite3', '--quiet']), {
      paths: ['.'],
      options: { format: 'github', statistics: true, unsafeFixes: true, settings: 'a.b', history: 'h.txt', database: 'db.sqlite3', quiet: true },
    });
  });

  it('leaves everything else to the whole CLI', () => {
    for (const argv of [
      [],
      ['rules'],
      ['--version'],
      ['check', '--help'],
      ['check', '-h'],
      ['check', '--fix'],
      ['check', '--diff'],
      ['check', '--format', 'xml'],
      ['check', '--format'],
      ['check', '--select', '-q'],
      ['check', '--exit-zero=1'],
      ['check', '-qq'],
      ['check', '--', 'a'],
      ['check', '-'],
      ['check', '--no-such-flag'],
      ['inspect', '.'],
    ]) {
      assert.equal(parseCheckArguments(argv), undefined, argv.join(' '));
    }
  });
});

describe('djswap check --cache-dir, answered by the first stage', function () {
  let root: string;
  let cacheDir: string;

  beforeEach(() => {
    root = copyToTemp(EXAMPLE, 'djswap-first-stage-');
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-first-stage-cache-'));
  });
  afterEach(() => {
    removeTemp(root);
    removeTemp(cacheDir);
  });

  /** The first stage's answer to `argv` in this process, printed into strings, or undefined when it does not answer. */
  const answer = (argv: string[], env: Record<string, string | undefined> = {}): CliRun | undefined => {
    let stdout = '';
    let stderr = '';
    const output = { out: (s: string) => void (stdout += s), err: (s: string) => void (stderr += s), color: env.FORCE_COLOR === '1', interactive: false };
    const found = firstStage().answerFromCache(argv, { output, cwd: root, env: processEnv(env) });
    if (!found) return undefined;
    found.print();
    return { code: found.code, stdout, stderr };
  };

  const variants: { args: string[]; env?: Record<string, string> }[] = [
    { args: [] },
    { args: ['--format', 'json'] },
    { args: ['--format=github'] },
    { args: ['--format', 'json', '--exit-zero'] },
    { args: ['--quiet'] },
    { args: ['--statistics'] },
    { args: ['--unsafe-fixes'] },
    { args: ['blog', '--select', 'SWP1', '--format', 'json'] },
    { args: ['--ignore', 'SWP102', '--format', 'github', '-q'] },
    { args: [], env: { FORCE_COLOR: '1' } },
    { args: ['--format', 'github'], env: { GITHUB_WORKSPACE: '/nowhere' } },
  ];

  for (const { args, env = {} } of variants) {
    it(`prints what the whole CLI prints: check ${args.join(' ')}${Object.keys(env).length ? ` (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`, () => {
      const argv = ['check', ...args, '--cache-dir', cacheDir];
      const cold = djswapProcess(argv, root, env);
      assert.ok(cold.code === 0 || cold.code === 1, cold.stderr);
      assert.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json')).length, 1, 'the cold run kept its report');
      // The whole CLI alone (dist/cli.js), answering from the cache as it did before the first stage existed.
      const wholeCli = nodeProcess([path.join(DIST, 'cli.js'), ...argv], root, env);
      const viaBin = djswapProcess(argv, root, env);
      const inProcess = answer(argv, env);
      assert.ok(inProcess, 'the first stage did not answer');
      assert.deepEqual(printed(viaBin), printed(wholeCli));
      assert.deepEqual(printed(inProcess), printed(wholeCli));
      assert.deepEqual(printed(wholeCli), printed(cold));
    });
  }

  it('takes DJSWAP_CACHE_DIR as --cache-dir', () => {
    const env = { DJSWAP_CACHE_DIR: cacheDir };
    const cold = djswapProcess(['check', '--format', 'json'], root, env);
    assert.equal(cold.code, 1, cold.stderr);
    assert.deepEqual(printed(answer(['check', '--format', 'json'], env)!), printed(cold));
  });

  it('leaves SARIF, a report that no longer holds and a usage error to the whole CLI', () => {
    const sarif = ['check', '--format', 'sarif', '--cache-dir', cacheDir];
    const cold = djswapProcess(sarif, root);
    assert.equal(cold.code, 1, cold.stderr);
    assert.equal(answer(sarif), undefined);
    assert.deepEqual(djswapProcess(sarif, root), cold);

    const json = ['check', '--format', 'json', '--cache-dir', cacheDir];
    assert.equal(djswapProcess(json, root).code, 1);
    assert.ok(answer(json));
    fs.appendFileSync(path.join(root, 'blog', 'models.py'), '\n# edited\n');
    assert.equal(answer(json), undefined, 'a file it was read from changed');
    assert.equal(djswapProcess(json, root).code, 1);
    assert.ok(answer(json), 'the whole CLI kept the new report');

    // Kept by a run without --history; the file named now is missing: the whole CLI says so.
    const withHistory = ['check', '--history', 'missing.txt', '--cache-dir', cacheDir];
    assert.equal(answer(withHistory), undefined);
    const refused = djswapProcess(withHistory, root);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'djswap: --history: missing.txt: no such file\n');
  });

  it('stays small: none of the engine, the rules or the command-line parser', () => {
    const bundle = fs.readFileSync(path.join(DIST, 'cli-cached.js'), 'utf8');
    assert.ok(bundle.length < 250_000, `dist/cli-cached.js is ${bundle.length} bytes`);
    for (const absent of ['class Workspace', 'RULES = [', 'node_modules/commander', 'web-tree-sitter']) assert.ok(!bundle.includes(absent), absent);
  });
});

describe('the npm package', () => {
  it('ships every bundle bin/djswap.js and bin/djswap-ls.js load', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
    const files = pack.files.map((f) => f.path);
    for (const needed of ['bin/djswap.js', 'bin/djswap-ls.js', 'dist/cli-cached.js', 'dist/cli.js', 'dist/server.js', 'dist/graphviz.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'dist/sql-wasm.wasm']) {
      assert.ok(files.includes(needed), `npm pack leaves out ${needed}`);
    }
  });
});
