import * as fs from 'node:fs';
import * as path from 'node:path';

/** A usage or configuration problem: one clear line on stderr, exit code 2. */
export class UsageError extends Error {}

declare const DJSWAP_VERSION: string | undefined;

export function version(): string {
  if (typeof DJSWAP_VERSION === 'string') return DJSWAP_VERSION;
  for (const candidate of ['../../../package.json', '../../../../package.json', '../package.json']) {
    try {
      return JSON.parse(fs.readFileSync(path.join(__dirname, candidate), 'utf8')).version;
    } catch {
      // try the next layout (sources, tsc output, bundle)
    }
  }
  return 'dev';
}

/** Why a file cannot be read, in words: "permission denied" rather than EACCES. */
export function unreadableReason(file: string): string {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    fs.readFileSync(file);
    return 'it could not be read';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'it is a folder';
      case 'ENOENT':
        return 'it disappeared while being read';
      case 'EIO':
        return 'input/output error';
      default:
        return (error as Error).message;
    }
  }
}
