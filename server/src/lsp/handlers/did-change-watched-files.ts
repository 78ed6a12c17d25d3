import { FileChangeType, type DidChangeWatchedFilesParams } from 'vscode-languageserver/node';
import type { FileEvent } from '../../engine/session';
import { isHistoryFile } from '../../engine/watch';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import { loadHistories } from './did-change-configuration';

/** `workspace/didChangeWatchedFiles`: the engine forgets what changed on disk; a database or history file means reading histories again. */
export async function didChangeWatchedFiles(ctx: ServerContext, params: DidChangeWatchedFilesParams): Promise<void> {
  await ctx.ready;
  const events: FileEvent[] = [];
  for (const change of params.changes) {
    const file = uriToPath(change.uri);
    if (!file) continue;
    const type = change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
    events.push({ file, type });
  }
  ctx.session?.fileEvents(events);
  if (events.some((e) => isHistoryFile(e.file))) await loadHistories(ctx);
  ctx.analysis.schedule();
}
