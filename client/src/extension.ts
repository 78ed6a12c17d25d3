import * as path from 'node:path';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  CLIENT_COMMANDS,
  COMMANDS,
  PLAN_REQUEST,
  PROJECT_MODEL_REQUEST,
  STATUS_NOTIFICATION,
  type MigrationGraphParams,
  type PlanParams,
  type PlanResult,
  type ProjectModelParams,
  type ProjectModelResult,
  type StatusParams,
} from '../../server/src/lsp/protocol';
import { chooseSettingsModule } from './choose-settings';
import { showMigrationGraph } from './graph-panel';
import { PythonInterpreters } from './python-interpreter';
import { StatusBar } from './status';

let client: LanguageClient | undefined;

/** Starts the language server over IPC; the analysis happens in the server, this shows it. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('djswap', { log: true });
  const status = new StatusBar();
  const interpreters = new PythonInterpreters(
    () => void client?.sendNotification(DidChangeConfigurationNotification.type, { settings: null }),
    (message) => output.info(message),
  );

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    // --expose-gc: the server collects once it has been idle a moment (see engine/idle-collector.ts).
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--expose-gc'] } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--expose-gc', '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'file', pattern: '**/pyproject.toml' },
    ],
    outputChannel: output,
    diagnosticCollectionName: 'djswap',
    // Read again on every start: trusting the workspace restarts the server with git allowed.
    initializationOptions: () => ({ commandLinks: true, trusted: vscode.workspace.isTrusted }),
    // Hovers link to djswap's own commands (show the migration graph).
    markdown: { isTrusted: { enabledCommands: [CLIENT_COMMANDS.showMigrationGraph] } },
    middleware: {
      workspace: {
        // The Python extension's interpreter goes to the server as the folder's `python` setting.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          await interpreters.ready;
          return result.map((section, i) => (params.items[i]?.section === 'djswap' ? interpreters.withInterpreter(section, params.items[i].scopeUri) : section));
        },
      },
    },
  };
  client = new LanguageClient('djswap', 'djswap', serverOptions, clientOptions);

  // Kept by the client across restarts.
  client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.update(params));
  const restart = async () => {
    status.starting();
    await client?.restart();
  };
  const showMarkdown = async (method: string, params: ProjectModelParams | PlanParams, preview: boolean) => {
    const result = await client?.sendRequest<ProjectModelResult>(method, params);
    const document = await vscode.workspace.openTextDocument({ content: result?.markdown ?? 'djswap is not running.', language: 'markdown' });
    await vscode.window.showTextDocument(document, { preview });
  };
  const activeUri = () => vscode.window.activeTextEditor?.document.uri.toString();

  context.subscriptions.push(
    output,
    status,
    interpreters,
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
    vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, restart),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.planSwappableChange, async () => {
      const params: PlanParams = { uri: activeUri() };
      const result = await client?.sendRequest<PlanResult>(PLAN_REQUEST, params);
      const document = await vscode.workspace.openTextDocument({ content: result?.markdown ?? 'djswap is not running.', language: 'markdown' });
      await vscode.window.showTextDocument(document, { preview: false });
      const next = result?.next;
      if (!next || !client) return;
      // The edits only: SQL and commands are for each database, and stay with the person running them.
      const first = next.after.length ? ` Deploy them only after deployment ${next.after.join(', ')} ran on every database.` : '';
      const action = `Apply deployment ${next.number}'s edits`;
      // Not awaited: the command is done once the plan shows; the offer stays until answered.
      void vscode.window.showInformationMessage(`djswap: ${next.title} — ${next.files.length} file(s) to write.${first}`, action).then(async (choice) => {
        if (choice === action) await vscode.commands.executeCommand(COMMANDS.applyPlanEdits, params);
      });
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showProjectModel, () => showMarkdown(PROJECT_MODEL_REQUEST, { uri: activeUri() }, true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showMigrationGraph, async (args?: MigrationGraphParams) => {
      if (client) await showMigrationGraph(client, args);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.chooseSettingsModule, async () => {
      if (!client) return undefined;
      try {
        return await chooseSettingsModule(client);
      } catch (error) {
        void vscode.window.showErrorMessage(`djswap: the settings module could not be set: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }),
  );
  try {
    await client.start();
  } catch (error) {
    // The client shows its own message; the status bar must not keep spinning.
    status.failed(error instanceof Error ? error.message : String(error));
  }
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
