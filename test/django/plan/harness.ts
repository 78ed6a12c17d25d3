import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../helpers/paths';
import type { PlanStep, SwapPlan } from '../../../server/src/django/swap/plan-data';

export const TIER = path.join(REPO, 'test', 'django', 'plan');
export const SCENARIOS = path.join(TIER, 'scenarios');
const RUNNER = path.join(TIER, 'runner.py');
const DJSWAP = path.join(REPO, 'bin', 'djswap.js');

export interface Interpreter {
  django: string;
  python: string;
}

export interface Scenario {
  name: string;
  title: string;
  setting: string;
  default: string;
  /** The model the databases are migrated with in the earlier state. */
  from: string;
  /** manage.py commands the user runs after writing the new code (makemigrations). */
  userRuns: string[][];
  deployments: number;
  /** Apps whose models must match their migrations afterwards (makemigrations --check). */
  checkApps: string[];
  /** The plan may find its first deployments done (the user ran migrate too). */
  mayStartDone?: boolean;
  /** Tables the plan renames: old name to new. */
  renamedTables?: Record<string, string>;
}

export function scenarios(): Scenario[] {
  return fs
    .readdirSync(SCENARIOS)
    .filter((name) => !name.startsWith('_'))
    .sort()
    .map((name) => ({ name, ...(JSON.parse(fs.readFileSync(path.join(SCENARIOS, name, 'scenario.json'), 'utf8')) as Omit<Scenario, 'name'>) }));
}

