/**
 * The plan for changing a swappable setting, as data: what `djswap plan --format json` prints, what
 * the Markdown is rendered from, and what `--write` and the editor apply. Paths are relative to the
 * project folder, with forward slashes.
 */

export type PlanStep =
  /** Write a file with this whole content (created when missing). */
  | { kind: 'edit'; file: string; newText: string; summary: string }
  /** Delete a file the plan replaces (a migration that was never applied). */
  | { kind: 'edit'; file: string; delete: true; summary: string }
  /** Statements to run on each database, in this order, one list per engine. */
  | { kind: 'sql'; sqlite: string[]; postgresql: string[]; summary: string }
  /** A command to run in the project folder against each database (`python` is the project's interpreter). */
  | { kind: 'command'; argv: string[]; summary: string };

export interface PlanDeployment {
  title: string;
  /** Why this is a deployment of its own. */
  why: string;
  /** True when the database read shows it done already. */
  done: boolean;
  steps: PlanStep[];
}

export interface PlanDatabase {
  /** Where the applied migrations came from; `assumed` when no database was read. */
  kind: 'sqlite' | 'showmigrations' | 'assumed';
  file?: string;
  /** How many migrations it has applied. */
  applied?: number;
}

export interface SwapPlan {
  version: 1;
  setting: string;
  from: string;
  to: string;
  /**
   * How `from` was found: the settings (when `--to` names another model), `--from`, git's previous
   * value, a model the migrations create and the code no longer has, the database's history (the
   * setting's default), or nothing (then `from` is `to` and there is nothing to move).
   */
  fromSource: 'settings' | 'option' | 'git' | 'migrations' | 'database' | 'none';
  database: PlanDatabase;
  possible: boolean;
  /** Why no safe plan exists, when `possible` is false. */
  reason?: string;
  /** What the plan relies on and what it leaves behind. */
  notes: string[];
  deployments: PlanDeployment[];
}

/** The deployment whose edits `--write` applies: the first not done that has edits. */
export function nextDeploymentWithEdits(plan: SwapPlan): { index: number; deployment: PlanDeployment } | undefined {
  const index = plan.deployments.findIndex((d) => !d.done && d.steps.some((s) => s.kind === 'edit'));
  return index < 0 ? undefined : { index, deployment: plan.deployments[index] };
}
