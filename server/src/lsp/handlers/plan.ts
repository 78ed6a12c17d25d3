import * as path from 'node:path';
import type { TextDocumentEdit, WorkspaceEdit, CreateFile, DeleteFile } from 'vscode-languageserver/node';
import { nextDeploymentWithEdits, type SwapPlan } from '../../engine/plan';
import type { Session } from '../../engine/session';
import { LineIndex } from '../../syntax/text';
import { pathToUri, uriToPath } from '../convert';
import type { PlanParams, PlanResult } from '../protocol';
import type { ServerContext } from '../context';

/** `djswap/planSwappableChange`: the plan's Markdown, the data, and what applying would write. */
export function plan(ctx: ServerContext, params: PlanParams): PlanResult {
  return planResult(ctx.session, params ?? {});
}

/** The plan request's answer: the Markdown to show, the data, and what applying would write. */
export function planResult(session: Session | undefined, params: PlanParams): PlanResult {
  const found = session?.plan(planOptions(params));
  if (!found) return { markdown: 'No Django project found.', plan: null };
  const next = found.plan.possible ? nextDeploymentWithEdits(found.plan) : undefined;
  return {
    markdown: found.markdown,
    plan: found.plan,
    next: next && {
      number: next.index + 1,
      title: next.deployment.title,
      files: next.deployment.steps.flatMap((s) => (s.kind === 'edit' ? [s.file] : [])),
      after: found.plan.deployments.slice(0, next.index).flatMap((d, i) => (d.done ? [] : [i + 1])),
    },
  };
}

function planOptions(params: PlanParams): { file?: string; setting?: string; target?: string; from?: string } {
  return { file: params.uri ? uriToPath(params.uri) : undefined, setting: params.setting, target: params.target, from: params.from };
}

/**
 * The edits of the plan's next deployment as one WorkspaceEdit: whole-file replacements, files
 * created and deleted. Undefined when there is nothing to write or the client cannot create files.
 */
export function planWorkspaceEdit(session: Session | undefined, params: PlanParams, resourceOperations: boolean): { edit: WorkspaceEdit; plan: SwapPlan } | undefined {
  const found = session?.plan(planOptions(params));
  if (!session || !found?.plan.possible) return undefined;
  const next = nextDeploymentWithEdits(found.plan);
  if (!next) return undefined;
  const changes: (TextDocumentEdit | CreateFile | DeleteFile)[] = [];
  for (const step of next.deployment.steps) {
    if (step.kind !== 'edit') continue;
    const file = path.resolve(found.root, step.file);
    const uri = pathToUri(file);
    const current = session.text(file);
    if ('delete' in step) {
      if (current === undefined) continue;
      if (!resourceOperations) return undefined;
      changes.push({ kind: 'delete', uri, options: { ignoreIfNotExists: true } });
    } else if (current === undefined) {
      if (!resourceOperations) return undefined;
      changes.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: step.newText }] });
    } else if (current !== step.newText) {
      const end = new LineIndex(current).position(current.length);
      changes.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: end.line, character: end.column } }, newText: step.newText }] });
    }
  }
  return { edit: { documentChanges: changes }, plan: found.plan };
}
