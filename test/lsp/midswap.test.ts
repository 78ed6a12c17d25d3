import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, copyToTemp, removeTemp } from '../helpers/paths';
import { LspTestClient, uriOf } from '../helpers/lsp';

describe('language server: a mid-project swap with a known history', function () {
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = copyToTemp(path.join(REPO, 'test', 'oracle', 'midswap_default_to_custom_user'));
    const applied = JSON.parse(fs.readFileSync(path.join(root, 'history.json'), 'utf8')).applied_migrations as [string, string][];
    const byApp = new Map<string, string[]>();
    for (const [app, name] of applied) byApp.set(app, [...(byApp.get(app) ?? []), name]);
    fs.writeFileSync(path.join(root, 'showmigrations.txt'), [...byApp].map(([app, names]) => `${app}\n${names.map((n) => ` [X] ${n}\n`).join('')}`).join(''));
    client = new LspTestClient();
    client.configuration = { history: 'showmigrations.txt' };
    await client.initialize(root);
  });

  after(async () => {
    await client.stop();
    removeTemp(root);
  });

  // What the hover says there is in test/fixtures/lsp/midswap-history.
  it('reports SWP306 on the setting and writes the plan', async () => {
    const settings = path.join(root, 'project', 'settings.py');
    const finding = await client.waitFor('SWP306', () => client.diagnosticsOf(settings)?.find((d) => d.code === 'SWP306'));
    assert.equal(finding.range.start.line, 76);
    assert.match(finding.message, /InconsistentMigrationHistory: Migration admin\.0001_initial is applied before its dependency users\.0001_initial on database 'default'\./);
    const plan = (await client.connection.sendRequest('djswap/planSwappableChange', { uri: uriOf(settings) })) as { markdown: string };
    assert.match(plan.markdown, /^# Changing `AUTH_USER_MODEL` from `auth\.User` to `users\.User`/);
    assert.match(plan.markdown, /The database read \(showmigrations\.txt\) has applied 2 of them: `admin\.0001_initial`, `blog\.0001_initial`\./);
  });
});
