import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { ConfigError } from '../../engine/config';
import { Session } from '../../engine/session';
import { WATCHED_FILE_GLOBS } from '../../engine/watch';
import { loadPythonParser } from '../../syntax/parser';
import type { ClientSupport, ServerContext } from '../context';
import { uriToPath } from '../convert';
import { COMMANDS } from '../protocol';
import { applyConfiguration, loadHistories } from './did-change-configuration';
import { sendStatus } from './publish-diagnostics';
import { openDocumentsIn } from './text-document-sync';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.djswap`;

declare const DJSWAP_VERSION: string | undefined;
const VERSION = typeof DJSWAP_VERSION === 'string' ? DJSWAP_VERSION : 'dev';

/** `initialize`: what the client supports, the workspace folders, the capabilities, in one place. */
export function initialize(ctx: ServerContext, params: InitializeParams): InitializeResult {
  ctx.support = clientSupport(params);
  const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f) ?? [];
  const root = params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? undefined;
  ctx.folders = folders.length > 0 ? folders : root ? [root] : [];
  // Loading the parser may fall back to wasm: start now, await where it is needed.
  // An editor that says the workspace is not trusted (VS Code's restricted mode) gets no git:
  // git reads the repository's own configuration. Editors that say nothing are trusted.
  const trusted = (params.initializationOptions as { trusted?: boolean } | undefined)?.trusted !== false;
  ctx.ready = loadPythonParser().then((parser) => {
    const session = new Session(parser, undefined, trusted ? undefined : { ...process.env, DJSWAP_GIT: '0' });
    if (!trusted) ctx.log('djswap: the workspace is not trusted: the history of settings is not read from git');
    session.setFolders(ctx.folders.map((f) => ({ root: f, overrides: {} })));
    ctx.session = session;
    // Documents opened while the parser loaded: the engine gets them now, in their current state.
    openDocumentsIn(ctx, session);
    ctx.log(`djswap: parser backend ${parser.backend}${parser.fallbackReason ? ` (native unavailable: ${parser.fallbackReason})` : ''}`);
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: ctx.support.codeActionLiterals
        ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: ctx.support.codeActionResolve }
        : true,
      executeCommandProvider: { commands: [COMMANDS.showDocumentation, COMMANDS.fixAllInWorkspace, COMMANDS.applyFixAllInFile, COMMANDS.applyPlanEdits] },
      hoverProvider: true,
      definitionProvider: true,
      declarationProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: ctx.support.workspaceFolders } },
    },
    serverInfo: { name: 'djswap', version: VERSION },
  };
}

function clientSupport(params: InitializeParams): ClientSupport {
  const capabilities = params.capabilities ?? {};
  const options = params.initializationOptions as { commandLinks?: boolean } | undefined;
  const codeAction = capabilities.textDocument?.codeAction;
  return {
    configuration: capabilities.workspace?.configuration === true,
    watchedFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    progress: capabilities.window?.workDoneProgress === true,
    related: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
    codeActionLiterals: codeAction?.codeActionLiteralSupport !== undefined,
    codeActionResolve: codeAction?.codeActionLiteralSupport !== undefined && (codeAction?.resolveSupport?.properties ?? []).includes('edit'),
    showDocument: capabilities.window?.showDocument?.support === true,
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    resourceOperations:
      capabilities.workspace?.workspaceEdit?.documentChanges === true &&
      ['create', 'delete'].every((kind) => (capabilities.workspace?.workspaceEdit?.resourceOperations ?? []).includes(kind as 'create' | 'delete')),
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    // Only a client that registers djswap's commands can follow a command link in a hover.
    commandLinks: options?.commandLinks === true,
  };
}

/** `initialized`: dynamic registrations, then indexing in the background (requests are served meanwhile). */
export async function initialized(ctx: ServerContext): Promise<void> {
  if (ctx.support.configuration) await ctx.connection.client.register(DidChangeConfigurationNotification.type, { section: 'djswap' });
  if (ctx.support.watchedFiles) {
    await ctx.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILE_GLOBS.map((globPattern) => ({ globPattern })) });
  }
  await ctx.ready;
  await applyConfiguration(ctx);
  setImmediate(() => ctx.guard('indexing', () => index(ctx)));
}

async function index(ctx: ServerContext): Promise<void> {
  const progress = ctx.support.progress ? await ctx.connection.window.createWorkDoneProgress() : undefined;
  progress?.begin('Indexing Django project…', 0, undefined, false);
  sendStatus(ctx, { state: 'indexing', errors: 0, warnings: 0, infos: 0, files: 0 });
  const started = Date.now();
  try {
    await ctx.session?.prewarm((done, total) => progress?.report(total > 0 ? Math.round((done / total) * 100) : 100, `${done}/${total} files`));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error; // reported by the analysis below
  }
  await loadHistories(ctx);
  ctx.analysis.run();
  progress?.done();
  const files = ctx.session?.folders.reduce((n, w) => n + w.files.cachedFiles, 0) ?? 0;
  ctx.log(`djswap: indexed ${files} files in ${Date.now() - started} ms`);
}
