import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Read-only questions to git, for the history of a setting. `git` is the only program djswap ever
 * runs: fixed arguments, no shell, nothing of the project, no optional locks, a time limit.
 */

export interface Commit {
  hash: string;
  /** Seconds since the epoch. */
  time: number;
  subject: string;
}

const TIMEOUT_MS = 5000;
const MAX_COMMITS = 200;

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
  } catch {
    return undefined;
  }
}

/** Whether the folder or one above it holds `.git` (a folder, or a file for worktrees and submodules). */
function insideGitCheckout(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, '.git'))) return true;
    if (path.dirname(current) === current) return false;
  }
}

export class GitRepository {
  private readonly shown = new Map<string, string | null>();

  private constructor(readonly root: string) {}

  /** The repository that holds `dir`, if git is installed and there is one. */
  static open(dir: string): GitRepository | undefined {
    // Starting git costs tens of milliseconds; with no `.git` above the folder there is nothing to ask.
    if (!process.env.GIT_DIR && !insideGitCheckout(dir)) return undefined;
    const top = git(dir, ['rev-parse', '--show-toplevel'])?.trim();
    return top ? new GitRepository(path.resolve(top)) : undefined;
  }

  head(): string | undefined {
    return git(this.root, ['rev-parse', '--verify', '--quiet', 'HEAD'])?.trim() || undefined;
  }

  /** Commits that touched a file, newest first. */
  commitsTouching(file: string): Commit[] {
    const out = git(this.root, ['log', `--max-count=${MAX_COMMITS}`, '--format=%H%x1f%ct%x1f%s', '--', this.relative(file)]);
    return parseCommits(out);
  }

  /** The commit that added a file (the oldest that touched it, following no renames). */
  commitAdding(file: string): Commit | undefined {
    const out = git(this.root, ['log', '--diff-filter=A', '--format=%H%x1f%ct%x1f%s', '--', this.relative(file)]);
    const commits = parseCommits(out);
    return commits[commits.length - 1];
  }

  /** A file's content at a commit. */
  show(commit: string, file: string): string | undefined {
    const key = `${commit}:${this.relative(file)}`;
    if (!this.shown.has(key)) this.shown.set(key, git(this.root, ['show', key]) ?? null);
    return this.shown.get(key) ?? undefined;
  }

  /** Whether `ancestor` is reachable from `commit`. */
  isAncestor(ancestor: string, commit: string): boolean {
    try {
      execFileSync('git', ['merge-base', '--is-ancestor', ancestor, commit], { cwd: this.root, stdio: 'ignore', timeout: TIMEOUT_MS, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
      return true;
    } catch {
      return false;
    }
  }

  private relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }
}

function parseCommits(out: string | undefined): Commit[] {
  if (!out) return [];
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [hash, time, subject] = line.split('\x1f');
      return { hash, time: Number(time), subject: subject ?? '' };
    });
}
