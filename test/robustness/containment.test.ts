import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';
import { LspTestClient, uriOf } from '../helpers/lsp';
import { migrationChain, writeTree } from './helpers';

type LogMessage = { type: number; message: string };

function logMessages(client: LspTestClient): LogMessage[] {
  return client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => n.params as LogMessage);
}

/** The server still answers, and still reports a finding after an edit brings it back. */
async function assertServing(client: LspTestClient, models: string, text: string, version: number): Promise<void> {
  assert.equal(client.process.exitCode, null, `the server exited: ${client.stderr}`);
  const model = (await client.connection.sendRequest('djswap/projectModel', {})) as { markdown: string };
  assert.match(model.markdown, /mysite\.settings/);
  await client.open(models, text, version);
  await client.waitFor('SWP101 on the reopened models file', () => {
    const published = client.diagnostics.get(uriOf(models));
    return published?.version === version && published.diagnostics.some((d) => d.code === 'SWP101');
  });
}

describe('language server containment', function () {
  this.timeout(180_000);
  let root: string;
  let client: LspTestClient;
  let models: string;
  let text: string;

  beforeEach(async () => {
    root = copyToTemp(EXAMPLE, 'djswap-contain-');
    models = path.join(root, 'blog', 'models.py');
    text = fs.readFileSync(models, 'utf8');
  });

  afterEach(async () => {
    await client?.stop();
    removeTemp(root);
  });

  it('answers malformed requests with an empty result or an error, logs what failed, and keeps serving', async () => {
    client = new LspTestClient();
    await client.initialize(root);
    await client.waitFor('initial findings', () => client.diagnosticsOf(models)?.length);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const requests: [string, unknown][] = [
      ['textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range, context: { diagnostics: [{ range, message: 'x', source: 'djswap', data: null }] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range, context: { diagnostics: [{ range, message: 'x', source: 'djswap', data: 42 }] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range, context: { diagnostics: [{ range: null, message: 'x', source: 'djswap', data: { code: 'SWP101', version: 'v', fix: { title: 't', safe: true, edits: 'nope' } } }] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range, context: { diagnostics: [], only: [42] } }],
      ['textDocument/codeAction', { textDocument: { uri: 'file:///no/such/folder/x.py' }, range, context: { diagnostics: [], only: ['source.fixAll'] } }],
      ['textDocument/codeAction', { textDocument: { uri: '%%%' }, range, context: { diagnostics: [] } }],
      ['textDocument/codeAction', { textDocument: { uri: uriOf(root) }, range, context: { diagnostics: [], only: ['source.fixAll.djswap'] } }],
      ['workspace/executeCommand', { command: 'djswap.noSuchCommand', arguments: [] }],
      ['workspace/executeCommand', { command: 'djswap.showDocumentation', arguments: [{ not: 'a url' }] }],
      ['workspace/executeCommand', { command: 'djswap.applyFixAllInFile', arguments: [42] }],
      ['workspace/executeCommand', { command: 'djswap.applyFixAllInFile', arguments: ['file:///no/such/file.py'] }],
      ['workspace/executeCommand', { command: 'djswap.fixAllInWorkspace', arguments: [null, null] }],
      ['djswap/projectModel', { uri: 12 }],
      ['djswap/projectModel', { uri: 'untitled:Untitled-1' }],
      ['textDocument/hover', { textDocument: { uri: uriOf(models) }, position: { line: -1, character: -1 } }],
      ['textDocument/definition', { textDocument: { uri: uriOf(models) }, position: { line: 1e9, character: 1e9 } }],
      ['djswap/noSuchRequest', {}],
    ];
    for (const [method, params] of requests) {
      await client.connection.sendRequest(method, params).catch((error: { code?: number }) => {
        // An error response is an answer too (an unknown method, an invalid request).
        assert.ok(typeof error.code === 'number', `${method}: ${String(error)}`);
      });
    }
    const notifications: [string, unknown][] = [
      ['textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'python', version: 1, text: 'x = (' } }],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///outside/the/workspace.py', languageId: 'python', version: 1, text: 'import os' } }],
      ['textDocument/didOpen', { textDocument: { uri: uriOf(path.join(root, 'blog')), languageId: 'python', version: 1, text: '' } }],
      ['textDocument/didChange', { textDocument: { uri: uriOf(path.join(root, 'never-opened.py')), version: 2 }, contentChanges: [{ range, text: 'x' }] }],
      ['textDocument/didChange', { textDocument: { uri: uriOf(models), version: 3 }, contentChanges: [{ range: { start: { line: 500, character: 0 }, end: { line: 9, character: 3 } }, text: 'x' }] }],
      ['textDocument/didChange', { textDocument: { uri: uriOf(models), version: 1 }, contentChanges: [{ range: { start: { line: -4, character: -1 }, end: { line: 1e9, character: 1e9 } }, text: '(' }] }],
      ['textDocument/didChange', { textDocument: { uri: uriOf(models), version: 4 }, contentChanges: [{ range, text: null }, { text: 42 }] }],
      ['textDocument/didChange', { textDocument: { uri: uriOf(models), version: 5 }, contentChanges: null }],
      ['textDocument/didClose', { textDocument: { uri: uriOf(path.join(root, 'never-opened.py')) } }],
      ['textDocument/didClose', { textDocument: { uri: uriOf(models) } }],
      ['workspace/didChangeWatchedFiles', { changes: [{ uri: '::', type: 1 }, { uri: uriOf(path.join(root, 'gone')), type: 3 }, { uri: uriOf(root), type: 2 }, { uri: uriOf(models), type: 99 }] }],
      ['workspace/didChangeWatchedFiles', { changes: null }],
      ['workspace/didChangeConfiguration', { settings: null }],
      ['djswap/noSuchNotification', { x: 1 }],
    ];
    for (const [method, params] of notifications) await client.connection.sendNotification(method, params);
    // Requests are still answered while the documents hold whatever the messages made of them.
    await client.connection.sendRequest('djswap/projectModel', {});
    // Closing what was opened brings the disk back; the findings come back with it.
    for (const uri of ['untitled:Untitled-1', 'file:///outside/the/workspace.py', uriOf(path.join(root, 'blog')), uriOf(models)]) {
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    await assertServing(client, models, text, 100);
    assert.doesNotMatch(client.stderr, /Uncaught|Unhandled|TypeError|RangeError/, client.stderr);
    // What failed was logged as an error, with the handler's name.
    assert.ok(logMessages(client).some((m) => m.type === 1 && /djswap: codeAction failed/.test(m.message)), JSON.stringify(logMessages(client)));
  });

  it('keeps serving when a message box request is refused by the client', async () => {
    // A pyproject.toml the server must complain about, to a client that does not show message boxes
    // (the test client answers window/showMessageRequest with MethodNotFound).
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.djswap]\nselect = "SWP101"\n');
    client = new LspTestClient();
    await client.initialize(root);
    await client.waitFor('the configuration error reported', () => client.notifications.some((n) => n.method === 'djswap/status' && (n.params as { state: string }).state === 'error'));
    // The rejected message box must not take the process down.
    await client.connection.sendRequest('djswap/projectModel', {});
    await client.connection.sendRequest('djswap/projectModel', {});
    assert.equal(client.process.exitCode, null, `the server exited: ${client.stderr}`);
    fs.rmSync(path.join(root, 'pyproject.toml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(root, 'pyproject.toml')), type: 3 }] });
    await client.waitFor('findings once the configuration is fixed', () => client.diagnosticsOf(models)?.some((d) => d.code === 'SWP101'));
  });

  it('answers requests with an empty result while the configuration is broken, without logging them as failures', async () => {
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.djswap\n');
    client = new LspTestClient();
    client.connection.onRequest('window/showMessageRequest', () => null);
    await client.initialize(root);
    await client.waitFor('the configuration error reported', () => client.notifications.some((n) => n.method === 'djswap/status' && (n.params as { state: string }).state === 'error'));
    await client.open(models, text, 1);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(models) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(actions, []);
    const model = (await client.connection.sendRequest('djswap/projectModel', {})) as { markdown: string };
    assert.match(model.markdown, /pyproject\.toml/);
    const failures = logMessages(client).filter((m) => /failed/.test(m.message));
    assert.deepEqual(failures, []);
  });

  it('does not start requests that were cancelled while they waited', async () => {
    // Enough migrations that one analysis keeps the server busy while the next messages queue up.
    writeTree(root, migrationChain('blog', 1000));
    client = new LspTestClient();
    await client.initialize(root);
    await client.waitFor('indexing done', () => client.notifications.some((n) => n.method === 'djswap/status' && (n.params as { state: string }).state === 'ready'), 120_000);
    await client.open(models, text, 1);
    const busy = client.connection.sendRequest('djswap/projectModel', {});
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      const source = new CancellationTokenSource();
      outcomes.push(
        client.connection
          .sendRequest('textDocument/codeAction', { textDocument: { uri: uriOf(models) }, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } }, source.token)
          .then(
            (result) => ({ result }),
            (error: { code?: number }) => ({ code: error.code }),
          ),
      );
      source.cancel();
    }
    await busy;
    // LSP's RequestCancelled: the request was dropped, not computed.
    assert.deepEqual(await Promise.all(outcomes), [{ code: -32800 }, { code: -32800 }, { code: -32800 }]);
    assert.equal(client.process.exitCode, null);
  });
});
