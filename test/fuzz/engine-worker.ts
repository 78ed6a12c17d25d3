/**
 * The engine side of the fuzzer, in a child process so that a hang or a native crash is observed
 * (and the process replaced) instead of taking the fuzzer down. Messages: the parent sends a case,
 * the child answers `step` before each step (the parent's deadline restarts there) and `done`.
 */
import { ConfigError } from '../../server/src/engine/config';
import { applyEdits, fixToFixpoint } from '../../server/src/engine/fixes';
import { Workspace, type AnalysisResult } from '../../server/src/engine/workspace';
import { loadPythonParser } from '../../server/src/syntax/parser';
import type { ParserBackend, PythonParser } from '../../server/src/syntax/tree';
import { diagnosticKey, firstDifference, fixBreaksSyntax, syntaxErrorCount, type Failure } from './checks';
import { loadCorpus, type CorpusProject } from './corpus';
import { MemoryFileSystem } from './memfs';
import { applyTextEdits, type FuzzCase } from './mutate';

export interface EngineDiagnosticView {
  file: string;
  code: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
}

export interface EngineCaseResult {
  index: number;
  failures: Failure[];
  /** The first analysis of the mutated project (native backend when it loads). */
  analyzeMs: number;
  totalMs: number;
  diagnostics: EngineDiagnosticView[];
  configError?: string;
  fixesApplied: number;
}

export type WorkerRequest = { type: 'case'; case: FuzzCase; crossBackends: boolean };
export type WorkerMessage = { type: 'ready'; backends: ParserBackend[] } | { type: 'step'; index: number; step: string; bytes: number } | { type: 'done'; result: EngineCaseResult };

/** Big inputs get the expensive cross-checks (other backend, incremental replay) less often. */
const CROSS_CHECK_LIMIT = 1024 * 1024;

export function projectRoot(project: string): string {
  return `/fuzz/${project.replace(/[^\w.-]+/g, '_')}`;
}

class EngineFuzzWorker {
  private readonly corpus: CorpusProject[] = loadCorpus();
  private readonly baseline = new Map<string, string[]>();
  private index = -1;

  constructor(
    private readonly parsers: PythonParser[],
    private readonly send: (message: WorkerMessage) => void,
  ) {}

  private step(name: string, bytes: number): void {
    this.send({ type: 'step', index: this.index, step: name, bytes });
  }

