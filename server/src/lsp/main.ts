import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { DjswapServer } from './server';

/**
 * Starts the language server on the transport its arguments name: `--stdio` (any LSP editor),
 * `--node-ipc` (the VS Code client) or `--socket=PORT`.
 */
export function startLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  // A promise nobody awaits (a message box the client refused, a notification to a closed
  // connection) must not end the process, which Node does by default: log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    const message = reason instanceof Error ? reason.stack ?? reason.message : String(reason);
    try {
      connection.console.error(`djswap: unhandled rejection: ${message}`);
    } catch {
      // the connection itself is gone
    }
  });
  new DjswapServer(connection).register();
  connection.listen();
}
