import * as fs from 'node:fs';
import * as path from 'node:path';

export type EntryKind = 'file' | 'dir';

/** All the engine asks of a file system. Tests and the language server may supply their own. */
export interface FileSystem {
  stat(file: string): { kind: EntryKind; size: number; mtimeMs: number } | undefined;
  readDir(dir: string): { name: string; kind: EntryKind }[];
  readFile(file: string): Uint8Array | undefined;
  realpath(file: string): string;
}

/** The real file system. Errors (missing, unreadable, loops) read as "nothing there". */
export const nodeFileSystem: FileSystem = {
  stat(file) {
    try {
      const s = fs.statSync(file);
      if (s.isFile()) return { kind: 'file', size: s.size, mtimeMs: s.mtimeMs };
      if (s.isDirectory()) return { kind: 'dir', size: 0, mtimeMs: s.mtimeMs };
      return undefined;
    } catch {
      return undefined;
    }
  },
  readDir(dir) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: { name: string; kind: EntryKind }[] = [];
    for (const entry of entries) {
      if (entry.isFile()) out.push({ name: entry.name, kind: 'file' });
      else if (entry.isDirectory()) out.push({ name: entry.name, kind: 'dir' });
      else if (entry.isSymbolicLink()) {
        const target = nodeFileSystem.stat(path.join(dir, entry.name));
        if (target) out.push({ name: entry.name, kind: target.kind });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  },
  readFile(file) {
    try {
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  },
  realpath(file) {
    try {
      return fs.realpathSync.native(file);
    } catch {
      return file;
    }
  },
};
