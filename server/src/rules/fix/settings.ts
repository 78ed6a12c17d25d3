import type { DjangoProject } from '../../django/project';
import type { ParsedFile } from '../../django/source';
import type { Finding, TextEdit } from '../types';

/** The settings file to add a setting to: the one that sets INSTALLED_APPS (the base of a package). */
export function settingsFileOf(project: DjangoProject): string {
  return project.settings.values.get('INSTALLED_APPS')?.location.file ?? project.settings.file!;
}

/** Appends `SETTING = "label"` to a settings file. */
export function defineSettingFix(project: DjangoProject, file: ParsedFile | undefined, setting: string, label: string): Finding['fix'] {
  if (!file) return undefined;
  const quote = /^\s*\w+\s*=\s*'/m.test(file.text) && !/^\s*\w+\s*=\s*"/m.test(file.text) ? "'" : '"';
  const eol = file.lines.eol;
  const end = file.text.length;
  const needsBreak = end > 0 && !file.text.endsWith('\n');
  const edit: TextEdit = { file: file.path, span: { start: end, end }, newText: `${needsBreak ? eol : ''}${eol}${setting} = ${quote}${label}${quote}${eol}` };
  void project;
  return { title: `Define ${setting} = "${label}" in ${file.path.split(/[\\/]/).slice(-2).join('/')}`, safe: true, edits: [edit] };
}
