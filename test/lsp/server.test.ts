import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';
import { LspTestClient, applyLspEdits, uriOf } from '../helpers/lsp';

for (const backend of ['native', 'wasm'] as const) describe(`language server over stdio [${backend}]`, function () {
  let root: string;
  let client: LspTestClient;
  let models: string;

  beforeEach(async () => {
    root = copyToTemp(EXAMPLE);
    models = path.join(root, 'blog', 'models.py');
    client = new LspTestClient({ DJSWAP_PARSER: backend });
  });

  afterEach(async () => {
    await client.stop();
    removeTemp(root);
  });

  it('advertises only what it implements', async () => {
    const result = (await client.initialize(root)) as { capabilities: Record<string, unknown> };
    assert.deepEqual(Object.keys(result.capabilities).sort(), ['codeActionProvider', 'declarationProvider', 'definitionProvider', 'executeCommandProvider', 'hoverProvider', 'textDocumentSync', 'workspace']);
  });

  it('publishes workspace diagnostics after initialization, for files that are not open', async () => {
    await client.initialize(root);
    const diagnostics = await client.waitFor('SWP101 on blog/models.py', () => client.diagnosticsOf(models)?.length ? client.diagnosticsOf(models) : undefined);
    const swp101 = diagnostics.find((d) => d.code === 'SWP101')!;
    assert.equal(swp101.source, 'djswap');
    assert.equal(swp101.severity, 1);
    assert.deepEqual(swp101.range, { start: { line: 15, character: 31 }, end: { line: 15, character: 42 } });
    assert.match(swp101.message, /`blog.Post.author` points at "auth.User", but `AUTH_USER_MODEL` is `accounts.User`/);
    assert.equal((swp101 as { codeDescription?: { href: string } }).codeDescription?.href, 'https://github.com/djswap/djswap/blob/main/docs/rules/SWP101.md');
    assert.equal(swp101.relatedInformation?.length, 1);
  });

  it('updates diagnostics from the unsaved buffer as the user types', async () => {
    await client.initialize(root);
    await client.waitFor('initial SWP101', () => client.diagnosticsOf(models)?.some((d) => d.code === 'SWP101'));
    const text = fs.readFileSync(models, 'utf8');
    await client.open(models, text, 1);
    // Type the fix by hand: replace "auth.User" with settings.AUTH_USER_MODEL.
    await client.change(models, 2, [{ range: { start: { line: 15, character: 31 }, end: { line: 15, character: 42 } }, text: 'settings.AUTH_USER_MODEL' }]);
    await client.waitFor('SWP101 to go', () => {
      const published = client.diagnostics.get(uriOf(models));
      return published?.version === 2 && !published.diagnostics.some((d) => d.code === 'SWP101');
    });
    // Half-typed code does not crash the server and the finding comes back when the mistake does.
    await client.change(models, 3, [{ range: { start: { line: 15, character: 31 }, end: { line: 15, character: 55 } }, text: '"auth.User", (' }]);
    await client.change(models, 4, [{ range: { start: { line: 15, character: 42 }, end: { line: 15, character: 45 } }, text: '' }]);
    await client.waitFor('SWP101 back', () => {
      const published = client.diagnostics.get(uriOf(models));
      return published?.version === 4 && published.diagnostics.some((d) => d.code === 'SWP101');
    });
  });

  it('offers the fix as a quick fix whose edit removes the diagnostic', async () => {
    await client.initialize(root);
    const text = fs.readFileSync(models, 'utf8');
    await client.open(models, text, 1);
    const diagnostics = await client.waitFor('SWP101', () => {
      const published = client.diagnostics.get(uriOf(models));
      return published?.version === 1 && published.diagnostics.some((d) => d.code === 'SWP101') ? published.diagnostics : undefined;
    });
    const swp101 = diagnostics.find((d) => d.code === 'SWP101')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(models) },
      range: swp101.range,
      context: { diagnostics: [swp101], only: ['quickfix'] },
    })) as { title: string; kind: string; isPreferred?: boolean; edit?: { documentChanges: { textDocument: { uri: string; version: number }; edits: never[] }[] } }[];
    const fix = actions.find((a) => a.title === 'Replace with settings.AUTH_USER_MODEL')!;
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(actions.map((a) => a.title).filter((t) => t !== fix.title), ['Disable SWP101 for this line', 'Show documentation for SWP101']);
    const change = fix.edit!.documentChanges[0];
    assert.equal(change.textDocument.version, 1);
    const fixed = applyLspEdits(text, change.edits);
    assert.match(fixed, /author = models\.ForeignKey\(settings\.AUTH_USER_MODEL, /);
    await client.change(models, 2, [{ text: fixed }]);
    await client.waitFor('SWP101 to go after the fix', () => {
      const published = client.diagnostics.get(uriOf(models));
      return published?.version === 2 && !published.diagnostics.some((d) => d.code === 'SWP101');
    });
  });

  it('survives a handler that fails and keeps serving', async () => {
    await client.initialize(root);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'untitled:Untitled-1' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [{ range: null, message: 'x', source: 'djswap', data: { broken: true } }] },
    });
    assert.deepEqual(actions, []);
    await client.waitFor('diagnostics still arrive', () => client.diagnosticsOf(models)?.length);
  });
});
