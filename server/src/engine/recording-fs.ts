import type { FileSystem } from './fs';

/** One question asked of the file system, and what its answer looked like. */
export interface RecordedRead {
  op: 'stat' | 'readDir' | 'realpath';
  path: string;
  /** The answer in short: kind, size and mtime; a listing's names and kinds; a real path. */
  answer: string;
}

/**
 * A file system that notes every question the engine asks and a short form of each answer, so
 * that a result computed through it can later be checked without recomputing it: when every
 * question still gets the same answer, the result still holds. A file's contents are represented
 * by its size and modification time, taken before it is read.
 */
export class RecordingFileSystem implements FileSystem {
  private readonly answers = new Map<string, RecordedRead>();

  constructor(private readonly inner: FileSystem) {}

  stat(file: string) {
    const stat = this.inner.stat(file);
    this.note('stat', file, statAnswer(stat));
    return stat;
  }

  readDir(dir: string) {
    const listing = this.inner.readDir(dir);
    this.note('readDir', dir, listingAnswer(listing));
    return listing;
  }

  readFile(file: string) {
    // The same question as stat: a file's size and modification time stand for its contents.
    this.note('stat', file, statAnswer(this.inner.stat(file)));
    return this.inner.readFile(file);
  }

  realpath(file: string) {
    const real = this.inner.realpath(file);
    this.note('realpath', file, real);
    return real;
  }

  /** Every question asked, once each, with the first answer it got. */
  reads(): RecordedRead[] {
    return [...this.answers.values()];
  }

  private note(op: RecordedRead['op'], path: string, answer: string): void {
    const key = `${op}\0${path}`;
    // The first answer is what the result was computed from.
    if (!this.answers.has(key)) this.answers.set(key, { op, path, answer });
  }
}

function statAnswer(stat: ReturnType<FileSystem['stat']>): string {
  return stat ? `${stat.kind} ${stat.size} ${stat.mtimeMs}` : 'none';
}

function listingAnswer(listing: ReturnType<FileSystem['readDir']>): string {
  return listing.map((e) => `${e.kind === 'dir' ? 'd' : 'f'}:${e.name}`).join('\n');
}

/** Whether every recorded question gets the same answer from `fs` now; stops at the first that does not. */
export function readsStillHold(fs: FileSystem, reads: RecordedRead[]): boolean {
  for (const read of reads) {
    let now: string;
    switch (read.op) {
      case 'stat':
        now = statAnswer(fs.stat(read.path));
        break;
      case 'readDir':
        now = listingAnswer(fs.readDir(read.path));
        break;
      case 'realpath':
        now = fs.realpath(read.path);
        break;
      default:
        return false;
    }
    if (now !== read.answer) return false;
  }
  return true;
}
