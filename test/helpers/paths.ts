import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root, from out/test/helpers. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const ORACLE = path.resolve(REPO, '..', 'shared', 'oracle-sample');
export const EXAMPLE = path.join(REPO, 'examples', 'mysite');

/** A fresh copy of a folder in the temp directory. */
export function copyToTemp(source: string, prefix = 'djswap-test-'): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(source, target, { recursive: true });
  return target;
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Snapshot comparison: UPDATE_SNAPSHOTS=1 rewrites the file instead of comparing; a missing one fails. */
export function matchSnapshot(file: string, actual: string): { expected: string; actual: string } {
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    fs.writeFileSync(file, actual);
    return { expected: actual, actual };
  }
  if (!fs.existsSync(file)) return { expected: `(no snapshot at ${file}: run with UPDATE_SNAPSHOTS=1)`, actual };
  return { expected: fs.readFileSync(file, 'utf8'), actual };
}

/** Files below `dir` whose names end with `suffix`, sorted. */
export function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, suffix));
    else if (entry.name.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}
