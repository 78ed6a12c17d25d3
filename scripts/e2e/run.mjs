// `npm run test:e2e`: real editors on examples/mysite.
//   1. setup: Debian packages and code-server in the cache folder (only what is missing);
//   2. build: compile (the suite too), bundle for production, package the VSIX;
//   3. host 1: the VSIX in code-server (VS Code 1.100) driven by Chromium: the page and the suite;
//   4. host 3: the language server in Neovim 0.7 over stdio.
// Exits 1 when anything failed. Options: --skip-setup, --skip-build, --only code-server|neovim.
import { relative } from 'node:path';
import { runCodeServerHost } from './code-server.mjs';
import { REPO, RESULTS, VSIX, ensureDir, log, run } from './lib.mjs';
import { runNeovimHost } from './neovim.mjs';
import { setup } from './setup.mjs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const started = Date.now();
const timings = [];

async function timed(name, work) {
  const start = Date.now();
  try {
    return await work();
  } finally {
    timings.push(`${name} ${((Date.now() - start) / 1000).toFixed(0)} s`);
  }
}

const failures = [];
async function host(name, work) {
  if (only && only !== name) return;
  try {
    failures.push(...(await timed(name, work)));
  } catch (error) {
    failures.push(`${name}: ${error.stack ?? error}`);
  }
}

try {
  ensureDir(RESULTS);
  if (!args.includes('--skip-setup')) await timed('setup', () => setup());
  if (!args.includes('--skip-build')) {
    await timed('build', () => run('npm', ['run', '--silent', 'package', '--', '--out', relative(REPO, VSIX)], { cwd: REPO }));
  }
  await host('code-server', () => runCodeServerHost());
  await host('neovim', () => runNeovimHost());
} catch (error) {
  failures.push(error.stack ?? String(error));
}

log(`timings: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
log(`screenshots and logs: ${relative(REPO, RESULTS)}/`);
if (failures.length > 0) {
  console.error(`\n${failures.length} end-to-end failure(s):`);
  for (const failure of failures) console.error(`\nFAIL ${failure}`);
  process.exitCode = 1;
} else {
  log('end-to-end: all passed');
}
