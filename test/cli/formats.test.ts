import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { escapeData, escapeProperty } from '../../server/src/cli/render-github';
import { renderRuleDoc } from '../../server/src/rules/docs';
import { RULES } from '../../server/src/rules/registry';
import { EXAMPLE, REPO, matchSnapshot } from '../helpers/paths';
import { djswap, snapshotPath } from './helpers';

/**
 * Each format on two small fixture projects: a site whose AUTH_USER_MODEL is swapped (errors, an
 * unsafe fix, an information finding with a two-edit fix, non-ASCII text before a finding) and a
 * reusable app (a warning). Only SWP101 is selected so that new rules do not move these snapshots.
 */
const PROJECTS = ['test/fixtures/cli/site', 'test/fixtures/cli/reusable'];
const CHECK = ['check', ...PROJECTS, '--select', 'SWP101'];

/** What differs between machines and runs: the checkout's path, the version, the duration. */
function normalize(text: string): string {
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
  return text
    .split(new URL(`file://${REPO}/`).href)
    .join('file:///REPO/')
    .replace(/"durationMs": \d+/g, '"durationMs": 0')
    .replace(new RegExp(`"version": "${version.replace(/\./g, '\\.')}"`, 'g'), '"version": "VERSION"');
}

function snapshot(name: string, actual: string): void {
  const result = matchSnapshot(snapshotPath(name), actual);
  assert.equal(result.actual, result.expected);
}

