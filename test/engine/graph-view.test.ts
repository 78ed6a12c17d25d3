import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGraphView, toDot, toMermaid, toSvg, type GraphViewOptions } from '../../server/src/engine/graph-view';
import { analyzed } from '../helpers/engine';
import { describeEachBackend } from '../helpers/parsers';
import { FIXTURES, REPO, matchSnapshot, removeTemp } from '../helpers/paths';

const ORACLE = path.join(REPO, 'test', 'oracle');
const SNAPSHOTS = path.join(FIXTURES, 'graph-view');

/** Paths in the output made machine-independent. */
/** The checkout's and the temporary folder's paths as placeholders, only where a path starts with them (a checkout at `/ci` must not rewrite `/test/oracle/circular_...`). */
const portable = (text: string) => text.replace(pathPrefix(REPO), '<repo>').replace(pathPrefix(os.tmpdir()), '<tmp>');
const pathPrefix = (dir: string) => new RegExp(`(?<![\\w./-])${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$)`, 'g');

describeEachBackend('migration graph view', (parser) => {
  const view = async (project: string, options: GraphViewOptions = {}, overrides = {}) => {
    const { result } = await analyzed(project, parser(), overrides);
    return buildGraphView(result.projects[0].project, result.diagnostics, options);
  };

  for (const [name, project, options] of [
    ['clean', 'clean_custom_user', {}],
    ['cycle', 'circular_dependency', { app: 'blog' }],
    ['missing-run-before', 'dot_missing_run_before', { around: 'oauthapp.0001_initial', depth: 1 }],
  ] as [string, string, GraphViewOptions][]) {
    it(`${name}: DOT and Mermaid as expected`, async () => {
      const v = await view(path.join(ORACLE, project), options);
      for (const [ext, text] of [['dot', toDot(v)], ['mmd', toMermaid(v)]] as const) {
        const { expected, actual } = matchSnapshot(path.join(SNAPSHOTS, `${name}.${ext}`), portable(text));
        assert.equal(actual, expected);
      }
    });
  }

  it('a mid-project swap with its history: applied nodes filled, the broken edge marked', async () => {
    const applied = JSON.parse(fs.readFileSync(path.join(ORACLE, 'midswap_default_to_custom_user', 'history.json'), 'utf8')).applied_migrations as [string, string][];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-graph-'));
    try {
      const byApp = new Map<string, string[]>();
      for (const [app, n] of applied) byApp.set(app, [...(byApp.get(app) ?? []), n]);
      fs.writeFileSync(path.join(dir, 'history.txt'), [...byApp].map(([app, names]) => `${app}\n${names.map((n) => ` [X] ${n}\n`).join('')}`).join(''));
      const v = await view(path.join(ORACLE, 'midswap_default_to_custom_user'), { around: 'admin.0001_initial', depth: 1 }, { history: path.join(dir, 'history.txt') });
      const dot = toDot(v);
      const { expected, actual } = matchSnapshot(path.join(SNAPSHOTS, 'midswap.dot'), portable(dot));
      assert.equal(actual, expected);
      assert.match(dot, /admin_0001_initial \[label="0001_initial", id="admin\.0001_initial", color="#d32f2f", penwidth=2, fillcolor="#e8f5e9", penwidth=3/);
      assert.match(dot, /users_0001_initial -> admin_0001_initial \[style=dashed, color="#1565c0", fontcolor="#1565c0", color="#d32f2f", penwidth=2, tooltip="Migration admin\.0001_initial is applied before its dependency users\.0001_initial", label="AUTH_USER_MODEL → users\.User"\]/);
    } finally {
      removeTemp(dir);
    }
  });

  it('folds long runs of plain migrations, and keeps the ones around a problem', async () => {
    const v = await view(path.join(ORACLE, 'clean_custom_user'));
    const collapsed = v.nodes.filter((n) => n.kind === 'collapsed').map((n) => n.label);
    assert.deepEqual(collapsed, ['… 4 migrations (0002–0005)', '… 4 migrations (0007–0010)']);
    const unfolded = await view(path.join(ORACLE, 'clean_custom_user'), { collapse: false });
    assert.equal(unfolded.nodes.length, 21);
  });

  it('renders SVG locally, with the nodes and the marks', async function () {
    const v = await view(path.join(ORACLE, 'dot_missing_run_before'), { around: 'oauthapp.0001_initial', depth: 1 });
    const svg = await toSvg(v);
    assert.match(svg, /^<\?xml|^<svg/);
    assert.match(svg, /<title>oauthapp_0001_initial<\/title>/);
    assert.match(svg, /run_before needed/);
    assert.match(svg, /stroke="#d32f2f"/);
  });
});
