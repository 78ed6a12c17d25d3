import { MarkupKind, type Hover, type TextDocumentPositionParams } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { toLspRange, uriToPath } from '../convert';
import { CLIENT_COMMANDS, type MigrationGraphParams } from '../protocol';

/** `textDocument/hover`: what the engine knows of the expression under the cursor, as Markdown. */
export function hover(ctx: ServerContext, params: TextDocumentPositionParams): Hover | null {
  const uri = params.textDocument.uri;
  const file = uriToPath(uri);
  const session = ctx.session;
  if (!file || !session) return null;
  const offset = ctx.offsetAt(uri, params.position);
  const found = offset === undefined ? undefined : session.hover(file, offset);
  if (!found) return null;
  let value = found.markdown;
  if (found.graphFocus && ctx.support.commandLinks) {
    const args = encodeURIComponent(JSON.stringify([{ ...found.graphFocus, uri } satisfies MigrationGraphParams]));
    value += `\n\n[Show the migration graph](command:${CLIENT_COMMANDS.showMigrationGraph}?${args})`;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: toLspRange(found.range) };
}
