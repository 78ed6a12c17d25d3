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
  // One pass, in order: splicing edit by edit would copy the text once per edit.
  const pieces: string[] = [];
  let at = 0;
  for (const edit of applied) {
    pieces.push(text.slice(at, edit.span.start), edit.newText);
    at = Math.max(at, edit.span.end);
  }
  pieces.push(text.slice(at));
  return { text: pieces.join(''), applied };
}

/**
 * The spans of one file already claimed by accepted fixes, kept sorted by start so that a new span
 * is checked with binary searches (fixes mostly arrive in order: appends are cheap). Claimed
 * ranges never overlap one another; insertions (empty spans) are kept apart. Overlap is what it
 * was with lists: two insertions clash at the same point, an insertion clashes with a range that
 * strictly contains it, two ranges clash when they share a character.
 */
class ClaimedSpans {
  private readonly ranges: Span[] = [];
  private readonly points: number[] = [];

  overlaps(span: Span): boolean {
    if (span.start === span.end) {
      const p = span.start;
      const i = lastBefore(this.points, p + 1, (x) => x);
      if (i >= 0 && this.points[i] === p) return true;
      const r = lastBefore(this.ranges, p, (x) => x.start);
      return r >= 0 && this.ranges[r].end > p;
    }
    const r = lastBefore(this.ranges, span.end, (x) => x.start);
    if (r >= 0 && this.ranges[r].end > span.start) return true;
    // An insertion strictly inside the range.
    const i = lastBefore(this.points, span.end, (x) => x);
    return i >= 0 && this.points[i] > span.start;
  }

  claim(span: Span): void {
    if (span.start === span.end) this.points.splice(lastBefore(this.points, span.start + 1, (x) => x) + 1, 0, span.start);
    else this.ranges.splice(lastBefore(this.ranges, span.start + 1, (x) => x.start) + 1, 0, span);
  }
}

/** Index of the last item whose key is below `offset` in a list sorted by key, or -1. */
function lastBefore<T>(items: T[], offset: number, key: (item: T) => number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (key(items[mid]) < offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

export interface FixRunOptions {
  unsafe: boolean;
  /** Only diagnostics in these files are fixed (edits may still touch other files). */
  files?: Set<string>;
  /** Only diagnostics with these codes. */
  codes?: Set<string>;
  /** Only fixes whose every edit is in a file this accepts (the CLI: files inside the workspace). */
  writable?: (file: string) => boolean;
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
      (d) =>
        d.fix &&
        (d.fix.safe || options.unsafe) &&
        (!options.files || options.files.has(d.file)) &&
        (!options.codes || options.codes.has(d.code)) &&
        (!options.writable || d.fix.edits.every((e) => options.writable!(e.file))),
    );
    if (candidates.length === 0 || run.iterations >= maxIterations) {
      run.remaining = diagnostics;
      return run;
    }
    run.iterations++;
    // One fix's edits go in together or not at all.
    const byFile = new Map<string, SpanEdit[]>();
    const taken = new Map<string, ClaimedSpans>();
    for (const diagnostic of candidates) {
      const edits = diagnostic.fix!.edits;
      const clashes = edits.some((e) => taken.get(e.file)?.overlaps(e.span));
      if (clashes) continue;
      for (const e of edits) {
        let claimed = taken.get(e.file);
        if (!claimed) taken.set(e.file, (claimed = new ClaimedSpans()));
        claimed.claim(e.span);
        let list = byFile.get(e.file);
        if (!list) byFile.set(e.file, (list = []));
        list.push({ span: e.span, newText: e.newText });
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

