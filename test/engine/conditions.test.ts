import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { conditionTruth, guardsAt, guardsHold } from '../../server/src/django/conditions';
import type { PyStatement } from '../../server/src/syntax/python';
import { describeEachBackend } from '../helpers/parsers';
import { FIXTURES } from '../helpers/paths';
import { workspaceOn } from '../helpers/engine';
import type { PythonParser } from '../../server/src/syntax/tree';

const ROOT = path.join(FIXTURES, 'projects', 'conditional-models');

function load(parser: PythonParser, overrides = {}) {
  const result = workspaceOn(ROOT, parser, overrides, { DJSWAP_GIT: '0' }).analyze();
  return result.projects[0].project;
}

describeEachBackend('if tests and the classes they define', (parser) => {
  it('a class under a false test is no model; under an unknown one it is marked conditional; one in a with block is a model', () => {
    const project = load(parser());
    const labels = project.models.filter((m) => m.origin === 'workspace').map((m) => `${m.label}${m.abstract ? ' (abstract)' : ''}${m.conditional ? ` (if ${m.conditional})` : ''}`).sort();
    assert.deepEqual(labels, [
      'accounts.Guest (if os.environ.get("WITH_GUESTS"))',
      'invites.AbstractInvite (abstract)',
      'invites.Invite',
      'links.Link',
      'links.LinkCheck',
      'pages.Page',
      'tenants.Client',
    ]);
  });

  it("a model's base in another module of the app is read, with its relations", () => {
    const project = load(parser());
    const base = project.modelByLabel('invites.AbstractInvite')!;
    assert.deepEqual(base.facts!.relations.map((r) => [r.name, r.target.kind]), [['inviter', 'setting']]);
    assert.ok(project.modelByLabel('invites.Invite')!.lineage.includes('invites.base.AbstractInvite'));
  });

  it("swapper's setting takes the app's prefix; a known package's setting is off when only its label is taken", () => {
    const project = load(parser());
    assert.equal(project.modelByLabel('pages.Page')!.swappable, 'SITE_PAGE_MODEL');
    assert.ok(project.swappable('SITE_PAGE_MODEL'));
    assert.equal(project.swappable('PAGES_PAGE_MODEL'), undefined);
    assert.equal(project.swapperSetting('pages', 'Page'), 'SITE_PAGE_MODEL');
    // taiga.notifications is labelled `notifications`, but it is not django-notifications.
    assert.equal(project.swappable('NOTIFICATIONS_NOTIFICATION_MODEL')?.inUse, false);
    assert.equal(project.appsByLabel.get('notifications')?.known, undefined);
  });

  it('a name an if binds per branch follows the branch the settings take', () => {
    const project = load(parser());
    const link = project.modelByLabel('links.Link')!;
    const target = link.facts!.relations[0].target;
    assert.equal(target.kind === 'class' ? target.choice : undefined, 'Page');
    const scope = project.scopeOfFile(link.file!)!;
    const truth = (test: Parameters<typeof conditionTruth>[0]) => conditionTruth(test, scope, project.conditions);
    assert.deepEqual(scope.resolveName('Page', truth), { kind: 'qualified', name: 'pages.models.Page' });
  });

  it('guards at a position: the ifs around it and the early returns before it', () => {
    const project = load(parser());
    const file = project.modelByLabel('links.Link')!.file!;
    const scope = project.scopeOfFile(file)!;
    const text = scope.file.text;
    const statements: PyStatement[] = scope.file.module.statements;
    const query = guardsAt(statements, text.indexOf('Link.objects'), text);
    assert.equal(query.length, 1);
    assert.equal(query[0].holds, false);
    // Not swapped: the early return does not happen, the query runs.
    assert.equal(guardsHold(query, scope, project.conditions), true);
    assert.deepEqual(guardsAt(statements, text.indexOf('class Link'), text), []);
  });

  it('settings comparisons, getattr and hasattr with the settings in force', () => {
    const project = load(parser());
    const file = project.modelByLabel('accounts.Guest')!.file!;
    const scope = project.scopeOfFile(file)!;
    const tests = scope.file.module.statements.filter((s): s is Extract<PyStatement, { kind: 'if' }> => s.kind === 'if');
    assert.equal(conditionTruth(tests[0].test, scope, project.conditions), false);
    assert.equal(conditionTruth(tests[1].test, scope, project.conditions), undefined);
  });
});
