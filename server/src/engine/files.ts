import type { EntryKind, ParsedFile, SourceTree } from '../django/source';
import { readPlainModule } from '../syntax/plain-module';
import { summarizeModule, summarizeModuleInChunks, type PyModule, type SummaryOptions } from '../syntax/python';
import { LineIndex } from '../syntax/text';
import type { PythonParser, SyntaxTree, TreeEdit } from '../syntax/tree';
import type { FileSystem } from './fs';
import * as path from 'node:path';

/** A parsed file plus what the engine knows about reading it. */
export interface EngineFile extends ParsedFile {
  /** Set when fixes must not be written (the bytes are not valid UTF-8). */
  readOnlyReason?: string;
}

/** An open editor buffer: its text wins over the disk, and its tree is kept for incremental parsing. */
interface OpenDocument {
  text: string;
  version: number;
  tree?: SyntaxTree;
  parsed?: EngineFile;
  /** The summary before the last change, whose unchanged statements the next one reuses. */
  previous?: EngineFile;
}

/** A plain description of a text change, in offsets of the text before it. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** At most this much of the bytes searched for needles is kept for the rest of a job. */
const SEARCHED_BYTES_BUDGET = 64 * 1024 * 1024;

/**
 * The engine's view of the files: disk reads and parses are cached until invalidated, and open
 * documents overlay the disk. Trees of closed files are freed as soon as their summary is made.
 */
export class FileCache implements SourceTree {
  private readonly kinds = new Map<string, EntryKind | null>();
  private readonly listings = new Map<string, { name: string; kind: EntryKind }[]>();
  private readonly texts = new Map<string, { text: string; readOnlyReason?: string } | null>();
  private readonly parsed = new Map<string, EngineFile | null>();
  private readonly documents = new Map<string, OpenDocument>();
  /** Files that could not be read or parsed, with the reason, for messages. */
  readonly skipped = new Map<string, string>();
  parseCount = 0;
  /** Files summarized by another thread and taken in. */
  installed = 0;
  /**
   * Grows when a file or folder appears or disappears (not when a file's text changes): results
   * that depend on which modules exist are kept only while it stays the same.
   */
  structureVersion = 0;
  /** Counts changes; `changedSince` tells which files changed after a given count. */
  generation = 0;
  private changes: { generation: number; file: string | null }[] = [];
  private readonly staleKinds = new Map<string, EntryKind | null>();
  private readonly staleListings = new Map<string, { name: string; kind: EntryKind }[]>();

  constructor(
    readonly fs: FileSystem,
    readonly parser: PythonParser,
    readonly maxFileBytes = DEFAULT_MAX_FILE_BYTES,
    private readonly summaryOptions: SummaryOptions = {},
  ) {}

  kind(file: string): EntryKind | undefined {
    if (this.documents.has(file)) return 'file';
    let kind = this.kinds.get(file);
    if (kind === undefined) {
      // A folder's listing answers for what is in it, without a system call per name.
      const listing = this.listings.get(path.dirname(file));
      kind = listing ? (entryIn(listing, path.basename(file))?.kind ?? null) : (this.fs.stat(file)?.kind ?? null);
      this.kinds.set(file, kind);
      const before = this.staleKinds.get(file);
      if (before !== undefined && before !== kind) this.structureVersion++;
      this.staleKinds.delete(file);
    }
    return kind ?? undefined;
  }

  list(dir: string): { name: string; kind: EntryKind }[] {
    let listing = this.listings.get(dir);
    if (!listing) {
      listing = this.withDocuments(dir, this.fs.readDir(dir));
      this.listings.set(dir, listing);
      const before = this.staleListings.get(dir);
      if (before && (before.length !== listing.length || before.some((e, i) => e.name !== listing![i].name || e.kind !== listing![i].kind))) this.structureVersion++;
      this.staleListings.delete(dir);
    }
    return listing;
  }

  /** The file's text (the editor's buffer when open); undefined when unreadable or too large. */
  text(file: string): string | undefined {
    const doc = this.documents.get(file);
    if (doc) return doc.text;
    return this.readText(file)?.text;
  }

  private readText(file: string): { text: string; readOnlyReason?: string } | undefined {
    let entry = this.texts.get(file);
    if (entry === undefined) {
      const source = readSource(this.fs, file, this.maxFileBytes);
      entry = 'text' in source ? source : null;
      if ('skipped' in source && source.skipped) this.skipped.set(file, source.skipped);
      this.texts.set(file, entry);
    }
    return entry ?? undefined;
  }

