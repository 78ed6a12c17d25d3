import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { ServerContext } from './context';
import { codeAction } from './handlers/code-action';
import { codeActionResolve } from './handlers/code-action-resolve';
import { locations } from './handlers/definition';
import { didChangeConfiguration } from './handlers/did-change-configuration';
import { didChangeWatchedFiles } from './handlers/did-change-watched-files';
import { didChangeWorkspaceFolders } from './handlers/did-change-workspace-folders';
import { executeCommand } from './handlers/execute-command';
import { hover } from './handlers/hover';
import { initialize, initialized } from './handlers/initialize';
import { migrationGraph } from './handlers/migration-graph';
import { plan } from './handlers/plan';
import { projectModel } from './handlers/project-model';
import { AnalysisScheduler } from './handlers/publish-diagnostics';
import { settingsCandidates } from './handlers/settings-candidates';
import { listenToDocuments } from './handlers/text-document-sync';
import {
  MIGRATION_GRAPH_REQUEST,
  PLAN_REQUEST,
  PROJECT_MODEL_REQUEST,
  SETTINGS_CANDIDATES_REQUEST,
  type MigrationGraphParams,
  type PlanParams,
  type ProjectModelParams,
} from './protocol';

export { FIX_ALL_KIND } from './handlers/initialize';

/**
 * The language server: LSP messages wired to one handler each (server/src/lsp/handlers/). Every
 * notification and request is guarded: a failure is logged and answered with an empty result, and
 * the server keeps serving. Requests wait for the engine and for the analysis a change made due.
 */
export class DjswapServer {
  private readonly ctx: ServerContext;

  constructor(connection: Connection) {
    this.ctx = new ServerContext(connection);
    this.ctx.analysis = new AnalysisScheduler(this.ctx);
  }

  register(): void {
    const ctx = this.ctx;
    const c = ctx.connection;
    const request = <P, R>(what: string, empty: R, handler: (params: P) => R | Promise<R>) => (params: P, token: CancellationToken) => ctx.request(what, empty, () => handler(params), token);

    c.onInitialize((params) => initialize(ctx, params));
    c.onInitialized(() =>
      ctx.guard('initialized', async () => {
        if (ctx.support.workspaceFolders) c.workspace.onDidChangeWorkspaceFolders((event) => ctx.guard('didChangeWorkspaceFolders', () => didChangeWorkspaceFolders(ctx, event)));
        await initialized(ctx);
      }),
    );
    listenToDocuments(ctx);
    c.onDidChangeWatchedFiles((params) => ctx.guard('didChangeWatchedFiles', () => didChangeWatchedFiles(ctx, params)));
    c.onDidChangeConfiguration(() => ctx.guard('didChangeConfiguration', () => didChangeConfiguration(ctx)));

    c.onCodeAction(request('codeAction', [], (params) => codeAction(ctx, params)));
    c.onCodeActionResolve((action, token) => ctx.request('codeActionResolve', action, () => codeActionResolve(ctx, action), token));
    c.onHover(request('hover', null, (params) => hover(ctx, params)));
    c.onDefinition(request('definition', [], (params) => locations(ctx, params, 'definition')));
    c.onDeclaration(request('declaration', [], (params) => locations(ctx, params, 'declaration')));
    c.onExecuteCommand(request('executeCommand', null, (params) => executeCommand(ctx, params)));

    c.onRequest(PROJECT_MODEL_REQUEST, request('projectModel', { markdown: '' }, (params: ProjectModelParams) => projectModel(ctx, params)));
    c.onRequest(MIGRATION_GRAPH_REQUEST, request('migrationGraph', null, (params: MigrationGraphParams) => migrationGraph(ctx, params)));
    c.onRequest(PLAN_REQUEST, request('plan', { markdown: '', plan: null }, (params: PlanParams) => plan(ctx, params)));
    c.onRequest(SETTINGS_CANDIDATES_REQUEST, request('settingsCandidates', { candidates: [] }, () => settingsCandidates(ctx)));

    c.onShutdown(() => ctx.analysis.dispose());
  }
}
