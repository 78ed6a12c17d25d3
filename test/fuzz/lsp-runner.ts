import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/syntax/text';
import type { PythonParser } from '../../server/src/syntax/tree';
import { LspTestClient, applyLspEdits, uriOf, type PublishedDiagnostics } from '../helpers/lsp';
import { fixBreaksSyntax, firstDifference, syntaxErrorCount, type Failure } from './checks';
import type { CorpusProject } from './corpus';
import type { EngineDiagnosticView } from './engine-worker';
import { applyTextEdits, type FuzzCase, type TextEdit } from './mutate';
import type { Random } from './random';

type LspRange = { start: { line: number; character: number }; end: { line: number; character: number } };
type LspTextEdit = { range: LspRange; newText: string };
type LspDiagnostic = PublishedDiagnostics['diagnostics'][number];
interface LspWorkspaceEdit {
  changes?: Record<string, LspTextEdit[]>;
  documentChanges?: { textDocument: { uri: string; version: number | null }; edits: LspTextEdit[] }[];
}
interface LspCodeAction {
  title: string;
  kind?: string;
  edit?: LspWorkspaceEdit;
}

export interface LspCaseResult {
  failures: Failure[];
  /** The slowest request of the case. */
  slowestMs: number;
  slowestRequest: string;
}

class Timeout extends Error {}

function range(lines: LineIndex, start: number, end: number): LspRange {
  const a = lines.position(start);
  const b = lines.position(end);
  return { start: { line: a.line, character: a.column }, end: { line: b.line, character: b.column } };
}

function key(d: { code?: string | number; range: LspRange; message: string }): string {
  return `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${JSON.stringify(d.message)}`;
}

/**
 * One language server (dist/server.js over stdio) on a temp copy of a corpus project. Cases edit
 * the project through the editor's messages (open, incremental changes, watched-file events),
 * ask for code actions, fix-all, hover and definition, then undo everything they did.
 */
export class LspProjectSession {
  private client?: LspTestClient;
  private root = '';
  private version = 0;
  private capabilities: Record<string, unknown> = {};
  /** Published diagnostics right after start: what undoing a case must give back. */
  private initial = new Map<string, string[]>();
  private exited = false;

  constructor(
    readonly project: CorpusProject,
    private readonly parser: PythonParser,
    private readonly deadline: (bytes: number) => number,
  ) {}

  get alive(): boolean {
    return !!this.client && !this.exited;
  }

  async start(): Promise<void> {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-fuzz-lsp-'));
    for (const [relative, bytes] of this.project.files) {
      const file = path.join(this.root, ...relative.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
    }
    this.exited = false;
    this.client = new LspTestClient();
    this.client.process.on('exit', () => (this.exited = true));
    // As editors do: a message box the user closes answers null.
    this.client.connection.onRequest('window/showMessageRequest', () => null);
    const result = (await this.within(this.deadline(0) * 2, 'initialize', this.client.initialize(this.root))) as { capabilities: Record<string, unknown> };
    this.capabilities = result.capabilities;
    await this.client.waitFor('indexing', () => this.client!.notifications.some((n) => n.method === 'djswap/status' && (n.params as { state: string }).state !== 'indexing'), this.deadline(0) * 2);
    await this.sync('start', 0);
    this.initial = this.published();
  }

  async stop(): Promise<void> {
    if (this.client) {
      if (this.exited) this.client.connection.dispose();
      else await this.client.stop();
    }
    this.client = undefined;
    if (this.root) fs.rmSync(this.root, { recursive: true, force: true });
    this.root = '';
  }

  /** Kills the server at once (after a hang). */
  kill(): void {
    this.client?.process.kill('SIGKILL');
    this.exited = true;
  }

  get stderr(): string {
    return this.client?.stderr ?? '';
  }

  private published(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [uri, p] of this.client!.diagnostics) if (p.diagnostics.length > 0) out.set(uri, p.diagnostics.map(key).sort());
    return out;
  }

