/**
 * `npm run fuzz -- --seconds 60 --seed 1`: mutates the fixture projects and runs the engine and the
 * language server on each mutant until the time is up, then reports cases, crashes, hangs and the
 * slowest file. `--replay N` runs case N of the seed alone; `--cases N` bounds the run by count;
 * `--no-lsp` and `--no-cross` leave out the language server and the native/wasm comparison.
 * Exit code 1 when anything failed.
 */
import { loadPythonParser } from '../../server/src/syntax/parser';
import { defaultFailuresDir, formatReport, runFuzz } from './harness';

function parseArguments(argv: string[]): { seconds?: number; seed: number; cases?: number; replay?: number; lsp: boolean; cross: boolean; out: string; quiet: boolean } {
  const options = { seconds: undefined as number | undefined, seed: 1, cases: undefined as number | undefined, replay: undefined as number | undefined, lsp: true, cross: true, out: defaultFailuresDir(), quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a non-negative number`);
      return n;
    };
    if (arg === '--seconds') options.seconds = number();
    else if (arg === '--seed') options.seed = Math.floor(number());
    else if (arg === '--cases') options.cases = Math.floor(number());
    else if (arg === '--replay') options.replay = Math.floor(number());
    else if (arg === '--out') options.out = value();
    else if (arg === '--no-lsp') options.lsp = false;
    else if (arg === '--no-cross') options.cross = false;
    else if (arg === '--quiet') options.quiet = true;
    else throw new Error(`unknown argument ${arg} (expected --seconds N, --seed S, --cases N, --replay N, --out DIR, --no-lsp, --no-cross, --quiet)`);
  }
  if (options.seconds === undefined && options.cases === undefined && options.replay === undefined) options.seconds = 60;
  return options;
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`fuzz: ${(error as Error).message}\n`);
    return 2;
  }
  const parser = await loadPythonParser();
  const report = await runFuzz({
    seed: options.seed,
    seconds: options.seconds,
    cases: options.cases,
    replay: options.replay,
    lsp: options.lsp,
    crossBackends: options.cross,
    failuresDir: options.out,
    parser,
    log: options.quiet ? undefined : (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(formatReport(report) + '\n');
  if (report.failures.length > 0) process.stdout.write(`failing cases were written to ${options.out}; replay one with: npm run fuzz -- --seed ${options.seed} --replay <case>\n`);
  return report.failures.length > 0 ? 1 : 0;
}

void main().then((code) => (process.exitCode = code));
