// Drives the language server (dist/server.js --stdio) as an editor would, over real JSON-RPC, and
// times what a user waits for.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { positionAt, scriptEdits } from './edits.mjs';
import { summarizeTimes } from './stats.mjs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

const CAPABILITIES = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true }, applyEdit: true, workspaceFolders: true },
  window: { workDoneProgress: true, showDocument: { support: true } },
  textDocument: {
    synchronization: { didSave: true, dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: false },
  },
};

export const uriOf = (file) => pathToFileURL(file).href;

/** VmRSS and VmHWM of a process, in MB. */
export function processMemory(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, peakRssMb: NaN };
  }
}

/** User + system CPU time of a process so far, in ms (from /proc/<pid>/stat). */
export function processCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

class Client {
  constructor({ repo, backend, nodeArgs = ['--expose-gc'], env = {} }) {
    this.published = new Map();
    this.events = [];
    this.logs = [];
    this.waiters = new Set();
    this.stderr = '';
    const server = path.join(repo, 'dist', 'server.js');
    this.process = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env, DJSWAP_PARSER: backend } });
    this.process.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.process.on('exit', resolve));
    this.connection = rpc.createMessageConnection(new rpc.StreamMessageReader(this.process.stdout), new rpc.StreamMessageWriter(this.process.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      this.published.set(params.uri, { ...params, at });
      this.events.push({ kind: 'publish', uri: params.uri, version: params.version, count: params.diagnostics.length, at });
      this.wake();
    });
    this.connection.onNotification('djswap/status', (params) => {
      this.events.push({ kind: 'status', state: params.state, at: performance.now(), params });
      this.wake();
    });
    this.connection.onNotification('window/logMessage', (params) => this.logs.push(params.message));
    this.connection.onNotification(() => {});
    this.connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/applyEdit', () => ({ applied: true }));
    this.connection.listen();
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the predicate's value when it holds (re-checked on every message), or undefined at the deadline. */
  waitFor(predicate, timeoutMs) {
    return new Promise((resolve) => {
      const check = () => {
        const value = predicate();
        if (value) {
          done(value);
          return true;
        }
        return false;
      };
      const done = (value) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves after `quietMs` without a publishDiagnostics or status notification. */
  async quiet(quietMs, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const last = this.events.length > 0 ? this.events[this.events.length - 1].at : 0;
      const wait = last + quietMs - performance.now();
      if (wait <= 0) return last;
      if (performance.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(wait + 1, 200)));
    }
  }

  request(method, params) {
    return this.connection.sendRequest(method, params);
  }

  notify(method, params) {
    return this.connection.sendNotification(method, params);
  }

  async stop() {
    try {
      await Promise.race([this.request('shutdown'), new Promise((r) => setTimeout(r, 10000))]);
      await this.notify('exit');
    } catch {
      // already gone
    }
    const exited = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 30000))]);
    if (!exited) this.process.kill();
    this.connection.dispose();
  }
}

/**
 * The whole editor scenario on one generated project. Options: edits (300), hovers (100 each),
 * fixAlls (20), quietMs (500), editBudgetMs (time after which the remaining edits are skipped).
 */
