import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PostgresCluster, ScenarioProject, assertKeepsData, assertSameData, interpreters, scenarios, type Database, type Interpreter, type Snapshot } from './harness';

/**
 * The plan, executed. For each change `djswap plan` covers, on each Django the tier installs and on
 * SQLite and PostgreSQL: a project in the earlier state is migrated and filled with rows, the later
 * code is written as the user would, every step of the plan is run as printed, and then migrate,
 * check and makemigrations --check must pass with every row, foreign key, content type and
 * permission where it was. A new database must migrate from scratch with the same code.
 */

const tiers: Interpreter[] = interpreters();
const withPostgres = PostgresCluster.available();
const DATABASES = (process.env.PLAN_DATABASES ?? 'sqlite,postgresql').split(',');
const ONLY = process.env.PLAN_SCENARIOS?.split(',');

describe('djswap plan, executed on Django', function () {
  this.timeout(0);
  let cluster: PostgresCluster | undefined;
  let databases = 0;

  before(function () {
    if (withPostgres && DATABASES.includes('postgresql')) cluster = PostgresCluster.start();
  });
  after(() => cluster?.stop());

  it('has Django interpreters to run on', () => {
    assert.ok(tiers.length > 0, 'node scripts/django/setup.mjs found no Django');
  });

  for (const scenario of scenarios().filter((s) => !ONLY || ONLY.includes(s.name))) {
    describe(scenario.title, () => {
      for (const tier of tiers) {
        for (const kind of DATABASES) {
          it(`${scenario.name}: Django ${tier.django}, ${kind}`, function () {
            if (kind === 'postgresql' && !cluster) this.skip();
            let database: Database = { kind: 'sqlite' };
            if (kind === 'postgresql') {
              const name = `plan_${++databases}`;
              cluster!.createDatabase(name);
              database = { kind: 'postgresql', cluster: cluster!, name };
            }
            const project = new ScenarioProject(scenario, tier, database);
            try {
              exercise(project);
              if (process.env.PLAN_KEEP !== '1') project.remove();
            } catch (error) {
              // Kept for a look: the project and its database stay where they are.
              throw new Error(`${(error as Error).message}\n(project kept in ${project.dir})`);
            }
          });
        }
      }
    });
  }
});

function exercise(project: ScenarioProject): void {
  const { scenario } = project;
  const snapshot = () => JSON.parse(project.runner(['snapshot', scenario.setting, scenario.default])) as Snapshot;

  // The earlier state: the code every database was migrated with, and rows in it.
  project.writeEarlier();
  project.manage('makemigrations');
  project.commit('earlier state');
  project.manage('migrate');
  project.runner(['seed']);
  const before = snapshot();

  // The later state as the user writes it: the new model, the setting, makemigrations.
  project.writeLater();
  // Django 3.2 cannot make the first migration of a new app that a swappable setting points other
  // apps at (lazy reference to an app without migrations): the user then has none, and the plan writes it.
  for (const argv of scenario.userRuns) project.manage({ allowFailure: true }, ...argv);

  // What the database has now (the user may have run migrate too).
  let history = project.historyArguments();
  const plan = project.plan(history);
  assert.equal(plan.possible, true, `no plan: ${plan.reason}`);
  // The earlier state is committed and the later one not: git says where the rows are.
  assert.equal(plan.fromSource, 'git');
  assert.equal(plan.from, scenario.from);
  assert.equal(plan.deployments.length, scenario.deployments, plan.deployments.map((d) => d.title).join(' | '));
  // Done already: only where the user's own migrate applied the new app's first migration.
  const doneAtStart = plan.deployments.map((d) => d.done);
  assert.ok(scenario.mayStartDone || doneAtStart.every((d) => !d), 'no deployment is done before the plan runs');
  assert.ok(!doneAtStart[doneAtStart.length - 1], 'the last deployment is still to do');
  assertKeepsData(plan);

  plan.deployments.forEach((deployment, index) => {
    if (doneAtStart[index]) return;
    for (const step of deployment.steps) project.execute(step);
    // Planning again on the database as it is now: what is done says so, the rest is unchanged.
    history = project.historyArguments();
    const again = project.plan(history);
    assert.equal(again.possible, true, `no plan after deployment ${index + 1}: ${again.reason}`);
    // showmigrations lists only migrations whose files exist: a recorded migration the code does
    // not have yet (Django 3.2 could not make it) does not show, and the plan cannot see it done.
    const [app] = plan.to.split('.');
    const hidden = (i: number) => project.database.kind !== 'sqlite' && plan.deployments[i].steps.every((s) => s.kind === 'sql') && !fs.existsSync(path.join(project.dir, app, 'migrations', '0001_initial.py'));
    assert.deepEqual(
      again.deployments.map((d) => d.done),
      plan.deployments.map((_, i) => doneAtStart[i] || (i <= index && !hidden(i))),
      `after deployment ${index + 1}, the plan says which deployments are done`,
    );
    assert.deepEqual(again.deployments.slice(index + 1), plan.deployments.slice(index + 1));
  });

  // Django agrees: nothing left to migrate, the checks pass, the models match the migrations.
  assert.match(project.manage('migrate'), /No migrations to apply/);
  project.manage('check');
  project.manage('makemigrations', '--check', '--dry-run', ...scenario.checkApps);
  assertSameData(before, snapshot(), scenario.renamedTables);
  assert.deepEqual(JSON.parse(project.runner(['integrity'])).problems, []);
  // New rows go where the old ones are: foreign keys, sequences and content types work.
  project.runner(['seed', '--tag', 'after']);
  assert.deepEqual(JSON.parse(project.runner(['integrity'])).problems, []);

  // A database created after the change migrates from nothing with the same code.
  project.useFreshDatabase();
  project.manage('migrate');
  project.manage('check');
  project.runner(['seed', '--tag', 'fresh']);
  assert.deepEqual(JSON.parse(project.runner(['integrity'])).problems, []);
}
