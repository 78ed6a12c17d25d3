import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import type { PlanParams, ProjectModelResult } from '../protocol';

/** `djswap/planSwappableChange`: the plan for changing a swappable setting, as Markdown. */
export function plan(ctx: ServerContext, params: PlanParams): ProjectModelResult {
  const file = typeof params?.uri === 'string' ? uriToPath(params.uri) : undefined;
  return { markdown: ctx.session?.plan({ file, setting: params?.setting, target: params?.target }) ?? 'No Django project found.' };
}