  private async within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<never>((_, reject) => {
      const poll = setInterval(() => {
        if (this.exited) {
          clearInterval(poll);
          reject(new Error(`the server exited during ${what}`));
        }
      }, 50);
      work.finally(() => clearInterval(poll)).catch(() => undefined);
    });
    try {
      return await Promise.race([work, exited, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Timeout(`${what} took more than ${ms} ms`)), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A request every handler before it must have finished: the server handles messages in order. */
  private async sync(what: string, bytes: number): Promise<number> {
    const t0 = performance.now();
    await this.within(this.deadline(bytes), what, this.client!.connection.sendRequest('djswap/projectModel', {}));
    return performance.now() - t0;
  }

  private async request<T>(method: string, params: unknown, bytes: number, timing: { ms: number; what: string }): Promise<T> {
    const t0 = performance.now();
    const result = await this.within(this.deadline(bytes), method, this.client!.connection.sendRequest(method, params) as Promise<T>);
    const ms = performance.now() - t0;
    if (ms > timing.ms) {
      timing.ms = ms;
      timing.what = method;
    }
    return result;
  }

  async run(c: FuzzCase, engineResult: Promise<{ diagnostics: EngineDiagnosticView[]; configError?: string } | undefined>, rng: Random): Promise<LspCaseResult> {
    const failures: Failure[] = [];
    const fail = (kind: Failure['kind'], message: string) => failures.push({ kind, message, where: 'lsp' });
    const timing = { ms: 0, what: '' };
    const client = this.client!;
    client.notifications.length = 0;
    client.logs.length = 0;
    const stderrBefore = client.stderr.length;
    const bytes = c.changes.reduce((n, ch) => n + (ch.bytes?.length ?? 0), 0);
    try {
      const textual = c.changes.length === 1 && c.changes[0].edits !== undefined;
      if (textual) await this.textCase(c, engineResult, rng, bytes, timing, fail);
      else await this.diskCase(c, engineResult, bytes, timing, fail);
    } catch (error) {
      if (error instanceof Timeout) fail('hang', error.message);
      else fail('crash', error instanceof Error ? error.message : String(error));
    }
    for (const n of client.notifications) {
      if (n.method !== 'window/logMessage') continue;
      const { type, message } = n.params as { type: number; message: string };
      if (type === 1 || /failed/.test(message)) fail(/rule \w+ failed/.test(message) ? 'rule-error' : 'crash', message.slice(0, 2000));
    }
    const stderr = client.stderr.slice(stderrBefore).trim();
    if (stderr) fail(/rule \w+ failed/.test(stderr) ? 'rule-error' : 'crash', `server stderr: ${stderr.slice(0, 2000)}`);
    if (this.exited && !failures.some((f) => f.kind === 'hang')) fail('crash', `the server exited: ${client.stderr.slice(-2000)}`);
    return { failures, slowestMs: timing.ms, slowestRequest: timing.what };
  }

  private async textCase(
    c: FuzzCase,
    engineResult: Promise<{ diagnostics: EngineDiagnosticView[]; configError?: string } | undefined>,
    rng: Random,
    bytes: number,
    timing: { ms: number; what: string },
    fail: (kind: Failure['kind'], message: string) => void,
  ): Promise<void> {
    const client = this.client!;
    const change = c.changes[0];
    const file = path.join(this.root, ...change.path.split('/'));
    const uri = uriOf(file);
    const original = this.project.files.get(change.path)!.toString('utf8');
    await client.open(file, original, ++this.version);
    // The case's edits as one didChange with several changes, or one didChange each.
    let text = original;
    const inverse: TextEdit[] = [];
    const contentChanges: { range: LspRange; text: string }[] = [];
    const together = rng.chance(0.5);
    for (const edit of change.edits!) {
      inverse.unshift({ start: edit.start, end: edit.start + edit.text.length, text: text.slice(edit.start, edit.end) });
      const lspChange = { range: range(new LineIndex(text), edit.start, edit.end), text: edit.text };
      text = applyTextEdits(text, [edit]);
      if (together) contentChanges.push(lspChange);
      else await client.change(file, ++this.version, [lspChange]);
    }
    if (together) await client.change(file, ++this.version, contentChanges);
    const version = this.version;
    const lines = new LineIndex(text);
    const whole = range(lines, 0, text.length);
    const errorsBefore = syntaxErrorCount(this.parser, text);

    // Fix-all, as editor.codeActionsOnSave asks for it.
    const fixAll = await this.request<LspCodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics: [], only: ['source.fixAll'] } }, bytes, timing);
    for (const action of fixAll ?? []) this.checkEdit(action, uri, text, version, errorsBefore, fail);

