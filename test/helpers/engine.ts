import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderText } from '../../server/src/cli/render-text';
import { applyEdits } from '../../server/src/engine/fixes';
import { Workspace, type EngineDiagnostic } from '../../server/src/engine/workspace';
import type { DjswapConfig } from '../../server/src/engine/config';
import type { PythonParser } from '../../server/src/syntax/tree';

export function workspaceOn(root: string, parser: PythonParser, overrides: Partial<DjswapConfig> = {}, env: Record<string, string | undefined> = {}): Workspace {
  return new Workspace({ roots: [root], parser, overrides, env });
}

/** What `djswap check` prints for a folder (no colour, paths relative to it). */
export function checkText(root: string, parser: PythonParser, overrides: Partial<DjswapConfig> = {}): { text: string; diagnostics: EngineDiagnostic[]; workspace: Workspace } {
  const workspace = workspaceOn(root, parser, overrides);
  const result = workspace.analyze();
  const files = new Set(result.projects.flatMap((p) => [...p.project.files.keys()])).size;
  const text = renderText({ diagnostics: result.diagnostics, text: (f) => workspace.files.text(f), cwd: root, color: false, files, quiet: false, fixMode: false });
  return { text, diagnostics: result.diagnostics, workspace };
}

/** Applies one diagnostic's fix to the files on disk. */
export function applyFixOnDisk(diagnostic: EngineDiagnostic): string[] {
  const byFile = new Map<string, { span: { start: number; end: number }; newText: string }[]>();
  for (const e of diagnostic.fix!.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    const before = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, applyEdits(before, edits).text);
  }
  return [...byFile.keys()];
}

/** A diagnostic's identity across edits that move it: code, file and message. */
export function identity(d: EngineDiagnostic, root: string): string {
  // Line numbers quoted in messages move when a fix inserts lines; the finding stays the same.
  return `${d.code} ${path.relative(root, d.file)} ${d.message.replace(/\.py:\d+/g, '.py:N')}`;
}