  run(c: FuzzCase, crossBackends: boolean): EngineCaseResult {
    this.index = c.index;
    const started = performance.now();
    const result: EngineCaseResult = { index: c.index, failures: [], analyzeMs: 0, totalMs: 0, diagnostics: [], fixesApplied: 0 };
    const project = this.corpus.find((p) => p.name === c.project);
    if (!project) throw new Error(`no corpus project ${c.project}`);
    const root = projectRoot(project.name);
    const files = new Map(project.files);
    for (const change of c.changes) {
      if (change.bytes === null) files.delete(change.path);
      else files.set(change.path, change.bytes);
    }
    const bytes = c.changes.reduce((n, ch) => n + (ch.bytes?.length ?? 0), 0);
    const relative = (file: string) => (file.startsWith(root + '/') ? file.slice(root.length + 1) : `(outside) ${file}`);
    const fail = (kind: Failure['kind'], message: string) => result.failures.push({ kind, message, where: 'engine' });
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const analyze = (parser: PythonParser, fileSystem: MemoryFileSystem, step: string): { result?: AnalysisResult; keys: string[]; ms: number } => {
        this.step(step, bytes);
        const workspace = new Workspace({ roots: [root], parser, fs: fileSystem, env: {} });
        const t0 = performance.now();
        try {
          const analysis = workspace.analyze();
          const ms = performance.now() - t0;
          // Warm: the same workspace again gives the same answer from its caches.
          const again = workspace.analyze();
          const keys = digest(analysis, relative);
          const warm = digest(again, relative);
          if (keys.join('\n') !== warm.join('\n')) fail('nondeterminism', `${step}: a second analysis of the same workspace differs\n  ${firstDifference(keys, warm)}`);
          return { result: analysis, keys, ms };
        } catch (error) {
          if (error instanceof ConfigError) return { keys: [`config error: ${error.message}`], ms: performance.now() - t0 };
          throw error;
        }
      };
      const memory = () => new MemoryFileSystem(root, files);
      const [first, ...others] = this.parsers;
      const a = analyze(first, memory(), `analyze[${first.backend}]`);
      result.analyzeMs = a.ms;
      if (!a.result) result.configError = a.keys[0];
      else result.diagnostics = views(a.result, relative);
      const b = analyze(first, memory(), `analyze-again[${first.backend}]`);
      if (a.keys.join('\n') !== b.keys.join('\n')) fail('nondeterminism', `two fresh analyses differ\n  ${firstDifference(a.keys, b.keys)}`);
      const small = bytes <= CROSS_CHECK_LIMIT;
      if (crossBackends && small) {
        for (const other of others) {
          const o = analyze(other, memory(), `analyze[${other.backend}]`);
          if (a.keys.join('\n') !== o.keys.join('\n')) fail('backend-mismatch', `${first.backend} and ${other.backend} differ\n  ${firstDifference(a.keys, o.keys)}`);
        }
      }
      if (small && a.result) this.incremental(c, project, root, first, a.keys, relative, fail);
      if (a.result) this.fixes(c, project, root, files, first, memory(), relative, result, fail, bytes);
    } catch (error) {
      fail('crash', error instanceof Error ? error.stack ?? error.message : String(error));
    } finally {
      process.stderr.write = write;
    }
    for (const line of stderr) if (/failed/.test(line)) fail('rule-error', line.trim().slice(0, 2000));
    result.totalMs = performance.now() - started;
    return result;
  }

  /**
   * An editor's path to the same text: open the original, apply the case's edits to the buffer
   * (the tree is edited and re-parsed incrementally), analyze; then undo the edits and analyze.
   */
  private incremental(c: FuzzCase, project: CorpusProject, root: string, parser: PythonParser, expected: string[], relative: (f: string) => string, fail: (kind: Failure['kind'], message: string) => void): void {
    const textChanges = c.changes.filter((ch) => ch.edits);
    if (textChanges.length !== 1 || c.changes.length !== 1) return;
    const change = textChanges[0];
    const file = `${root}/${change.path}`;
    const original = project.files.get(change.path)!.toString('utf8');
    this.step('incremental', 0);
    const workspace = new Workspace({ roots: [root], parser, fs: new MemoryFileSystem(root, project.files), env: {} });
    workspace.files.openDocument(file, original, 1);
    const before = digest(workspace.analyze(), relative);
    let text = original;
    const inverse: { start: number; end: number; text: string }[] = [];
    for (const edit of change.edits!) {
      inverse.unshift({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
      text = applyTextEdits(text, [edit]);
    }
    workspace.files.changeDocument(file, change.edits!, 2);
    const edited = digest(workspace.analyze(), relative);
    if (!change.lossy && diagnosticsOnly(edited).join('\n') !== diagnosticsOnly(expected).join('\n')) {
      fail('incremental-mismatch', `the edited buffer gives other findings than the same text read fresh\n  ${firstDifference(diagnosticsOnly(edited), diagnosticsOnly(expected))}`);
    }
    workspace.files.changeDocument(file, inverse, 3);
    const undone = digest(workspace.analyze(), relative);
    if (diagnosticsOnly(undone).join('\n') !== diagnosticsOnly(before).join('\n')) {
      fail('incremental-mismatch', `undoing the edits does not give back the original findings\n  ${firstDifference(diagnosticsOnly(undone), diagnosticsOnly(before))}`);
    }
    if (workspace.files.text(file) !== original) fail('incremental-mismatch', 'undoing the edits does not give back the original text');
  }

  /** Every single fix, then fix-all to the fixpoint: each keeps the files parsing, within the workspace. */
  private fixes(
    c: FuzzCase,
    project: CorpusProject,
    root: string,
    files: Map<string, Buffer>,
    parser: PythonParser,
    fileSystem: MemoryFileSystem,
    relative: (f: string) => string,
    result: EngineCaseResult,
    fail: (kind: Failure['kind'], message: string) => void,
    bytes: number,
  ): void {
    this.step('fix-all', bytes);
    const workspace = new Workspace({ roots: [root], parser, fs: fileSystem, env: {} });
    const diagnostics = workspace.analyze().diagnostics;
    const errorsBefore = new Map<string, number>();
    const errorsOf = (file: string, text: string) => {
      let n = errorsBefore.get(file);
      if (n === undefined) errorsBefore.set(file, (n = syntaxErrorCount(parser, text)));
      return n;
    };
    const writable = (file: string) => {
      if (!file.startsWith(root + '/')) return false;
      const original = files.get(file.slice(root.length + 1));
      return original !== undefined && isUtf8(original);
    };
    // Single fixes, as a quick fix applies them (at most a few per case: each needs a parse).
    for (const d of diagnostics.filter((x) => x.fix).slice(0, 8)) {
      const byFile = new Map<string, { span: { start: number; end: number }; newText: string }[]>();
      for (const e of d.fix!.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
      for (const [file, edits] of byFile) {
        if (!writable(file)) {
          fail('fix-outside', `${d.code}'s fix edits ${relative(file)}, which is outside the workspace or not valid UTF-8`);
          continue;
        }
        const text = workspace.files.text(file)!;
        const after = applyEdits(text, edits).text;
        const before = errorsOf(file, text);
        const now = syntaxErrorCount(parser, after);
        if (fixBreaksSyntax(before, now)) fail('fix-breaks-syntax', `${d.code} "${d.fix!.title}" on ${relative(file)}:${d.range.start.line + 1}: syntax errors ${before} -> ${now}`);
      }
    }
    const texts = new Map<string, string>();
    const run = fixToFixpoint(workspace, { unsafe: true });
    result.fixesApplied = run.applied.length;
    for (const [file, change] of run.changed) {
      texts.set(file, change.after);
      if (!writable(file)) {
        fail('fix-outside', `fix-all changed ${relative(file)}, which is outside the workspace or not valid UTF-8`);
        continue;
      }
      const before = errorsOf(file, change.before);
      const now = syntaxErrorCount(parser, change.after);
      if (fixBreaksSyntax(before, now)) fail('fix-breaks-syntax', `fix-all on ${relative(file)}: syntax errors ${before} -> ${now} (${run.applied.filter((a) => a.file === file).map((a) => a.code).join(', ')})`);
    }
    const stillFixable = run.remaining.filter((d) => d.fix);
    if (run.iterations >= 10 && stillFixable.length > 0) {
      fail('fix-no-fixpoint', `fix-all still had ${stillFixable.length} fixes after ${run.iterations} rounds: ${stillFixable.slice(0, 3).map((d) => `${d.code} ${relative(d.file)}:${d.range.start.line + 1}`).join(', ')}`);
    }
    void c;
    void project;
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function digest(result: AnalysisResult, relative: (f: string) => string): string[] {
  const keys = result.diagnostics.map((d) => diagnosticKey(d, relative));
  const notes = result.notes.map((n) => `note ${n.replace(/\/fuzz\/[^\s:]*/g, (p) => relative(p))}`);
  const projects = result.projects.map((p) => `project ${relative(p.summary.root)} ${p.summary.settingsModule} apps=${p.summary.apps} models=${p.summary.models} migrations=${p.summary.migrations}`);
  return [...projects, ...keys, ...notes];
}

function diagnosticsOnly(keys: string[]): string[] {
  return keys.filter((k) => !k.startsWith('note ') && !k.startsWith('project '));
}

function views(result: AnalysisResult, relative: (f: string) => string): EngineDiagnosticView[] {
  return result.diagnostics.map((d) => ({
    file: relative(d.file),
    code: d.code,
    line: d.range.start.line,
    character: d.range.start.column,
    endLine: d.range.end.line,
    endCharacter: d.range.end.column,
    message: d.message,
  }));
}

async function main(): Promise<void> {
  const parsers: PythonParser[] = [];
  for (const backend of ['native', 'wasm'] as const) {
    try {
      parsers.push(await loadPythonParser(backend));
    } catch {
      // a backend that cannot load here is left out
    }
  }
  const send = (message: WorkerMessage) => process.send!(message);
  const worker = new EngineFuzzWorker(parsers, send);
  process.on('message', (request: WorkerRequest) => {
    if (request.type !== 'case') return;
    const c = request.case;
    // Buffers arrive as plain objects through the IPC channel's serializer.
    for (const change of c.changes) if (change.bytes) change.bytes = Buffer.from(change.bytes);
    send({ type: 'done', result: worker.run(c, request.crossBackends) });
  });
  send({ type: 'ready', backends: parsers.map((p) => p.backend) });
}

if (require.main === module) void main();
