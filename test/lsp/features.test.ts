import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, copyToTemp, removeTemp } from '../helpers/paths';
import { LspTestClient, applyLspEdits, uriOf } from '../helpers/lsp';

/** The LSP position of the `occurrence`-th `needle` in a file, plus `shift` characters. */
function positionOf(file: string, needle: string, shift = 0, occurrence = 1): { line: number; character: number } {
  const text = fs.readFileSync(file, 'utf8');
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in ${file}`);
  const before = text.slice(0, at + shift);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

describe('language server features', function () {
  let root: string;
  let client: LspTestClient;
  const file = (rel: string) => path.join(root, rel);

  beforeEach(async () => {
    root = copyToTemp(EXAMPLE);
    client = new LspTestClient();
    await client.initialize(root);
    await client.waitFor('workspace diagnostics', () => client.diagnosticsOf(file('blog/models.py'))?.length);
  });

  afterEach(async () => {
    await client.stop();
    removeTemp(root);
  });

  const hover = async (rel: string, needle: string, shift = 0) =>
    (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(file(rel)) }, position: positionOf(file(rel), needle, shift) })) as {
      contents: { kind: string; value: string };
      range: unknown;
    } | null;

  it('publishes every deliberate mistake of the example project, on every file', async () => {
    const expected: [string, string, number][] = [
      ['blog/models.py', 'SWP101', 15],
      ['blog/views.py', 'SWP102', 7],
      ['oauth/migrations/0001_initial.py', 'SWP201', 9],
      ['blog/migrations/0002_assign_orphan_posts.py', 'SWP204', 7],
    ];
    for (const [rel, code, line] of expected) {
      const diagnostics = await client.waitFor(`${code} on ${rel}`, () => client.diagnosticsOf(file(rel)));
      assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [[code, line]], rel);
    }
  });

  it('editing the settings re-checks models and migrations in other files', async () => {
    const settings = file('mysite/settings.py');
    await client.open(settings, fs.readFileSync(settings, 'utf8'), 1);
    // Back to the default user model: "auth.User" in blog/models.py is no longer an error.
    const at = positionOf(settings, 'AUTH_USER_MODEL = "accounts.User"');
    await client.change(settings, 2, [{ range: { start: at, end: { line: at.line, character: at.character + 33 } }, text: '# AUTH_USER_MODEL removed' }]);
    await client.waitFor('SWP101 becomes information', () => client.diagnosticsOf(file('blog/models.py'))?.find((d) => d.code === 'SWP101' && d.severity === 3));
    await client.waitFor('SWP102 goes (auth.User is no longer swapped)', () => client.diagnosticsOf(file('blog/views.py'))?.length === 0);
  });

  it('a migration created or deleted on disk updates the graph', async () => {
    const newMigration = file('blog/migrations/0003_post_summary.py');
    fs.writeFileSync(newMigration, 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("blog", "0001_initial")]\n    operations = []\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(newMigration), type: 1 }] });
    const conflict = await client.waitFor('SWP303 for two leaves', () => client.diagnosticsOf(newMigration)?.find((d) => d.code === 'SWP303') ?? client.diagnosticsOf(file('blog/migrations/0002_assign_orphan_posts.py'))?.find((d) => d.code === 'SWP303'));
    assert.match(conflict.message, /0002_assign_orphan_posts, 0003_post_summary in blog/);
    fs.unlinkSync(newMigration);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(newMigration), type: 3 }] });
    await client.waitFor('the conflict goes', () => ![...client.diagnostics.values()].some((p) => p.diagnostics.some((d) => d.code === 'SWP303')));
  });

  it('source.fixAll.djswap applies the safe fixes of a file to a fixpoint, pinned to its version', async () => {
    const models = file('blog/models.py');
    const text = fs.readFileSync(models, 'utf8');
    await client.open(models, text, 7);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(models) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as { kind: string; edit: { documentChanges: { textDocument: { version: number }; edits: never[] }[] } }[];
    assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.djswap']);
    const change = actions[0].edit.documentChanges[0];
    assert.equal(change.textDocument.version, 7);
    const fixed = applyLspEdits(text, change.edits);
    assert.match(fixed, /author = models\.ForeignKey\(settings\.AUTH_USER_MODEL,/);
    assert.doesNotMatch(fixed, /"auth\.User"/);
  });

  it('a configuration change re-checks: ignore SWP1', async () => {
    client.configuration = { ignore: ['SWP1'] };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor('SWP101 and SWP102 go', () => client.diagnosticsOf(file('blog/models.py'))?.length === 0 && client.diagnosticsOf(file('blog/views.py'))?.length === 0);
    assert.equal(client.diagnosticsOf(file('oauth/migrations/0001_initial.py'))?.[0]?.code, 'SWP201');
  });
  it('djswap/migrationGraph draws the graph around the migration in the editor, with its problems and where each node lives', async () => {
    const migration = file('oauth/migrations/0001_initial.py');
    const result = (await client.connection.sendRequest('djswap/migrationGraph', { uri: uriOf(migration) })) as {
      title: string;
      svg: string;
      nodes: { key: string; uri?: string; line?: number; problems: string[] }[];
    };
    assert.match(result.title, /oauth\.0001_initial/);
    assert.match(result.svg, /^(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--[^]*?-->\s*)*<svg /);
    assert.match(result.svg, /id="oauth\.0001_initial"/);
    const oauth = result.nodes.find((n) => n.key === 'oauth.0001_initial');
    assert.equal(oauth?.uri, uriOf(migration));
    assert.match(fs.readFileSync(migration, 'utf8').split('\n')[oauth!.line! - 1], /^class Migration\(/);
    assert.ok(oauth?.problems.some((p) => p.startsWith('SWP201')), JSON.stringify(oauth?.problems));
    assert.ok(result.nodes.some((n) => n.key === 'oauth2_provider.0001_initial'), 'the migration it must run before is drawn');
  });

  it('a hover links to the migration graph only for a client that can follow command links', async () => {
    const plain = (await hover('blog/migrations/0002_assign_orphan_posts.py', '("blog", "0001_initial")', 3))!.contents.value;
    assert.doesNotMatch(plain, /command:/);
    await client.stop();
    client = new LspTestClient();
    await client.initialize(root, undefined, { commandLinks: true });
    await client.waitFor('workspace diagnostics', () => client.diagnosticsOf(file('blog/models.py'))?.length);
    const linked = (await hover('blog/migrations/0002_assign_orphan_posts.py', '("blog", "0001_initial")', 3))!.contents.value;
    const link = /\[Show the migration graph\]\(command:djswap\.showMigrationGraph\?([^)]+)\)$/.exec(linked);
    assert.ok(link, linked);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ around: 'blog.0001_initial', uri: uriOf(file('blog/migrations/0002_assign_orphan_posts.py')) }]);
  });
});
