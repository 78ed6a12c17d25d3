import * as assert from 'node:assert/strict';
import { djswap } from './helpers';

describe('djswap graph', () => {
  it('draws the whole example project in DOT, the swappable edge and the missing run_before marked', async () => {
    const result = await djswap(['graph', 'examples/mysite']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^digraph migrations \{/);
    assert.match(result.stdout, /subgraph "cluster_oauth" \{/);
    assert.match(result.stdout, /accounts_0001_initial -> blog_0001_initial \[style=dashed[^\]]*label="AUTH_USER_MODEL → accounts\.User"/);
    assert.match(result.stdout, /oauth_0001_initial \[[^\]]*color="#d32f2f"[^\]]*tooltip="oauth\.0001_initial\\n[^"]*SWP201/);
    assert.equal(result.stdout.trimEnd().split('\n').at(-1), '}');
  });

  it('focuses on an app, or around one migration, in Mermaid', async () => {
    const app = await djswap(['graph', 'examples/mysite', '--app', 'blog', '--format', 'mermaid']);
    assert.equal(app.code, 0, app.stderr);
    assert.match(app.stdout, /^flowchart TB/);
    assert.match(app.stdout, /^  class blog_0002_assign_orphan_posts problem;$/m);
    assert.match(app.stdout, /^  accounts_0001_initial -\.->\|"AUTH_USER_MODEL → accounts\.User"\| blog_0001_initial$/m);
    assert.doesNotMatch(app.stdout, /oauth_0001_initial/);
    const around = await djswap(['graph', 'examples/mysite', '--around', 'oauth.0001_initial', '--depth', '1', '--format', 'mermaid']);
    assert.equal(around.code, 0, around.stderr);
    assert.match(around.stdout, /^  oauth_0001_initial -\.->\|"run_before needed"\| oauth2_provider_0001_initial$/m);
    assert.match(around.stdout, /^  class oauth_0001_initial problem;$/m);
    assert.doesNotMatch(around.stdout, /blog_0002_assign_orphan_posts/);
  });

  it('renders SVG whose nodes carry the migration keys', async () => {
    const result = await djswap(['graph', 'examples/mysite', '--format', 'svg']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /<svg /);
    assert.match(result.stdout, /id="blog\.0001_initial"/);
    assert.match(result.stdout, /<\/svg>\s*$/);
  });

  it('rejects an unknown app, migration or depth with exit code 2 and one line', async () => {
    for (const [args, message] of [
      [['--app', 'nope'], /there is no installed app 'nope'/],
      [['--around', 'blog.9999_none'], /there is no migration blog\.9999_none/],
      [['--around', 'blog'], /not of the form app_label\.migration_name/],
      [['--depth', 'many'], /not a whole number/],
    ] as const) {
      const result = await djswap(['graph', 'examples/mysite', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });
});
