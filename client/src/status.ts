import * as vscode from 'vscode';
import { CLIENT_COMMANDS, type ProjectCoverageStatus, type StatusParams } from '../../server/src/lsp/protocol';

/**
 * djswap's status bar item: the settings module in force and the problem counts; a warning with
 * "Choose Settings Module" when no project was found or nothing could be checked. Its tooltip says
 * what could not be checked: apps not readable, settings not known, findings not verified.
 */
export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('djswap.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'djswap';
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.set('$(loading~spin) djswap', 'djswap: starting', CLIENT_COMMANDS.showProjectModel);
  }

  failed(reason: string): void {
    this.set('$(error) djswap', `djswap: the language server did not start (${reason}). Click for the output.`, CLIENT_COMMANDS.showOutput);
  }

  update(params: StatusParams): void {
    switch (params.state) {
      case 'indexing':
        this.set('$(loading~spin) djswap: indexing', 'djswap: indexing the Django project', CLIENT_COMMANDS.showProjectModel);
        return;
      case 'error':
        this.set('$(error) djswap', `djswap: ${params.message ?? 'configuration error'}`, CLIENT_COMMANDS.showOutput);
        return;
      case 'no-project':
        this.set(
          '$(warning) djswap: no settings',
          markdown([
            '**djswap: no Django project found.** djswap looks for `manage.py`, `[tool.djswap] settings` in pyproject.toml, `DJANGO_SETTINGS_MODULE` or a lone `settings.py`.',
            '',
            `[Choose Settings Module](command:${CLIENT_COMMANDS.chooseSettingsModule}) to tell it which settings to read.`,
          ]),
          CLIENT_COMMANDS.chooseSettingsModule,
          true,
        );
        return;
      default: {
        const projects = params.projects ?? [];
        const blind = projects.filter((p) => p.blind);
        const counts = `${params.errors > 0 ? '$(error)' : params.warnings > 0 ? '$(warning)' : '$(check)'}`;
        if (blind.length > 0 && blind.length === projects.length) {
          this.set(`$(warning) djswap: nothing checked`, tooltip(params, projects), CLIENT_COMMANDS.chooseSettingsModule, true);
        } else {
          this.set(`${counts} djswap ${params.settings ?? ''}`.trimEnd(), tooltip(params, projects), blind.length > 0 ? CLIENT_COMMANDS.chooseSettingsModule : CLIENT_COMMANDS.showProjectModel, blind.length > 0);
        }
      }
    }
  }

  private set(text: string, tooltip: string | vscode.MarkdownString, command: string, warning = false): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function tooltip(params: StatusParams, projects: ProjectCoverageStatus[]): vscode.MarkdownString {
  const problems = params.errors + params.warnings + params.infos;
  const lines = [`**djswap** — ${problems} swappable-model problem${problems === 1 ? '' : 's'} (${params.errors} errors, ${params.warnings} warnings) in ${params.files} files.`];
  for (const project of projects) {
    lines.push('', ...projectLines(project, projects.length > 1));
  }
  const links = [`[Show Project Model](command:${CLIENT_COMMANDS.showProjectModel})`, `[Choose Settings Module](command:${CLIENT_COMMANDS.chooseSettingsModule})`];
  lines.push('', links.join(' · '));
  return markdown(lines);
}

/** What one project's coverage says, one fact a line. */
export function projectLines(project: ProjectCoverageStatus, named: boolean): string[] {
  const out: string[] = [];
  const where = named ? ` in \`${project.root}\`` : '';
  out.push(project.settingsModule ? `Settings \`${project.settingsModule}\`${where} (${project.settingsReason ?? 'found'}).` : `No settings module${where}.`);
  if (project.blind) out.push(`$(warning) **Nothing could be checked:** ${project.blind}.`);
  else out.push(`${project.apps} app${project.apps === 1 ? '' : 's'}${project.appsIncomplete ? ' (maybe more)' : ''}, ${project.models} model${project.models === 1 ? '' : 's'}, ${project.migrations} migration${project.migrations === 1 ? '' : 's'} checked.`);
  if (project.appsUnread.length > 0) out.push(`**Apps not readable:** ${project.appsUnread.map((a) => `\`${a}\``).join(', ')}.`);
  for (const unknown of project.unknownSettings) out.push(`**Not known:** \`${unknown.name}\` (${unknown.reason}).`);
  for (const held of project.unverified) out.push(`**Not verified:** ${held.count} ${held.code} finding${held.count === 1 ? '' : 's'} held back, because ${held.reason}.`);
  // Markdown needs a blank line, or two spaces, to break a line.
  return out.map((line, i) => (i < out.length - 1 ? `${line}  ` : line));
}

function markdown(lines: string[]): vscode.MarkdownString {
  const text = new vscode.MarkdownString(lines.join('\n'), true);
  text.isTrusted = { enabledCommands: [CLIENT_COMMANDS.showProjectModel, CLIENT_COMMANDS.chooseSettingsModule] };
  return text;
}