/** The official SARIF 2.1.0 schema (OASIS), vendored with its source noted in test/cli/schemas/README.md. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'cli', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function assertValidSarif(log: unknown): void {
  const validate = sarifValidator();
  const valid = validate(log);
  assert.ok(valid, `not valid SARIF 2.1.0:\n${JSON.stringify(validate.errors, null, 2)}`);
}

describe('djswap check: output formats', () => {
  it('text: findings with code frames, fixes as diffs, a summary', async () => {
    const run = await djswap(CHECK);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    snapshot('text.snap', run.stdout);
  });

  it('text --quiet: one line per finding and nothing else', async () => {
    const run = await djswap([...CHECK, '--quiet']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    snapshot('text-quiet.snap', run.stdout);
    assert.equal(run.stdout.trim().split('\n').length, 5);
  });

  it('text --quiet with nothing to report prints nothing', async () => {
    const run = await djswap(['check', 'test/fixtures/cli/site', '--select', 'SWP101', '--quiet', '--ignore', 'SWP101']);
    assert.deepEqual(run, { code: 0, stdout: '', stderr: '' });
  });

  it('text --statistics: a count per rule, then the summary', async () => {
    const run = await djswap([...CHECK, '--statistics']);
    assert.equal(run.code, 1);
    snapshot('text-statistics.snap', run.stdout);
    const quiet = await djswap([...CHECK, '--statistics', '--quiet']);
    assert.equal(quiet.stdout, '5  SWP101  [*] hard-coded-swappable-reference\n');
  });

  it('text --unsafe-fixes: unsafe fixes count as applicable', async () => {
    const run = await djswap([...CHECK, '--unsafe-fixes']);
    assert.match(run.stdout, /^SWP101 \[\*\] `shop\.Order\.paid_by`/m);
    assert.match(run.stdout, /help: Replace with settings\.AUTH_USER_MODEL \(unsafe fix\)\n/);
    assert.match(run.stdout, /\[\*\] 5 fixable with `djswap check --fix --unsafe-fixes`\.\n\nProject /);
  });

  it('text in colour: severities coloured, information dimmed; no colour unless asked', async () => {
    const plain = await djswap(CHECK);
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
    const run = await djswap(CHECK, { color: true });
    const dim = '\u001b[2m';
    assert.ok(run.stdout.includes(`${dim}\`shop.Order.client\` hard-codes`), 'the information finding is dimmed');
    assert.ok(run.stdout.includes('\u001b[31m\u001b[1mSWP101'), 'an error code is red');
    assert.ok(run.stdout.includes('\u001b[33m\u001b[1mSWP101'), 'a warning code is yellow');
    // Without the escapes, the coloured report is the plain one.
    assert.equal(run.stdout.replace(/\u001b\[\d+m/g, ''), plain.stdout);
  });

  it('json: the contract of design §5', async () => {
    const run = await djswap([...CHECK, '--format', 'json']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['version', 'projects', 'notes', 'diagnostics', 'summary']);
    for (const d of report.diagnostics) {
      assert.deepEqual(Object.keys(d), ['code', 'name', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'fix']);
    }
    // Columns are characters: "Empfänger 🎁" before the finding counts 12, not 13 UTF-16 units.
    const gift = report.diagnostics.find((d: { message: string }) => d.message.startsWith('`shop.Gift.recipient`'));
    assert.equal(gift.column, 66);
    snapshot('json.snap', normalize(run.stdout));
  });

  it('sarif: SARIF 2.1.0 with rule metadata, locations, related locations and fixes', async () => {
    const run = await djswap([...CHECK, '--format', 'sarif']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const log = JSON.parse(run.stdout) as Log;
    assertValidSarif(log);
    const [sarifRun] = log.runs;
    const rules = sarifRun.tool.driver.rules!;
    assert.deepEqual(
      rules.map((r) => r.id),
      RULES.map((r) => r.code),
    );
    for (const [index, rule] of rules.entries()) {
      const source = RULES[index];
      assert.equal(rule.name, source.name);
      assert.equal(rule.shortDescription!.text, `${source.summary}.`);
      assert.equal(rule.fullDescription!.markdown, source.docs.whatItDoes);
      assert.equal(rule.help!.markdown, renderRuleDoc(source), `${rule.id}: the help is the rule's page`);
      assert.equal(rule.helpUri, `https://github.com/djswap/djswap/blob/main/docs/rules/${rule.id}.md`);
      assert.equal(rule.defaultConfiguration!.level, { error: 'error', warning: 'warning', information: 'note' }[source.defaultSeverity]);
    }
    const levels = sarifRun.results!.map((r) => r.level);
    assert.deepEqual([...new Set(levels)].sort(), ['error', 'note', 'warning']);
    assert.ok(sarifRun.results!.every((r) => r.ruleIndex === 0 && r.locations![0].physicalLocation!.artifactLocation!.uriBaseId === '%SRCROOT%'));
    const client = sarifRun.results!.find((r) => r.message.text!.startsWith('`shop.Order.client`'))!;
    assert.equal(client.fixes![0].artifactChanges[0].replacements.length, 2, 'the import and the reference');
    // Every rule's metadata is checked above against its source; the snapshot keeps SWP101's id and
    // link, so that new rules and edited documentation do not move it.
    sarifRun.tool.driver.rules = rules.filter((r) => r.id === 'SWP101').map((r) => ({ id: r.id, helpUri: r.helpUri }));
    snapshot('sarif.snap', normalize(JSON.stringify(log, null, 2) + '\n'));
  });

  it('sarif: valid on the example project, whatever the rules find there', async () => {
    const run = await djswap(['check', path.relative(REPO, EXAMPLE), '--format', 'sarif']);
    assert.equal(run.code, 1, run.stderr);
    const log = JSON.parse(run.stdout) as Log;
    assertValidSarif(log);
    const swp101 = log.runs[0].results!.filter((r) => r.ruleId === 'SWP101');
    assert.deepEqual(swp101[0].locations![0].physicalLocation!.region, { startLine: 16, startColumn: 32, endLine: 16, endColumn: 43 });
    assert.equal(swp101[0].locations![0].physicalLocation!.artifactLocation!.uri, 'examples/mysite/blog/models.py');
  });

  it('sarif: valid with notes and nothing found; paths under $GITHUB_WORKSPACE; files outside it as file URIs', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-empty-'));
    try {
      const run = await djswap(['check', empty, '--format', 'sarif']);
      assert.equal(run.code, 0);
      const log = JSON.parse(run.stdout) as Log;
      assertValidSarif(log);
      assert.deepEqual(log.runs[0].results, []);
      assert.match(log.runs[0].invocations![0].toolExecutionNotifications![0].message.text!, /^no Django project found/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const inWorkspace = await djswap([...CHECK, '--format', 'sarif'], { env: { GITHUB_WORKSPACE: path.join(REPO, 'test', 'fixtures') } });
    const uris = (JSON.parse(inWorkspace.stdout) as Log).runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri);
    assert.ok(uris.every((u) => u!.startsWith('cli/')), uris.join(', '));
    const outside = await djswap([...CHECK, '--format', 'sarif'], { env: { GITHUB_WORKSPACE: path.join(REPO, 'docs') } });
    const outsideLog = JSON.parse(outside.stdout) as Log;
    assertValidSarif(outsideLog);
    const location = outsideLog.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!;
    assert.equal(location.uriBaseId, undefined);
    assert.match(location.uri!, /^file:\/\/\//);
  });

  it('github: one workflow command per finding, notice for information', async () => {
    const run = await djswap([...CHECK, '--format', 'github']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      ['::notice', '::notice', '::warning', '::error', '::error', '::notice', '::error', 'djswap:'],
    );
    assert.match(lines[0], /^::notice title=djswap::Project test\/fixtures\/cli\/site: settings `config\.settings` \(named in test\/fixtures\/cli\/site\/manage\.py\)/);
    assert.equal(lines[7], 'djswap: 3 errors, 1 warning, 1 information in 9 files checked.');
    snapshot('github.snap', run.stdout);
  });

  it('github: the example project annotates SWP101 on its line', async () => {
    const run = await djswap(['check', 'examples/mysite', '--format', 'github']);
    const line = run.stdout.split('\n').find((l) => l.includes('title=SWP101 '));
    assert.ok(line);
    assert.ok(line.startsWith('::error file=examples/mysite/blog/models.py,line=16,col=32,endLine=16,endColumn=43,title=SWP101 hard-coded-swappable-reference::`blog.Post.author` points at "auth.User"'), line);
  });

  it('github: paths relative to $GITHUB_WORKSPACE, and notes as annotations', async () => {
    const run = await djswap([...CHECK, '--format', 'github'], { env: { GITHUB_WORKSPACE: path.join(REPO, 'test') } });
    assert.match(run.stdout, /^::error file=fixtures\/cli\/site\/shop\/models\.py,line=8,/m);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-empty-'));
    try {
      const none = await djswap(['check', empty, '--format', 'github']);
      assert.equal(none.code, 0);
      assert.match(none.stdout, /^::warning title=djswap::no Django project found \(looked for manage\.py, \[tool\.djswap\] settings in pyproject\.toml, DJANGO_SETTINGS_MODULE, a lone settings\.py\)\n/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('github: escapes what workflow commands require', () => {
    assert.equal(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
    assert.equal(escapeProperty('C:\\dir,x 50%\n'), 'C%3A\\dir%2Cx 50%25%0A');
    // `%` first: an escape is never escaped twice.
    assert.equal(escapeData('%0A'), '%250A');
  });
});
