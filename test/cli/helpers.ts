import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { FIXTURES, REPO } from '../helpers/paths';

export const BIN = path.join(REPO, 'bin', 'djswap.js');
export const CLI_FIXTURES = path.join(FIXTURES, 'cli');
export const SNAPSHOTS = path.join(REPO, 'test', 'cli', 'snapshots');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  cwd?: string;
  /** The environment djswap sees (DJANGO_SETTINGS_MODULE, GITHUB_WORKSPACE); by default only DJSWAP_GIT=0. */
  env?: Record<string, string | undefined>;
  color?: boolean;
  interactive?: boolean;
}

/** Runs `djswap ARGS` in this process, capturing what it writes: fast, and deterministic (no TTY, no ambient env). */
export async function djswap(args: string[], options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    output: { out: (s) => void (stdout += s), err: (s) => void (stderr += s), color: options.color ?? false, interactive: options.interactive ?? false },
    cwd: options.cwd ?? REPO,
    // Findings from this repository's own git history (SWP404) would depend on its commits.
    env: { DJSWAP_GIT: '0', ...options.env },
  });
  return { code, stdout, stderr };
}

/** The environment djswapProcess gives the child: this one's, without colour, git or anything djswap reads. */
export function processEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', DJSWAP_GIT: '0' };
  delete base.FORCE_COLOR;
  delete base.GITHUB_WORKSPACE;
  delete base.DJANGO_SETTINGS_MODULE;
  return { ...base, ...env };
}

/** Runs bin/djswap.js as a child process, as a user or CI would. */
export function djswapProcess(args: string[], cwd = REPO, env: Record<string, string | undefined> = {}, extra: { uid?: number; gid?: number } = {}): CliRun {
  return nodeProcess([BIN, ...args], cwd, env, extra);
}

/** Runs `node ARGS` (a script and its arguments) with djswapProcess's environment. */
export function nodeProcess(args: string[], cwd = REPO, env: Record<string, string | undefined> = {}, extra: { uid?: number; gid?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: processEnv(env), ...extra });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The files of a folder and their bytes, to compare trees. */
export function treeBytes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(root, full), fs.readFileSync(full).toString('base64'));
    }
  };
  walk(root);
  return out;
}

export function snapshotPath(name: string): string {
  return path.join(SNAPSHOTS, name);
}
