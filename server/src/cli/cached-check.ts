import { checkCombination, FORMATS, renderReport, resolveTargets, resultCacheFor, textsOnDisk, type CheckOptions, type CliEnvironment } from './check';
import { exitQuietlyOnClosedPipes, processOutput, type Output } from './output';

/**
 * The first stage of the bundled CLI (dist/cli-cached.js, loaded by bin/djswap.js before anything
 * else). A `djswap check --cache-dir DIR` whose kept report still holds is printed from here, through
 * the same cache key, checks and renderers as check(), without loading the engine, the rules or the
 * command-line parser (dist/cli.js). Whatever this stage does not handle — another command, a flag
 * or form it does not know, SARIF (it carries the rules' documentation), a usage error, a report
 * that no longer holds — it leaves untouched, and dist/cli.js runs as if this stage did not exist.
 */

/** `check`'s flags that take a value, and its option names (commander's camelCase). */
const VALUE_FLAGS = new Map<string, 'format' | 'select' | 'ignore' | 'settings' | 'history' | 'database' | 'cacheDir'>([
  ['--format', 'format'],
  ['--select', 'select'],
  ['--ignore', 'ignore'],
  ['--settings', 'settings'],
  ['--history', 'history'],
  ['--database', 'database'],
  ['--cache-dir', 'cacheDir'],
]);
/** `check`'s flags that take no value. */
const BOOLEAN_FLAGS = new Map<string, 'exitZero' | 'statistics' | 'unsafeFixes' | 'quiet'>([
  ['--exit-zero', 'exitZero'],
  ['--statistics', 'statistics'],
  ['--unsafe-fixes', 'unsafeFixes'],
  ['-q', 'quiet'],
  ['--quiet', 'quiet'],
]);

/**
 * The paths and options commander would hand to check() for `argv`, for the plain forms only
 * (`--flag value`, `--flag=value`, a value that does not start with `-`); undefined for anything
 * else, so that commander, not this parser, answers it.
 */
export function parseCheckArguments(argv: readonly string[]): { paths: string[]; options: CheckOptions } | undefined {
  if (argv[0] !== 'check') return undefined;
  const paths: string[] = [];
  const options: CheckOptions = { format: 'text' };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    const booleanName = BOOLEAN_FLAGS.get(arg);
    if (booleanName) {
      options[booleanName] = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = VALUE_FLAGS.get(equals > 0 ? arg.slice(0, equals) : arg);
    if (!name) return undefined;
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined || value.startsWith('-')) return undefined;
    if (name === 'select' || name === 'ignore') options[name] = [...(options[name] ?? []), value];
    else if (name === 'format') {
      if (!(FORMATS as readonly string[]).includes(value)) return undefined;
      options.format = value as CheckOptions['format'];
    } else options[name] = value;
  }
  return { paths: paths.length > 0 ? paths : ['.'], options };
}

/** A check answered from the cache: its exit code, and what it prints. */
export interface CachedAnswer {
  code: number;
  /** Writes the report to the environment's output. */
  print(): void;
}

/**
 * The answer to `djswap check ARGV` when its kept report still holds; undefined, having written
 * nothing, when the whole CLI must run. --select, --ignore and --settings are not validated here:
 * they are part of the cache key, and a report is kept only by a run that validated the same values
 * with the same build.
 */
export function answerFromCache(argv: readonly string[], environment: CliEnvironment): CachedAnswer | undefined {
  const started = performance.now();
  const parsed = parseCheckArguments(argv);
  if (!parsed || parsed.options.format === 'sarif') return undefined;
  const { paths, options } = parsed;
  const writes: [stream: 'out' | 'err', text: string][] = [];
  // Held back until the report is rendered whole: a failure half-way must leave the streams untouched.
  const held: Output = { ...environment.output, out: (text) => void writes.push(['out', text]), err: (text) => void writes.push(['err', text]) };
  try {
    checkCombination(options, environment.cwd);
    resolveTargets(paths, environment.cwd);
    const report = resultCacheFor(paths, options, environment)?.load();
    if (!report) return undefined;
    const code = renderReport(report, textsOnDisk(), undefined, options, { ...environment, output: held }, started);
    return {
      code,
      print: () => {
        for (const [stream, text] of writes) environment.output[stream](text);
      },
    };
  } catch {
    // A usage error, or anything unexpected: the whole CLI says it, in its own words.
    return undefined;
  }
}

/** The entry of dist/cli-cached.js: true when the check was answered from the cache (and printed, the exit code set). */
export function runCachedCheck(argv: readonly string[]): boolean {
  const output = processOutput();
  const answer = answerFromCache(argv, { output, cwd: process.cwd(), env: process.env });
  if (!answer) return false;
  exitQuietlyOnClosedPipes();
  answer.print();
  // Set when dist/cli.js sets it (run.ts): after the events the writes queued, so that a reader that
  // went away ends the process the same way.
  void Promise.resolve(answer.code).then((code) => {
    process.exitCode = code;
  });
  return true;
}
