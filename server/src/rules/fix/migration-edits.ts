import type { MigrationInfo } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import type { PyStatement } from '../../syntax/python';
import type { Span } from '../../syntax/tree';
import type { TextEdit } from '../types';

/** Where to point at a migration: an entry of its dependencies, else its `class Migration` line. */
export function dependencySpan(migration: MigrationInfo, index: number): Span {
  return migration.dependencies?.entries[index]?.span ?? classSpan(migration);
}

export function runBeforeSpan(migration: MigrationInfo, index: number): Span {
  return migration.runBefore?.entries[index]?.span ?? classSpan(migration);
}

export function classSpan(migration: MigrationInfo): Span {
  return migration.classNameSpan ?? { start: 0, end: 0 };
}

/** The quote the file uses for strings: Django 3.2 writes ', black-formatted migrations ". */
export function quoteOf(file: ParsedFile, migration?: MigrationInfo): string {
  const first = migration?.dependencies?.entries.find((e) => e.kind === 'key');
  if (first) {
    const char = file.text[first.nameSpan.start];
    if (char === '"' || char === "'") return char;
  }
  let single = 0;
  let double = 0;
  for (const match of file.text.matchAll(/(['"])[\w.]+\1/g)) {
    if (match[1] === "'") single++;
    else double++;
  }
  return single > double ? "'" : '"';
}

function migrationClass(file: ParsedFile): Extract<PyStatement, { kind: 'class' }> | undefined {
  return file.module.statements.filter((s): s is Extract<PyStatement, { kind: 'class' }> => s.kind === 'class' && s.name === 'Migration').pop();
}

/**
 * Adds `(app, name)` to the migration's `run_before`: a new entry in an existing list, or a new
 * `run_before = [...]` right after `dependencies`, in the file's indentation and quotes.
 */
export function addRunBeforeEdit(file: ParsedFile, migration: MigrationInfo, app: string, name: string): TextEdit | undefined {
  const cls = migrationClass(file);
  if (!cls || cls.body.length === 0) return undefined;
  const q = quoteOf(file, migration);
  const entry = `(${q}${app}${q}, ${q}${name}${q}),`;
  const eol = file.lines.eol;
  const bodyIndent = file.lines.indentAt(cls.body[0].span.start);
  const unit = bodyIndent.length > 0 ? bodyIndent : '    ';
  const existing = migration.runBefore;
  if (existing && !existing.opaque) {
    const value = existing.valueSpan;
    const items = existing.entries;
    const multiline = file.lines.position(value.start).line !== file.lines.position(value.end).line;
    if (multiline && items.length > 0) {
      const last = items[items.length - 1];
      const itemIndent = file.lines.indentAt(last.span.start);
      const hasTrailingComma = /^\s*,/.test(file.text.slice(last.span.end, value.end));
      if (hasTrailingComma) {
        const lineEnd = file.lines.lineEnd(file.lines.position(last.span.end).line);
        return { file: file.path, span: { start: lineEnd, end: lineEnd }, newText: `${eol}${itemIndent}${entry}` };
      }
      // The list has no trailing comma: keep that style.
      return { file: file.path, span: { start: last.span.end, end: last.span.end }, newText: `,${eol}${itemIndent}${entry.slice(0, -1)}` };
    }
    const kept = items.map((i) => file.text.slice(i.span.start, i.span.end) + ',');
    const lines = [...kept, entry].map((line) => `${bodyIndent}${unit}${line}`);
    return { file: file.path, span: value, newText: `[${eol}${lines.join(eol)}${eol}${bodyIndent}]` };
  }
  const anchor =
    cls.body.find((s) => s.kind === 'assign' && s.targets.some((t) => t.k === 'name' && t.id === 'dependencies')) ??
    cls.body.find((s) => s.kind === 'assign' && s.targets.some((t) => t.k === 'name' && t.id === 'initial'));
  const text = `${bodyIndent}run_before = [${eol}${bodyIndent}${unit}${entry}${eol}${bodyIndent}]`;
  if (anchor) {
    const end = file.lines.lineEnd(file.lines.position(anchor.span.end).line);
    return { file: file.path, span: { start: end, end }, newText: `${eol}${eol}${text}` };
  }
  // No dependencies or initial: first thing in the class body.
  const start = file.lines.lineStart(file.lines.position(cls.body[0].span.start).line);
  return { file: file.path, span: { start, end: start }, newText: `${text}${eol}${eol}` };
}
