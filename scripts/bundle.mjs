// Bundles the client, the server and the CLI with esbuild. The native tree-sitter packages stay
// external (they load .node files); the wasm fallback's files are copied next to the bundles.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  keepNames: true,
  logLevel: 'warning',
  external: ['vscode', 'tree-sitter', 'tree-sitter-python'],
  define: { DJSWAP_VERSION: JSON.stringify(version) },
};

// Graphviz in WebAssembly (0.9 MB) draws only `djswap graph --format svg` and the editor's graph view:
// it is bundled on its own (dist/graphviz.js), loaded from there when first needed.
const graphvizApart = {
  name: 'graphviz-apart',
  setup(build) {
    build.onResolve({ filter: /^@hpcc-js\/wasm-graphviz$/ }, () => ({ path: './graphviz.js', external: true }));
  },
};
// `djswap lsp` runs dist/server.js, which starts the server when loaded, as bin/djswap-ls.js does.
const languageServerApart = {
  name: 'language-server-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/lsp\/main$/ }, () => ({ path: 'start-language-server', namespace: 'language-server-apart' }));
    build.onLoad({ filter: /.*/, namespace: 'language-server-apart' }, () => ({ contents: "exports.startLanguageServer = () => require('./server.js');", loader: 'js' }));
    build.onResolve({ filter: /^\.\/server\.js$/, namespace: 'language-server-apart' }, (args) => ({ path: args.path, external: true }));
  },
};
// Both stages of the CLI key the result cache on the engine bundle's modification time (cli/result-cache.ts).
const cliDefine = { ...common.define, DJSWAP_CLI_BUNDLE: JSON.stringify('cli.js') };

mkdirSync(join(root, 'dist'), { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(root, 'dist/client.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/lsp/start.ts')], outfile: join(root, 'dist/server.js'), plugins: [graphvizApart] }),
  build({ ...common, entryPoints: [join(root, 'server/src/cli/run.ts')], outfile: join(root, 'dist/cli.js'), define: cliDefine, plugins: [graphvizApart, languageServerApart] }),
  // The first stage bin/djswap.js loads: a check answered from --cache-dir, without the engine.
  build({ ...common, entryPoints: [join(root, 'server/src/cli/cached-check.ts')], outfile: join(root, 'dist/cli-cached.js'), define: cliDefine }),
  build({ ...common, entryPoints: [require.resolve('@hpcc-js/wasm-graphviz')], outfile: join(root, 'dist/graphviz.js') }),
]);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(root, 'dist/tree-sitter.wasm'));
copyFileSync(join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), join(root, 'dist/tree-sitter-python.wasm'));
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));
