import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { REPO } from './paths';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string; message: string; severity?: number; data?: unknown; source?: string; relatedInformation?: unknown[] }[];
}

export const uriOf = (file: string) => URI.file(file).toString();

/**
 * A real LSP client over stdio against the bundled server (dist/server.js): requests, and waits
 * on notifications with deadlines instead of sleeps.
 */
export class LspTestClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly diagnostics = new Map<string, PublishedDiagnostics>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly logs: string[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  configuration: Record<string, unknown> = {};
  appliedEdits: unknown[] = [];

  constructor(env: Record<string, string> = {}) {
    const server = path.join(REPO, 'dist', 'server.js');
    if (!fs.existsSync(server)) throw new Error('dist/server.js is missing: run `npm run build` first');
    this.process = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.process.stderr!.on('data', (chunk) => (this.stderr += chunk.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => {
      this.diagnostics.set(params.uri, params);
      this.wake();
    });
    this.connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
      if (method === 'window/logMessage') this.logs.push((params as { message: string }).message);
      this.wake();
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map(() => this.configuration));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/applyEdit', (params: unknown) => {
      this.appliedEdits.push(params);
      return { applied: true };
    });
    this.connection.listen();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async initialize(root: string, capabilities: Record<string, unknown> = DEFAULT_CAPABILITIES, initializationOptions?: unknown): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves when `predicate` holds, re-checked on every message; rejects after the deadline. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr}\nlogs:\n${this.logs.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  diagnosticsOf(file: string): PublishedDiagnostics['diagnostics'] | undefined {
    return this.diagnostics.get(uriOf(file))?.diagnostics;
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8'), version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'python', version, text } });
  }

  async change(file: string, version: number, changes: unknown[]): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: changes });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    this.connection.dispose();
    this.process.kill();
  }
}

export const DEFAULT_CAPABILITIES = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true }, applyEdit: true },
  window: { workDoneProgress: true, showDocument: { support: true } },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: false },
  },
};

/** Applies LSP text edits (ranges in the given text) and returns the new text. */
export function applyLspEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
