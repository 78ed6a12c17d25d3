import type { EngineDiagnostic } from '../../server/src/engine/workspace';
import type { PythonParser, SyntaxNode } from '../../server/src/syntax/tree';

/** What a fuzz case found wrong. `hang` and `crash` are what the report counts; the rest are findings too. */
export type FailureKind =
  | 'crash' // an exception escaped, a process died, a handler failed
  | 'hang' // a step ran past its deadline
  | 'rule-error' // a rule threw (the engine logged it and went on)
  | 'nondeterminism' // the same input gave different results
  | 'backend-mismatch' // native and wasm parsers gave different results
  | 'incremental-mismatch' // an edited buffer gave other results than the same text read fresh
  | 'fix-breaks-syntax' // an applied fix added syntax errors
  | 'fix-outside' // a fix touched a file outside the workspace, or one it must not write
  | 'fix-no-fixpoint' // fix-all did not settle
  | 'lsp-mismatch'; // the language server published other findings than the engine computed

export interface Failure {
  kind: FailureKind;
  message: string;
  where: 'engine' | 'lsp';
}

/** ERROR and MISSING nodes of a text, counted without a bound (iteratively: deep trees are input too). */
export function syntaxErrorCount(parser: PythonParser, text: string): number {
  const tree = parser.parse(text);
  try {
    let count = 0;
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'ERROR' || node.isMissing) count++;
      if (!node.hasError && !node.isMissing) continue;
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child && (child.hasError || child.isMissing || child.type === 'ERROR')) stack.push(child);
      }
    }
    return count;
  } finally {
    tree.dispose();
  }
}

/** "A fix keeps the file parsing": no errors where there were none, and never more than before. */
export function fixBreaksSyntax(before: number, after: number): boolean {
  return after > before;
}

/** A diagnostic as text, with paths relative to the project: comparable across runs and roots. */
export function diagnosticKey(d: EngineDiagnostic, relative: (file: string) => string): string {
  const range = `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`;
  const fix = d.fix ? ` fix=${d.fix.safe ? 'safe' : 'unsafe'}:${d.fix.title}:${d.fix.edits.map((e) => `${relative(e.file)}@${e.span.start}-${e.span.end}=${JSON.stringify(e.newText)}`).join(',')}` : '';
  return `${d.code} ${relative(d.file)} ${range} ${d.severity} ${JSON.stringify(d.message)}${fix}`;
}

/** The first line where two lists differ, for messages. */
export function firstDifference(a: string[], b: string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `#${i}: ${a[i] ?? '(none)'}\n  vs ${b[i] ?? '(none)'}`;
  }
  return '(none)';
}
