/**
 * Custom messages and command names shared by the VS Code client and the server.
 * Plain strings and types only: the client bundles this file.
 */

export const COMMANDS = {
  showDocumentation: 'djswap.showDocumentation',
  fixAllInWorkspace: 'djswap.fixAllInWorkspace',
  applyFixAllInFile: 'djswap.applyFixAllInFile',
} as const;

/** Client-side commands (contributed in package.json). */
export const CLIENT_COMMANDS = {
  restartServer: 'djswap.restartServer',
  showProjectModel: 'djswap.showProjectModel',
  fixAllInWorkspace: 'djswap.fixAllInWorkspace',
  showOutput: 'djswap.showOutput',
  planSwappableChange: 'djswap.planSwappableChange',
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
