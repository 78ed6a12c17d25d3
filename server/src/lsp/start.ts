import { startLanguageServer } from './main';

// The entry of dist/server.js: the VS Code client starts it with --node-ipc, other editors with --stdio.
startLanguageServer();
