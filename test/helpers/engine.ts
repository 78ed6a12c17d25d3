import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderText } from '../../server/src/cli/render-text';
import { applyEdits } from '../../server/src/engine/fixes';
import { Workspace, type EngineDiagnostic } from '../../server/src/engine/workspace';
import type { DjswapConfig } from '../../server/src/engine/config';
import type { PythonParser } from '../../server/src/syntax/tree';

/** Fixtures live in this repository: their git history is not theirs, so git is off unless asked for. */
export function workspaceOn(root: string, parser: PythonParser, overrides: Partial<DjswapConfig> = {}, env: Record<string, string | undefined> = { DJSWAP_GIT: '0' }): Workspace {
  return new Workspace({ roots: [root], parser, overrides, env });
}

/** A workspace analysed as `djswap check` does: histories loaded first. */
export async function analyzed(root: string, parser: PythonParser, overrides: Partial<DjswapConfig> = {}, env: Record<string, string | undefined> = { DJSWAP_GIT: '0' }) {
  const workspace = workspaceOn(root, parser, overrides, env);
  await workspace.loadHistories();
  return { workspace, result: workspace.analyze() };
}

/** What `djswap check` prints for a folder (no colour, paths relative to it). */
export async function checkText(
  root: string,
  parser: PythonParser,
  overrides: Partial<DjswapConfig> = {},
  env?: Record<string, string | undefined>,
): Promise<{ text: string; diagnostics: EngineDiagnostic[]; workspace: Workspace }> {
  const { workspace, result } = await analyzed(root, parser, overrides, env);
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

/**
 * A finding's identity across edits that move it or change what its message quotes (line numbers,
 * a setting's new value): the code, the file, and the source text it points at.
 */
export function identity(d: EngineDiagnostic, root: string, text: (file: string) => string | undefined): string {
  const source = text(d.file) ?? '';
  return `${d.code} ${path.relative(root, d.file)} ${JSON.stringify(source.slice(d.span.start, d.span.end))}`;
}

/** The entries of `list` that `allowed` does not account for, counting repeats. */
export function notIn(list: string[], allowed: string[]): string[] {
  const counts = new Map<string, number>();
  for (const a of allowed) counts.set(a, (counts.get(a) ?? 0) + 1);
  const out: string[] = [];
  for (const item of list) {
    const left = counts.get(item) ?? 0;
    if (left > 0) counts.set(item, left - 1);
    else out.push(item);
  }
  return out;
}
