import type { EngineDiagnostic } from '../engine/workspace';
import type { Severity } from '../rules/types';
import { displayPath, Positions } from './output';

/**
 * `--format github`: one GitHub Actions workflow command per finding, which the runner turns into an
 * annotation on the file and line (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
 */
export interface GithubInput {
  diagnostics: EngineDiagnostic[];
  text(file: string): string | undefined;
  /** Paths are relative to this folder: the repository root ($GITHUB_WORKSPACE) or the working directory. */
  base: string;
  notes: { level: 'notice' | 'warning'; message: string }[];
}

/** The message part of a workflow command: `%`, CR and LF are escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: also `:` and `,`, which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name: string, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function annotationLevel(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

export function githubReport(input: GithubInput): string {
  const positions = new Positions(input.text);
  const lines: string[] = [];
  for (const note of input.notes) lines.push(command(note.level, { title: 'djswap' }, note.message));
  for (const d of input.diagnostics) {
    const r = positions.region(d.file, d.range);
    const body = [d.message];
    for (const related of d.related) {
      const at = positions.region(related.file, related.range);
      body.push(`note: ${related.message} (${displayPath(related.file, input.base)}:${at.line}:${at.column})`);
    }
    if (d.fix) body.push(`help: ${d.fix.title} (${d.fix.safe ? 'safe fix: djswap check --fix' : 'unsafe fix: djswap check --fix --unsafe-fixes'})`);
    body.push(`docs: ${d.docsUrl}`);
    lines.push(
      command(
        annotationLevel(d.severity),
        {
          file: displayPath(d.file, input.base),
          line: r.line,
          col: r.column,
          endLine: r.endLine,
          endColumn: r.endColumn,
          title: `${d.code} ${d.name}`,
        },
        body.join('\n'),
      ),
    );
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
