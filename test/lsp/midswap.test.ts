import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, copyToTemp, removeTemp } from '../helpers/paths';
import { DEFAULT_CAPABILITIES, LspTestClient, uriOf } from '../helpers/lsp';
import type { PlanResult } from '../../server/src/lsp/protocol';

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
    // An editor that can create files through a WorkspaceEdit, as VS Code can.
    await client.initialize(root, { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } } });
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
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: uriOf(settings) },
      position: { line: 76, character: 3 },
    })) as { contents: { value: string } };
    assert.match(hover.contents.value, /\*\*The safe path for the databases that exist:\*\* make `users\.User` take over `auth_user`/);
    assert.match(hover.contents.value, /VALUES \('users', '0001_initial', CURRENT_TIMESTAMP\)/);
    const plan = (await client.connection.sendRequest('djswap/planSwappableChange', { uri: uriOf(settings) })) as PlanResult;
    assert.match(plan.markdown, /^# Changing `AUTH_USER_MODEL` from `auth\.User` to `users\.User`/);
    assert.match(plan.markdown, /^- Database read: `showmigrations\.txt` \(showmigrations output\), 19 applied migrations\.$/m);
    assert.match(plan.markdown, /^## Deployment 1 of 2: Record users\.0001_initial as applied$/m);
    assert.equal((plan.plan as { possible: boolean }).possible, true);
    assert.deepEqual(plan.next, { number: 2, title: 'Move AUTH_USER_MODEL to users.User', files: ['users/models.py', 'users/migrations/0001_initial.py', 'users/migrations/0002_move_from_auth_user.py'], after: [1] });
  });

  it("applies the next deployment's edits through one WorkspaceEdit, and nothing else", async () => {
    const settings = path.join(root, 'project', 'settings.py');
    const plan = (await client.connection.sendRequest('djswap/planSwappableChange', { uri: uriOf(settings) })) as PlanResult;
    client.appliedEdits.length = 0;
    const answer = (await client.connection.sendRequest('workspace/executeCommand', { command: 'djswap.applyPlanEdits', arguments: [{ uri: uriOf(settings) }] })) as { applied: boolean; files: number };
    assert.equal(answer.applied, true);
    assert.equal(client.appliedEdits.length, 1);
    const { edit } = client.appliedEdits[0] as { edit: { documentChanges: ({ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: { newText: string }[] })[] } };
    const steps = (plan.plan as { deployments: { steps: { kind: string; file?: string; newText?: string }[] }[] }).deployments[1].steps.filter((s) => s.kind === 'edit');
    // Existing files are replaced whole; new ones are created, then filled.
    for (const step of steps) {
      const uri = uriOf(path.join(root, step.file!));
      const text = edit.documentChanges.filter((c) => c.textDocument?.uri === uri).flatMap((c) => c.edits!.map((e) => e.newText)).join('');
      assert.equal(text, step.newText, step.file);
    }
    assert.ok(edit.documentChanges.some((c) => c.kind === 'create' && c.uri === uriOf(path.join(root, 'users', 'migrations', '0002_move_from_auth_user.py'))));
  });
});
