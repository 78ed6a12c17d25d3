// Packages the extension with @vscode/vsce. The .vscodeignore allow-list keeps the bundles, the
// wasm fallback and the native prebuilds; a locally compiled build/ folder never ships (it would be
// loaded before the prebuilds on every platform).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, `${name}-${version}.vsix`);
mkdirSync(dirname(out), { recursive: true });
for (const file of ['dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/cli-cached.js', 'dist/graphviz.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'dist/sql-wasm.wasm']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
}
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-yarn', '--allow-missing-repository', '--skip-license', '--out', out], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, npm_config_loglevel: 'error' },
});
console.log(out);
