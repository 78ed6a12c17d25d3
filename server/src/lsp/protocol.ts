/**
 * Custom messages and command names shared by the VS Code client and the server.
 * Plain strings and types only: the client bundles this file.
 */

export const COMMANDS = {
  showDocumentation: 'djswap.showDocumentation',
  fixAllInWorkspace: 'djswap.fixAllInWorkspace',
  applyFixAllInFile: 'djswap.applyFixAllInFile',
  /** Writes the edits of the plan's next deployment (arguments: one PlanParams). */
  applyPlanEdits: 'djswap.applyPlanEdits',
} as const;

/** Client-side commands (contributed in package.json). */
export const CLIENT_COMMANDS = {
  restartServer: 'djswap.restartServer',
  showProjectModel: 'djswap.showProjectModel',
  fixAllInWorkspace: 'djswap.fixAllInWorkspace',
  showOutput: 'djswap.showOutput',
  planSwappableChange: 'djswap.planSwappableChange',
  showMigrationGraph: 'djswap.showMigrationGraph',
  chooseSettingsModule: 'djswap.chooseSettingsModule',
} as const;

/** Request: the project model as text, for "djswap: Show Project Model". */
export const PROJECT_MODEL_REQUEST = 'djswap/projectModel';
export interface ProjectModelParams {
  /** A file of the project of interest; the first project when absent. */
  uri?: string;
}
export interface ProjectModelResult {
  markdown: string;
}

/** Request: the plan for changing a swappable setting, for "djswap: Plan Swappable Model Change". */
export const PLAN_REQUEST = 'djswap/planSwappableChange';
export interface PlanParams {
  uri?: string;
  setting?: string;
  target?: string;
  from?: string;
}
export interface PlanResult {
  markdown: string;
  /** The plan as `djswap plan --format json` prints it; null without a project. */
  plan: unknown;
  /** The deployment whose edits `applyPlanEdits` would write. */
  next?: { number: number; title: string; files: string[]; after: number[] };
}

/** Request: the migration graph as SVG, for "djswap: Show Migration Graph". */
export const MIGRATION_GRAPH_REQUEST = 'djswap/migrationGraph';
export interface MigrationGraphParams {
  /** The file the user is in: a migration focuses the graph around it, a file of an app on that app. */
  uri?: string;
  app?: string;
  around?: string;
  depth?: number;
}
export interface MigrationGraphResult {
  title: string;
  svg: string;
  /** What a click on a node opens, and the problems shown for it. */
  nodes: { key: string; uri?: string; line?: number; problems: string[] }[];
}

/** Request: settings modules to choose from, for "djswap: Choose Settings Module". */
export const SETTINGS_CANDIDATES_REQUEST = 'djswap/settingsCandidates';
export interface SettingsCandidatesResult {
  candidates: {
    module: string;
    /** The workspace folder whose `djswap.settingsModule` it goes into. */
    folderUri: string;
    fileUri?: string;
    /** In use, named by a project besides the one in use, or a settings file of the workspace. */
    origin: 'in-use' | 'named' | 'file';
    detail: string;
  }[];
}

/** Notification from the server: what the status bar shows. */
export const STATUS_NOTIFICATION = 'djswap/status';
export interface StatusParams {
  state: 'indexing' | 'ready' | 'no-project' | 'error';
  /** e.g. "project.settings" or "2 projects". */
  settings?: string;
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  message?: string;
  /** What each project could be checked on, and what not (state "ready"). */
  projects?: ProjectCoverageStatus[];
}

/** A project's coverage, as the status bar shows it. */
export interface ProjectCoverageStatus {
  /** The project's folder, relative to its workspace folder ("." for the folder itself). */
  root: string;
  settingsModule?: string;
  /** How the settings module was chosen. */
  settingsReason?: string;
  apps: number;
  models: number;
  migrations: number;
  /** INSTALLED_APPS entries whose code could not be read. */
  appsUnread: string[];
  appsIncomplete: boolean;
  unknownSettings: { name: string; reason: string }[];
  /** Errors and warnings held back because a premise is unknown. */
  unverified: { code: string; reason: string; count: number }[];
  /** Why nothing could be checked, when nothing could. */
  blind?: string;
}

/** What a fix-all code action carries in `data`: codeAction/resolve computes its edit from it alone. */
export interface FixAllActionData {
  fixAll: {
    uri: string;
    /** Only these rules ("Fix all SWP101 in this file"); every rule when absent. */
    codes?: string[];
    unsafe: boolean;
  };
}

/** What a diagnostic carries in `data`, so a code action needs no server state. */
export interface DiagnosticData {
  code: string;
  /** The document version the edits were computed for. */
  version: number | null;
  fix?: {
    title: string;
    safe: boolean;
    edits: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  };
  docsUrl: string;
}
