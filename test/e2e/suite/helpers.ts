import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPECTED_DIAGNOSTICS, type ExpectedDiagnostic } from './expected';

export const EXTENSION_ID = 'djswap.djswap';

/** How long the suite waits for something the server does (diagnostics, answers, a restart). */
export const DEADLINE_MS = Number(process.env.DJSWAP_E2E_DEADLINE_MS) || 30_000;

/** Polls `probe` until it returns something other than undefined/false; fails with `what` at the deadline. */
export async function waitFor<T>(what: string | (() => string), probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const description = typeof what === 'function' ? what() : what;
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The example project the host opened: a copy of examples/mysite. */
export function projectRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no folder is open: open a copy of examples/mysite');
  assert.ok(fs.existsSync(path.join(folder.uri.fsPath, 'manage.py')), `${folder.uri.fsPath} is not a copy of examples/mysite`);
  return folder.uri;
}

export function uriOf(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(projectRoot(), ...relative.split('/'));
}

export function relativeOf(uri: vscode.Uri): string {
  return path.relative(projectRoot().fsPath, uri.fsPath).split(path.sep).join('/');
}

/** How long the server may take to start and index the project (a slow or busy machine included). */
export const STARTUP_DEADLINE_MS = Number(process.env.DJSWAP_E2E_STARTUP_DEADLINE_MS) || 120_000;

/**
 * Activates the extension and waits until the server has indexed the project: the first row of the
 * expected table is reported. Every later wait can then be short.
 */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  const first = EXPECTED_DIAGNOSTICS[0];
  const uri = uriOf(first.file);
  await waitFor(
    () => `the server to index the project and report ${first.code} on ${first.file}:${first.line} (djswap reports ${reported(uri)})`,
    () => djswapDiagnostics(uri).some((d) => codeOf(d) === first.code && d.range.start.line === first.line - 1),
    STARTUP_DEADLINE_MS,
  );
  return extension;
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code ?? '');
}

const SEVERITIES: Record<vscode.DiagnosticSeverity, ExpectedDiagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** djswap's diagnostics on one file, as VS Code holds them now. */
export function djswapDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'djswap');
}

/** Every djswap diagnostic of the workspace, as rows of the expected table (text read from disk). */
export function workspaceRows(): ExpectedDiagnostic[] {
  const rows: ExpectedDiagnostic[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of diagnostics.filter((x) => x.source === 'djswap')) rows.push(toRow(uri, d));
  }
  return rows;
}

export function toRow(uri: vscode.Uri, diagnostic: vscode.Diagnostic): ExpectedDiagnostic {
  return {
    file: relativeOf(uri),
    line: diagnostic.range.start.line + 1,
    code: codeOf(diagnostic),
    severity: SEVERITIES[diagnostic.severity],
    text: textOf(uri, diagnostic.range),
  };
}

/** The text a range covers, from the open document or the file on disk. */
export function textOf(uri: vscode.Uri, range: vscode.Range): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText(range);
  const lines = fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/);
  if (range.isSingleLine) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = [lines[range.start.line]?.slice(range.start.character) ?? ''];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l] ?? '');
  parts.push(lines[range.end.line]?.slice(0, range.end.character) ?? '');
  return parts.join('\n');
}

/** The position of the `nth` occurrence of `needle` in a document, `offset` characters into it. */
export function positionOf(document: vscode.TextDocument, needle: string, { offset = 0, after }: { offset?: number; after?: string } = {}): vscode.Position {
  const text = document.getText();
  const from = after === undefined ? 0 : text.indexOf(after);
  assert.ok(from >= 0, `${relativeOf(document.uri)} has no ${JSON.stringify(after)}`);
  const index = text.indexOf(needle, from);
  assert.ok(index >= 0, `${relativeOf(document.uri)} has no ${JSON.stringify(needle)}`);
  return document.positionAt(index + offset);
}

export async function open(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uriOf(relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Waits for a djswap diagnostic with this code on this 1-based line. */
export function waitForDiagnostic(uri: vscode.Uri, code: string, line: number): Promise<vscode.Diagnostic> {
  return waitFor(
    () => `${code} on ${relativeOf(uri)}:${line} (djswap reports ${reported(uri)})`,
    () => djswapDiagnostics(uri).find((d) => codeOf(d) === code && d.range.start.line === line - 1),
  );
}

export function waitForNoDiagnostic(uri: vscode.Uri, code: string): Promise<true> {
  return waitFor(
    () => `${code} to leave ${relativeOf(uri)} (djswap reports ${reported(uri)})`,
    () => !djswapDiagnostics(uri).some((d) => codeOf(d) === code),
  );
}

export function reported(uri: vscode.Uri): string {
  const list = djswapDiagnostics(uri).map((d) => `${codeOf(d)}@${d.range.start.line + 1}`);
  return list.length > 0 ? list.join(', ') : 'nothing';
}

/** Puts a document back to its text on disk when the test started, and saves it. */
export async function restore(document: vscode.TextDocument, original: string): Promise<void> {
  if (document.getText() !== original) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
    assert.ok(await vscode.workspace.applyEdit(edit), `could not restore ${relativeOf(document.uri)}`);
  }
  if (document.isDirty) await document.save();
}

export function isCodeAction(item: vscode.CodeAction | vscode.Command): item is vscode.CodeAction {
  return typeof (item as vscode.Command).command !== 'string';
}

/** The code actions at a range, resolved as VS Code resolves the one a user picks (fix-all edits come from codeAction/resolve). */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const items = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind, 100);
  return (items ?? []).filter(isCodeAction);
}
