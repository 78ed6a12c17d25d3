// Host 3: the language server in Neovim (Debian's 0.7), over stdio. Opens blog/models.py in a copy of
// examples/mysite, waits for every diagnostic of the expected table (all files), applies the
// preferred quick fix of SWP101 and sees the diagnostic go. test/e2e/neovim/init.lua does the
// editor's part and writes what it saw to a JSON file; this script checks it.
//
//   node scripts/e2e/neovim.mjs        (needs dist/: npm run build)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXPECTED_TABLE, REPO, RESULTS, copyExample, ensureDir, log, startGroup } from './lib.mjs';

const NVIM = process.env.DJSWAP_E2E_NVIM || '/usr/bin/nvim';
const INIT = join(REPO, 'test', 'e2e', 'neovim', 'init.lua');
const DEADLINE_MS = Number(process.env.DJSWAP_E2E_DEADLINE_MS) || 30_000;
const STARTUP_MS = Number(process.env.DJSWAP_E2E_STARTUP_DEADLINE_MS) || 120_000;

/** Returns the failures (strings); an empty list when everything passed. */
export async function runNeovimHost() {
  if (!existsSync(NVIM)) throw new Error(`${NVIM} is missing: node scripts/e2e/setup.mjs installs Debian's neovim`);
  if (!existsSync(join(REPO, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: run npm run build');
  const { EXPECTED_DIAGNOSTICS, formatRow } = createRequire(import.meta.url)(EXPECTED_TABLE);
  ensureDir(RESULTS);
  const project = copyExample('neovim');
  const home = mkdtempSync(join(tmpdir(), 'djswap-e2e-nvim-'));
  const out = join(RESULTS, 'neovim.json');
  rmSync(out, { force: true });
  // The file Neovim opens, and the finding whose preferred quick fix it applies.
  const fix = EXPECTED_DIAGNOSTICS.find((row) => row.file === 'blog/models.py' && row.code === 'SWP101');
  if (!fix) throw new Error('the expected table has no SWP101 on blog/models.py');
  const opened = fix.file;
  const server = [process.execPath, join(REPO, 'bin', 'djswap.js'), 'lsp', '--stdio'];
  const env = {
    ...process.env,
    // Neovim's state, log (lsp.log) and shada stay in the temp home.
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    DJSWAP_NVIM_CMD: JSON.stringify(server),
    DJSWAP_NVIM_OUT: out,
    DJSWAP_NVIM_EXPECT: JSON.stringify(EXPECTED_DIAGNOSTICS.map(({ file, line, code }) => ({ file, line, code }))),
    DJSWAP_NVIM_FIX: JSON.stringify({ file: fix.file, line: fix.line, code: fix.code }),
    DJSWAP_NVIM_DEADLINE_MS: String(DEADLINE_MS),
    DJSWAP_NVIM_STARTUP_MS: String(STARTUP_MS),
  };
  const failures = [];
  let nvim;
  try {
    log(`$ ${NVIM} --headless -i NONE -n -u ${INIT} ${opened}   (in ${project.folder})`);
    nvim = startGroup(NVIM, ['--headless', '-i', 'NONE', '-n', '-u', INIT, opened], { cwd: project.folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    nvim.child.stdout.on('data', (chunk) => (output += chunk));
    nvim.child.stderr.on('data', (chunk) => (output += chunk));
    // init.lua quits by itself; this deadline is for a Neovim that hangs anyway.
    const limit = STARTUP_MS + 4 * DEADLINE_MS;
    const timeout = new Promise((resolve) => setTimeout(resolve, limit, 'timeout').unref());
    const exit = await Promise.race([nvim.exited, timeout]);
    if (exit === 'timeout') failures.push(`neovim did not quit within ${limit} ms`);
    if (output.trim()) log(`neovim printed:\n${output.trim()}`);
    const lspLog = join(home, 'cache', 'nvim', 'lsp.log');
    if (existsSync(lspLog)) writeFileSync(join(RESULTS, 'neovim-lsp.log'), readFileSync(lspLog));
    if (!existsSync(out)) {
      failures.push(`neovim wrote no result (${out})`);
      return failures;
    }
    const result = JSON.parse(readFileSync(out, 'utf8'));
    log(`Neovim ${result.nvim}: ${(result.diagnostics ?? []).map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.severity}`).join(', ') || 'no diagnostics'}`);
    failures.push(...check(result, EXPECTED_DIAGNOSTICS, fix, formatRow).map((f) => `neovim: ${f}`));
  } finally {
    await nvim?.stop();
    project.remove();
    rmSync(home, { recursive: true, force: true });
  }
  return failures;
}

function check(result, expected, fix, formatRow) {
  const failures = [...result.errors];
  const got = result.diagnostics ?? [];
  const key = (d) => `${d.file}:${d.line} ${d.code} ${d.severity}`;
  const gotKeys = new Set(got.map(key));
  for (const row of expected) if (!gotKeys.has(key(row))) failures.push(`missing ${formatRow(row)}`);
  const wanted = new Set(expected.map(key));
  for (const d of got) if (!wanted.has(key(d))) failures.push(`unexpected ${formatRow({ file: d.file, line: d.line, code: d.code, severity: d.severity })}`);
  if (!result.diagnostics_complete) failures.push(`the expected diagnostics did not all arrive within the deadline`);
  if (result.diagnostics_complete) {
    const actions = result.actions ?? [];
    for (const title of ['Replace with settings.AUTH_USER_MODEL', 'Disable SWP101 for this line', 'Show documentation for SWP101']) {
      if (!actions.includes(title)) failures.push(`no code action "${title}" among ${JSON.stringify(actions)}`);
    }
    if (result.applied !== 'Replace with settings.AUTH_USER_MODEL') failures.push(`the preferred fix is ${JSON.stringify(result.applied)}`);
    if (!/models\.ForeignKey\(settings\.AUTH_USER_MODEL, /.test(result.fixed_line ?? '')) failures.push(`after the fix, line ${fix.line} reads ${JSON.stringify(result.fixed_line)}`);
    if (result.diagnostic_gone_after_fix !== true) failures.push(`SWP101 did not go after the fix: ${JSON.stringify(result.after_fix)}`);
  }
  return failures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const failures = await runNeovimHost();
  for (const failure of failures) console.error(`FAIL ${failure}`);
  log(failures.length === 0 ? 'neovim: passed' : `neovim: ${failures.length} failure(s)`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}
