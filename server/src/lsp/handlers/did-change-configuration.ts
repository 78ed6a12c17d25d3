import { ConfigError, defaultConfig, validateConfig, type DjswapConfig } from '../../engine/config';
import type { ServerContext } from '../context';
import { pathToUri } from '../convert';

/** `workspace/didChangeConfiguration`: settings read again per folder, histories reloaded, a new analysis. */
export async function didChangeConfiguration(ctx: ServerContext): Promise<void> {
  await ctx.ready;
  await applyConfiguration(ctx);
  await loadHistories(ctx);
  ctx.analysis.schedule();
}

/**
 * The editor's `djswap.*` settings of each workspace folder (the client may add `python`, the
 * interpreter its Python extension uses), as overrides of pyproject.toml.
 */
export async function applyConfiguration(ctx: ServerContext): Promise<void> {
  if (!ctx.session) return;
  const folders: { root: string; overrides: Partial<DjswapConfig> }[] = [];
  for (const root of ctx.folders) {
    let overrides: Partial<DjswapConfig> = {};
    if (ctx.support.configuration) {
      const raw = (await ctx.connection.workspace.getConfiguration({ scopeUri: pathToUri(root), section: 'djswap' })) as Record<string, unknown> | null;
      overrides = readSettings(ctx, raw ?? {});
    }
    folders.push({ root, overrides });
  }
  ctx.session.setFolders(folders);
}

/** Applied migrations of each project's database: read at start, and again when a database or history file changes. */
export async function loadHistories(ctx: ServerContext): Promise<void> {
  try {
    await ctx.session?.loadHistories();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
}

/** Editor settings: only keys that differ from the schema's defaults override pyproject.toml. */
function readSettings(ctx: ServerContext, raw: Record<string, unknown>): Partial<DjswapConfig> {
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'trace' || value === undefined) continue;
    known[key] = value;
  }
  try {
    const validated = validateConfig(known, 'VS Code settings (djswap.*)', 'key');
    const overrides: Partial<DjswapConfig> = {};
    for (const [key, value] of Object.entries(validated) as [keyof DjswapConfig, unknown][]) {
      if (isDefault(key, value)) continue;
      (overrides as Record<string, unknown>)[key] = value;
    }
    return overrides;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    void ctx.connection.window.showErrorMessage(`djswap: ${error.message}`);
    return {};
  }
}

function isDefault(key: keyof DjswapConfig, value: unknown): boolean {
  return JSON.stringify(defaultConfig()[key]) === JSON.stringify(value);
}