  /** Whether the file is parsed already (or known to be unreadable). */
  hasParsed(file: string): boolean {
    return this.documents.has(file) || this.parsed.has(file);
  }

  /** Takes in a file read and summarized elsewhere (a worker thread), unless it is known already. */
  install(file: string, text: string, module: PyModule, readOnlyReason?: string): void {
    if (this.hasParsed(file)) return;
    this.parseCount++;
    this.installed++;
    this.texts.set(file, { text, readOnlyReason });
    this.parsed.set(file, parsedFile(file, text, module, readOnlyReason));
  }

  parse(file: string): EngineFile | undefined {
    const doc = this.documents.get(file);
    if (doc) {
      if (!doc.parsed) this.parseDocument(file, doc);
      return doc.parsed;
    }
    let parsed = this.parsed.get(file);
    if (parsed === undefined) {
      const entry = this.readText(file);
      parsed = entry ? this.summarize(file, entry.text, entry.readOnlyReason) : null;
      this.parsed.set(file, parsed);
    }
    return parsed ?? undefined;
  }

  private summarize(file: string, text: string, readOnlyReason?: string): EngineFile {
    this.parseCount++;
    // Most closed files are generated migrations: read without a tree when the text allows it.
    const plain = readPlainModule(text, this.summaryOptions);
    if (plain) return parsedFile(file, text, plain, readOnlyReason);
    const tree = this.parser.parse(text);
    try {
      return parsedFile(file, text, summarizeModule(tree, text, this.summaryOptions), readOnlyReason);
    } finally {
      tree.dispose();
    }
  }

  private parseDocument(file: string, doc: OpenDocument): void {
    this.parseCount++;
    const tree = this.parser.parse(doc.text, doc.tree);
    doc.tree?.dispose();
    doc.tree = tree;
    const module = doc.previous
      ? summarizeModule(tree, doc.text, this.summaryOptions, { module: doc.previous.module, source: doc.previous.text })
      : summarizeModuleInChunks(tree, doc.text, this.summaryOptions);
    doc.previous = undefined;
    doc.parsed = parsedFile(file, doc.text, module);
  }

  isOpen(file: string): boolean {
    return this.documents.has(file);
  }

  openDocuments(): string[] {
    return [...this.documents.keys()];
  }

  openDocument(file: string, text: string, version: number): void {
    const existing = this.documents.get(file);
    existing?.tree?.dispose();
    const isNew = !existing && this.kind(file) !== 'file';
    this.documents.set(file, { text, version });
    this.noteChange(file);
    if (isNew) this.invalidateListing(file);
  }

  /** Applies changes to an open document, re-using its tree for an incremental parse. */
  changeDocument(file: string, changes: TextChange[] | { full: string }, version: number): void {
    const doc = this.documents.get(file);
    if (!doc || 'full' in changes) {
      this.openDocument(file, 'full' in changes ? changes.full : '', version);
      return;
    }
    let text = doc.text;
    for (const change of changes) {
      if (doc.tree) doc.tree.edit(treeEdit(text, change));
      text = text.slice(0, change.start) + change.text + text.slice(change.end);
    }
    doc.text = text;
    doc.version = version;
    if (doc.parsed) doc.previous = doc.parsed;
    doc.parsed = undefined;
    this.noteChange(file);
  }

  closeDocument(file: string): void {
    const doc = this.documents.get(file);
    doc?.tree?.dispose();
    this.documents.delete(file);
    this.invalidate(file);
  }

  /** The open documents' texts and versions, to put back after scratch work (fix previews). */
  snapshotDocuments(): Map<string, { text: string; version: number }> {
    return new Map([...this.documents].map(([file, doc]) => [file, { text: doc.text, version: doc.version }]));
  }

  restoreDocuments(snapshot: Map<string, { text: string; version: number }>, touched: Iterable<string>): void {
    for (const file of touched) {
      const before = snapshot.get(file);
      if (before) this.openDocument(file, before.text, before.version);
      else this.closeDocument(file);
    }
  }

  documentVersion(file: string): number | undefined {
    return this.documents.get(file)?.version;
  }

