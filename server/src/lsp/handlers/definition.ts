import type { Location, TextDocumentPositionParams } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { pathToUri, toLspRange, uriToPath } from '../convert';

/**
 * `textDocument/definition` (the model a swappable setting names, the migration a dependency names)
 * and `textDocument/declaration` (where the setting is assigned).
 */
export function locations(ctx: ServerContext, params: TextDocumentPositionParams, kind: 'definition' | 'declaration'): Location[] {
  const uri = params.textDocument.uri;
  const file = uriToPath(uri);
  const session = ctx.session;
  if (!file || !session) return [];
  const offset = ctx.offsetAt(uri, params.position);
  if (offset === undefined) return [];
  const targets = kind === 'definition' ? session.definition(file, offset) : session.declaration(file, offset);
  return targets.map((t) => ({ uri: pathToUri(t.file), range: toLspRange(t.range) }));
}
