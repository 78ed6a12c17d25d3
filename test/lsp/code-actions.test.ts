import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSuppressed, suppressionEdit, suppressionsOf } from '../../server/src/engine/suppressions';
import { DEFAULT_CAPABILITIES, LspTestClient, applyLspEdits, uriOf, type PublishedDiagnostics } from '../helpers/lsp';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';

type Action = { title: string; kind: string; data?: unknown; edit?: { documentChanges: { textDocument: { version: number | null }; edits: never[] }[] }; diagnostics?: unknown[] };

/** A client that lets the server leave `edit` to codeAction/resolve, as VS Code does. */
const RESOLVING = {
  ...DEFAULT_CAPABILITIES,
  textDocument: {
    ...DEFAULT_CAPABILITIES.textDocument,
    codeAction: { ...DEFAULT_CAPABILITIES.textDocument.codeAction, dataSupport: true, resolveSupport: { properties: ['edit'] } },
  },
};

describe('code actions: fix-all computed by codeAction/resolve', function () {
  this.timeout(60_000);
  let root: string;
  let client: LspTestClient;
  let models: string;
  let text: string;

  beforeEach(() => {
    root = copyToTemp(EXAMPLE);
    models = path.join(root, 'blog', 'models.py');
    // A second hard-coded reference: two SWP101 with a fix in one file.
    text = fs.readFileSync(models, 'utf8').replace('    tags = models.ManyToManyField', '    editor = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")\n    tags = models.ManyToManyField');
    fs.writeFileSync(models, text);
  });

  afterEach(async () => {
    await client.stop();
    removeTemp(root);
  });

  async function actionsFor(only?: string[]): Promise<{ actions: Action[]; diagnostics: PublishedDiagnostics['diagnostics'] }> {
    await client.open(models, text, 3);
    const diagnostics = await client.waitFor('two SWP101 in the open document', () => {
      const published = client.diagnostics.get(uriOf(models));
      return published?.version === 3 && published.diagnostics.filter((d) => d.code === 'SWP101').length === 2 ? published.diagnostics : undefined;
    });
    const first = diagnostics.find((d) => d.code === 'SWP101')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(models) },
      range: first.range,
      context: { diagnostics: only ? [] : [first], only },
    })) as Action[];
    return { actions, diagnostics };
  }

  it('offers "Fix all SWP101 in this file" without an edit; resolving it fixes both, pinned to the version', async () => {
    client = new LspTestClient();
    const init = (await client.initialize(root, RESOLVING)) as { capabilities: { codeActionProvider: { resolveProvider: boolean } } };
    assert.equal(init.capabilities.codeActionProvider.resolveProvider, true);
    const { actions } = await actionsFor();
    assert.deepEqual(actions.map((a) => a.title), ['Replace with settings.AUTH_USER_MODEL', 'Fix all SWP101 in this file', 'Disable SWP101 for this line', 'Show documentation for SWP101']);
    const fixAll = actions[1];
    assert.equal(fixAll.edit, undefined, 'computed only when chosen');
    assert.deepEqual(fixAll.data, { fixAll: { uri: uriOf(models), codes: ['SWP101'], unsafe: true } });
    const resolved = (await client.connection.sendRequest('codeAction/resolve', fixAll)) as Action;
    const change = resolved.edit!.documentChanges[0];
    assert.equal(change.textDocument.version, 3);
    const fixed = applyLspEdits(text, change.edits);
    assert.doesNotMatch(fixed, /"auth\.User"/);
    assert.equal(fixed.match(/ForeignKey\(settings\.AUTH_USER_MODEL,/g)?.length, 3);
  });

  it('source.fixAll.djswap: offered without an edit, resolved to the safe fixes', async () => {
    client = new LspTestClient();
    await client.initialize(root, RESOLVING);
    const { actions } = await actionsFor(['source.fixAll']);
    assert.deepEqual(actions.map((a) => [a.kind, a.title, a.edit]), [['source.fixAll.djswap', 'djswap: Fix all safe fixes', undefined]]);
    const resolved = (await client.connection.sendRequest('codeAction/resolve', actions[0])) as Action;
    const fixed = applyLspEdits(text, resolved.edit!.documentChanges[0].edits);
    assert.doesNotMatch(fixed, /"auth\.User"/);
  });

  it('a client that cannot resolve gets the edits at once', async () => {
    client = new LspTestClient();
    const init = (await client.initialize(root)) as { capabilities: { codeActionProvider: { resolveProvider: boolean } } };
    assert.equal(init.capabilities.codeActionProvider.resolveProvider, false);
    const { actions } = await actionsFor();
    const fixAll = actions.find((a) => a.title === 'Fix all SWP101 in this file')!;
    assert.doesNotMatch(applyLspEdits(text, fixAll.edit!.documentChanges[0].edits), /"auth\.User"/);
  });

  it('resolving needs nothing from an earlier request: a fix-all written by hand resolves too, after other requests', async () => {
    client = new LspTestClient();
    await client.initialize(root, RESOLVING);
    await actionsFor();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(models) }, position: { line: 0, character: 0 } });
    const resolved = (await client.connection.sendRequest('codeAction/resolve', { title: 'x', kind: 'quickfix', data: { fixAll: { uri: uriOf(models), codes: ['SWP101'], unsafe: true } } })) as Action;
    assert.doesNotMatch(applyLspEdits(text, resolved.edit!.documentChanges[0].edits), /"auth\.User"/);
    const untouched = (await client.connection.sendRequest('codeAction/resolve', { title: 'y', kind: 'quickfix', data: { something: 'else' } })) as Action;
    assert.deepEqual(untouched, { title: 'y', kind: 'quickfix', data: { something: 'else' } });
  });
});

describe('"Disable for this line": the suppression edit comes from the engine', () => {
  const cases: [string, string, string][] = [
    ['x = models.ForeignKey("auth.User")', 'SWP101', 'x = models.ForeignKey("auth.User")  # djswap: ignore[SWP101]'],
    ['x = f("auth.User")  # djswap: ignore[SWP102]', 'SWP101', 'x = f("auth.User")  # djswap: ignore[SWP102, SWP101]'],
    ['x = f("auth.User")  # djswap: ignore[SWP102,SWP103]', 'SWP101', 'x = f("auth.User")  # djswap: ignore[SWP102, SWP103, SWP101]'],
    ['x = f("auth.User")  # noqa: SWP102', 'SWP101', 'x = f("auth.User")  # noqa: SWP102, SWP101'],
    ['x = f("auth.User")  # noqa: E501', 'SWP101', 'x = f("auth.User")  # noqa: E501  # djswap: ignore[SWP101]'],
    ['x = f("auth.User")  # type: ignore', 'SWP101', 'x = f("auth.User")  # type: ignore  # djswap: ignore[SWP101]'],
  ];
  for (const [line, code, expected] of cases) {
    it(`${JSON.stringify(line)} + ${code}`, () => {
      const edit = suppressionEdit(line, code);
      const after = line.slice(0, edit.start) + edit.newText + line.slice(edit.end);
      assert.equal(after, expected);
      // Whatever the line silenced before, it still does, and the code too.
      const before = [...line.matchAll(/SWP\d{3}/g)].map((m) => m[0]);
      for (const silenced of [...before, code]) assert.ok(isSuppressed(suppressionsOf(after), 0, silenced), `${silenced} is not silenced by ${after}`);
    });
  }
});
