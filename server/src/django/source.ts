import { sep } from 'node:path';
import type { PyModule } from '../syntax/python';
import type { LineIndex } from '../syntax/text';
import type { Span } from '../syntax/tree';

/** A Python file as the Django layer sees it: its text, its summary and a line index. */
export interface ParsedFile {
  path: string;
  text: string;
  module: PyModule;
  lines: LineIndex;
}

export type EntryKind = 'file' | 'dir';

/**
 * The project's files, as the engine provides them (from disk, or from unsaved editor buffers).
 * The Django layer does no IO of its own.
 */
export interface SourceTree {
  kind(path: string): EntryKind | undefined;
  /** Entries of a folder, sorted by name; empty when it is missing or unreadable. */
  list(dir: string): { name: string; kind: EntryKind }[];
  /** The parsed file, or undefined when it is missing, unreadable, or not worth parsing. */
  parse(path: string): ParsedFile | undefined;
  /** The file's text, without parsing it. */
  text?(path: string): string | undefined;
  /**
   * A fact computed from `parsed` alone (its module scope, its classes...): a tree may keep it for as
   * long as it hands out the same parsed file, and answer without computing it again.
   */
  derive?<T>(parsed: ParsedFile, key: string, compute: () => T): T;
  /**
   * A part of a project's build: a tree may hand back what an earlier build of the same project
   * computed under `key`, for as long as every read `compute` made gives the same answer and `inputs`
   * are the same objects; else it computes it. Either way its reads count as the build's.
   */
  keep?<T>(key: string, inputs: unknown[], compute: () => T): T;
}

/** A place in a file. */
export interface Location {
  file: string;
  span: Span;
}

/**
 * `path.join(dir, ...names)` for a folder path that is already normal and names read from a listing
 * or a dotted module name (no separators, no `..`): the same string without re-normalising `dir`,
 * which a project build does for every module and migration it looks up.
 */
export function childPath(dir: string, ...names: string[]): string {
  return (dir.endsWith(sep) ? dir : dir + sep) + names.join(sep);
}