    // What was published for this text must be what the engine finds in it.
    const published = client.diagnostics.get(uri);
    const mine = (published?.diagnostics ?? []).filter((d) => d.source === 'djswap');
    const engine = await engineResult;
    if (engine && !engine.configError && !change.lossy) {
      const expected = engine.diagnostics.filter((d) => d.file === change.path).map((d) => key({ code: d.code, range: { start: { line: d.line, character: d.character }, end: { line: d.endLine, character: d.endCharacter } }, message: d.message })).sort();
      const actual = mine.map(key).sort();
      if (expected.join('\n') !== actual.join('\n')) fail('lsp-mismatch', `${change.path} (version ${published?.version}, expected ${version}): ${firstDifference(actual, expected)}`);
    }

    // Quick fixes of a few diagnostics, each applied alone.
    for (const d of mine.slice(0, 4)) {
      const actions = await this.request<LspCodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } }, bytes, timing);
      for (const action of actions ?? []) this.checkEdit(action, uri, text, version, errorsBefore, fail);
    }

    // Hover and definition, where the server offers them: on findings, at random, past the end.
    const positions = [...mine.slice(0, 2).map((d) => d.range.start), lines.position(rng.int(0, text.length)), { line: lines.lineCount + 5, column: 0 }, { line: 0, column: 10_000 }].map((p) =>
      'column' in p ? { line: p.line, character: p.column } : p,
    );
    for (const [capability, method] of [
      ['hoverProvider', 'textDocument/hover'],
      ['definitionProvider', 'textDocument/definition'],
    ] as const) {
      if (!this.capabilities[capability]) continue;
      for (const position of positions) await this.request(method, { textDocument: { uri }, position }, bytes, timing);
    }

    // Undo, edit by edit in the buffer: the findings of the original text come back.
    const undo = inverse.map((e) => {
      const lspChange = { range: range(new LineIndex(text), e.start, e.end), text: e.text };
      text = applyTextEdits(text, [e]);
      return lspChange;
    });
    await client.change(file, ++this.version, undo);
    await this.sync('undo', bytes);
    const now = (client.diagnostics.get(uri)?.diagnostics ?? []).map(key).sort();
    const before = this.initial.get(uri) ?? [];
    if (now.join('\n') !== before.join('\n')) fail('incremental-mismatch', `${change.path}: after undoing the edits the server publishes ${firstDifference(now, before)}`);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await this.sync('close', 0);
    this.compareWithInitial('after closing', fail);
  }

  /** Changes an editor cannot make: bytes on disk, deleted and new files, seen through watched-file events. */
  private async diskCase(
    c: FuzzCase,
    engineResult: Promise<{ diagnostics: EngineDiagnosticView[]; configError?: string } | undefined>,
    bytes: number,
    timing: { ms: number; what: string },
    fail: (kind: Failure['kind'], message: string) => void,
  ): Promise<void> {
    const client = this.client!;
    const events: { uri: string; type: number }[] = [];
    for (const change of c.changes) {
      const file = path.join(this.root, ...change.path.split('/'));
      const existed = fs.existsSync(file);
      if (change.bytes === null) {
        fs.rmSync(file, { force: true });
        events.push({ uri: uriOf(file), type: 3 });
      } else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, change.bytes);
        events.push({ uri: uriOf(file), type: existed ? 2 : 1 });
      }
    }
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: events });
    const ms = await this.sync('didChangeWatchedFiles', bytes);
    if (ms > timing.ms) {
      timing.ms = ms;
      timing.what = 'didChangeWatchedFiles + projectModel';
    }
    const engine = await engineResult;
    if (engine && !engine.configError) {
      const files = new Set([...c.changes.map((ch) => ch.path), ...engine.diagnostics.map((d) => d.file)]);
      for (const relative of [...files].slice(0, 50)) {
        const uri = uriOf(path.join(this.root, ...relative.split('/')));
        const expected = engine.diagnostics.filter((d) => d.file === relative).map((d) => key({ code: d.code, range: { start: { line: d.line, character: d.character }, end: { line: d.endLine, character: d.endCharacter } }, message: d.message })).sort();
        const actual = (client.diagnostics.get(uri)?.diagnostics ?? []).map(key).sort();
        if (expected.join('\n') !== actual.join('\n')) {
          fail('lsp-mismatch', `${relative}: ${firstDifference(actual, expected)}`);
          break;
        }
      }
    }
    // Put the files back.
    const undo: { uri: string; type: number }[] = [];
    for (const change of c.changes) {
      const file = path.join(this.root, ...change.path.split('/'));
      const original = this.project.files.get(change.path);
      if (original) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, original);
        undo.push({ uri: uriOf(file), type: change.bytes === null ? 1 : 2 });
      } else {
        fs.rmSync(file, { force: true });
        undo.push({ uri: uriOf(file), type: 3 });
      }
    }
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: undo });
    await this.sync('undo on disk', 0);
    this.compareWithInitial('after the files were put back', fail);
  }

  private compareWithInitial(when: string, fail: (kind: Failure['kind'], message: string) => void): void {
    const now = this.published();
    for (const uri of new Set([...now.keys(), ...this.initial.keys()])) {
      const a = now.get(uri) ?? [];
      const b = this.initial.get(uri) ?? [];
      if (a.join('\n') !== b.join('\n')) {
        fail('incremental-mismatch', `${when}, ${path.relative(this.root, new URL(uri).pathname)} differs from the start: ${firstDifference(a, b)}`);
        return;
      }
    }
  }

  /** A code action's edit must be for the current version and keep the file parsing. */
  private checkEdit(action: LspCodeAction, uri: string, text: string, version: number, errorsBefore: number, fail: (kind: Failure['kind'], message: string) => void): void {
    const edit = action.edit;
    if (!edit) return;
    const perUri = new Map<string, LspTextEdit[]>();
    for (const [u, list] of Object.entries(edit.changes ?? {})) perUri.set(u, list);
    for (const dc of edit.documentChanges ?? []) {
      if (dc.textDocument.uri === uri && dc.textDocument.version !== null && dc.textDocument.version !== version) {
        fail('crash', `"${action.title}" is for version ${dc.textDocument.version} of a document at version ${version}`);
      }
      perUri.set(dc.textDocument.uri, [...(perUri.get(dc.textDocument.uri) ?? []), ...dc.edits]);
    }
    for (const [u, edits] of perUri) {
      if (!u.startsWith(uriOf(this.root) + '/')) {
        fail('fix-outside', `"${action.title}" edits ${u}, outside the workspace`);
        continue;
      }
      const target = u === uri ? text : fs.readFileSync(new URL(u), 'utf8');
      const after = applyLspEdits(target, edits);
      const before = u === uri ? errorsBefore : syntaxErrorCount(this.parser, target);
      const now = syntaxErrorCount(this.parser, after);
      if (fixBreaksSyntax(before, now)) fail('fix-breaks-syntax', `"${action.title}" (${action.kind}) on ${path.relative(this.root, new URL(u).pathname)}: syntax errors ${before} -> ${now}`);
    }
  }
}