  /** Answers by file, with the open document's text they were given for (none for the disk's). */
  private readonly needleAnswers = new Map<string, { text?: string; answers: Map<string, boolean> }>();

  /**
   * Whether the file's text contains one of the needles; answers are kept until the file changes.
   * A file not read yet is searched as bytes and its text is not kept: most files of a workspace
   * are only ever asked this.
   */
  containsAny(file: string, needles: string[]): boolean {
    const docText = this.documents.get(file)?.text;
    let entry = this.needleAnswers.get(file);
    if (!entry || entry.text !== docText) this.needleAnswers.set(file, (entry = { text: docText, answers: new Map() }));
    const answers = entry.answers;
    let missing: string[] | undefined;
    for (const needle of needles) {
      const answer = answers.get(needle);
      if (answer === true) return true;
      if (answer === undefined) (missing ??= []).push(needle);
    }
    if (!missing) return false;
    const text = docText ?? this.texts.get(file)?.text;
    let bytes: Uint8Array | undefined;
    if (text === undefined) {
      bytes = this.searchedBytes.get(file);
      if (!bytes) {
        const stat = this.fs.stat(file);
        bytes = stat?.kind === 'file' && stat.size <= this.maxFileBytes ? this.fs.readFile(file) : undefined;
        if (bytes) this.keepSearchedBytes(file, bytes);
      }
      if (!bytes) {
        for (const needle of missing) answers.set(needle, false);
        return false;
      }
    }
    let found = false;
    for (const needle of missing) {
      const answer = text !== undefined ? text.includes(needle) : Buffer.from(bytes!.buffer, bytes!.byteOffset, bytes!.byteLength).includes(needle);
      answers.set(needle, answer);
      found ||= answer;
    }
    return found;
  }

  /**
   * Bytes read to answer needles, kept only until the current job of the event loop ends: the rules
   * of one analysis each search every file of the project with needles of their own, and reading the
   * files once instead of once per rule is most of what searching costs. Nothing outlives the job.
   */
  private readonly searchedBytes = new Map<string, Uint8Array>();
  private searchedBytesTotal = 0;

  private keepSearchedBytes(file: string, bytes: Uint8Array): void {
    if (this.searchedBytesTotal + bytes.byteLength > SEARCHED_BYTES_BUDGET) return;
    if (this.searchedBytes.size === 0) setImmediate(() => this.forgetSearchedBytes()).unref();
    this.searchedBytes.set(file, bytes);
    this.searchedBytesTotal += bytes.byteLength;
  }

  private forgetSearchedBytes(): void {
    this.searchedBytes.clear();
    this.searchedBytesTotal = 0;
  }

  /** Whether the file's text contains the needle. */
  contains(file: string, needle: string): boolean {
    return this.containsAny(file, [needle]);
  }

  private noteChange(file: string | null): void {
    this.generation++;
    this.changes.push({ generation: this.generation, file });
    if (this.changes.length > 4096) this.changes = this.changes.slice(-2048);
  }

  /** Files changed after `generation`; undefined when that is not known (too long ago, or everything changed). */
  changedSince(generation: number): string[] | undefined {
    if (generation === this.generation) return [];
    const first = this.changes[0];
    if (!first || first.generation > generation + 1) return undefined;
    const out = new Set<string>();
    for (let i = this.changes.length - 1; i >= 0 && this.changes[i].generation > generation; i--) {
      const file = this.changes[i].file;
      if (file === null) return undefined;
      out.add(file);
    }
    return [...out];
  }

  /** Forget what is known of a file (changed, created or deleted on disk). */
  invalidate(file: string): void {
    this.noteChange(file);
    this.needleAnswers.delete(file);
    this.forgetSearchedBytes();
    this.forgetKind(file);
    this.texts.delete(file);
    this.parsed.delete(file);
    this.skipped.delete(file);
    this.invalidateListing(file);
  }

  /** Forget a path and everything cached below it (a deleted or renamed folder). */
  invalidateTree(root: string): void {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    this.structureVersion++;
    this.noteChange(null);
    this.forgetSearchedBytes();
    for (const map of [this.kinds, this.listings, this.texts, this.parsed, this.skipped, this.needleAnswers] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (key === root || key.startsWith(prefix)) map.delete(key);
    }
    this.invalidate(root);
  }

