import { CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import { ConfigError } from '../../engine/config';
import { suppressionEdit } from '../../engine/suppressions';
import type { EngineDiagnostic } from '../../engine/workspace';
import { LineIndex } from '../../syntax/text';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';
import { COMMANDS, type DiagnosticData, type FixAllActionData } from '../protocol';
import { resolveFixAll } from './code-action-resolve';
import { FIX_ALL_KIND } from './initialize';

/**
 * `textDocument/codeAction`. Per djswap diagnostic: its fix (carried in the diagnostic's data), "fix
 * all of this rule in the file", "disable for this line", "show documentation"; and the file's safe
 * fixes as `source.fixAll.djswap` when asked for. Fix-all actions carry what to fix in their data and
 * are computed by codeAction/resolve when chosen (at once for a client that cannot resolve).
 */
export function codeAction(ctx: ServerContext, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const file = uriToPath(uri);
  const session = ctx.session;
  if (!file || !session) return [];
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  const version = session.version(file);
  const edits = ctx.edits();
  const fixAll = (title: string, kind: string, data: FixAllActionData): CodeAction | undefined => {
    const action: CodeAction = { title, kind, data };
    return ctx.support.codeActionResolve ? action : resolveFixAll(ctx, action);
  };
  const actions: CodeAction[] = [];
  // The diagnostics of this file as the engine has them now: which rules have more than one fix.
  const current = fileDiagnostics(ctx, file);
  if (wants(CodeActionKind.QuickFix)) {
    const ours = params.context.diagnostics.filter((d) => d.source === 'djswap' && d.data);
    const codesSeen = new Set<string>();
    for (const diagnostic of ours) {
      const data = diagnostic.data as DiagnosticData;
      if (data.fix && (data.version === null || version === null || data.version === version)) {
        const action = CodeAction.create(data.fix.title, edits.fix(data.fix.edits), CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = data.fix.safe;
        actions.push(action);
      }
      if (!codesSeen.has(data.code)) {
        codesSeen.add(data.code);
        if (current.filter((d) => d.code === data.code && d.fix).length > 1) {
          const action = fixAll(`Fix all ${data.code} in this file`, CodeActionKind.QuickFix, { fixAll: { uri, codes: [data.code], unsafe: true } });
          if (action) {
            action.diagnostics = ours.filter((d) => (d.data as DiagnosticData).code === data.code);
            actions.push(action);
          }
        }
      }
      actions.push(disableForLine(ctx, uri, file, diagnostic, data.code, version));
      const docs = CodeAction.create(`Show documentation for ${data.code}`, { title: `Show documentation for ${data.code}`, command: COMMANDS.showDocumentation, arguments: [data.docsUrl] }, CodeActionKind.QuickFix);
      docs.diagnostics = [diagnostic];
      actions.push(docs);
    }
  }
  // Fix-all is a source action: offered when asked for (codeActionsOnSave, the Source Action menu).
  if (only && wants(FIX_ALL_KIND) && current.some((d) => d.fix?.safe)) {
    const action = fixAll('djswap: Fix all safe fixes', FIX_ALL_KIND, { fixAll: { uri, unsafe: false } });
    if (action) actions.push(action);
  }
  return actions;
}

/** The file's diagnostics in the engine's analysis of the current state (none while the configuration is broken). */
function fileDiagnostics(ctx: ServerContext, file: string): EngineDiagnostic[] {
  try {
    return ctx.session?.current().diagnostics.filter((d) => d.file === file) ?? [];
  } catch (error) {
    if (error instanceof ConfigError) return [];
    throw error;
  }
}

/** `# djswap: ignore[CODE]` on the diagnostic's line, or the code added to the comment already there. */
function disableForLine(ctx: ServerContext, uri: string, file: string, diagnostic: Diagnostic, code: string, version: number | null): CodeAction {
  const line = diagnostic.range.start.line;
  const document = ctx.documents.get(uri);
  const text = document ? document.getText() : ctx.text(file) ?? '';
  const lineText = new LineIndex(text).lineText(line);
  const edit = suppressionEdit(lineText, code);
  const action = CodeAction.create(
    `Disable ${code} for this line`,
    ctx.edits().versioned(uri, version, [{ range: { start: { line, character: edit.start }, end: { line, character: edit.end } }, newText: edit.newText }]),
    CodeActionKind.QuickFix,
  );
  action.diagnostics = [diagnostic];
  return action;
}
