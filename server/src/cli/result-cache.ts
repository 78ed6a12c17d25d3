import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../engine/fs';
import { GitRepository } from '../engine/git';
import { readsStillHold, type RecordedRead } from '../engine/recording-fs';

/**
 * What `djswap check --cache-dir DIR` keeps between runs: the report of one invocation, with every
 * question the analysis asked of the file system and the answer it got. A later run of the same
 * invocation asks the questions again (a stat per file read, a listing per folder walked) and, when
 * every answer is the same, prints the kept report without parsing anything. Nothing is written
 * unless a cache folder is given.
 */

const FORMAT = 1;

/** Set by scripts/bundle.mjs in both bundles of the CLI: the name of the bundle that holds the engine. */
declare const DJSWAP_CLI_BUNDLE: string | undefined;

/**
 * The file whose modification time stands for the running build: the CLI's engine bundle, named the
 * same by its first stage (dist/cli-cached.js) and by itself (dist/cli.js); unbundled, this module.
 */
const BUILD_FILE = typeof DJSWAP_CLI_BUNDLE === 'string' ? path.join(__dirname, DJSWAP_CLI_BUNDLE) : __filename;

export interface CacheKeyParts {
  version: string;
  argv: string[];
  cwd: string;
  /** The environment variables that change what is analysed. */
  env: Record<string, string | undefined>;
}

interface Entry<T> {
  format: number;
  key: string;
  reads: RecordedRead[];
  /** HEAD of each repository git was asked about, when it was. */
  gitHeads: Record<string, string | null>;
  report: T;
}

export class ResultCache<T> {
  readonly file: string;
  private readonly key: string;

  constructor(
    readonly dir: string,
    parts: CacheKeyParts,
  ) {
    // The running build is part of the key: a rebuilt djswap may read the same files differently.
    let build = '';
    try {
      build = String(fs.statSync(BUILD_FILE).mtimeMs);
    } catch {
      // bundled into a file that cannot be stat'ed: the version alone
    }
    this.key = createHash('sha256').update(JSON.stringify({ format: FORMAT, build, ...parts })).digest('hex');
    this.file = path.join(dir, `check-${this.key.slice(0, 32)}.json`);
  }

  /** The kept report, when every answer it was computed from is still the same. */
  load(): T | undefined {
    let entry: Entry<T>;
    try {
      entry = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Entry<T>;
    } catch {
      return undefined;
    }
    if (entry.format !== FORMAT || entry.key !== this.key || !Array.isArray(entry.reads)) return undefined;
    if (!readsStillHold(nodeFileSystem, entry.reads)) return undefined;
    for (const [root, head] of Object.entries(entry.gitHeads ?? {})) {
      if ((GitRepository.open(root)?.head() ?? null) !== head) return undefined;
    }
    return entry.report;
  }

  /** Keeps a report; a cache that cannot be written is skipped with a note, never an error. */
  store(report: T, reads: RecordedRead[], gitRoots: string[]): string | undefined {
    const gitHeads: Record<string, string | null> = {};
    for (const root of gitRoots) gitHeads[root] = GitRepository.open(root)?.head() ?? null;
    const entry: Entry<T> = { format: FORMAT, key: this.key, reads, gitHeads, report };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify(entry));
      // Whole or not at all: a reader never sees half an entry.
      fs.renameSync(temporary, this.file);
      return undefined;
    } catch (error) {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // there was no folder to write it in
      }
      return `the cache in ${this.dir} could not be written: ${(error as Error).message}`;
    }
  }
}
