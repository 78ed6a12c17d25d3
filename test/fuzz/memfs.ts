import * as path from 'node:path';
import type { EntryKind, FileSystem } from '../../server/src/engine/fs';

/**
 * An in-memory FileSystem (the engine's injectable interface): fuzz cases run without touching
 * the disk, and tests can make files unreadable where `chmod` does not bite (as root).
 */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Map<string, Set<string>>();
  readonly calls = { stat: 0, readDir: 0, readFile: 0 };
  /** Paths whose reads fail as they would with EACCES: they exist, but yield nothing. */
  readonly unreadable = new Set<string>();
  readDirLog: string[] = [];

  constructor(root: string, entries: Iterable<[string, Uint8Array]> = []) {
    this.addDir(root);
    for (const [relative, bytes] of entries) this.write(path.join(root, ...relative.split('/')), bytes);
  }

  private addDir(dir: string): void {
    if (this.dirs.has(dir)) return;
    this.dirs.set(dir, new Set());
    const parent = path.dirname(dir);
    if (parent !== dir) {
      this.addDir(parent);
      this.dirs.get(parent)!.add(path.basename(dir));
    }
  }

  write(file: string, bytes: Uint8Array): void {
    this.addDir(path.dirname(file));
    this.dirs.get(path.dirname(file))!.add(path.basename(file));
    this.files.set(file, bytes);
  }

  remove(file: string): void {
    this.files.delete(file);
    this.dirs.get(path.dirname(file))?.delete(path.basename(file));
  }

  stat(file: string): { kind: EntryKind; size: number; mtimeMs: number } | undefined {
    this.calls.stat++;
    const bytes = this.files.get(file);
    if (bytes) return { kind: 'file', size: bytes.length, mtimeMs: 0 };
    if (this.dirs.has(file)) return { kind: 'dir', size: 0, mtimeMs: 0 };
    return undefined;
  }

  readDir(dir: string): { name: string; kind: EntryKind }[] {
    this.calls.readDir++;
    this.readDirLog.push(dir);
    if (this.unreadable.has(dir)) return [];
    const names = this.dirs.get(dir);
    if (!names) return [];
    return [...names]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => ({ name, kind: this.dirs.has(path.join(dir, name)) ? ('dir' as const) : ('file' as const) }));
  }

  readFile(file: string): Uint8Array | undefined {
    this.calls.readFile++;
    if (this.unreadable.has(file)) return undefined;
    return this.files.get(file);
  }

  realpath(file: string): string {
    return file;
  }
}
