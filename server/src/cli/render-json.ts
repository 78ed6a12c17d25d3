import type { EngineDiagnostic, ProjectSummary } from '../engine/workspace';
import { counts, displayPath, Positions } from './output';

/** The `--format json` contract (design §5): paths relative to the working directory, 1-based lines and character columns. */
export interface JsonReport {
  version: 1;
  projects: {
    root: string;
    settings: string | null;
    apps: number;
    models: number;
    migrations: number;
    /** How the settings were found, and what could not be checked. */
    settingsModule: string | null;
    settingsSource: string;
    settingsReason: string | null;
    otherSettings: string[];
    appsUnread: string[];
    appsIncomplete: boolean;
    unknownSettings: { name: string; reason: string }[];
    unverified: { code: string; reason: string; count: number }[];
    /** Why nothing could be checked, when nothing could. */
    blind: string | null;
  }[];
  /** What the user should know that is not a finding: no project found, files not read. */
  notes: { level: 'warning' | 'note'; message: string }[];
  diagnostics: {
    code: string;
    name: string;
    severity: string;
    message: string;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    fix: { title: string; safe: boolean; edits: { file: string; line: number; column: number; endLine: number; endColumn: number; newText: string }[] } | null;
  }[];
  summary: { files: number; errors: number; warnings: number; infos: number; durationMs: number };
}

export function jsonReport(
  result: { projects: { summary: ProjectSummary }[]; notes: { level: 'warning' | 'note'; message: string }[] },
  diagnostics: EngineDiagnostic[],
  text: (file: string) => string | undefined,
  cwd: string,
  files: number,
  durationMs: number,
): JsonReport {
  const positions = new Positions(text);
  const position = positions.region.bind(positions);
  return {
    version: 1,
    projects: result.projects.map((p) => ({
      root: displayPath(p.summary.root, cwd) || '.',
      settings: p.summary.settingsFile ? displayPath(p.summary.settingsFile, cwd) : null,
      apps: p.summary.apps,
      models: p.summary.models,
      migrations: p.summary.migrations,
      settingsModule: p.summary.settingsModule ?? null,
      settingsSource: p.summary.settingsSource,
      settingsReason: p.summary.coverage.settingsReason ?? null,
      otherSettings: p.summary.coverage.otherSettings,
      appsUnread: p.summary.coverage.appsUnread,
      appsIncomplete: p.summary.coverage.appsIncomplete,
      unknownSettings: p.summary.coverage.unknownSettings,
      unverified: p.summary.coverage.unverified,
      blind: p.summary.coverage.blind ?? null,
    })),
    notes: result.notes,
    diagnostics: diagnostics.map((d) => ({
      code: d.code,
      name: d.name,
      severity: d.severity,
      message: d.message,
      file: displayPath(d.file, cwd),
      ...position(d.file, d.range),
      fix: d.fix
        ? { title: d.fix.title, safe: d.fix.safe, edits: d.fix.edits.map((e) => ({ file: displayPath(e.file, cwd), ...position(e.file, e.range), newText: e.newText })) }
        : null,
    })),
    summary: { files, ...counts(diagnostics), durationMs: Math.round(durationMs) },
  };
}
