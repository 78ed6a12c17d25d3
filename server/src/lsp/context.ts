import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigError } from '../engine/config';
import type { Session } from '../engine/session';
import { LineIndex } from '../syntax/text';
import { uriToPath } from './convert';
import { EditBuilder } from './edits';

/** What the client said it can do, read once from `initialize`. */
export interface ClientSupport {
  configuration: boolean;
  watchedFiles: boolean;
  progress: boolean;
  related: boolean;
  codeActionLiterals: boolean;
  /** codeAction/resolve may fill in `edit`: fix-all actions are computed only when chosen. */
  codeActionResolve: boolean;
  showDocument: boolean;
  documentChanges: boolean;
  /** The client can create and delete files through a WorkspaceEdit. */
  resourceOperations: boolean;
  workspaceFolders: boolean;
  commandLinks: boolean;
}

/** The analysis scheduler, as the handlers see it (see publish-diagnostics.ts). */
export interface Analysis {
  /** Runs an analysis soon, on the newest state. */
  schedule(): void;
  /** Runs a scheduled analysis now. */
  flush(): void;
  /** Runs an analysis now, scheduled or not. */
  run(): void;
  dispose(): void;
}

/**
 * What the handlers share: the connection, the client's support, the open documents (the editor's
 * text, kept by `TextDocuments`), and the engine's Session once the parser has loaded. The engine
 * keeps the parsed state; nothing here remembers one request for the next.
 */
export class ServerContext {
  session?: Session;
  /** Resolves when the session exists (the parser may have to fall back to wasm first). */
  ready: Promise<void> = Promise.resolve();
  support!: ClientSupport;
  folders: string[] = [];
  /** The editor's open documents (see text-document-sync.ts). */
  documents!: TextDocuments<TextDocument>;
  analysis!: Analysis;

  constructor(readonly connection: Connection) {}

  /** Workspace edits as this client takes them, pinned to the versions the engine holds. */
  edits(): EditBuilder {
    return new EditBuilder(this.support.documentChanges, (uri) => {
      const file = uriToPath(uri);
      return file ? this.session?.version(file) ?? null : null;
    });
  }

  /** The text of a file as the engine holds it (the open document's, else the disk's). */
  text(file: string): string | undefined {
    return this.session?.text(file);
  }

  /** An LSP position in a document as an offset: the open document's, else the file's on disk. */
  offsetAt(uri: string, position: { line: number; character: number }): number | undefined {
    const document = this.documents.get(uri);
    if (document) return document.offsetAt(position);
    const file = uriToPath(uri);
    const text = file ? this.text(file) : undefined;
    return text === undefined ? undefined : new LineIndex(text).offset({ line: position.line, column: position.character });
  }

  log(message: string): void {
    this.connection.console.log(message);
  }

  failed(what: string, error: unknown): void {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    this.connection.console.error(`djswap: ${what} failed: ${message}`);
  }

  /** Runs a notification's work; a failure is logged, and the server keeps serving. */
  guard(what: string, work: () => void | Promise<void>): void {
    try {
      const result = work();
      if (result instanceof Promise) result.catch((error) => this.failed(what, error));
    } catch (error) {
      this.failed(what, error);
    }
  }

  /**
   * Answers a request once the session exists and the analysis a change made due has run (so the
   * answer and the published diagnostics agree). A failure is logged and answered with `empty`.
   */
  async request<T>(what: string, empty: T, work: () => T | Promise<T>, token?: CancellationToken): Promise<T> {
    try {
      await this.ready;
      // Cancelled while it waited in the queue: answer RequestCancelled without doing the work.
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
      this.analysis.flush();
      return await work();
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      // A broken pyproject.toml is the user's to fix and was shown to them: not a failure of ours.
      if (!(error instanceof ConfigError)) this.failed(what, error);
      return empty;
    }
  }
}
