import type { WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import { applyConfiguration } from './did-change-configuration';

/** `workspace/didChangeWorkspaceFolders`: one engine workspace per folder, each with its own settings. */
export async function didChangeWorkspaceFolders(ctx: ServerContext, event: WorkspaceFoldersChangeEvent): Promise<void> {
  const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
  const added = event.added.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f);
  ctx.folders = [...ctx.folders.filter((f) => !removed.has(f)), ...added];
  await ctx.ready;
  await applyConfiguration(ctx);
  ctx.analysis.schedule();
}
