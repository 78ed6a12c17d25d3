import type { ExecuteCommandParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { pathToUri, uriToPath } from '../convert';
import { textChange } from '../edits';
import { COMMANDS, type PlanParams } from '../protocol';
import { planWorkspaceEdit } from './plan';

/** `workspace/executeCommand`: open a rule's documentation, fix all in the workspace or in one file, write the plan's next edits. */
export async function executeCommand(ctx: ServerContext, params: ExecuteCommandParams): Promise<unknown> {
  const session = ctx.session;
  switch (params.command) {
    case COMMANDS.showDocumentation: {
      const url = String(params.arguments?.[0] ?? '');
      if (url && ctx.support.showDocument) await ctx.connection.window.showDocument({ uri: url, external: true });
      return null;
    }
    case COMMANDS.fixAllInWorkspace: {
      if (!session) return null;
      const changed = session.fixAllInWorkspace({ unsafe: false });
      if (changed.size === 0) return { files: 0 };
      const changes: Record<string, TextEdit[]> = {};
      for (const [file, change] of changed) changes[pathToUri(file)] = [textChange(change.before, change.after)];
      const edit: WorkspaceEdit = { changes };
      await ctx.connection.workspace.applyEdit({ label: 'djswap: Fix all in workspace', edit });
      return { files: changed.size };
    }
    case COMMANDS.applyFixAllInFile: {
      const uri = String(params.arguments?.[0] ?? '');
      const file = uriToPath(uri);
      if (!file || !session) return null;
      const fixed = session.fixAllInFile(file, { unsafe: false });
      if (fixed) await ctx.connection.workspace.applyEdit({ label: 'djswap: Fix all', edit: ctx.edits().fileEdit(uri, session.version(file), fixed.before, fixed.after) });
      return null;
    }
    case COMMANDS.applyPlanEdits: {
      const found = planWorkspaceEdit(session, (params.arguments?.[0] ?? {}) as PlanParams, ctx.support.resourceOperations);
      if (!found) return { applied: false, files: 0 };
      const answer = await ctx.connection.workspace.applyEdit({ label: "djswap: Apply the plan's next deployment", edit: found.edit });
      return { applied: answer.applied, files: found.edit.documentChanges?.length ?? 0 };
    }
    default:
      return null;
  }
}
