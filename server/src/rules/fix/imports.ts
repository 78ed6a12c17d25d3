import type { ParsedFile } from '../../django/source';
import { importedModule } from '../../django/modules';
import type { PyStatement } from '../../syntax/python';
import type { TextEdit } from '../types';

/**
 * Edits shared by fixes: making a name available through an import, in the file's style.
 * Returns the local name to use and the edits that bring it in (none when it is already there),
 * or undefined when the name is taken by something else.
 */
export function ensureImported(
  file: ParsedFile,
  moduleName: string,
  importModule: string,
  importName: string,
): { localName: string; edits: TextEdit[] } | undefined {
  const qualified = `${importModule}.${importName}`;
  let taken = false;
  for (const imp of file.module.imports) {
    if (imp.kind === 'from') {
      const module = importedModule(imp, moduleName, file.path.endsWith('__init__.py'));
      for (const n of imp.names) {
        const local = n.alias ?? n.name;
        if (`${module}.${n.name}` === qualified) return { localName: local, edits: [] };
        if (local === importName) taken = true;
      }
    } else {
      for (const n of imp.names) {
        if (n.alias === importName || (!n.alias && n.name.split('.')[0] === importName)) taken = true;
      }
    }
  }
  for (const s of file.module.statements) {
    if ((s.kind === 'assign' && s.targets.some((t) => t.k === 'name' && t.id === importName)) || ((s.kind === 'class' || s.kind === 'def') && s.name === importName)) {
      taken = true;
    }
  }
  if (taken) return undefined;
  const line = `from ${importModule} import ${importName}`;
  return { localName: importName, edits: [insertImport(file, line, importModule)] };
}

/**
 * Where a new top-level import goes: among the imports of the same top-level package, in sorted
 * position; else after the last import of the leading import block; else after the docstring.
 */
function insertImport(file: ParsedFile, line: string, importModule: string): TextEdit {
  const eol = file.lines.eol;
  const leading: Extract<PyStatement, { kind: 'import' }>[] = [];
  let docstringEnd: number | undefined;
  for (const [i, s] of file.module.statements.entries()) {
    if (s.kind === 'import') leading.push(s);
    else if (i === 0 && s.kind === 'expr' && s.value.k === 'str') docstringEnd = s.span.end;
    else if (s.kind === 'other' && leading.length === 0) continue;
    else break;
  }
  const topPackage = importModule.split('.')[0];
  const sameGroup = leading.filter((s) => s.import.level === 0 && moduleOf(s).split('.')[0] === topPackage);
  if (sameGroup.length > 0) {
    const after = sameGroup.find((s) => moduleOf(s) > importModule);
    if (after) return atLineStart(file, after.span.start, line + eol);
    return afterStatement(file, sameGroup[sameGroup.length - 1].span.end, line, eol);
  }
  if (leading.length > 0) {
    const lastAbsolute = [...leading].reverse().find((s) => s.import.level === 0 && moduleOf(s) !== '__future__');
    const anchor = lastAbsolute ?? leading[leading.length - 1];
    return afterStatement(file, anchor.span.end, line, eol);
  }
  if (docstringEnd !== undefined) return afterStatement(file, docstringEnd, eol + line, eol);
  return { file: file.path, span: { start: 0, end: 0 }, newText: line + eol + (file.text.length > 0 ? eol : '') };
}

function moduleOf(s: Extract<PyStatement, { kind: 'import' }>): string {
  return s.import.kind === 'from' ? s.import.module : s.import.names[0]?.name ?? '';
}

function atLineStart(file: ParsedFile, offset: number, text: string): TextEdit {
  const start = file.lines.lineStart(file.lines.position(offset).line);
  return { file: file.path, span: { start, end: start }, newText: text };
}

function afterStatement(file: ParsedFile, offset: number, line: string, eol: string): TextEdit {
  const end = file.lines.lineEnd(file.lines.position(offset).line);
  return { file: file.path, span: { start: end, end }, newText: eol + line };
}