/** The interpreters `scripts/django/setup.mjs` installs (Debian's Django 3.2, 5.2 in a venv). */
export function interpreters(): Interpreter[] {
  const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'django', 'setup.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/django/setup.mjs exited with ${result.status}`);
  return JSON.parse(result.stdout) as Interpreter[];
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; allowFailure?: boolean } = {}): { stdout: string; stderr: string; status: number } {
  // Each step of a plan takes seconds: five minutes is a hang, and fails the step with its command line.
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, input: options.input ?? '', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 5 * 60_000 });
  const status = result.status ?? -1;
  if (status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited with ${status}${result.error ? ` (${result.error.message})` : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return { stdout: result.stdout, stderr: result.stderr, status };
}

function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/** A PostgreSQL cluster in a temporary folder, reached through a unix socket in that folder. */
export class PostgresCluster {
  private constructor(
    readonly dir: string,
    readonly host: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static available(): boolean {
    return PostgresCluster.binDir() !== undefined && spawnSync('psql', ['--version']).status === 0;
  }

  private static binDir(): string | undefined {
    const root = '/usr/lib/postgresql';
    if (!fs.existsSync(root)) return undefined;
    const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
  }

  /** As root the server runs as `postgres` (initdb refuses root); otherwise as the current user. */
  private static asServer(command: string, args: string[], options: { cwd?: string } = {}): void {
    if (process.getuid?.() === 0) run('runuser', ['-u', 'postgres', '--', command, ...args], options);
    else run(command, args, options);
  }

  static start(): PostgresCluster {
    const bin = PostgresCluster.binDir();
    if (!bin) throw new Error('PostgreSQL is not installed (node scripts/django/setup.mjs installs it)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-pg-'));
    const socket = path.join(dir, 'socket');
    fs.mkdirSync(socket);
    if (process.getuid?.() === 0) run('chown', ['-R', 'postgres:postgres', dir]);
    const port = freePort();
    const cluster = new PostgresCluster(dir, socket, port, bin);
    PostgresCluster.asServer(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], { cwd: dir });
    PostgresCluster.asServer(
      path.join(bin, 'pg_ctl'),
      ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${socket} -c listen_addresses='' -c fsync=off -c full_page_writes=off`, 'start'],
      { cwd: dir },
    );
    return cluster;
  }

  psql(database: string, sql: string): string {
    return run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', this.host, '-p', String(this.port), '-U', 'postgres', '-d', database, '-f', '-'], { input: sql }).stdout;
  }

  createDatabase(name: string): void {
    this.psql('postgres', `DROP DATABASE IF EXISTS ${name};\nCREATE DATABASE ${name};\n`);
  }

  stop(): void {
    try {
      PostgresCluster.asServer(path.join(this.bin, 'pg_ctl'), ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop'], { cwd: this.dir });
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export type Database = { kind: 'sqlite' } | { kind: 'postgresql'; cluster: PostgresCluster; name: string };

/** One scenario's project on one interpreter and one database, in a temporary git repository. */
export class ScenarioProject {
  readonly dir: string;
  private sqlite: string;

  constructor(
    readonly scenario: Scenario,
    readonly interpreter: Interpreter,
    readonly database: Database,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `djswap-plan-${scenario.name}-`));
    this.sqlite = path.join(this.dir, 'db.sqlite3');
  }

  get env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PLAN_SQLITE: this.sqlite, GIT_AUTHOR_NAME: 'plan', GIT_AUTHOR_EMAIL: 'plan@example.com', GIT_COMMITTER_NAME: 'plan', GIT_COMMITTER_EMAIL: 'plan@example.com' };
    delete env.DJANGO_SETTINGS_MODULE;
    if (this.database.kind === 'postgresql') {
      Object.assign(env, { PLAN_DB: 'postgresql', PLAN_PG_NAME: this.database.name, PLAN_PG_HOST: this.database.cluster.host, PLAN_PG_PORT: String(this.database.cluster.port) });
    }
    return env;
  }

  /** The earlier state, committed: the code every database was migrated with. */
  writeEarlier(): void {
    fs.cpSync(path.join(SCENARIOS, '_base'), this.dir, { recursive: true });
    fs.cpSync(path.join(SCENARIOS, this.scenario.name, 'earlier'), this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, '.gitignore'), '*.sqlite3\n__pycache__/\nhistory*.txt\n');
    run('git', ['init', '-q', '-b', 'main'], { cwd: this.dir, env: this.env });
  }

  commit(message: string): void {
    run('git', ['add', '-A'], { cwd: this.dir, env: this.env });
    run('git', ['commit', '-q', '-m', message], { cwd: this.dir, env: this.env });
  }

  /** The later state, as the user writes it (not committed). */
  writeLater(): void {
    fs.cpSync(path.join(SCENARIOS, this.scenario.name, 'later'), this.dir, { recursive: true });
  }

  manage(...args: (string | { allowFailure: boolean })[]): string {
    const allowFailure = args.some((a) => typeof a === 'object' && a.allowFailure);
    const argv = args.filter((a): a is string => typeof a === 'string');
    return run(this.interpreter.python, ['manage.py', ...argv], { cwd: this.dir, env: this.env, allowFailure }).stdout;
  }

  runner(args: string[], input?: string): string {
    return run(this.interpreter.python, [RUNNER, ...args], { cwd: this.dir, env: this.env, input }).stdout;
  }

  /** What djswap reads the applied migrations from: the SQLite file, or showmigrations' output. */
  historyArguments(): string[] {
    if (this.database.kind === 'sqlite') return ['--database', this.sqlite];
    const file = path.join(this.dir, 'history.txt');
    fs.writeFileSync(file, this.manage('showmigrations', '--list'));
    return ['--history', file];
  }

  plan(history: string[], extra: string[] = []): SwapPlan {
    const result = run(process.execPath, [DJSWAP, 'plan', this.dir, '--setting', this.scenario.setting, '--format', 'json', ...history, ...extra], { cwd: this.dir, env: this.env, allowFailure: true });
    assert.ok(result.status === 0 || result.status === 1, `djswap plan exited with ${result.status}: ${result.stderr}`);
    return JSON.parse(result.stdout) as SwapPlan;
  }

  /** Runs one step as a person would: writes the file, runs the SQL in the database's shell, runs the command. */
  execute(step: PlanStep): void {
    switch (step.kind) {
      case 'edit': {
        const file = path.join(this.dir, step.file);
        if ('delete' in step) fs.rmSync(file);
        else {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, step.newText);
        }
        return;
      }
      case 'sql':
        if (this.database.kind === 'sqlite') this.runner(['sql', this.sqlite], JSON.stringify(step.sqlite));
        else this.database.cluster.psql(this.database.name, step.postgresql.join('\n') + '\n');
        return;
      case 'command': {
        const [program, ...args] = step.argv;
        run(program === 'python' ? this.interpreter.python : program, args, { cwd: this.dir, env: this.env });
        return;
      }
    }
  }

  /** A second, empty database for the same code: what a new developer or CI starts from. */
  useFreshDatabase(): void {
    if (this.database.kind === 'sqlite') this.sqlite = path.join(this.dir, 'fresh.sqlite3');
    else {
      const name = `${this.database.name}_fresh`;
      this.database.cluster.createDatabase(name);
      (this.database as { name: string }).name = name;
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Snapshot {
  model: string;
  table: string;
  contentType: number;
  permissions: number[];
  tables: Record<string, { columns: string[]; rows: unknown[][] }>;
  foreignKeys: [string, string, string, string][];
}

/** Columns compared in tables whose rows the plan updates (content types move, permission codenames follow the model). */
const COMPARED_COLUMNS: Record<string, string[]> = {
  django_content_type: ['id'],
  auth_permission: ['id', 'content_type_id'],
};

/** Every row of every table is still there, with the same values, and every foreign key points where it did. */
export function assertSameData(before: Snapshot, after: Snapshot, renamed: Record<string, string> = {}): void {
  const rename = (table: string) => renamed[table] ?? table;
  assert.equal(after.contentType, before.contentType, `the content type of ${after.model} is ${before.model}'s`);
  assert.deepEqual(after.permissions, before.permissions, `${after.model}'s permissions are ${before.model}'s`);
  for (const [table, data] of Object.entries(before.tables)) {
    const now = after.tables[rename(table)];
    assert.ok(now, `table ${table} (as ${rename(table)}) is still there`);
    const columns = COMPARED_COLUMNS[table] ?? data.columns;
    for (const column of columns) assert.ok(now.columns.includes(column), `${rename(table)} still has ${column}`);
    const project = (rows: unknown[][], from: string[]) => rows.map((row) => JSON.stringify(columns.map((c) => row[from.indexOf(c)])));
    // Every row that was there is there, unchanged (a migrate the user ran may have added some).
    const remaining = new Map<string, number>();
    for (const row of project(now.rows, now.columns)) remaining.set(row, (remaining.get(row) ?? 0) + 1);
    const lost = project(data.rows, data.columns).filter((row) => {
      const left = remaining.get(row) ?? 0;
      remaining.set(row, left - 1);
      return left <= 0;
    });
    assert.deepEqual(lost, [], `rows of ${table} lost or changed`);
  }
  const keys = (list: Snapshot['foreignKeys'], map: (t: string) => string) => list.map(([t, c, target, tc]) => `${map(t)}.${c} -> ${map(target)}.${tc}`).sort();
  const expected = keys(before.foreignKeys, rename);
  const actual = new Set(keys(after.foreignKeys, (t) => t));
  for (const key of expected) assert.ok(actual.has(key), `foreign key ${key} is still there`);
}

/** Nothing in the plan's SQL or migrations removes data. */
export function assertKeepsData(plan: SwapPlan): void {
  for (const deployment of plan.deployments) {
    for (const step of deployment.steps) {
      if (step.kind === 'sql') {
        for (const statement of [...step.sqlite, ...step.postgresql]) assert.doesNotMatch(statement, /\b(DROP|DELETE|TRUNCATE)\b/i, statement);
      }
      if (step.kind === 'edit' && !('delete' in step) && step.file.endsWith('.py')) {
        assert.doesNotMatch(step.newText, /RemoveField|migrations\.RunSQL|\.delete\(\)|DROP /, step.file);
        // A DeleteModel only inside state_operations: it changes what Django knows, not the tables.
        for (const match of step.newText.matchAll(/migrations\.DeleteModel/g)) {
          assert.match(step.newText.slice(0, match.index), /state_operations=\[\s*$/, `${step.file}: DeleteModel outside state_operations`);
        }
      }
    }
  }
}
