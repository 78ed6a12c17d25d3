import * as path from 'node:path';
import { codePointLength, LineIndex } from '../syntax/text';
import type { EngineDiagnostic, EngineRange } from '../engine/workspace';

/** Where the CLI writes: injectable for tests. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Colour in the text format. */
  color: boolean;
  /** stderr is a terminal that understands cursor controls: progress may be shown there. */
  interactive: boolean;
}

/**
 * Colour only on a terminal, as https://no-color.org and https://force-color.org ask:
 * FORCE_COLOR (any value but "0" or "false") wins, then NO_COLOR (any non-empty value) and
 * TERM=dumb turn it off, and otherwise stdout must be a terminal.
 */
export function colorEnabled(env: Record<string, string | undefined>, stdoutIsTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stdoutIsTTY;
}

export function processOutput(env: Record<string, string | undefined> = process.env): Output {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: colorEnabled(env, process.stdout.isTTY === true),
    interactive: process.stderr.isTTY === true && env.TERM !== 'dumb',
  };
}

/** `djswap check | head`: a reader that goes away is not an error worth a stack trace. */
export function exitQuietlyOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
}

export function paint(enabled: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (enabled && s !== '' ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), blue: wrap(34, 39), cyan: wrap(36, 39), green: wrap(32, 39) };
}

/** Paths relative to a base folder (the working directory), with `/`. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}

/** 1-based line and column in characters (code points), as the CLI contract says. */
export function cliPosition(lineText: string, line: number, utf16Column: number): { line: number; column: number } {
  return { line: line + 1, column: codePointLength(lineText.slice(0, utf16Column)) + 1 };
}

/** 1-based start and end of an engine range, columns in characters. */
export interface CliRegion {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Converts engine ranges of many files to 1-based character positions, indexing each file once. */
export class Positions {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(private readonly text: (file: string) => string | undefined) {}

  region(file: string, range: EngineRange): CliRegion {
    let index = this.indexes.get(file);
    if (!index) this.indexes.set(file, (index = new LineIndex(this.text(file) ?? '')));
    const start = cliPosition(index.lineText(range.start.line), range.start.line, range.start.column);
    const end = cliPosition(index.lineText(range.end.line), range.end.line, range.end.column);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}

export function counts(diagnostics: EngineDiagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A one-line progress message on stderr, for long runs on a terminal only. It is drawn only once
 * the run has taken a while or has many files to read, and erased before results are printed.
 */
export class Progress {
  private shown = false;
  private readonly started = performance.now();

  constructor(
    private readonly output: Output,
    private readonly enabled: boolean,
    private readonly after = { ms: 300, files: 500 },
  ) {}

  /** Shows `message` when the run is long: `files` is how much work the next step has. */
  step(message: string, files = 0): void {
    if (!this.enabled) return;
    if (!this.shown && performance.now() - this.started < this.after.ms && files < this.after.files) return;
    this.output.err(`\r\u001b[2K${message}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.output.err('\r\u001b[2K');
    this.shown = false;
  }
}
