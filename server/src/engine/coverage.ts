import type { DjangoProject, ProjectConfig } from '../django/project';

/**
 * What djswap could see of a project, and what it could not: the settings module and how it was
 * chosen, the apps it read and the ones it could not, the settings whose values it could not know,
 * and the findings it held back because a premise was unknown. Every report shows it, so that a run
 * that saw little never passes for a clean one.
 */
export interface ProjectCoverage {
  root: string;
  settingsModule?: string;
  settingsFile?: string;
  settingsSource: ProjectConfig['settingsSource'];
  settingsReason?: string;
  otherSettings: string[];
  apps: number;
  /** INSTALLED_APPS entries whose code djswap could not read (outside the workspace and its environment). */
  appsUnread: string[];
  /** INSTALLED_APPS holds entries djswap could not evaluate: it may hold more apps. */
  appsIncomplete: boolean;
  models: number;
  migrations: number;
  /** Settings that matter here whose value djswap could not know. */
  unknownSettings: { name: string; reason: string }[];
  /** Errors and warnings held back because one of their premises is unknown, by rule and premise. */
  unverified: { code: string; reason: string; count: number }[];
  /** Nothing could be checked: no settings, or no app read. */
  blind?: string;
}

export function projectCoverage(config: ProjectConfig, project: DjangoProject, unverified: ProjectCoverage['unverified']): ProjectCoverage {
  const unknownSettings: ProjectCoverage['unknownSettings'] = [];
  const installed = project.settings.values.get('INSTALLED_APPS');
  if (installed && installed.value.kind === 'unknown') unknownSettings.push({ name: 'INSTALLED_APPS', reason: installed.value.reason });
  for (const state of project.swappables) {
    if (!state.inUse || state.value !== undefined) continue;
    const value = state.assignment?.value;
    unknownSettings.push({ name: state.setting, reason: value?.kind === 'unknown' ? value.reason : `star imports djswap could not follow (${project.settings.unresolvedStarImports.join(', ')}) may set it` });
  }
  const workspaceApps = project.apps.filter((a) => a.origin === 'workspace' || a.origin === 'site-packages').length;
  let blind: string | undefined;
  if (!config.settingsModule && !config.inlineSettings) blind = 'no settings module was found';
  else if (!project.settings.file) blind = `the settings module ${config.settingsModule ?? ''} was not found`;
  else if (project.apps.length === 0) blind = 'no installed app could be read from the settings';
  else if (workspaceApps === 0 && project.models.every((m) => m.origin === 'builtin')) blind = 'none of the installed apps is in the workspace or its environment';
  return {
    root: config.root,
    settingsModule: config.settingsModule,
    settingsFile: project.settings.file,
    settingsSource: config.settingsSource,
    settingsReason: config.settingsReason,
    otherSettings: config.otherSettings ?? [],
    apps: project.apps.length,
    appsUnread: project.apps.filter((a) => a.origin === 'unknown').map((a) => a.entry),
    appsIncomplete: project.appsIncomplete,
    models: project.models.filter((m) => m.origin !== 'builtin').length,
    migrations: [...project.migrations.values()].filter((m) => m.origin !== 'builtin').length,
    unknownSettings,
    unverified,
    blind,
  };
}

/** One line per project for the end of a report: what was checked, and what could not be. */
export function describeCoverage(coverage: ProjectCoverage, show: (file: string) => string): string[] {
  const lines: string[] = [];
  const root = show(coverage.root) || '.';
  const settings = coverage.settingsModule
    ? `settings \`${coverage.settingsModule}\` (${coverage.settingsReason ?? coverage.settingsSource})`
    : coverage.settingsFile
      ? `settings from ${show(coverage.settingsFile)} (${coverage.settingsReason ?? coverage.settingsSource})`
      : 'no settings';
  const unread = coverage.appsUnread.length > 0 ? ` (${coverage.appsUnread.length} not readable: ${list(coverage.appsUnread)})` : '';
  const incomplete = coverage.appsIncomplete ? ', maybe more' : '';
  lines.push(`Project ${root}: ${settings}; ${plural(coverage.apps, 'app')}${incomplete}${unread}, ${plural(coverage.models, 'model')}, ${plural(coverage.migrations, 'migration')} checked.`);
  if (coverage.blind) lines.push(`  Nothing could be checked: ${coverage.blind}. Name the settings with \`settings = "package.settings"\` under [tool.djswap] in pyproject.toml (or --settings); \`source-roots\` and \`apps\` say where the code is.`);
  for (const unknown of coverage.unknownSettings) lines.push(`  Not known: ${unknown.name} (${unknown.reason}).`);
  for (const held of coverage.unverified) lines.push(`  Not verified: ${plural(held.count, `${held.code} finding`)} held back, because ${held.reason}.`);
  if (coverage.otherSettings.length > 0) lines.push(`  Also named here: ${list(coverage.otherSettings)} (check them with --settings).`);
  return lines;
}

function list(items: string[]): string {
  const shown = items.slice(0, 4).map((i) => `\`${i}\``).join(', ');
  return items.length > 4 ? `${shown}, and ${items.length - 4} more` : shown;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
