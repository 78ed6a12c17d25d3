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

mkdirSync(join(root, 'dist'), { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(root, 'dist/client.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/lsp/start.ts')], outfile: join(root, 'dist/server.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/cli/run.ts')], outfile: join(root, 'dist/cli.js') }),
]);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), join(root, 'dist/tree-sitter.wasm'));
copyFileSync(join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), join(root, 'dist/tree-sitter-python.wasm'));
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));
