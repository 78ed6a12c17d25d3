import { sameLabel, type DjangoProject } from '../django/project';
import { nextDeploymentWithEdits, type SwapPlan } from '../django/swap/plan-data';
import { planSwap } from '../django/swap/planner';
import type { SettingChange } from './setting-history';

export { planMarkdown } from './plan-markdown';

/** What the plan is asked for. */
export interface PlanRequest {
  setting: string;
  /** The model the setting should name ("users.User"); its value in the settings when absent. */
  target?: string;
  /** The model the databases were migrated with, when the user knows better than git. */
  from?: string;
  /** The setting's last change in git, if any. */
  change?: SettingChange;
}

export function choosePlanSetting(project: DjangoProject): string {
  const risky = project.swappables.find((s) => s.inUse && s.swapped === true && s.assignment);
  return risky?.setting ?? 'AUTH_USER_MODEL';
}

/** The plan for the project as it is now, on the database it was given (or on the assumption of one). */
export function buildSwapPlan(project: DjangoProject, request: PlanRequest): SwapPlan {
  const { change } = request;
  // Git's previous value tells where the rows are, when the change git saw is the one planned.
  const gitFrom = change && (request.target === undefined || sameLabel(change.to, request.target)) ? change.from ?? null : undefined;
  return planSwap(project, { setting: request.setting, to: request.target, from: request.from, gitFrom });
}

export { nextDeploymentWithEdits };
export type { PlanDeployment, SwapPlan } from '../django/swap/plan-data';