export async function lspScenario({ repo, dir, manifest, backend, edits = 300, hovers = 100, fixAlls = 20, quietMs = 500, editBudgetMs = 600_000, nodeArgs = ['--expose-gc'], log = () => {} }) {
  const client = new Client({ repo, backend, nodeArgs });
  const pid = client.process.pid;
  const result = { backend, marks: {} };
  // Phase boundaries on the monotonic clock in µs (the clock of --cpu-prof profiles), to split them.
  const hr0 = Number(process.hrtime.bigint() / 1000n);
  const p0 = performance.now();
  const mark = (name, at = performance.now()) => (result.marks[name] = Math.round(hr0 + (at - p0) * 1000));
  try {
    const t0 = performance.now();
    mark('start', t0);
    const init = await client.request('initialize', { processId: process.pid, rootUri: uriOf(dir), workspaceFolders: [{ uri: uriOf(dir), name: path.basename(dir) }], capabilities: CAPABILITIES });
    result.initializeResponseMs = performance.now() - t0;
    await client.notify('initialized', {});
    const capabilities = init.capabilities ?? {};
    const ready = await client.waitFor(() => client.events.find((e) => e.kind === 'status' && e.state === 'ready'), 600_000);
    if (!ready) throw new Error(`the server never reported "ready"\n${client.stderr}`);
    const last = await client.quiet(quietMs, 600_000);
    mark('indexed', Math.max(last ?? ready.at, ready.at));
    const publishes = client.events.filter((e) => e.kind === 'publish');
    result.indexing = {
      completeMs: Math.max(last ?? ready.at, ready.at) - t0,
      readyMs: ready.at - t0,
      publishedFiles: new Set(publishes.map((e) => e.uri)).size,
      diagnostics: [...client.published.values()].reduce((n, p) => n + p.diagnostics.length, 0),
      serverCpuMs: processCpuMs(pid),
      ...processMemory(pid),
    };
    log(`    initialize → complete diagnostics ${result.indexing.completeMs.toFixed(0)} ms, ${result.indexing.diagnostics} diagnostics, RSS ${result.indexing.rssMb.toFixed(0)} MB`);

    // Open the big models file and edit it.
    const file = path.join(dir, manifest.bigModelsFile);
    const uri = uriOf(file);
    const text = fs.readFileSync(file, 'utf8');
    let version = 1;
    const seen = client.events.length;
    const opened = performance.now();
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
    const openPublish = await client.waitFor(() => client.events.slice(seen).find((e) => e.kind === 'publish' && e.uri === uri && e.version === 1), 120_000);
    result.didOpenMs = openPublish ? openPublish.at - opened : null;
    await client.quiet(quietMs, 120_000);

    const script = scriptEdits(text, edits, manifest.seed);
    const latencies = [];
    const byKind = {};
    let timeouts = 0;
    const editStart = performance.now();
    mark('editsStart', editStart);
    for (const edit of script.edits) {
      if (performance.now() - editStart > editBudgetMs) break;
      version++;
      const v = version;
      const from = client.events.length;
      const sent = performance.now();
      await client.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: edit.range, text: edit.text }] });
      const got = await client.waitFor(() => client.events.slice(from).find((e) => e.kind === 'publish' && e.uri === uri && (e.version ?? 0) >= v), 60_000);
      if (!got) {
        timeouts++;
        continue;
      }
      const ms = got.at - sent;
      latencies.push(ms);
      (byKind[edit.kind] ??= []).push(ms);
    }
    mark('editsEnd');
    result.didChange = {
      ...summarizeTimes(latencies),
      requested: edits,
      timeouts,
      byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, summarizeTimes(v)])),
    };
    await client.quiet(quietMs, 120_000);
    result.afterEdits = { ...processMemory(pid), serverCpuMs: processCpuMs(pid) };
    // What stays once the user pauses (the server collects its garbage after 2 s without analyses).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    result.afterPause = processMemory(pid);
    log(`    didChange → diagnostics p50 ${fmt(result.didChange.p50)} p95 ${fmt(result.didChange.p95)} max ${fmt(result.didChange.max)} ms over ${result.didChange.count} edits; RSS ${result.afterEdits.rssMb.toFixed(0)} MB, ${result.afterPause.rssMb.toFixed(0)} MB after a 3 s pause`);

    // Hover and definition, where the server offers them.
    const finalText = script.final;
    const targets = hoverTargets(dir, manifest, file, finalText);
    for (const t of targets.files) {
      if (t.file === file) continue;
      await client.notify('textDocument/didOpen', { textDocument: { uri: uriOf(t.file), languageId: 'python', version: 1, text: t.text } });
    }
    await client.quiet(quietMs, 120_000);
    mark('hoverStart');
    for (const [method, capability] of [
      ['textDocument/hover', 'hoverProvider'],
      ['textDocument/definition', 'definitionProvider'],
    ]) {
      const key = method.split('/')[1];
      if (!capabilities[capability]) {
        result[key] = null;
        continue;
      }
      const times = [];
      let answered = 0;
      for (let i = 0; i < hovers && targets.positions.length > 0; i++) {
        const p = targets.positions[i % targets.positions.length];
        const sent = performance.now();
        const answer = await client.request(method, { textDocument: { uri: uriOf(p.file) }, position: p.position });
        times.push(performance.now() - sent);
        if (answer && (!Array.isArray(answer) || answer.length > 0)) answered++;
      }
      result[key] = { ...summarizeTimes(times), answered, positions: targets.positions.length };
    }

    mark('hoverEnd');
    // source.fixAll on the edited file (it holds fixable findings).
    mark('fixAllStart');
    const fixTimes = [];
    let offered = 0;
    for (let i = 0; i < fixAlls; i++) {
      const sent = performance.now();
      const actions = await client.request('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.djswap'], triggerKind: 2 },
      });
      fixTimes.push(performance.now() - sent);
      if (Array.isArray(actions) && actions.length > 0) offered++;
    }
    mark('fixAllEnd');
    result.fixAll = { ...summarizeTimes(fixTimes), offered };
    await client.quiet(quietMs, 120_000);
    result.end = { ...processMemory(pid), serverCpuMs: processCpuMs(pid) };
    result.capabilities = Object.keys(capabilities).sort();
  } finally {
    await client.stop();
    result.stderr = client.stderr.slice(-2000);
    result.serverLog = client.logs.slice(0, 20);
  }
  return result;
}

function fmt(n) {
  return n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1);
}

/**
 * Places worth hovering: `settings.AUTH_USER_MODEL` and labels in the edited models file,
 * `swappable_dependency(...)` and dependency tuples in a migration that has them.
 */
function hoverTargets(dir, manifest, bigFile, bigText) {
  const files = [{ file: bigFile, text: bigText }];
  const migrationsDir = path.join(dir, path.dirname(manifest.bigModelsFile), 'migrations');
  const candidates = [];
  for (const name of fs.readdirSync(migrationsDir).sort()) if (/^\d{4}_.*\.py$/.test(name)) candidates.push(path.join(migrationsDir, name));
  const migration = candidates.find((f) => fs.readFileSync(f, 'utf8').includes('swappable_dependency'));
  if (migration) files.push({ file: migration, text: fs.readFileSync(migration, 'utf8') });
  const positions = [];
  const add = (entry, needle, shift, limit) => {
    let found = 0;
    for (let i = entry.text.indexOf(needle); i !== -1 && found < limit; i = entry.text.indexOf(needle, i + 1)) {
      positions.push({ file: entry.file, position: positionAt(entry.text, i + shift), what: needle });
      found++;
    }
  };
  add(files[0], 'settings.AUTH_USER_MODEL', 10, 3);
  add(files[0], '"auth.User"', 3, 2);
  add(files[0], "'auth.User'", 3, 2);
  if (files[1]) {
    add(files[1], 'swappable_dependency(settings.', 5, 2);
    add(files[1], 'settings.AUTH_USER_MODEL', 10, 2);
    add(files[1], "'0001_initial'", 3, 1);
    add(files[1], '"0001_initial"', 3, 1);
  }
  return { files, positions };
}
