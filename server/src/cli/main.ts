import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../engine/config';
import { describeProjects, projectModelView } from '../engine/inspect';
import { buildSwapPlan, choosePlanSetting, nextDeploymentWithEdits, planMarkdown } from '../engine/plan';
import { writeDeploymentEdits } from './plan-write';
import { buildGraphView, toDot, toMermaid, toSvg } from '../engine/graph-view';
import { Workspace } from '../engine/workspace';
import { RULES, ruleByCode } from '../rules/registry';
import { loadPythonParser } from '../syntax/parser';
import { check, FORMATS, resolveTargets, selectionOf, type CheckOptions, type CliEnvironment } from './check';
import { processOutput } from './output';
import { renderRuleDoc } from '../rules/docs';
import { UsageError, version } from './usage';
import type { startLanguageServer as StartLanguageServer } from '../lsp/main';

export { version } from './usage';
export type { CliEnvironment } from './check';

/** Repeated list flags add up: `--select SWP1 --select SWP201` is `--select SWP1,SWP201`. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Commander's messages, on one line: "djswap: unknown option '--fixx' (Did you mean --fix?)". */
function oneLine(message: string): string {
  const lines = message
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return `djswap: ${lines[0] ?? ''}${lines.length > 1 ? ` ${lines.slice(1).join(' ')}` : ''}\n`;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings, 2 usage or configuration error. */
export async function main(argv: string[], environment: CliEnvironment = { output: processOutput(), cwd: process.cwd(), env: process.env }): Promise<number> {
  const { output } = environment;
  let exitCode = 0;
  const program = new Command('djswap')
    .description("Finds Django swappable-model mistakes (AUTH_USER_MODEL, django-oauth-toolkit's models, ...) before Django does.")
    .version(version(), '-V, --version')
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s), outputError: (s, write) => write(oneLine(s)) })
    .exitOverride()
    .showSuggestionAfterError(true);

  program
    .command('check')
    .description('check Django projects for swappable-model problems')
    .argument('[paths...]', 'folders or files to check', ['.'])
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--select <codes>', 'rule codes or prefixes to report, comma-separated (e.g. SWP1,SWP201); replaces pyproject.toml\'s select and ignore', collect)
    .option('--ignore <codes>', 'rule codes or prefixes not to report, comma-separated', collect)
    .option('--settings <module>', 'the Django settings module (dotted, e.g. config.settings.dev)')
    .option('--history <file>', "a database's applied migrations: the output of `python manage.py showmigrations --list`")
    .option('--database <file>', 'a SQLite database to read the applied migrations from (read-only), instead of the one the settings name')
    .option('--fix', 'apply safe fixes, then report what remains')
    .option('--unsafe-fixes', 'apply (with --fix, --diff) or offer unsafe fixes too')
    .option('--diff', 'print what --fix would change as a unified diff, write nothing; exit 1 when there is a change')
    .option('--exit-zero', 'exit with 0 even when problems are found')
    .option('--statistics', 'print the number of findings per rule instead of the findings')
    .option('-q, --quiet', 'one line per finding, nothing else')
    .option('--cache-dir <dir>', 'keep the report in this folder and reuse it while no file it was read from changed (also DJSWAP_CACHE_DIR); without it nothing is written')
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
    .command('plan')
    .description('the plan for changing a swappable setting on the databases that exist: edits, SQL and commands, in order (Markdown or JSON)')
    .argument('[path]', 'the project folder', '.')
    .option('--setting <name>', 'the swappable setting (default: the one that is swapped, else AUTH_USER_MODEL)')
    .option('--to <label>', 'the model it should name, e.g. users.User (default: its value in the settings)')
    .option('--from <label>', 'the model the databases were migrated with (default: git\'s previous value, else the setting\'s default)')
    .option('--settings <module>', 'the Django settings module to use')
    .option('--history <file>', "a database's applied migrations (showmigrations --list output)")
    .option('--database <file>', 'a SQLite database to read the applied migrations from (read-only)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .option('--write', "write the edits of the next deployment (files only: never SQL, never commands)")
    .action(async (target: string, options: PlanOptions) => {
      exitCode = await plan(target, options, environment);
    });

  program
    .command('graph')
    .description('draw the migration graph (or the part around an app or a migration), with swappable edges and problems marked')
    .argument('[path]', 'the project folder', '.')
    .option('--app <label>', 'only this app and its neighbours')
    .option('--around <app.migration>', 'only the migrations around this one')
    .option('--depth <n>', 'how many dependency steps around --around', '2')
    .option('--no-collapse', 'draw every migration of long linear runs')
    .addOption(new Option('--format <format>', 'output format').choices(['dot', 'mermaid', 'svg']).default('dot'))
    .option('--settings <module>', 'the Django settings module to use')
    .option('--history <file>', "a database's applied migrations (showmigrations --list output), to mark what is applied")
    .option('--database <file>', 'a SQLite database to read the applied migrations from')
    .action(async (target: string, options: GraphOptions) => {
      exitCode = await graph(target, options, environment);
    });

  program
    .command('rules')
    .description('list the rules')
    .action(() => {
      const width = Math.max(...RULES.map((r) => r.name.length));
      for (const rule of RULES) output.out(`${rule.code}  ${rule.name.padEnd(width)}  ${rule.summary}\n`);
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
      program.outputHelp({ error: true });
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

interface GraphOptions {
  app?: string;
  around?: string;
  depth: string;
  collapse: boolean;
  format: 'dot' | 'mermaid' | 'svg';
  settings?: string;
  history?: string;
  database?: string;
}

async function graph(target: string, options: GraphOptions, environment: CliEnvironment): Promise<number> {
  const { output, cwd } = environment;
  const depth = Number(options.depth);
  if (!Number.isInteger(depth) || depth < 0 || depth > 50) throw new UsageError(`--depth: '${options.depth}' is not a whole number from 0 to 50`);
  if (options.around !== undefined && !/^[A-Za-z_]\w*\.\w+$/.test(options.around)) throw new UsageError(`--around: '${options.around}' is not of the form app_label.migration_name`);
  const { roots } = resolveTargets([target], cwd);
  const workspace = new Workspace({ roots, parser: await loadPythonParser(), overrides: selectionOf(options, cwd).overrides, env: environment.env, displayRoot: cwd });
  await workspace.prewarm();
  await workspace.loadHistories();
  const result = workspace.analyze();
  const first = result.projects[0];
  if (!first) throw new UsageError(`${target}: no Django project found`);
  const { project } = first;
  if (options.app !== undefined && !project.appsByLabel.has(options.app)) throw new UsageError(`--app: there is no installed app '${options.app}'`);
  if (options.around !== undefined && !project.graph.canonical(options.around)) throw new UsageError(`--around: there is no migration ${options.around}`);
  const view = buildGraphView(project, result.diagnostics, { app: options.app, around: options.around, depth, collapse: options.collapse });
  output.out(options.format === 'svg' ? await toSvg(view) : options.format === 'mermaid' ? toMermaid(view) : toDot(view));
  return 0;
}

interface PlanOptions {
  setting?: string;
  to?: string;
  from?: string;
  settings?: string;
  history?: string;
  database?: string;
  format: 'markdown' | 'json';
  write?: boolean;
}

const LABEL = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/;

/** Exit code: 0 with a plan, 1 when no safe plan exists. */
async function plan(target: string, options: PlanOptions, environment: CliEnvironment): Promise<number> {
  const { output, cwd } = environment;
  if (options.to !== undefined && !LABEL.test(options.to)) throw new UsageError(`--to: '${options.to}' is not of the form app_label.ModelName`);
  if (options.from !== undefined && !LABEL.test(options.from)) throw new UsageError(`--from: '${options.from}' is not of the form app_label.ModelName`);
  const { roots } = resolveTargets([target], cwd);
  const workspace = new Workspace({ roots, parser: await loadPythonParser(), overrides: selectionOf(options, cwd).overrides, env: environment.env, displayRoot: cwd });
  await workspace.prewarm();
  await workspace.loadHistories();
  const result = workspace.analyze(() => false);
  const first = result.projects[0];
  if (!first) throw new UsageError(`${target}: no Django project found`);
  const setting = options.setting ?? choosePlanSetting(first.project);
  if (!first.project.swappable(setting)) throw new UsageError(`--setting: '${setting}' is not a swappable setting of this project`);
  const swapPlan = buildSwapPlan(first.project, { setting, target: options.to, from: options.from, change: workspace.settingChange(first.project, setting, { removals: true }) });
  output.out(options.format === 'json' ? JSON.stringify(swapPlan, null, 2) + '\n' : planMarkdown(swapPlan));
  if (options.write && swapPlan.possible) {
    const next = nextDeploymentWithEdits(swapPlan);
    const report = (line: string) => (options.format === 'json' ? output.err(line) : output.out(line));
    if (!next) report('djswap: no deployment left with edits to write.\n');
    else {
      const before = swapPlan.deployments.slice(0, next.index).filter((d) => !d.done);
      const { written, deleted } = writeDeploymentEdits(first.config.root, next.deployment);
      report(`djswap: wrote the edits of deployment ${next.index + 1} (${next.deployment.title}): ${[...written.map((f) => `wrote ${f}`), ...deleted.map((f) => `deleted ${f}`)].join(', ')}.\n`);
      if (before.length > 0) report(`djswap: deploy them only after deployment ${before.map((d) => swapPlan.deployments.indexOf(d) + 1).join(', ')} ran on every database.\n`);
    }
  }
  return swapPlan.possible ? 0 : 1;
}

async function inspect(target: string, options: { format: 'text' | 'json'; settings?: string }, environment: CliEnvironment): Promise<number> {
  const { output, cwd } = environment;
  const { roots } = resolveTargets([target], cwd);
  const workspace = new Workspace({ roots, parser: await loadPythonParser(), overrides: selectionOf(options, cwd).overrides, env: environment.env, displayRoot: cwd });
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
