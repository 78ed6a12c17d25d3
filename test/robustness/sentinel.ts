/**
 * Loaded with `node -r out/test/robustness/sentinel.js` in front of the CLI or the language server:
 * records, in the file DJSWAP_SENTINEL_LOG, every attempt to start a process, open a network
 * connection, load code from the workspace (DJSWAP_SENTINEL_WORKSPACE), or write a file; process
 * starts, connections and workspace code loads also throw. The tests read the log afterwards.
 */
// The modules' own export objects (not TypeScript's namespace copies), so that patches reach every user.
/* eslint-disable @typescript-eslint/no-require-imports */
const childProcess = require('node:child_process') as Record<string, unknown>;
const dgram = require('node:dgram') as Record<string, unknown>;
const dns = require('node:dns') as Record<string, unknown>;
const fs = require('node:fs') as typeof import('node:fs');
const http = require('node:http') as Record<string, unknown>;
const https = require('node:https') as Record<string, unknown>;
const net = require('node:net') as typeof import('node:net');
const path = require('node:path') as typeof import('node:path');
const tls = require('node:tls') as Record<string, unknown>;
const Module = require('node:module') as { _load: (request: string, parent: unknown, isMain: boolean) => unknown; _resolveFilename: (request: string, parent: unknown, isMain: boolean, options?: unknown) => string };
/* eslint-enable @typescript-eslint/no-require-imports */

const logFile = process.env.DJSWAP_SENTINEL_LOG;
const workspace = process.env.DJSWAP_SENTINEL_WORKSPACE ? fs.realpathSync(process.env.DJSWAP_SENTINEL_WORKSPACE) : undefined;
// Opened once, written with the descriptor: the patched write functions must not log themselves.
const logFd = logFile ? fs.openSync(logFile, 'a') : undefined;
const writeSync = fs.writeSync;

function record(kind: string, detail: string): void {
  if (logFd !== undefined) writeSync(logFd, JSON.stringify({ kind, detail }) + '\n');
}

// Proof that the sentinel watched this process: tests expect one start per process they ran.
record('start', process.argv.slice(1).join(' '));

function refuse(kind: string, detail: string): never {
  record(kind, detail);
  throw new Error(`sentinel: ${kind} refused: ${detail}`);
}

// ---- processes -------------------------------------------------------------------------------
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  childProcess[name] = (...args: unknown[]) => refuse('process', `${name} ${JSON.stringify(args[0])} ${JSON.stringify(args[1] ?? null)}`);
}

// ---- network ---------------------------------------------------------------------------------
const socketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: unknown, ...args: unknown[]) {
  const [first] = args;
  // A pipe to a path (the language server's --pipe/--node-ipc transports) is not the network.
  if (typeof first === 'object' && first !== null && 'path' in first) return socketConnect.apply(this, args as never);
  if (typeof first === 'string' && !/^\d+$/.test(first)) return socketConnect.apply(this, args as never);
  return refuse('network', `net.Socket.connect ${JSON.stringify(first)}`);
} as typeof socketConnect;
for (const [moduleObject, names, label] of [
  [http, ['request', 'get'], 'http'],
  [https, ['request', 'get'], 'https'],
  [tls, ['connect'], 'tls'],
  [dgram, ['createSocket'], 'dgram'],
  [dns, ['lookup', 'resolve', 'resolve4', 'resolve6'], 'dns'],
] as [Record<string, unknown>, string[], string][]) {
  for (const name of names) moduleObject[name] = (...args: unknown[]) => refuse('network', `${label}.${name} ${JSON.stringify(args[0])?.slice(0, 200)}`);
}

// ---- code from the workspace ------------------------------------------------------------------
function insideWorkspace(file: string): boolean {
  if (!workspace) return false;
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    // not there: compare the path as given
  }
  const relative = path.relative(workspace, real);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const load = Module._load;
Module._load = function (request: string, parent: unknown, isMain: boolean) {
  let resolved = request;
  try {
    resolved = Module._resolveFilename(request, parent, isMain);
  } catch {
    // let the real loader report it
  }
  if (path.isAbsolute(resolved) && insideWorkspace(resolved)) refuse('load', resolved);
  return load.call(this, request, parent, isMain);
};
const dlopen = process.dlopen;
process.dlopen = function (module: unknown, file: string, ...rest: unknown[]) {
  if (insideWorkspace(file)) refuse('load', `native ${file}`);
  return (dlopen as (...a: unknown[]) => unknown).call(process, module, file, ...rest);
} as typeof process.dlopen;

// ---- writes ----------------------------------------------------------------------------------
const WRITES = ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink', 'symlinkSync', 'link', 'linkSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'truncate', 'truncateSync', 'utimes', 'utimesSync', 'mkdtemp', 'mkdtempSync'] as const;
for (const name of WRITES) {
  const target = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = target[name];
  if (typeof original !== 'function') continue;
  target[name] = function (this: unknown, ...args: unknown[]) {
    record('write', `${name} ${String(args[0])}`);
    return original.apply(this, args);
  };
}
for (const name of ['writeFile', 'appendFile', 'mkdir', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp', 'symlink', 'chmod', 'truncate', 'open'] as const) {
  const promises = fs.promises as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = promises[name];
  if (typeof original !== 'function') continue;
  promises[name] = function (this: unknown, ...args: unknown[]) {
    if (name !== 'open' || /[wa+]/.test(String(args[1] ?? 'r'))) record('write', `promises.${name} ${String(args[0])}`);
    return original.apply(this, args);
  };
}
const mutableFs = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
const openSync = mutableFs.openSync;
mutableFs.openSync = function (file: unknown, flags?: unknown, mode?: unknown) {
  if (flags !== undefined && /[wa+]/.test(String(flags))) record('write', `openSync ${String(file)} ${String(flags)}`);
  return openSync(file, flags, mode);
};
const open = mutableFs.open;
mutableFs.open = function (file: unknown, ...rest: unknown[]) {
  if (typeof rest[0] === 'string' && /[wa+]/.test(rest[0])) record('write', `open ${String(file)} ${rest[0]}`);
  return open(file, ...rest);
};
