import * as path from 'node:path';
import { codePointLength } from '../syntax/text';
import type { EngineDiagnostic } from '../engine/workspace';

/** Where the CLI writes: injectable for tests. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  /** stderr is a terminal: progress may be shown. */
  interactive: boolean;
}

export function processOutput(): Output {
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  const color = forced || (process.stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb');
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color,
    interactive: process.stderr.isTTY === true,
  };
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
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), blue: wrap(34, 39), cyan: wrap(36, 39), green: wrap(32, 39) };
}

/** Paths relative to the working directory, with `/`. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}

/** 1-based line and column in characters (code points), as the CLI contract says. */
export function cliPosition(lineText: string, line: number, utf16Column: number): { line: number; column: number } {
  return { line: line + 1, column: codePointLength(lineText.slice(0, utf16Column)) + 1 };
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
