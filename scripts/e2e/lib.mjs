// Shared pieces of the end-to-end harness: paths, commands, deadlines, ports, process groups.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE = join(REPO, 'examples', 'mysite');
/** Screenshots, logs and result files: gitignored. */
export const RESULTS = join(REPO, 'test-results', 'e2e');
/** code-server lives outside the source tree, shared by every checkout of the project. */
export const CACHE = process.env.DJSWAP_E2E_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'djswap-e2e');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_BIN = join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.DJSWAP_E2E_CHROMIUM || '/usr/bin/chromium';
export const VSIX = join(RESULTS, 'djswap-e2e.vsix');
/** The compiled extension-host suite (tsc writes test/e2e to out/test/e2e). */
export const SUITE_INDEX = join(REPO, 'out', 'test', 'e2e', 'suite', 'index.js');
/** The empty development extension VS Code needs to run extension tests (djswap comes from the VSIX). */
export const RUNNER_EXTENSION = join(REPO, 'test', 'e2e', 'runner-extension');
/** A stand-in for the Python extension (ms-python.python), loaded beside the runner: the suite sets its interpreter. */
export const FAKE_PYTHON_EXTENSION = join(REPO, 'test', 'e2e', 'fake-python-extension');
/** The expected-diagnostics table shared by every host. */
export const EXPECTED_TABLE = join(REPO, 'out', 'test', 'e2e', 'suite', 'expected.js');

export function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** Runs a command to completion with inherited output; throws on a non-zero exit. */
export function run(command, args, options = {}) {
  log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** A copy of the example project in a fresh temp folder: fixes made by the tests never touch the repo. */
export function copyExample(label) {
  const parent = mkdtempSync(join(tmpdir(), `djswap-e2e-${label}-`));
  const target = join(parent, 'mysite');
  cpSync(EXAMPLE, target, { recursive: true });
  return { parent, folder: target, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * A copy of a project of test/fixtures/lsp in a fresh temp folder, its cursor markers (`$0`) removed.
 */
export function copyFixture(name, label) {
  const parent = mkdtempSync(join(tmpdir(), `djswap-e2e-${label}-`));
  const target = join(parent, name);
  cpSync(join(REPO, 'test', 'fixtures', 'lsp', name), target, { recursive: true });
  for (const file of filesUnder(target)) {
    if (!file.endsWith('.py')) continue;
    const text = readFileSync(file, 'utf8');
    if (text.includes('$0')) writeFileSync(file, text.split('$0').join(''));
  }
  return { parent, folder: target, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/**
 * Polls `probe` until it returns a truthy value; throws with `what` once the deadline passes, or as
 * soon as `abortIf` returns a reason (e.g. the server died: no point in waiting).
 */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 250, abortIf = () => undefined } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    const reason = abortIf();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message ?? lastError})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a command in its own session and process group (`detached` is setsid(2)), so that
 * `stop()` ends it with everything it started: file watchers, extension hosts, language servers.
 */
export function startGroup(command, args, options = {}) {
  endGroupsOnExit();
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child.pid);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let stopped = false;
  return {
    child,
    exited,
    async stop(graceMs = 5_000) {
      if (stopped) return;
      stopped = true;
      signalGroup(child.pid, 'SIGTERM');
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
      await Promise.race([exited, timer]);
      // Children that ignored SIGTERM (or outlived the leader) go with SIGKILL.
      signalGroup(child.pid, 'SIGKILL');
      live.delete(child.pid);
    },
  };
}

/** Process groups started here and not stopped yet: ended too when the harness is interrupted. */
const live = new Set();
let handlersInstalled = false;

function endGroupsOnExit() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const pid of live) signalGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      log(`${signal}: ending ${live.size} process group(s)`);
      process.exit(130);
    });
  }
}

function signalGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
