import type { EngineDiagnostic, EngineEdit } from '../engine/workspace';
import { applyEdits } from '../engine/fixes';
import { LineIndex } from '../syntax/text';
import { cliPosition, counts, displayPath, paint, plural, type Paint } from './output';

export interface TextReportInput {
  diagnostics: EngineDiagnostic[];
  text(file: string): string | undefined;
  cwd: string;
  color: boolean;
  /** How many files the reported projects hold (within the paths given). */
  files: number;
  /** One line per finding and nothing else: no code frames, summary or hints. */
  quiet: boolean;
  /** A count per rule instead of the findings. */
  statistics?: boolean;
  /** `--unsafe-fixes`: unsafe fixes count as applicable. */
  unsafeFixes?: boolean;
  /** With `--fix`: what was applied; the diagnostics are then what remains. */
  fixed?: FixSummary;
  /** The findings are what remains after fixing (no "fixable with --fix" hint). */
  fixMode?: boolean;
}

export interface FixSummary {
  applied: { code: string; file: string; title: string }[];
  /** Files written, in order. */
  files: string[];
}

/** ruff-style findings: a headline, `--> path:line:col`, a code frame, the fix as a diff; then a summary. */
export function renderText(input: TextReportInput): string {
  const p = paint(input.color);
  const out: string[] = [];
  if (input.statistics) {
    out.push(...statistics(input, p));
  } else if (input.quiet) {
    out.push(...input.diagnostics.map((d) => quietLine(d, input, p)));
  } else {
    for (const d of input.diagnostics) out.push(block(d, input, p));
  }
  if (!input.quiet) {
    if (input.fixed && input.fixed.applied.length > 0) out.push(...fixReport(input.fixed, input, p));
    out.push(...summary(input, p));
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** The fix of a finding can be applied with the flags given. */
function applicable(d: EngineDiagnostic, input: TextReportInput): boolean {
  return d.fix !== undefined && (d.fix.safe || input.unsafeFixes === true);
}

function severityLabel(d: EngineDiagnostic, p: Paint): string {
  if (d.severity === 'error') return p.red('error');
  if (d.severity === 'warning') return p.yellow('warning');
  return p.dim('information');
}

function codeLabel(d: EngineDiagnostic, input: TextReportInput, p: Paint): string {
  const code = d.severity === 'error' ? p.red(p.bold(d.code)) : d.severity === 'warning' ? p.yellow(p.bold(d.code)) : p.dim(p.bold(d.code));
  const fixable = applicable(d, input) ? ` ${p.cyan('[*]')}` : '';
  return `${code}${fixable}`;
}

/** Line indexes per file, made once per report. */
const indexes = new WeakMap<TextReportInput, Map<string, LineIndex>>();
function linesOf(file: string, input: TextReportInput): LineIndex {
  let byFile = indexes.get(input);
  if (!byFile) indexes.set(input, (byFile = new Map()));
  let index = byFile.get(file);
  if (!index) byFile.set(file, (index = new LineIndex(input.text(file) ?? '')));
  return index;
}

function location(d: EngineDiagnostic, input: TextReportInput): string {
  const lines = linesOf(d.file, input);
  const pos = cliPosition(lines.lineText(d.range.start.line), d.range.start.line, d.range.start.column);
  return `${displayPath(d.file, input.cwd)}:${pos.line}:${pos.column}`;
}

/** `path:line:col: severity CODE [*] message`, the form compilers and `ruff --quiet` print. */
function quietLine(d: EngineDiagnostic, input: TextReportInput, p: Paint): string {
  const message = d.severity === 'information' ? p.dim(d.message) : d.message;
  return `${p.bold(location(d, input))}: ${severityLabel(d, p)} ${codeLabel(d, input, p)} ${message}`;
}

function block(d: EngineDiagnostic, input: TextReportInput, p: Paint): string {
  const lines = linesOf(d.file, input);
  const out: string[] = [];
  const message = d.severity === 'information' ? p.dim(d.message) : p.bold(d.message);
  out.push(`${codeLabel(d, input, p)} ${message}`);
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
    const relatedLines = linesOf(r.file, input);
    const pos = cliPosition(relatedLines.lineText(r.range.start.line), r.range.start.line, r.range.start.column);
    out.push(`${p.cyan('note')}: ${r.message} ${p.dim(`(${displayPath(r.file, input.cwd)}:${pos.line}:${pos.column})`)}`);
  }
  if (d.fix) {
    const safety = d.fix.safe ? '(safe fix)' : input.unsafeFixes ? '(unsafe fix)' : '(unsafe fix: --unsafe-fixes)';
    out.push(`${p.cyan('help')}: ${d.fix.title} ${p.dim(safety)}`);
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
    const lines = linesOf(file, input);
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

/** `count  CODE  [*] name` per rule, most frequent first, as `ruff check --statistics` prints. */
function statistics(input: TextReportInput, p: Paint): string[] {
  const byCode = new Map<string, { name: string; count: number; fixable: number }>();
  for (const d of input.diagnostics) {
    const entry = byCode.get(d.code) ?? { name: d.name, count: 0, fixable: 0 };
    entry.count++;
    if (applicable(d, input)) entry.fixable++;
    byCode.set(d.code, entry);
  }
  const rows = [...byCode.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const width = Math.max(1, ...rows.map(([, e]) => String(e.count).length));
  const anyFixable = rows.some(([, e]) => e.fixable > 0);
  return rows.map(([code, e]) => {
    const marker = anyFixable ? (e.fixable > 0 ? `${p.cyan('[*]')} ` : '[ ] ') : '';
    return `${p.bold(String(e.count).padStart(width))}  ${p.bold(code)}  ${marker}${e.name}`;
  });
}

/** What `--fix` changed: the count, then each file written with the codes fixed in it. */
function fixReport(fixed: FixSummary, input: TextReportInput, p: Paint): string[] {
  const out = [p.bold(`Fixed ${plural(fixed.applied.length, 'problem')} in ${plural(fixed.files.length, 'file')}:`)];
  for (const file of fixed.files) {
    const byCode = new Map<string, number>();
    for (const a of fixed.applied) if (a.file === file) byCode.set(a.code, (byCode.get(a.code) ?? 0) + 1);
    const codes = [...byCode].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([code, n]) => (n === 1 ? code : `${code} ×${n}`));
    out.push(`  ${displayPath(file, input.cwd)}${codes.length > 0 ? p.dim(` (${codes.join(', ')})`) : ''}`);
  }
  return out;
}

/**
 * The closing lines. Every rule fixture snapshot (expected.snap under test/fixtures) holds them: keep
 * the wording of a plain check stable.
 */
function summary(input: TextReportInput, p: Paint): string[] {
  const { errors, warnings, infos } = counts(input.diagnostics);
  const total = input.diagnostics.length;
  const checked = `${plural(input.files, 'file')} checked`;
  const fixing = input.fixed !== undefined || input.fixMode === true;
  const out: string[] = [];
  if (total === 0) {
    out.push(p.green('All checks passed!') + p.dim(` (${checked})`));
  } else {
    const parts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} information`;
    const fixedSome = input.fixed !== undefined && input.fixed.applied.length > 0;
    const head = fixedSome ? `${plural(total, 'problem')} remain${total === 1 ? 's' : ''}` : `Found ${plural(total, 'problem')}`;
    out.push(p.bold(`${head} (${parts}) in ${checked}.`));
  }
  const safe = input.diagnostics.filter((d) => d.fix?.safe).length;
  const unsafe = input.diagnostics.filter((d) => d.fix && !d.fix.safe).length;
  if (!fixing) {
    if (input.unsafeFixes) {
      if (safe + unsafe > 0) out.push(p.bold(`${p.cyan('[*]')} ${safe + unsafe} fixable with \`djswap check --fix --unsafe-fixes\`.`));
    } else {
      if (safe > 0) out.push(p.bold(`${p.cyan('[*]')} ${safe} fixable with \`djswap check --fix\`.`));
      if (unsafe > 0) out.push(p.bold(`${unsafe} more fixable with \`--fix --unsafe-fixes\`.`));
    }
  } else if (!input.unsafeFixes && unsafe > 0) {
    out.push(p.bold(`${unsafe} more fixable with \`--fix --unsafe-fixes\`.`));
  }
  return out;
}
