import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { DjswapServer } from './server';

/**
 * Starts the language server on the transport its arguments name: `--stdio` (any LSP editor),
 * `--node-ipc` (the VS Code client) or `--socket=PORT`.
 */
export function startLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  new DjswapServer(connection).register();
  connection.listen();
}
