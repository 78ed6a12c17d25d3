import type { EngineDiagnostic, EngineEdit } from '../engine/workspace';
import { applyEdits } from '../engine/fixes';
import { LineIndex } from '../syntax/text';
import { cliPosition, counts, displayPath, paint, plural, type Paint } from './output';

export interface TextReportInput {
  diagnostics: EngineDiagnostic[];
  text(file: string): string | undefined;
  cwd: string;
  color: boolean;
  files: number;
  /** Show fixes as diffs (the default); `--quiet` shows one line per finding. */
  quiet: boolean;
  fixMode: boolean;
}

/** ruff-style findings: a headline, `--> path:line:col`, a code frame, the fix as a diff. */
export function renderText(input: TextReportInput): string {
  const p = paint(input.color);
  const out: string[] = [];
  for (const d of input.diagnostics) out.push(input.quiet ? quietLine(d, input, p) : block(d, input, p));
  out.push(summary(input, p));
  return out.join(input.quiet ? '\n' : '\n') + '\n';
}

function severityLabel(d: EngineDiagnostic, p: Paint): string {
  if (d.severity === 'error') return p.red('error');
  if (d.severity === 'warning') return p.yellow('warning');
  return p.dim('information');
}

function codeLabel(d: EngineDiagnostic, p: Paint): string {
  const code = d.severity === 'error' ? p.red(p.bold(d.code)) : d.severity === 'warning' ? p.yellow(p.bold(d.code)) : p.dim(p.bold(d.code));
  const fixable = d.fix?.safe ? ` ${p.cyan('[*]')}` : '';
  return `${code}${fixable}`;
}

function location(d: EngineDiagnostic, input: TextReportInput): string {
  const text = input.text(d.file) ?? '';
  const lines = new LineIndex(text);
  const pos = cliPosition(lines.lineText(d.range.start.line), d.range.start.line, d.range.start.column);
  return `${displayPath(d.file, input.cwd)}:${pos.line}:${pos.column}`;
}

function quietLine(d: EngineDiagnostic, input: TextReportInput, p: Paint): string {
  const message = d.severity === 'information' ? p.dim(d.message) : d.message;
  return `${location(d, input)}: ${codeLabel(d, p)} ${message}`;
}

function block(d: EngineDiagnostic, input: TextReportInput, p: Paint): string {
  const text = input.text(d.file) ?? '';
  const lines = new LineIndex(text);
  const out: string[] = [];
  const message = d.severity === 'information' ? p.dim(d.message) : p.bold(d.message);
  out.push(`${codeLabel(d, p)} ${message}`);
  const first = d.range.start.line;
  const last = Math.min(d.range.end.line, first + 3);
  const gutter = String(last + 1).length;
  const bar = p.blue(' '.repeat(gutter + 1) + '|');
  out.push(`${' '.repeat(gutter)}${p.blue('-->')} ${location(d, input)}`);
  out.push(bar);
  for (let line = first; line <= last; line++) {
    const lineText = lines.lineText(line).replace(/\t/g, '    ');
    out.push(`${p.blue(String(line + 1).padStart(gutter) + ' |')} ${lineText}`);
    const raw = lines.lineText(line);
    const startColumn = line === first ? d.range.start.column : raw.length - raw.trimStart().length;
    const endColumn = line === d.range.end.line ? d.range.end.column : raw.length;
    const start = expandTabs(raw.slice(0, startColumn)).length;
    const width = Math.max(1, expandTabs(raw.slice(startColumn, endColumn)).length);
    const label = line === first ? ` ${severityLabel(d, p)}` : '';
    const carets = d.severity === 'error' ? p.red('^'.repeat(width)) : d.severity === 'warning' ? p.yellow('^'.repeat(width)) : p.dim('^'.repeat(width));
    out.push(`${bar} ${' '.repeat(start)}${carets}${label}`);
  }
  if (d.range.end.line > last) out.push(`${bar} ${p.dim('...')}`);
  out.push(bar);
  for (const r of d.related) {
    const relatedText = input.text(r.file) ?? '';
    const relatedLines = new LineIndex(relatedText);
    const pos = cliPosition(relatedLines.lineText(r.range.start.line), r.range.start.line, r.range.start.column);
    out.push(`${p.cyan('note')}: ${r.message} ${p.dim(`(${displayPath(r.file, input.cwd)}:${pos.line}:${pos.column})`)}`);
  }
  if (d.fix) {
    out.push(`${p.cyan('help')}: ${d.fix.title} ${p.dim(d.fix.safe ? '(safe fix)' : '(unsafe fix: --unsafe-fixes)')}`);
    out.push(...diff(d, input, p));
  }
  out.push(`${p.dim('docs')}: ${p.dim(d.docsUrl)}`);
  return out.join('\n') + '\n';
}

function expandTabs(s: string): string {
  return s.replace(/\t/g, '    ');
}

/** The lines a fix touches, before and after: one hunk per edited line range, trimmed to what changes. */
function diff(d: EngineDiagnostic, input: TextReportInput, p: Paint): string[] {
  const out: string[] = [];
  const byFile = new Map<string, EngineEdit[]>();
  for (const e of d.fix!.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    const text = input.text(file);
    if (text === undefined) continue;
    const lines = new LineIndex(text);
    if (file !== d.file) out.push(p.dim(`   ${displayPath(file, input.cwd)}`));
    const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
    // Edits on the same or adjacent lines form one hunk.
    const hunks: EngineEdit[][] = [];
    for (const edit of sorted) {
      const last = hunks[hunks.length - 1];
      if (last && lines.position(edit.span.start).line <= lines.position(last[last.length - 1].span.end).line) last.push(edit);
      else hunks.push([edit]);
    }
    for (const hunk of hunks) {
      const firstLine = lines.position(hunk[0].span.start).line;
      const lastLine = lines.position(hunk[hunk.length - 1].span.end).line;
      const from = lines.lineStart(firstLine);
      const to = lines.lineEnd(lastLine);
      const before = text.slice(from, to);
      const after = applyEdits(before, hunk.map((e) => ({ span: { start: e.span.start - from, end: e.span.end - from }, newText: e.newText }))).text;
      const a = before.split(/\r?\n/);
      const b = after.split(/\r?\n/);
      while (a.length > 0 && b.length > 0 && a[0] === b[0]) {
        a.shift();
        b.shift();
      }
      while (a.length > 0 && b.length > 0 && a[a.length - 1] === b[b.length - 1]) {
        a.pop();
        b.pop();
      }
      for (const line of a) out.push(p.red(`   - ${line}`));
      for (const line of b) out.push(p.green(`   + ${line}`));
    }
  }
  return out;
}

function summary(input: TextReportInput, p: Paint): string {
  const { errors, warnings, infos } = counts(input.diagnostics);
  const total = input.diagnostics.length;
  if (total === 0) return p.green('All checks passed!') + p.dim(` (${plural(input.files, 'file')} checked)`);
  const parts = [plural(errors, 'error'), plural(warnings, 'warning'), `${infos} information`];
  const fixable = input.diagnostics.filter((d) => d.fix?.safe).length;
  const unsafe = input.diagnostics.filter((d) => d.fix && !d.fix.safe).length;
  let line = `Found ${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(input.files, 'file')} checked.`;
  if (!input.fixMode && fixable > 0) line += `\n${p.cyan('[*]')} ${fixable} fixable with \`djswap check --fix\`.`;
  if (!input.fixMode && unsafe > 0) line += `\n${unsafe} more fixable with \`--fix --unsafe-fixes\`.`;
  return p.bold(line);
}
