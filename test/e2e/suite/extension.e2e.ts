// The extension in a real VS Code, through the VS Code API: what a user gets on examples/mysite.
// Runs in the extension host (code-server or @vscode/test-electron); see test/e2e/README.md.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXPECTED_DIAGNOSTICS, formatRow, rowKey, type ExpectedDiagnostic } from './expected';
import {
  activateExtension,
  codeActions,
  codeOf,
  djswapDiagnostics,
  open,
  restore,
  toRow,
  uriOf,
  waitFor,
  waitForDiagnostic,
  waitForNoDiagnostic,
  workspaceRows,
} from './helpers';

function sameRows(actual: ExpectedDiagnostic[], expected: readonly ExpectedDiagnostic[]): boolean {
  const a = actual.map(rowKey).sort();
  const e = expected.map(rowKey).sort();
  return a.length === e.length && a.every((key, i) => key === e[i]);
}

function difference(actual: ExpectedDiagnostic[], expected: readonly ExpectedDiagnostic[]): string {
  const wanted = new Set(expected.map(rowKey));
  const got = new Set(actual.map(rowKey));
  const missing = expected.filter((r) => !got.has(rowKey(r))).map((r) => `  missing:    ${formatRow(r)}`);
  const unexpected = actual.filter((r) => !wanted.has(rowKey(r))).map((r) => `  unexpected: ${formatRow(r)}`);
  return ['the diagnostics to match the table in test/e2e/suite/expected.ts:', ...missing, ...unexpected].join('\n');
}

describe('djswap in VS Code', function () {
  before(async function () {
    const extension = await activateExtension();
    assert.ok(extension.isActive, 'the extension did not activate');
  });

  describe('diagnostics on examples/mysite', function () {
    const files = [...new Set(EXPECTED_DIAGNOSTICS.map((row) => row.file))];
    for (const file of files) {
      const rows = EXPECTED_DIAGNOSTICS.filter((row) => row.file === file);
      it(`${file}: ${rows.map((r) => `${r.code} on line ${r.line}`).join(', ')}`, async function () {
        const uri = uriOf(file);
        const actual = () => djswapDiagnostics(uri).map((d) => toRow(uri, d));
        await waitFor(() => difference(actual(), rows), () => sameRows(actual(), rows));
        for (const row of rows.filter((r) => r.text !== undefined)) {
          const found = actual().find((r) => rowKey(r) === rowKey(row));
          assert.equal(found?.text, row.text, `the range of ${formatRow(row)}`);
        }
        for (const diagnostic of djswapDiagnostics(uri)) {
          const code = diagnostic.code as { value: string; target: vscode.Uri };
          assert.match(code.target.toString(), new RegExp(`docs/rules/${codeOf(diagnostic)}\\.md$`), 'the code links to its documentation');
        }
      });
    }

    it('nowhere else: every djswap diagnostic of the workspace is in the table', async function () {
      await waitFor(() => difference(workspaceRows(), EXPECTED_DIAGNOSTICS), () => sameRows(workspaceRows(), EXPECTED_DIAGNOSTICS));
    });
  });

  describe('code actions on SWP101 (blog/models.py line 16)', function () {
    let editor: vscode.TextEditor;
    let original: string;

    beforeEach(async function () {
      editor = await open('blog/models.py');
      original = editor.document.getText();
    });

    afterEach(async function () {
      await restore(editor.document, original);
    });

    it('offers the fix, "disable for this line" and the documentation', async function () {
      const uri = editor.document.uri;
      const diagnostic = await waitForDiagnostic(uri, 'SWP101', 16);
      const actions = await codeActions(uri, diagnostic.range);
      const titles = actions.map((a) => a.title);
      for (const title of ['Replace with settings.AUTH_USER_MODEL', 'Disable SWP101 for this line', 'Show documentation for SWP101']) {
        assert.ok(titles.includes(title), `no "${title}" among ${JSON.stringify(titles)}`);
      }
      const fix = actions.find((a) => a.title === 'Replace with settings.AUTH_USER_MODEL')!;
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.equal(fix.isPreferred, true, 'a safe fix is the preferred one');
      const docs = actions.find((a) => a.title === 'Show documentation for SWP101')!;
      assert.match(String(docs.command?.arguments?.[0]), /docs\/rules\/SWP101\.md$/);
    });

    it('the quick fix rewrites the line and the diagnostic goes; undoing it brings it back', async function () {
      const document = editor.document;
      const diagnostic = await waitForDiagnostic(document.uri, 'SWP101', 16);
      const fix = (await codeActions(document.uri, diagnostic.range)).find((a) => a.title === 'Replace with settings.AUTH_USER_MODEL');
      assert.ok(fix?.edit, 'the quick fix carries no edit');
      assert.ok(await vscode.workspace.applyEdit(fix.edit), 'VS Code refused the edit');
      assert.equal(
        document.lineAt(15).text,
        '    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")',
      );
      await waitForNoDiagnostic(document.uri, 'SWP101');
      await restore(document, original);
      await waitForDiagnostic(document.uri, 'SWP101', 16);
    });

    it('"Disable SWP101 for this line" adds the comment and the diagnostic goes', async function () {
      const document = editor.document;
      const diagnostic = await waitForDiagnostic(document.uri, 'SWP101', 16);
      const disable = (await codeActions(document.uri, diagnostic.range)).find((a) => a.title === 'Disable SWP101 for this line');
      assert.ok(disable?.edit, '"Disable SWP101 for this line" carries no edit');
      assert.ok(await vscode.workspace.applyEdit(disable.edit));
      assert.match(document.lineAt(15).text, /"auth\.User".*# djswap: ignore\[SWP101\]$/);
      await waitForNoDiagnostic(document.uri, 'SWP101');
    });
  });

  describe('djswap.restartServer', function () {
    it('restarts the server: the diagnostics are cleared, then published again', async function () {
      const uri = uriOf('blog/models.py');
      await waitForDiagnostic(uri, 'SWP101', 16);
      const seen = { cleared: false, back: false };
      const listener = vscode.languages.onDidChangeDiagnostics((event) => {
        if (!event.uris.some((u) => u.toString() === uri.toString())) return;
        const present = djswapDiagnostics(uri).some((d) => codeOf(d) === 'SWP101');
        if (!present) seen.cleared = true;
        else if (seen.cleared) seen.back = true;
      });
      try {
        await vscode.commands.executeCommand('djswap.restartServer');
        await waitFor(() => `the diagnostics of blog/models.py to be cleared and published again (cleared: ${seen.cleared})`, () => seen.back);
      } finally {
        listener.dispose();
      }
      // The new server answers requests too.
      const diagnostic = await waitForDiagnostic(uri, 'SWP101', 16);
      await vscode.workspace.openTextDocument(uri);
      const titles = (await codeActions(uri, diagnostic.range)).map((a) => a.title);
      assert.ok(titles.includes('Replace with settings.AUTH_USER_MODEL'), `after the restart: ${JSON.stringify(titles)}`);
    });
  });
});
