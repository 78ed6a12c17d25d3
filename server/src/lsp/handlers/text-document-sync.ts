import {
  TextDocuments,
  type DidChangeTextDocumentParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type NotificationHandler,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextChange } from '../../engine/files';
import type { Session } from '../../engine/session';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';

/** What TextDocuments listens to (the library does not export the type). */
type TextDocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

/**
 * Text sync: `TextDocuments` keeps the editor's documents; each change is also handed to the engine,
 * as offsets in the text it applies to, so that the engine re-parses incrementally. Messages are
 * checked before `TextDocuments` sees them: a malformed one is logged and ignored, and the two copies
 * of a document never part.
 */
export function listenToDocuments(ctx: ServerContext): void {
  // What the last change did, as offsets: noted while TextDocuments applies it, taken right after.
  let applied: TextChange[] | 'full' | undefined;
  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, text) => TextDocument.create(uri, languageId, version, text),
    update: (document, changes, version) => {
      applied = applyChanges(document, changes, version);
      return document;
    },
  });
  ctx.documents = documents;
  documents.listen(checkedConnection(ctx, () => {
    const taken = applied;
    applied = undefined;
    return taken;
  }));
  documents.onDidOpen(({ document }) =>
    ctx.guard('didOpen', () => {
      const file = uriToPath(document.uri);
      if (!file || !ctx.session) return;
      ctx.session.open(file, document.getText(), document.version);
      ctx.analysis.schedule();
    }),
  );
  documents.onDidClose(({ document }) =>
    ctx.guard('didClose', () => {
      const file = uriToPath(document.uri);
      if (!file || !ctx.session) return;
      ctx.session.close(file);
      ctx.analysis.schedule();
    }),
  );
}

/** Hands every open document to a session that has just been created. */
export function openDocumentsIn(ctx: ServerContext, session: Session): void {
  for (const document of ctx.documents.all()) {
    const file = uriToPath(document.uri);
    if (file) session.open(file, document.getText(), document.version);
  }
  if (ctx.documents.all().length > 0) ctx.analysis.schedule();
}

/** The connection as `TextDocuments` listens to it: each message checked first, each change passed on to the engine. */
function checkedConnection(ctx: ServerContext, takeApplied: () => TextChange[] | 'full' | undefined): TextDocumentConnection {
  const c = ctx.connection;
  return {
    onDidOpenTextDocument: (handler: NotificationHandler<DidOpenTextDocumentParams>) =>
      c.onDidOpenTextDocument((params) =>
        ctx.guard('didOpen', () => {
          const td = params?.textDocument;
          if (!td || typeof td.uri !== 'string' || typeof td.text !== 'string' || !Number.isInteger(td.version)) return malformed(ctx, 'didOpen', td?.uri);
          handler(params);
        }),
      ),
    onDidChangeTextDocument: (handler: NotificationHandler<DidChangeTextDocumentParams>) =>
      c.onDidChangeTextDocument((params) =>
        ctx.guard('didChange', () => {
          const td = params?.textDocument;
          if (!td || typeof td.uri !== 'string' || !Number.isInteger(td.version)) return malformed(ctx, 'didChange', td?.uri);
          if (!Array.isArray(params.contentChanges) || !params.contentChanges.every(isContentChange)) return malformed(ctx, 'didChange', td.uri);
          takeApplied();
          handler(params);
          const applied = takeApplied();
          const file = uriToPath(td.uri);
          if (!applied || !file || !ctx.session) return;
          const document = ctx.documents.get(td.uri)!;
          ctx.session.change(file, applied === 'full' ? { full: document.getText() } : applied, td.version);
          ctx.analysis.schedule();
        }),
      ),
    onDidCloseTextDocument: (handler: NotificationHandler<DidCloseTextDocumentParams>) =>
      c.onDidCloseTextDocument((params) =>
        ctx.guard('didClose', () => {
          if (typeof params?.textDocument?.uri !== 'string') return malformed(ctx, 'didClose', undefined);
          handler(params);
        }),
      ),
    onWillSaveTextDocument: (handler) => c.onWillSaveTextDocument(handler),
    onWillSaveTextDocumentWaitUntil: (handler) => c.onWillSaveTextDocumentWaitUntil(handler),
    onDidSaveTextDocument: (handler) => c.onDidSaveTextDocument(handler),
  };
}

/**
 * Applies the changes to the document one at a time, noting each as offsets in the text it applies
 * to, by the document's own rules (clamped positions, reversed ranges put in order); "full" when one
 * replaces the whole text (the engine then takes the final text).
 */
function applyChanges(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextChange[] | 'full' {
  const out: TextChange[] = [];
  let full = false;
  for (const change of changes) {
    if ('range' in change && change.range !== undefined) {
      let { start, end } = change.range;
      if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
      out.push({ start: document.offsetAt(start), end: document.offsetAt(end), text: change.text });
    } else full = true;
    TextDocument.update(document, [change], version);
  }
  return full ? 'full' : out;
}

function malformed(ctx: ServerContext, what: string, uri: unknown): void {
  ctx.connection.console.warn(`djswap: ignored a malformed ${what}${typeof uri === 'string' ? ` of ${uri}` : ''}`);
}

function isPosition(value: unknown): boolean {
  const p = value as { line?: unknown; character?: unknown } | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

/** A content change as the protocol has it: a string, with a range of two positions or none. */
function isContentChange(value: unknown): boolean {
  const change = value as { text?: unknown; range?: { start?: unknown; end?: unknown } } | null;
  if (typeof change !== 'object' || change === null || typeof change.text !== 'string') return false;
  if (!('range' in change) || change.range === undefined) return true;
  return typeof change.range === 'object' && change.range !== null && isPosition(change.range.start) && isPosition(change.range.end);
}
