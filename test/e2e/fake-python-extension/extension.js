// The part of the Python extension's API (ms-python.python, see @vscode/python-extension) that djswap
// uses: the active environment of a folder, resolving it to an executable, and the change event.
// The interpreter is whatever the suite last set with `djswapE2e.setPythonInterpreter` (none at first).
const vscode = require('vscode');

let interpreter;
const changed = new vscode.EventEmitter();

function activate(context) {
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand('djswapE2e.setPythonInterpreter', (path) => {
      interpreter = typeof path === 'string' && path !== '' ? path : undefined;
      for (const folder of vscode.workspace.workspaceFolders ?? []) changed.fire({ id: interpreter ?? 'none', path: interpreter ?? '', resource: folder });
    }),
  );
  const environmentOf = (path) => ({ id: path, path, executable: { uri: vscode.Uri.file(path), bitness: 'Unknown', sysPrefix: '' }, environment: undefined, tools: [], version: undefined });
  return {
    ready: Promise.resolve(),
    debug: {
      getRemoteLauncherCommand: async () => [],
      getDebuggerPackagePath: async () => undefined,
    },
    environments: {
      getActiveEnvironmentPath: () => ({ id: interpreter ?? 'none', path: interpreter ?? '' }),
      updateActiveEnvironmentPath: async () => {},
      onDidChangeActiveEnvironmentPath: changed.event,
      known: [],
      onDidChangeEnvironments: new vscode.EventEmitter().event,
      refreshEnvironments: async () => {},
      resolveEnvironment: async (environment) => {
        const path = typeof environment === 'string' ? environment : environment?.path;
        return path ? environmentOf(path) : undefined;
      },
      getEnvironmentVariables: () => ({}),
      onDidEnvironmentVariablesChange: new vscode.EventEmitter().event,
    },
  };
}

module.exports = { activate, deactivate() {} };
