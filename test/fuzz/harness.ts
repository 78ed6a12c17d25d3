import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PythonParser } from '../../server/src/syntax/tree';
import type { Failure, FailureKind } from './checks';
import { loadCorpus, type CorpusProject } from './corpus';
import type { EngineCaseResult, WorkerMessage, WorkerRequest } from './engine-worker';
import { LspProjectSession } from './lsp-runner';
import { OPERATORS, makeCase, type FuzzCase } from './mutate';
import { Random } from './random';

export interface FuzzOptions {
  seed: number;
  /** Stop starting new cases after this many seconds. */
  seconds?: number;
  /** Stop after this many cases. */
  cases?: number;
  /** Run only this case (reproduce a failure). */
  replay?: number;
  /** Drive the language server too (default). */
  lsp?: boolean;
  /** Compare the native and wasm parsers on each small case (default). */
  crossBackends?: boolean;
  /** Where failing cases are written, to reproduce them by hand. */
  failuresDir?: string;
  log?: (line: string) => void;
  parser: PythonParser;
}

export interface CaseFailure extends Failure {
  index: number;
  project: string;
  operator: string;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  lspCases: number;
  crashes: number;
  hangs: number;
  /** Every failure, hangs and crashes included. */
  failures: CaseFailure[];
  byOperator: Record<string, number>;
  slowest: { engine?: { index: number; ms: number; detail: string }; lsp?: { index: number; ms: number; detail: string; request: string } };
  durationMs: number;
  backends: string[];
}

/**
 * The per-file deadline: generous (typical analyses of the corpus take milliseconds, a 10 MB file
 * seconds to tens of seconds) so that only a real hang trips it, on a slow machine too.
 */
export function deadlineFor(bytes: number): number {
  // A 10 MB module dense with calls takes ~25 s to summarize: 10 MB gets ~4 minutes.
  return 30_000 + Math.ceil(bytes / (1024 * 1024)) * 20_000;
}

const WORKER = path.join(__dirname, 'engine-worker.js');

/** The engine child process: replaced after a hang or a crash. */
class EngineRunner {
  private child?: ChildProcess;
  private ready?: Promise<string[]>;
  private listener?: (message: WorkerMessage) => void;
  private exitListener?: (code: number | null, signal: string | null) => void;
  backends: string[] = [];

