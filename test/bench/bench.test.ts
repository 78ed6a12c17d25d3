import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../helpers/paths';

/** The benchmark's own modules are plain ES modules under bench/. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (file: string): Promise<any> => import(pathToFileURL(path.join(REPO, 'bench', file)).href);

// Smoke tests only: they check that the generator is deterministic and that `npm run bench` runs,
// never how fast anything is.
describe('benchmark', function () {
  this.timeout(180000);

  it('generates the same project, byte for byte, from the same size and seed', async () => {
    const { generateFiles, summarize } = await load('generate.mjs');
    const first = generateFiles('tiny', 1);
    const again = generateFiles('tiny', 1);
    const other = generateFiles('tiny', 2);
    const a = summarize('tiny', 1, first.project, first.files);
    const b = summarize('tiny', 1, again.project, again.files);
    const c = summarize('tiny', 2, other.project, other.files);
    assert.equal(a.contentHash, b.contentHash);
    assert.notEqual(a.contentHash, c.contentHash);
    assert.ok(a.migrations > 10, `${a.migrations} migrations`);
    assert.ok(a.squashed.length >= 1, 'a squashed history');
    assert.ok(a.mistakes.some((m: { rule: string }) => m.rule === 'SWP101'));
    const files = first.files as Map<string, string>;
    assert.match(files.get('manage.py')!, /"DJANGO_SETTINGS_MODULE", "config\.settings\.dev"/);
    assert.match(files.get('config/settings/dev.py')!, /^from \.base import \*/m);
    assert.match(files.get('apps/integrations/oauth/migrations/0001_initial.py')!, /run_before = \[\n {8}\("oauth2_provider", "0001_initial"\),/);
    assert.match(files.get('apps/accounts/models.py')!, /class User\(AbstractUser\):/);
    const migrations = [...files.entries()].filter(([f]) => /\/migrations\/\d{4}_/.test(f)).map(([, t]) => t);
    assert.ok(migrations.some((t) => t.includes("migrations.swappable_dependency(settings.AUTH_USER_MODEL)")));
    assert.ok(migrations.some((t) => /^ {8}\('\w+', '\d{4}_\w+'\),$/m.test(t)), 'Django < 4.1 style');
    assert.ok(migrations.some((t) => /^ {8}\("\w+", "\d{4}_\w+"\),$/m.test(t)), 'black style');
  });

  it('runs end to end on the tiny size and writes its JSON', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-bench-smoke-'));
    try {
      const out = path.join(tmp, 'results.json');
      const args = ['bench/run.mjs', '--sizes', 'tiny', '--backends', 'auto', '--repeat', '1', '--edits', '5', '--hovers', '2', '--fixalls', '1', '--quiet-ms', '200', '--no-parse-all', '--generated-dir', path.join(tmp, 'generated'), '--out', out];
      const run = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Command line/);
      const results = JSON.parse(fs.readFileSync(out, 'utf8'));
      const [r] = results.runs;
      assert.ok(r.cli.floor.files > 0 && r.cli.floor.wallMs > 0);
      assert.ok(r.cli.cold.wallMs > 0 && r.cli.warm.wallMs > 0 && r.cli.cold.maxRssMb > 0);
      assert.equal(r.cli.findings.counts.SWP101, r.cli.findings.expectedSWP101);
      assert.ok(r.lsp.indexing.completeMs > 0);
      assert.equal(r.lsp.didChange.count, 5);
      assert.equal(r.lsp.fixAll.count, 1);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
