/**
 * Every diagnostic djswap must report on examples/mysite, and nothing else: one row per finding.
 * Every host reads this table (VS Code through the extension-host suite, Neovim through its harness).
 *
 * `file` is relative to examples/mysite, with `/`; `line` is 1-based, as an editor's gutter shows it;
 * `text`, when given, is the source text the diagnostic's range must cover.
 * When a rule starts reporting on the example project, add its row here: the suite fails until the
 * table and what djswap reports agree, and its message prints the rows it did not expect.
 */
export interface ExpectedDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  text?: string;
}

export const EXPECTED_DIAGNOSTICS: readonly ExpectedDiagnostic[] = [
  { file: 'blog/migrations/0002_assign_orphan_posts.py', line: 8, code: 'SWP204', severity: 'error', text: '"auth", "User"' },
  { file: 'blog/models.py', line: 16, code: 'SWP101', severity: 'error', text: '"auth.User"' },
  { file: 'blog/views.py', line: 8, code: 'SWP102', severity: 'error', text: 'User' },
  { file: 'oauth/migrations/0001_initial.py', line: 10, code: 'SWP201', severity: 'warning', text: 'Migration' },
];

/** One row as it would be written in the table above. */
export function formatRow(row: ExpectedDiagnostic): string {
  const text = row.text === undefined ? '' : `, text: ${quote(row.text)}`;
  return `{ file: '${row.file}', line: ${row.line}, code: '${row.code}', severity: '${row.severity}'${text} }`;
}

function quote(text: string): string {
  return /['\\\n]/.test(text) ? JSON.stringify(text) : `'${text}'`;
}

/** The key two rows share when they name the same finding (the text is checked separately). */
export function rowKey(row: ExpectedDiagnostic): string {
  return `${row.file}:${row.line} ${row.code} ${row.severity}`;
}
