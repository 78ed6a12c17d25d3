import { URI } from 'vscode-uri';
import { Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver/node';
import type { EngineDiagnostic, EngineRange } from '../engine/workspace';
import type { DiagnosticData } from './protocol';

export function uriToPath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return URI.file(file).toString();
}

/** Engine ranges are zero-based lines and UTF-16 columns: LSP's own units. */
export function toLspRange(range: EngineRange): Range {
  return {
    start: { line: range.start.line, character: range.start.column },
    end: { line: range.end.line, character: range.end.column },
  };
}

const SEVERITY: Record<EngineDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function toLspDiagnostic(d: EngineDiagnostic, version: number | null, relatedSupported: boolean): Diagnostic {
  const data: DiagnosticData = {
    code: d.code,
    version,
    docsUrl: d.docsUrl,
    fix: d.fix && {
      title: d.fix.title,
      safe: d.fix.safe,
      edits: d.fix.edits.map((e) => ({ uri: pathToUri(e.file), range: toLspRange(e.range), newText: e.newText })),
    },
  };
  const diagnostic: Diagnostic = {
    range: toLspRange(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: d.docsUrl },
    source: 'djswap',
    message: d.message,
    data,
  };
  if (relatedSupported && d.related.length > 0) {
    diagnostic.relatedInformation = d.related.map((r) => ({ location: { uri: pathToUri(r.file), range: toLspRange(r.range) }, message: r.message }));
  }
  return diagnostic;
}
