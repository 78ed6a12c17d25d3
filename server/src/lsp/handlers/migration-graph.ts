import type { ServerContext } from '../context';
import { pathToUri, uriToPath } from '../convert';
import type { MigrationGraphParams, MigrationGraphResult } from '../protocol';

/** `djswap/migrationGraph`: the migration graph around the file in the editor, as SVG, with where each node lives. */
export async function migrationGraph(ctx: ServerContext, params: MigrationGraphParams): Promise<MigrationGraphResult | null> {
  const file = params.uri ? uriToPath(params.uri) : undefined;
  const graph = await ctx.session?.graph({ file, app: params.app, around: params.around, depth: params.depth });
  if (!graph) return null;
  return {
    title: graph.view.title,
    svg: graph.svg,
    nodes: graph.view.nodes.filter((n) => n.key).map((n) => ({ key: n.key!, uri: n.file ? pathToUri(n.file) : undefined, line: n.line, problems: n.problems })),
  };
}
