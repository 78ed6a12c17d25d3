import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, validateConfig, type DjswapConfig } from '../engine/config';
import { fixToFixpoint } from '../engine/fixes';
import { describeProjects, projectModelView } from '../engine/inspect';
import { Workspace, type EngineDiagnostic } from '../engine/workspace';
import { RULES, ruleByCode } from '../rules/registry';
import { loadPythonParser } from '../syntax/parser';
import { counts, displayPath, processOutput, type Output } from './output';
import { jsonReport } from './render-json';
import { renderText } from './render-text';
import { renderRuleDoc } from '../rules/docs';
import type { startLanguageServer as StartLanguageServer } from '../lsp/main';

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

/** A usage or configuration problem: one clear line on stderr, exit code 2. */
class UsageError extends Error {}

interface CheckOptions {
  format: 'text' | 'json';
  select?: string;
  ignore?: string;
  settings?: string;
  fix?: boolean;
  unsafeFixes?: boolean;
  diff?: boolean;
  exitZero?: boolean;
  quiet?: boolean;
  statistics?: boolean;
}

export interface CliEnvironment {
  output: Output;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings, 2 usage or configuration error. */
export async function main(argv: string[], environment: CliEnvironment = { output: processOutput(), cwd: process.cwd(), env: process.env }): Promise<number> {
  const { output } = environment;
  let exitCode = 0;
  const program = new Command('djswap')
    .description("Finds Django swappable-model mistakes (AUTH_USER_MODEL, django-oauth-toolkit's models, ...) before Django does.")
    .version(version(), '-V, --version')
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s), outputError: (s, write) => write(s) })
    .exitOverride()
    .showSuggestionAfterError(true);

  program
    .command('check')
    .description('check Django projects for swappable-model problems')
    .argument('[paths...]', 'folders or files to check', ['.'])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--select <codes>', 'comma-separated rule codes or prefixes to report (e.g. SWP1,SWP201)')
    .option('--ignore <codes>', 'comma-separated rule codes or prefixes not to report')
    .option('--settings <module>', 'the Django settings module to use (dotted, e.g. config.settings.dev)')
    .option('--fix', 'apply safe fixes')
    .option('--unsafe-fixes', 'with --fix or --diff: apply unsafe fixes too')
    .option('--diff', 'show what --fix would change, without writing')
    .option('--exit-zero', 'exit with 0 even when problems are found')
    .option('--statistics', 'print the number of findings per rule')
    .option('-q, --quiet', 'one line per finding, no code frames')
    .action(async (paths: string[], options: CheckOptions) => {
      exitCode = await check(paths, options, environment);
    });

  program
    .command('inspect')
    .description('show the project model djswap builds: settings, swappable settings, apps, models, migration graph')
    .argument('[path]', 'the folder to inspect', '.')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--settings <module>', 'the Django settings module to use')
    .action(async (target: string, options: { format: 'text' | 'json'; settings?: string }) => {
      exitCode = await inspect(target, options, environment);
    });

  program
    .command('rules')
    .description('list the rules')
    .action(() => {
      for (const rule of RULES) output.out(`${rule.code}  ${rule.name.padEnd(40)} ${rule.summary}\n`);
    });

  program
    .command('rule')
    .description("print a rule's documentation")
    .argument('<code>', 'e.g. SWP101')
    .action((code: string) => {
      const rule = ruleByCode(code);
      if (!rule) throw new UsageError(`there is no rule ${code} (see \`djswap rules\`)`);
      output.out(renderRuleDoc(rule));
    });

  program
    .command('lsp')
    .description('run the language server (for editors): djswap lsp --stdio')
    .option('--stdio', 'talk LSP over stdin/stdout')
    .allowUnknownOption(true)
    .action(() => {
      // Loaded only here: checks do not pay for the language server's modules.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startLanguageServer } = require('../lsp/main') as { startLanguageServer: typeof StartLanguageServer };
      startLanguageServer();
      exitCode = -1; // keep running
    });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2; // commander already printed its one line
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      output.err(`djswap: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    output.err(`djswap: internal error, please report it: ${message}\n`);
    return 2;
  }
}

function codeList(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const codes = value.split(',').map((c) => c.trim()).filter(Boolean);
  validateConfig({ select: codes }, `--${flag}`, 'key');
  return codes;
}

function overridesFrom(options: { select?: string; ignore?: string; settings?: string }): Partial<DjswapConfig> {
  const overrides: Partial<DjswapConfig> = {};
  const select = codeList(options.select, 'select');
  const ignore = codeList(options.ignore, 'ignore');
  if (select) overrides.select = select;
  if (ignore) overrides.ignore = ignore;
  if (options.settings !== undefined) {
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(options.settings)) throw new UsageError(`--settings: '${options.settings}' is not a dotted module name`);
    overrides.settingsModule = options.settings;
  }
  return overrides;
}

/** Folders become workspace roots; files are checked within the folder that holds them. */
function resolveTargets(paths: string[], cwd: string): { roots: string[]; onlyFiles?: Set<string> } {
  const roots: string[] = [];
  const files = new Set<string>();
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new UsageError(`${given}: no such file or folder`);
    }
    if (stat.isDirectory()) roots.push(full);
    else if (stat.isFile()) {
      files.add(full);
      const relative = path.relative(cwd, full);
      roots.push(relative.startsWith('..') || path.isAbsolute(relative) ? path.dirname(full) : cwd);
    } else throw new UsageError(`${given}: not a file or folder`);
  }
  const unique = [...new Set(roots)].filter((root, _, all) => !all.some((other) => other !== root && !path.relative(other, root).startsWith('..')));
  return { roots: unique, onlyFiles: files.size > 0 && files.size === paths.length ? files : undefined };
}

async function makeWorkspace(roots: string[], overrides: Partial<DjswapConfig>, env: Record<string, string | undefined>): Promise<Workspace> {
  const parser = await loadPythonParser();
  return new Workspace({ roots, parser, overrides, env });
}

async function check(paths: string[], options: CheckOptions, environment: CliEnvironment): Promise<number> {
  const { output, cwd } = environment;
  const started = performance.now();
  if (options.unsafeFixes && !options.fix && !options.diff) throw new UsageError('--unsafe-fixes goes with --fix or --diff');
  const overrides = overridesFrom(options);
  const { roots, onlyFiles } = resolveTargets(paths, cwd);
  const workspace = await makeWorkspace(roots, overrides, environment.env);
  if (output.interactive && output.color) output.err('\u001b[2mdjswap: reading the project…\u001b[22m\r');
  let result = workspace.analyze();
  if (output.interactive && output.color) output.err('\u001b[2K\r');
  const select = (list: EngineDiagnostic[]) => (onlyFiles ? list.filter((d) => onlyFiles.has(d.file)) : list);
  let diagnostics = select(result.diagnostics);
  const checkedFiles = new Set(result.projects.flatMap((p) => [...p.project.files.keys()])).size;

  if (options.fix || options.diff) {
    // Never write outside the folders being checked: not through a link that leads out of them.
    const outside = new Map<string, string>();
    const realRoots = roots.map((root) => realpathOr(root));
    const decided = new Map<string, boolean>();
    const writable = (file: string) => {
      let inside = decided.get(file);
      if (inside === undefined) {
        const real = realpathOr(file);
        inside = realRoots.some((root) => {
          const relative = path.relative(root, real);
          return relative !== '' && !relative.startsWith('..' + path.sep) && relative !== '..' && !path.isAbsolute(relative);
        });
        decided.set(file, inside);
        if (!inside) outside.set(file, real);
      }
      return inside;
    };
    const run = fixToFixpoint(workspace, { unsafe: options.unsafeFixes === true, files: onlyFiles, writable });
    for (const [file, real] of outside) output.err(`djswap: note: ${displayPath(file, cwd)} was not fixed: it is a link to ${real}, outside the checked folders\n`);
    if (options.diff) {
      for (const [file, change] of run.changed) output.out(unifiedDiff(displayPath(file, cwd), change.before, change.after));
      const fixes = run.applied.length;
      output.err(fixes === 0 ? 'No fixes available.\n' : `Would fix ${fixes} problem${fixes === 1 ? '' : 's'} in ${run.changed.size} file${run.changed.size === 1 ? '' : 's'}.\n`);
      return options.exitZero || run.changed.size === 0 ? 0 : 1;
    }
    for (const [file, change] of run.changed) {
      try {
        // The text was read without its byte-order mark: write it back with the mark it had.
        const bom = startsWithBom(fs.readFileSync(file));
        fs.writeFileSync(file, bom ? '\ufeff' + change.after : change.after);
      } catch (error) {
        throw new UsageError(`${displayPath(file, cwd)}: could not write the fix: ${(error as Error).message}`);
      }
    }
    if (run.applied.length > 0) {
      output.err(`Fixed ${run.applied.length} problem${run.applied.length === 1 ? '' : 's'} in ${run.changed.size} file${run.changed.size === 1 ? '' : 's'}.\n`);
    }
    result = { ...result, diagnostics: run.remaining };
    diagnostics = select(run.remaining);
  }

  const text = (file: string) => workspace.files.text(file);
  if (options.format === 'json') {
    output.out(JSON.stringify(jsonReport(result, diagnostics, text, cwd, checkedFiles, performance.now() - started), null, 2) + '\n');
  } else {
    if (result.projects.length === 0) output.err('djswap: no Django project found (looked for manage.py, [tool.djswap] settings in pyproject.toml, DJANGO_SETTINGS_MODULE, a lone settings.py)\n');
    for (const note of result.notes) output.err(`djswap: note: ${note}\n`);
    output.out(renderText({ diagnostics, text, cwd, color: output.color, files: checkedFiles, quiet: options.quiet === true, fixMode: options.fix === true }));
    if (options.statistics) output.out(statistics(diagnostics));
  }
  const { errors, warnings } = counts(diagnostics);
  return options.exitZero ? 0 : errors + warnings > 0 ? 1 : 0;
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function statistics(diagnostics: EngineDiagnostic[]): string {
  const byCode = new Map<string, { name: string; count: number; fixable: number }>();
  for (const d of diagnostics) {
    const entry = byCode.get(d.code) ?? { name: d.name, count: 0, fixable: 0 };
    entry.count++;
    if (d.fix?.safe) entry.fixable++;
    byCode.set(d.code, entry);
  }
  const rows = [...byCode.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  return rows.map(([code, e]) => `${String(e.count).padStart(5)}  ${code}  ${e.fixable > 0 ? '[*]' : '   '} ${e.name}`).join('\n') + (rows.length ? '\n' : '');
}

/** A unified diff of one file, with the whole changed region as one hunk per change block. */
export function unifiedDiff(name: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let top = 0;
  while (top < a.length && top < b.length && a[top] === b[top]) top++;
  let endA = a.length;
  let endB = b.length;
  while (endA > top && endB > top && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const context = 3;
  const from = Math.max(0, top - context);
  const toA = Math.min(a.length, endA + context);
  const toB = Math.min(b.length, endB + context);
  const lines = [`--- ${name}`, `+++ ${name}`, `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@`];
  for (let i = from; i < top; i++) lines.push(` ${a[i]}`);
  for (let i = top; i < endA; i++) lines.push(`-${a[i]}`);
  for (let i = top; i < endB; i++) lines.push(`+${b[i]}`);
  for (let i = endA; i < toA; i++) lines.push(` ${a[i]}`);
  return lines.join('\n') + '\n';
}

async function inspect(target: string, options: { format: 'text' | 'json'; settings?: string }, environment: CliEnvironment): Promise<number> {
  const { output, cwd } = environment;
  const { roots } = resolveTargets([target], cwd);
  const workspace = await makeWorkspace(roots, overridesFrom(options), environment.env);
  const started = performance.now();
  const result = workspace.analyze(() => false);
  const elapsed = performance.now() - started;
  if (options.format === 'json') {
    const views = result.projects.map((p) => projectModelView(p.config, p.project, cwd));
    output.out(JSON.stringify({ version: 1, projects: views, notes: result.notes, durationMs: Math.round(elapsed) }, null, 2) + '\n');
  } else {
    output.out(describeProjects(result.projects, result.notes, 'text', cwd));
  }
  return result.projects.length > 0 ? 0 : 1;
}
