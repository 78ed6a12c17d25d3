import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';
import { djswapProcess as run } from './helpers';

/**
 * `--cache-dir`: a second run of the same check prints the kept report while no file it was read
 * from changed, and analyses again as soon as one did (contents, a new file, a deleted one).
 */
describe('djswap check --cache-dir', () => {
  let root: string;
  let cacheDir: string;
  const MARK = 'this message came from the cache';

  beforeEach(() => {
    root = copyToTemp(EXAMPLE, 'djswap-cache-');
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-cache-dir-'));
  });
  afterEach(() => {
    removeTemp(root);
    removeTemp(cacheDir);
  });

  const check = (...extra: string[]) => run(['check', '.', '--format', 'json', '--cache-dir', cacheDir, ...extra], root);
  const entries = () => fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
  /** Marks every kept message, so that output from the cache can be told apart. */
  const markCache = () => {
    for (const name of entries()) {
      const file = path.join(cacheDir, name);
      const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
      for (const d of entry.report.diagnostics) d.message = MARK;
      fs.writeFileSync(file, JSON.stringify(entry));
    }
  };
  const codes = (stdout: string) => (JSON.parse(stdout).diagnostics as { code: string }[]).map((d) => d.code).sort();

  it('reuses the report while nothing changed: the same output, and one entry', () => {
    const first = check();
    assert.equal(first.code, 1, first.stderr);
    assert.equal(entries().length, 1);
    const second = check();
    assert.equal(second.code, 1);
    const strip = (stdout: string) => ({ ...JSON.parse(stdout), summary: { ...JSON.parse(stdout).summary, durationMs: 0 } });
    assert.deepEqual(strip(second.stdout), strip(first.stdout));
    markCache();
    assert.match(check().stdout, new RegExp(MARK), 'the second run analysed again');
    // Another selection is another entry; text output renders the kept report too.
    assert.equal(check('--select', 'SWP1').code, 1);
    assert.equal(entries().length, 2);
    const text = run(['check', '.', '--cache-dir', cacheDir], root);
    assert.match(text.stdout, /Found 4 problems/);
  });

  it('analyses again when a file it read changes, when a file appears and when one goes', () => {
    const first = check();
    assert.deepEqual(codes(first.stdout), ['SWP101', 'SWP102', 'SWP201', 'SWP204']);
    markCache();
    // The hard-coded reference fixed: SWP101 is gone.
    const models = path.join(root, 'blog', 'models.py');
    fs.writeFileSync(models, fs.readFileSync(models, 'utf8').replace('models.ForeignKey("auth.User",', 'models.ForeignKey(settings.AUTH_USER_MODEL,'));
    const edited = check();
    assert.doesNotMatch(edited.stdout, new RegExp(MARK));
    assert.deepEqual(codes(edited.stdout), ['SWP102', 'SWP201', 'SWP204']);
    markCache();
    // A second leaf migration in blog: conflicting migrations.
    const extra = path.join(root, 'blog', 'migrations', '0003_other.py');
    fs.writeFileSync(extra, 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("blog", "0001_initial")]\n    operations = []\n');
    const added = check();
    assert.doesNotMatch(added.stdout, new RegExp(MARK));
    assert.ok(codes(added.stdout).includes('SWP303'), added.stdout);
    markCache();
    fs.rmSync(extra);
    const removed = check();
    assert.doesNotMatch(removed.stdout, new RegExp(MARK));
    assert.deepEqual(codes(removed.stdout), ['SWP102', 'SWP201', 'SWP204']);
  });

  it('is not used by --fix and --diff, and a folder that cannot be written is a note, not a failure', () => {
    const fixed = run(['check', '.', '--fix', '--cache-dir', cacheDir], root);
    assert.equal(fixed.code, 1, fixed.stderr);
    assert.deepEqual(entries(), []);
    const blocked = path.join(cacheDir, 'a-file');
    fs.writeFileSync(blocked, '');
    const result = run(['check', '.', '--format', 'json', '--cache-dir', path.join(blocked, 'below')], root);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /could not be written/);
    assert.ok(JSON.parse(result.stdout).diagnostics.length > 0);
  });
});
