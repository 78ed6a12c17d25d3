import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface CommitSpec {
  message: string;
  date: string;
  /** The files of that commit, or "fixture" for the fixture folder's own files. */
  files: Record<string, string> | 'fixture';
}

/**
 * Builds a temporary git repository from a fixture's git-commits.json. Author, committer and dates
 * are fixed, so the same fixture gives the same commit hashes on every machine.
 */
export function replayGitHistory(fixture: string, specFile: string): string {
  const { commits } = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { commits: CommitSpec[] };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-git-fixture-'));
  const run = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Dev',
        GIT_AUTHOR_EMAIL: 'dev@example.com',
        GIT_COMMITTER_NAME: 'Dev',
        GIT_COMMITTER_EMAIL: 'dev@example.com',
        ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
      },
    });
  run(['init', '-q', '-b', 'main']);
  for (const commit of commits) {
    if (commit.files === 'fixture') {
      fs.cpSync(fixture, root, { recursive: true, filter: (source) => !['git-commits.json', 'expected.snap'].includes(path.basename(source)) });
    } else {
      for (const [rel, text] of Object.entries(commit.files)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      }
    }
    run(['add', '-A']);
    run(['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', commit.message], commit.date);
  }
  return root;
}
