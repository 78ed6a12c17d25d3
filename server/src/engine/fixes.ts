import type { Span } from '../syntax/tree';
import type { EngineDiagnostic, Workspace } from './workspace';

export interface SpanEdit {
  span: Span;
  newText: string;
}

/** Applies non-overlapping edits to a text; overlapping ones are left out (the first wins). */
export function applyEdits(text: string, edits: SpanEdit[]): { text: string; applied: SpanEdit[] } {
  const ordered = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const applied: SpanEdit[] = [];
  let lastEnd = -1;
  for (const edit of ordered) {
    // Two insertions at one point are both kept, in order; anything else that overlaps is dropped.
    if (edit.span.start < lastEnd) continue;
    applied.push(edit);
    lastEnd = Math.max(lastEnd, edit.span.end);
  }
  let out = text;
  for (const edit of [...applied].reverse()) out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  return { text: out, applied };
}

export interface FixRunOptions {
  unsafe: boolean;
  /** Only diagnostics in these files are fixed (edits may still touch other files). */
  files?: Set<string>;
  /** Only diagnostics with these codes. */
  codes?: Set<string>;
  maxIterations?: number;
}

export interface FixRun {
  /** File → text before the first fix and after the last. */
  changed: Map<string, { before: string; after: string }>;
  applied: { code: string; file: string; title: string }[];
  /** Diagnostics still reported after the last iteration. */
  remaining: EngineDiagnostic[];
  iterations: number;
}

/**
 * Fix-all as ruff does it: check, apply every applicable fix that does not overlap another, check
 * again on the result, until nothing changes. New texts are left as open documents in the
 * workspace's cache; the caller writes them, diffs them, or restores the originals.
 */
export function fixToFixpoint(workspace: Workspace, options: FixRunOptions): FixRun {
  const run: FixRun = { changed: new Map(), applied: [], remaining: [], iterations: 0 };
  const maxIterations = options.maxIterations ?? 10;
  const versions = new Map<string, number>();
  for (;;) {
    const diagnostics = workspace.analyze().diagnostics;
    const candidates = diagnostics.filter(
      (d) => d.fix && (d.fix.safe || options.unsafe) && (!options.files || options.files.has(d.file)) && (!options.codes || options.codes.has(d.code)),
    );
    if (candidates.length === 0 || run.iterations >= maxIterations) {
      run.remaining = diagnostics;
      return run;
    }
    run.iterations++;
    // One fix's edits go in together or not at all.
    const byFile = new Map<string, SpanEdit[]>();
    const taken = new Map<string, Span[]>();
    for (const diagnostic of candidates) {
      const edits = diagnostic.fix!.edits;
      const clashes = edits.some((e) => (taken.get(e.file) ?? []).some((s) => overlaps(s, e.span)));
      if (clashes) continue;
      for (const e of edits) {
        taken.set(e.file, [...(taken.get(e.file) ?? []), e.span]);
        byFile.set(e.file, [...(byFile.get(e.file) ?? []), { span: e.span, newText: e.newText }]);
      }
      run.applied.push({ code: diagnostic.code, file: diagnostic.file, title: diagnostic.fix!.title });
    }
    let progressed = false;
    for (const [file, edits] of byFile) {
      const before = workspace.files.text(file);
      if (before === undefined) continue;
      const after = applyEdits(before, edits).text;
      if (after === before) continue;
      progressed = true;
      const original = run.changed.get(file)?.before ?? before;
      run.changed.set(file, { before: original, after });
      const version = (versions.get(file) ?? workspace.files.documentVersion(file) ?? 0) + 1;
      versions.set(file, version);
      workspace.files.changeDocument(file, { full: after }, version);
    }
    if (!progressed) {
      run.remaining = workspace.analyze().diagnostics;
      return run;
    }
  }
}

function overlaps(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}
