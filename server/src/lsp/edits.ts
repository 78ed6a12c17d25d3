import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { LineIndex } from '../syntax/text';
import type { DiagnosticData } from './protocol';

/**
 * Workspace edits as the client can take them: `documentChanges` pinned to document versions when it
 * supports them (an edit computed for another version is refused, not misapplied), else `changes`.
 */
export class EditBuilder {
  constructor(
    private readonly documentChanges: boolean,
    private readonly versionOf: (uri: string) => number | null,
  ) {}

  /** The edits of a fix carried in a diagnostic's data, each file pinned to its current version. */
  fix(edits: NonNullable<DiagnosticData['fix']>['edits']): WorkspaceEdit {
    const changes: Record<string, TextEdit[]> = {};
    for (const e of edits) (changes[e.uri] ??= []).push({ range: e.range, newText: e.newText });
    if (!this.documentChanges) return { changes };
    return { documentChanges: Object.entries(changes).map(([uri, list]) => ({ textDocument: { uri, version: this.versionOf(uri) }, edits: list })) };
  }

  versioned(uri: string, version: number | null, edits: TextEdit[]): WorkspaceEdit {
    if (!this.documentChanges) return { changes: { [uri]: edits } };
    return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  }

  /** One edit turning `before` into `after`, pinned to `version`. */
  fileEdit(uri: string, version: number | null, before: string, after: string): WorkspaceEdit {
    return this.versioned(uri, version, [textChange(before, after)]);
  }
}

/** One edit covering what changed between two texts (common prefix and suffix kept). */
export function textChange(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const lines = new LineIndex(before);
  const from = lines.position(start);
  const to = lines.position(endBefore);
  return { range: { start: { line: from.line, character: from.column }, end: { line: to.line, character: to.column } }, newText: after.slice(start, endAfter) };
}
