import type { CodeAction } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import type { FixAllActionData } from '../protocol';

/** `codeAction/resolve`: the edit of a fix-all action, from what its data says alone. Other actions come back as they are. */
export function codeActionResolve(ctx: ServerContext, action: CodeAction): CodeAction {
  return resolveFixAll(ctx, action) ?? action;
}

/**
 * Runs fixes to a fixpoint on the file's current text (as `djswap check --fix` does) and turns the
 * result into one edit pinned to the document's version. Undefined when nothing would change.
 */
export function resolveFixAll(ctx: ServerContext, action: CodeAction): CodeAction | undefined {
  const data = (action.data as Partial<FixAllActionData> | undefined)?.fixAll;
  if (!data || typeof data.uri !== 'string') return undefined;
  const file = uriToPath(data.uri);
  const session = ctx.session;
  if (!file || !session) return undefined;
  const codes = Array.isArray(data.codes) ? new Set(data.codes.map(String)) : undefined;
  const fixed = session.fixAllInFile(file, { unsafe: data.unsafe === true, codes });
  if (!fixed) return undefined;
  return { ...action, edit: ctx.edits().fileEdit(data.uri, session.version(file), fixed.before, fixed.after) };
}
