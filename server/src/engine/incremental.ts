import { buildProject, type DjangoProject, type ProjectConfig } from '../django/project';
import type { AppliedHistory } from '../django/history';
import type { ParsedFile, SourceTree } from '../django/source';
import { ReadLog, RecordingTree, type DerivedFacts, type KeptParts } from './read-log';

/**
 * What the engine keeps from one analysis to the next, and when it may: the Django layer builds a
 * project from files and knows nothing of earlier builds. Reuse rests on three things kept here:
 * facts derived from a parsed file (kept while the file cache hands out the same parsed file), the
 * read log of a build (the project is kept while every read gives the same answer), and what the
 * project means (rule results are kept while a new build means the same: sameMeaning).
 */

/** Facts derived from parsed files, kept per parsed file: an edited file gets a new one, and new facts. */
export class FileFacts implements DerivedFacts {
  private readonly byFile = new WeakMap<ParsedFile, Map<string, unknown>>();

  derive<T>(parsed: ParsedFile, key: string, compute: () => T): T {
    let facts = this.byFile.get(parsed);
    if (!facts) this.byFile.set(parsed, (facts = new Map()));
    if (facts.has(key)) return facts.get(key) as T;
    const value = compute();
    facts.set(key, value);
    return value;
  }
}

/** A project as built, the tree it reads through and everything it was read from. */
export interface ProjectBuild {
  project: DjangoProject;
  config: ProjectConfig;
  history?: AppliedHistory;
  /** The tree the project reads through: rules read through it too, with their own log attached. */
  tree: RecordingTree;
  /** Every read of the build and of whatever read through the project since. */
  reads: ReadLog;
  /** The file cache's layout version the project was built at. */
  structureVersion: number;
  /** The file cache's generation when the reads were last found valid. */
  checkedAt: number;
  /** The parts of the build a later build may keep (SourceTree.keep). */
  parts: BuildParts;
}

interface KeptPart {
  inputs: unknown[];
  value: unknown;
  reads: ReadLog;
  checkedAt: number;
}

/**
 * The parts of one build, and of the build before it: a part is kept while every read it made gives
 * the same answer and its inputs are the same objects — a models edit does not make the project read
 * its settings, apps and migrations again.
 */
class BuildParts implements KeptParts {
  private readonly parts = new Map<string, KeptPart>();

  constructor(
    private readonly files: ChangingTree,
    private previous?: BuildParts,
  ) {}

  /** The build is done: what it did not keep of the previous one is not needed (and a chain of builds must not live on). */
  settle(): void {
    this.previous = undefined;
  }

  kept(key: string, inputs: unknown[]): KeptPart | undefined {
    const old = this.previous?.parts.get(key);
    if (!old || !sameInputs(old.inputs, inputs) || !old.reads.stillValid(this.files, this.files.changedSince(old.checkedAt))) return undefined;
    this.parts.set(key, { ...old, checkedAt: this.files.generation });
    return old;
  }

  store(key: string, inputs: unknown[], value: unknown, reads: ReadLog): void {
    this.parts.set(key, { inputs, value, reads, checkedAt: this.files.generation });
  }
}

function sameInputs(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((input, i) => input === b[i]);
}

/** The source tree the engine builds from: its files, which files changed since a generation, and its layout's version. */
export interface ChangingTree extends SourceTree {
  readonly generation: number;
  readonly structureVersion: number;
  changedSince(generation: number): string[] | undefined;
}

/**
 * The previous build while nothing it read changed (its checkedAt moved on), else a new build from
 * the files (per-file facts reused from `facts`).
 */
export function buildOrReuse(previous: ProjectBuild | undefined, config: ProjectConfig, history: AppliedHistory | undefined, files: ChangingTree, facts: FileFacts): { build: ProjectBuild; reused: boolean } {
  const generation = files.generation;
  if (previous && previous.config === config && previous.history === history && previous.reads.stillValid(files, files.changedSince(previous.checkedAt))) {
    previous.checkedAt = generation;
    return { build: previous, reused: true };
  }
  const reads = new ReadLog();
  const parts = new BuildParts(files, previous?.config === config && previous.history === history ? previous.parts : undefined);
  const tree = new RecordingTree(files, facts, reads, parts);
  const project = buildProject(config, tree, { history });
  parts.settle();
  return { build: { project, config, history, tree, reads, structureVersion: files.structureVersion, checkedAt: generation, parts }, reused: false };
}

/**
 * Whether two builds of a project mean the same: they answer every question the same way except for
 * positions inside files, so a rule result computed from the project and some files can be kept
 * while those files are unchanged. Compared on the model itself (every plain-data field, whatever
 * it is called, with positions ignored); settings, apps.py and manage.py count by identity, so any
 * edit there is a change.
 */
export function sameMeaning(a: ProjectBuild, b: ProjectBuild): boolean {
  if (a.structureVersion !== b.structureVersion || a.history !== b.history) return false;
  if (a.project.files.size !== b.project.files.size) return false;
  for (const [file, info] of a.project.files) {
    if (info.role === 'models' || info.role === 'migration') continue;
    if (b.project.files.get(file)?.role !== info.role || a.reads.parsed(file) !== b.reads.parsed(file)) return false;
  }
  return sameData(a.project, b.project, 0, true);
}

/**
 * Deep equality of plain data (objects, arrays, maps, sets) where a position — a `span` or `...Span`
 * field — only has to be there in both. Class instances (resolvers, scopes, the graph: derived from
 * the data) and functions are not compared. The same object is equal to itself without a look inside,
 * so the facts of unchanged files cost nothing. Data nested deeper than any model's (a cycle) counts as
 * a change.
 */
function sameData(a: unknown, b: unknown, depth: number, anyPrototype = false): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'function') return true;
  if (typeof a !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null) return false;
  const x = a as object;
  const y = b as object;
  const prototype = Object.getPrototypeOf(x);
  if (prototype !== Object.getPrototypeOf(y)) return false;
  if (depth > MAX_DEPTH) return false;
  const next = depth + 1;
  if (Array.isArray(x)) {
    const other = y as unknown[];
    if (x.length !== other.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameData(x[i], other[i], next)) return false;
    return true;
  }
  if (x instanceof Map) {
    const other = y as Map<unknown, unknown>;
    if (x.size !== other.size) return false;
    const theirs = other.entries();
    for (const [key, value] of x) {
      const [otherKey, otherValue] = theirs.next().value as [unknown, unknown];
      if (!sameData(key, otherKey, next) || !sameData(value, otherValue, next)) return false;
    }
    return true;
  }
  if (x instanceof Set) {
    const other = y as Set<unknown>;
    if (x.size !== other.size) return false;
    const theirs = other.values();
    for (const value of x) if (!sameData(value, theirs.next().value, next)) return false;
    return true;
  }
  if (prototype !== Object.prototype && prototype !== null && !anyPrototype) return true;
  // Fields read without building arrays of them: this runs over every model of a project per keystroke.
  // (Plain data and the project's class inherit no enumerable fields: for...in sees its own only.)
  const mine = x as Record<string, unknown>;
  const other = y as Record<string, unknown>;
  let fields = 0;
  for (const name in mine) {
    const value = mine[name];
    if (value === undefined) continue;
    fields++;
    const otherValue = other[name];
    if (name === 'span' || name.endsWith('Span')) {
      if (otherValue === undefined) return false;
    } else if (!sameData(value, otherValue, next)) return false;
  }
  for (const name in other) if (other[name] !== undefined) fields--;
  return fields === 0;
}

const MAX_DEPTH = 100;