  private start(): Promise<string[]> {
    const child = fork(WORKER, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    // Only the current child's events reach the listeners: a killed one may report its exit late.
    child.on('message', (message: WorkerMessage) => {
      if (this.child === child) this.listener?.(message);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.ready = undefined;
      this.exitListener?.(code, signal ? `${signal}; stderr: ${stderr}` : `stderr: ${stderr}`);
    });
    return new Promise((resolve, reject) => {
      this.listener = (message) => {
        if (message.type === 'ready') resolve(message.backends);
      };
      this.exitListener = (code, why) => reject(new Error(`the engine worker exited before it was ready (${code}, ${why})`));
    });
  }

  async run(c: FuzzCase, crossBackends: boolean): Promise<{ kind: 'done'; result: EngineCaseResult } | { kind: 'hang'; step: string; ms: number } | { kind: 'crash'; message: string }> {
    this.ready ??= this.start();
    try {
      this.backends = await this.ready;
    } catch (error) {
      this.ready = undefined;
      return { kind: 'crash', message: error instanceof Error ? error.message : String(error) };
    }
    const child = this.child!;
    return new Promise((resolve) => {
      let step = 'start';
      let stepStarted = performance.now();
      let timer: NodeJS.Timeout;
      const arm = (bytes: number) => {
        clearTimeout(timer);
        const limit = deadlineFor(bytes);
        timer = setTimeout(() => {
          this.listener = undefined;
          this.exitListener = undefined;
          this.child = undefined;
          this.ready = undefined;
          child.kill('SIGKILL');
          resolve({ kind: 'hang', step, ms: performance.now() - stepStarted });
        }, limit);
      };
      arm(c.changes.reduce((n, ch) => n + (ch.bytes?.length ?? 0), 0));
      this.listener = (message) => {
        if (message.type === 'step') {
          step = message.step;
          stepStarted = performance.now();
          arm(message.bytes);
        } else if (message.type === 'done') {
          clearTimeout(timer);
          resolve({ kind: 'done', result: message.result });
        }
      };
      this.exitListener = (code, why) => {
        clearTimeout(timer);
        resolve({ kind: 'crash', message: `the engine process died during ${step} (exit ${code}, ${why})` });
      };
      const request: WorkerRequest = { type: 'case', case: c, crossBackends };
      child.send(request);
    });
  }

  stop(): void {
    this.listener = undefined;
    this.exitListener = undefined;
    this.child?.kill();
    this.child = undefined;
    this.ready = undefined;
  }
}

/** Runs cases until the time or the case budget is spent; never throws for what a case finds. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const corpus = loadCorpus();
  if (corpus.length === 0) throw new Error('no corpus projects found (test/fixtures, examples/mysite)');
  const started = performance.now();
  const report: FuzzReport = { seed: options.seed, cases: 0, lspCases: 0, crashes: 0, hangs: 0, failures: [], byOperator: {}, slowest: {}, durationMs: 0, backends: [] };
  const engine = new EngineRunner();
  const sessions = new Map<string, LspProjectSession>();
  const useLsp = options.lsp !== false;
  const endAt = options.seconds !== undefined ? started + options.seconds * 1000 : Infinity;
  const maxCases = options.replay !== undefined ? 1 : options.cases ?? Infinity;
  const session = async (project: CorpusProject): Promise<LspProjectSession> => {
    let s = sessions.get(project.name);
    if (s && !s.alive) {
      await s.stop();
      s = undefined;
    }
    if (!s) {
      s = new LspProjectSession(project, options.parser, deadlineFor);
      sessions.set(project.name, s);
      await s.start();
    }
    return s;
  };
  try {
    for (let i = 0; report.cases < maxCases && performance.now() < endAt; i++) {
      const index = options.replay ?? i;
      const c = makeCase(options.seed, index, corpus, options.parser);
      report.cases++;
      report.byOperator[c.operator] = (report.byOperator[c.operator] ?? 0) + 1;
      const found: Failure[] = [];
      // The engine and the language server work on the same case at once; the server's findings
      // are compared with the engine's when both are there.
      const enginePromise = engine.run(c, options.crossBackends !== false);
      const engineResult = enginePromise.then((o) => (o.kind === 'done' ? o.result : undefined));
      const project = corpus.find((p) => p.name === c.project)!;
      let lspPromise: Promise<Awaited<ReturnType<LspProjectSession['run']>> | undefined> = Promise.resolve(undefined);
      if (useLsp) {
        lspPromise = (async () => {
          try {
            const s = await session(project);
            const outcome = await s.run(c, engineResult, Random.forCase(options.seed ^ 0x5eed, index));
            if (outcome.failures.some((f) => f.kind === 'hang' || f.kind === 'crash')) s.kill();
            return outcome;
          } catch (error) {
            sessions.get(project.name)?.kill();
            return { failures: [{ kind: 'crash' as const, message: `the language server could not be started: ${error instanceof Error ? error.message : String(error)}`, where: 'lsp' as const }], slowestMs: 0, slowestRequest: '' };
          }
        })();
      }
      const engineOutcome = await enginePromise;
      if (engineOutcome.kind === 'hang') found.push({ kind: 'hang', message: `${engineOutcome.step} ran for more than ${Math.round(engineOutcome.ms)} ms`, where: 'engine' });
      else if (engineOutcome.kind === 'crash') found.push({ kind: 'crash', message: engineOutcome.message, where: 'engine' });
      else {
        found.push(...engineOutcome.result.failures);
        const ms = engineOutcome.result.analyzeMs;
        if (!report.slowest.engine || ms > report.slowest.engine.ms) report.slowest.engine = { index, ms, detail: `${c.operator} ${c.detail}` };
      }
      const lsp = await lspPromise;
      if (lsp) {
        report.lspCases++;
        found.push(...lsp.failures);
        if (!report.slowest.lsp || lsp.slowestMs > report.slowest.lsp.ms) report.slowest.lsp = { index, ms: lsp.slowestMs, detail: `${c.operator} ${c.detail}`, request: lsp.slowestRequest };
      }
      for (const f of found) {
        if (f.kind === 'crash') report.crashes++;
        if (f.kind === 'hang') report.hangs++;
        report.failures.push({ ...f, index, project: c.project, operator: c.operator, detail: c.detail });
        log(`case ${index} [${c.operator}] ${f.where} ${f.kind}: ${c.detail.slice(0, 200)}\n    ${f.message.split('\n').slice(0, 6).join('\n    ')}`);
      }
      if (found.length > 0 && options.failuresDir) saveCase(options.failuresDir, c, project, found);
      if (report.cases % 25 === 0) log(`${report.cases} cases, ${report.failures.length} failures, ${Math.round((performance.now() - started) / 1000)} s`);
    }
  } finally {
    engine.stop();
    for (const s of sessions.values()) await s.stop().catch(() => undefined);
  }
  report.backends = engine.backends;
  report.durationMs = performance.now() - started;
  return report;
}

/** The mutated project and what went wrong, to look at by hand. */
function saveCase(dir: string, c: FuzzCase, project: CorpusProject, failures: Failure[]): void {
  const target = path.join(dir, `case-${c.seed}-${c.index}`);
  fs.rmSync(target, { recursive: true, force: true });
  const files = new Map(project.files);
  for (const change of c.changes) {
    if (change.bytes === null) files.delete(change.path);
    else files.set(change.path, change.bytes);
  }
  for (const [relative, bytes] of files) {
    const file = path.join(target, 'project', ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  const summary = { seed: c.seed, index: c.index, project: c.project, operator: c.operator, detail: c.detail, failures };
  fs.writeFileSync(path.join(target, 'failure.json'), JSON.stringify(summary, null, 2) + '\n');
}

export function defaultFailuresDir(): string {
  return path.join(os.tmpdir(), 'djswap-fuzz-failures');
}

export function formatReport(report: FuzzReport): string {
  const kinds = new Map<FailureKind, number>();
  for (const f of report.failures) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const lines = [
    `seed ${report.seed}: ${report.cases} cases (${report.lspCases} through the language server) in ${(report.durationMs / 1000).toFixed(1)} s; parsers: ${report.backends.join(', ')}`,
    `crashes: ${report.crashes}`,
    `hangs: ${report.hangs}`,
    `other failures: ${report.failures.length - report.crashes - report.hangs}${kinds.size > 0 ? ` (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`,
  ];
  if (report.slowest.engine) lines.push(`slowest file (engine analysis): ${report.slowest.engine.ms.toFixed(0)} ms, case ${report.slowest.engine.index}: ${report.slowest.engine.detail.slice(0, 160)}`);
  if (report.slowest.lsp) lines.push(`slowest request (language server): ${report.slowest.lsp.ms.toFixed(0)} ms (${report.slowest.lsp.request}), case ${report.slowest.lsp.index}: ${report.slowest.lsp.detail.slice(0, 160)}`);
  lines.push(`operators: ${Object.entries(report.byOperator).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const unused = OPERATORS.filter((o) => !report.byOperator[o]);
  if (unused.length > 0 && report.cases >= OPERATORS.length) lines.push(`operators not drawn: ${unused.join(', ')}`);
  return lines.join('\n');
}
