import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../helpers/paths';

/** The INSTALLED_APPS of minimalProject(), as Python. */
export const APPS = '["django.contrib.auth", "django.contrib.contenttypes", "accounts", "blog"]';

/** Writes files (relative path → text or bytes) under a fresh temp folder and returns it. */
export function makeTree(files: Record<string, string | Uint8Array>, prefix = 'djswap-robust-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/**
 * A minimal Django project whose user model is swapped (AUTH_USER_MODEL = "accounts.User"), with one
 * app that still points at "auth.User": an SWP101 error, so `djswap check` exits 1.
 */
export function minimalProject(extra: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> {
  return {
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")\n',
    'project/__init__.py': '',
    'project/settings.py': `INSTALLED_APPS = ${APPS}\nAUTH_USER_MODEL = "accounts.User"\n`,
    'accounts/__init__.py': '',
    'accounts/migrations/__init__.py': '',
    'accounts/models.py': 'from django.contrib.auth.models import AbstractUser\n\n\nclass User(AbstractUser):\n    pass\n',
    'blog/__init__.py': '',
    'blog/migrations/__init__.py': '',
    'blog/models.py': 'from django.db import models\n\n\nclass Post(models.Model):\n    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n',
    ...extra,
  };
}

export interface TreeEntry {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  size: number;
  mtimeMs: number;
  hash?: string;
  target?: string;
}

/**
 * Everything about a folder that a write could change: each entry's kind, mode, size, mtime,
 * content hash and link target (symbolic links are not followed). Access times are left out:
 * reading changes them.
 */
export function treeState(root: string): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relative = path.relative(root, full);
      const stat = fs.lstatSync(full);
      const base = { mode: stat.mode, size: stat.size, mtimeMs: stat.mtimeMs };
      if (stat.isSymbolicLink()) out.set(relative, { kind: 'symlink', ...base, target: fs.readlinkSync(full) });
      else if (stat.isDirectory()) {
        out.set(relative, { kind: 'dir', ...base, size: 0 });
        walk(full);
      } else if (stat.isFile()) out.set(relative, { kind: 'file', ...base, hash: crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex') });
      else out.set(relative, { kind: 'other', ...base });
    }
  };
  walk(root);
  return out;
}

/** The paths whose state differs between two snapshots. */
export function changedPaths(before: Map<string, TreeEntry>, after: Map<string, TreeEntry>): string[] {
  const out: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (JSON.stringify(before.get(key)) !== JSON.stringify(after.get(key))) out.push(key);
  }
  return out.sort();
}

export const BIN = path.join(REPO, 'bin', 'djswap.js');

/** Runs the CLI in a child process, with a deadline: a hang fails the test instead of stalling it. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; nodeArgs?: string[] } = {}): { code: number | null; stdout: string; stderr: string; timedOut: boolean; ms: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', timedOut, ms: performance.now() - started };
}

/** Resident memory of a process in bytes (Linux /proc), or undefined elsewhere. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Generated migrations 0001..n in one app, each depending on the one before. */
export function migrationChain(app: string, count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    const name = `${String(i).padStart(5, '0')}_step`;
    const previous = `${String(i - 1).padStart(5, '0')}_step`;
    files[`${app}/migrations/${name}.py`] =
      `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n` +
      `    dependencies = [${i > 1 ? `("${app}", "${previous}")` : ''}]\n` +
      `    operations = [migrations.AddField("post", "f${i}", models.IntegerField(default=0))]\n`;
  }
  return files;
}
