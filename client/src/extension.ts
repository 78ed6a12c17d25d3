import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
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
import { showMigrationGraph } from './graph-panel';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

/** Starts the language server over IPC; everything else happens in the server. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('djswap', { log: true });
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = 'djswap';
  status.command = CLIENT_COMMANDS.showProjectModel;
  status.text = '$(loading~spin) djswap';
  status.tooltip = 'djswap: starting';
  status.show();

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
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
  };
  client = new LanguageClient('djswap', 'djswap', serverOptions, clientOptions);

  context.subscriptions.push(
    output,
    status,
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await client?.restart();
      listenForStatus();
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, async () => {
      await client?.restart();
      listenForStatus();
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.planSwappableChange, async () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      const params: PlanParams = { uri };
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
    vscode.commands.registerCommand(CLIENT_COMMANDS.showMigrationGraph, async (args?: MigrationGraphParams) => {
      if (client) await showMigrationGraph(client, args);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showProjectModel, async () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      const result = await client?.sendRequest<ProjectModelResult>(PROJECT_MODEL_REQUEST, { uri } satisfies ProjectModelParams);
      const document = await vscode.workspace.openTextDocument({ content: result?.markdown ?? 'djswap is not running.', language: 'markdown' });
      await vscode.window.showTextDocument(document, { preview: true });
    }),
  );
  try {
    await client.start();
  } catch (error) {
    // The client shows its own message; the status bar must not keep spinning.
    status.text = '$(error) djswap';
    status.tooltip = `djswap: the language server did not start (${error instanceof Error ? error.message : String(error)}). Click for the output.`;
    status.command = CLIENT_COMMANDS.showOutput;
    return;
  }
  listenForStatus();
}

function listenForStatus(): void {
  if (status) status.command = CLIENT_COMMANDS.showProjectModel;
  client?.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
    if (!status) return;
    const problems = params.errors + params.warnings + params.infos;
    switch (params.state) {
      case 'indexing':
        status.text = '$(loading~spin) djswap: indexing';
        status.tooltip = 'djswap: indexing the Django project';
        break;
      case 'no-project':
        status.text = '$(circle-slash) djswap';
        status.tooltip = 'djswap: no Django project found (manage.py, [tool.djswap] settings, DJANGO_SETTINGS_MODULE or settings.py)';
        break;
      case 'error':
        status.text = '$(error) djswap';
        status.tooltip = `djswap: ${params.message ?? 'configuration error'}`;
        break;
      default:
        status.text = `${params.errors > 0 ? '$(error)' : params.warnings > 0 ? '$(warning)' : '$(check)'} djswap ${params.settings ?? ''}`.trimEnd();
        status.tooltip = `djswap: ${params.settings ?? ''} — ${problems} swappable-model problem${problems === 1 ? '' : 's'} (${params.errors} errors, ${params.warnings} warnings) in ${params.files} files. Click to show the project model.`;
    }
  });
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