  private invalidateListing(file: string): void {
    const dir = path.dirname(file);
    const listing = this.listings.get(dir);
    if (listing && !this.staleListings.has(dir)) this.staleListings.set(dir, listing);
    this.listings.delete(dir);
    this.forgetKind(dir);
  }

  /** Kinds and listings are kept aside when forgotten, to tell whether reading them again finds a change. */
  private forgetKind(file: string): void {
    const kind = this.kinds.get(file);
    if (kind !== undefined && !this.staleKinds.has(file)) this.staleKinds.set(file, kind);
    this.kinds.delete(file);
  }

  /** Takes in folder listings read elsewhere (the workspace scan), unless known already. */
  seedListings(listings: Map<string, { name: string; kind: EntryKind }[]>): void {
    for (const [dir, listing] of listings) if (!this.listings.has(dir)) this.listings.set(dir, this.withDocuments(dir, listing));
  }

  /** A listing with the open documents of the folder that are not saved yet. */
  private withDocuments(dir: string, listing: { name: string; kind: EntryKind }[]): { name: string; kind: EntryKind }[] {
    for (const doc of this.documents.keys()) {
      if (path.dirname(doc) === dir && !listing.some((e) => e.name === path.basename(doc))) {
        listing = [...listing, { name: path.basename(doc), kind: 'file' as const }].sort((a, b) => (a.name < b.name ? -1 : 1));
      }
    }
    return listing;
  }

  /** Forget everything read from disk (open documents stay). */
  clear(): void {
    this.structureVersion++;
    this.noteChange(null);
    this.needleAnswers.clear();
    this.forgetSearchedBytes();
    this.staleKinds.clear();
    this.staleListings.clear();
    this.kinds.clear();
    this.listings.clear();
    this.texts.clear();
    this.parsed.clear();
    this.skipped.clear();
  }

  get cachedFiles(): number {
    return this.parsed.size;
  }
}

/**
 * A parsed file whose line index is made when first asked for: most files are read for their facts
 * and never shown with a line number.
 */
function parsedFile(file: string, text: string, module: PyModule, readOnlyReason?: string): EngineFile {
  let lines: LineIndex | undefined;
  return {
    path: file,
    text,
    module,
    readOnlyReason,
    get lines() {
      return (lines ??= new LineIndex(text));
    },
  };
}

/** The entry of a sorted listing with this name. */
function entryIn(listing: { name: string; kind: EntryKind }[], name: string): { name: string; kind: EntryKind } | undefined {
  let low = 0;
  let high = listing.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = listing[middle].name;
    if (candidate === name) return listing[middle];
    if (candidate < name) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

/** A file's text as djswap reads it, or why it was not read (nothing, when it does not exist). */
export function readSource(fs: FileSystem, file: string, maxFileBytes: number): { text: string; readOnlyReason?: string } | { skipped?: string } {
  const stat = fs.stat(file);
  if (stat?.kind !== 'file') return {};
  if (stat.size > maxFileBytes) return { skipped: `larger than ${Math.round(maxFileBytes / 1024 / 1024)} MB; not read` };
  const bytes = fs.readFile(file);
  return bytes ? decode(bytes) : { skipped: 'could not be read' };
}

/** UTF-8 with a fallback: invalid bytes are shown as U+FFFD and the file becomes read-only for fixes. */
function decode(bytes: Uint8Array): { text: string; readOnlyReason?: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), readOnlyReason: 'the file is not valid UTF-8; djswap does not write to it' };
  }
}

/** The tree-sitter edit for a change, with rows and columns computed from the old and new texts. */
function treeEdit(oldText: string, change: TextChange): TreeEdit {
  const point = (text: string, offset: number) => {
    let row = 0;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      row++;
      lineStart = i + 1;
    }
    return { row, column: offset - lineStart };
  };
  const startPosition = point(oldText, change.start);
  const oldEndPosition = point(oldText, change.end);
  const inserted = change.text;
  const lastBreak = inserted.lastIndexOf('\n');
  const newlines = lastBreak === -1 ? 0 : inserted.split('\n').length - 1;
  const newEndPosition =
    newlines === 0
      ? { row: startPosition.row, column: startPosition.column + inserted.length }
      : { row: startPosition.row + newlines, column: inserted.length - lastBreak - 1 };
  return {
    startIndex: change.start,
    oldEndIndex: change.end,
    newEndIndex: change.start + inserted.length,
    startPosition,
    oldEndPosition,
    newEndPosition,
  };
}
