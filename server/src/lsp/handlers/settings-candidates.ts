import type { ServerContext } from '../context';
import { pathToUri } from '../convert';
import type { SettingsCandidatesResult } from '../protocol';

/**
 * `djswap/settingsCandidates`: the settings modules the user may choose for "djswap: Choose Settings
 * Module": those the projects use and name, then the settings files of each workspace folder.
 */
export function settingsCandidates(ctx: ServerContext): SettingsCandidatesResult {
  const candidates = ctx.session?.settingsCandidates() ?? [];
  return {
    candidates: candidates.map((c) => ({ module: c.module, folderUri: pathToUri(c.folder), fileUri: c.file ? pathToUri(c.file) : undefined, origin: c.origin, detail: c.detail })),
  };
}
