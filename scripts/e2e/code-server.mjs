// Host 1: the packaged extension in real VS Code (code-server, VS Code 1.100), driven by Debian's
// Chromium through playwright-core.
//
// 1. Installs the VSIX into a fresh extensions folder and starts code-server on 127.0.0.1, in its own
//    process group.
// 2. Looks at the page as a user does, on one copy of examples/mysite: the squiggle under "auth.User",
//    its hover, the quick-fix menu, the Problems panel row, the status bar, djswap's hover on
//    swappable_dependency. Screenshots go to test-results/e2e/.
//    On a copy of test/fixtures/lsp/choose-settings (no manage.py): the status bar's warning, the
//    "Choose Settings Module" quick pick it opens, the module written to .vscode/settings.json, the
//    status bar naming it and its tooltip listing the app djswap could not read.
// 3. Runs the extension-host suite (out/test/e2e/suite) on another copy, through the `payload` URL
//    parameter, and waits, with a deadline, for the result file the suite writes.
//
//   node scripts/e2e/code-server.mjs [--vsix FILE]     (run.mjs builds the VSIX and calls this)
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CODE_SERVER_BIN, EXPECTED_TABLE, FAKE_PYTHON_EXTENSION, REPO, RESULTS, RUNNER_EXTENSION, SUITE_INDEX, VSIX, copyExample, copyFixture, ensureDir, freePort, log, run, startGroup, waitFor } from './lib.mjs';
import { checkSuiteResult } from './suite-result.mjs';

const SUITE_TIMEOUT_MS = Number(process.env.DJSWAP_E2E_SUITE_TIMEOUT_MS) || 10 * 60_000;
/** How long the page may take to show what djswap reports (server start and indexing included). */
const UI_TIMEOUT_MS = 60_000;

/** Returns the failures (strings); an empty list when everything passed. */
export async function runCodeServerHost({ vsix = VSIX } = {}) {
  if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server is not installed: run node scripts/e2e/setup.mjs`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package -- --out ${relative(REPO, vsix)}`);
  if (!existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: run npm run compile`);
  ensureDir(RESULTS);
  // Screenshots of an earlier run would pass for this one's.
  for (const file of readdirSync(RESULTS)) if (file.endsWith('.png')) rmSync(join(RESULTS, file));
  const failures = [];
  const home = mkdtempSync(join(tmpdir(), 'djswap-e2e-code-server-'));
  const dirs = { userData: join(home, 'user-data'), extensions: join(home, 'extensions'), xdg: join(home, 'xdg') };
  const resultFile = join(RESULTS, 'vscode-suite.json');
  const holdFile = join(home, 'screenshot-taken');
  rmSync(resultFile, { force: true });
  const port = await freePort();
  const config = join(home, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeUserSettings(dirs.userData);
  const env = {
    ...process.env,
    // code-server keeps its logs and default config under XDG folders: keep them in the temp home.
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    // Its IPC sockets and the built-in extensions' temp files go there too, and are removed with it.
    TMPDIR: ensureDir(join(home, 'tmp')),
    // Read by the suite's runner inside the extension host.
    DJSWAP_E2E_RESULT: resultFile,
    // The suite waits for this file after writing its result: the screenshot shows the window it ran in.
    DJSWAP_E2E_HOLD: holdFile,
  };
  const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const ui = copyExample('ui');
  const choose = copyFixture('choose-settings', 'choose');
  const suite = copyExample('suite');
  let server;
  let browser;
  try {
    run(process.execPath, [CODE_SERVER_BIN, ...common, '--install-extension', vsix], { env });

    const serverLog = join(RESULTS, 'code-server.log');
    const logStream = createWriteStream(serverLog);
    // A new session and process group (setsid): stop() ends code-server with its extension hosts,
    // file watchers and language servers.
    server = startGroup(process.execPath, [CODE_SERVER_BIN, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.child.stdout.pipe(logStream);
    server.child.stderr.pipe(logStream);
    let serverExit;
    server.exited.then((exit) => (serverExit = exit));
    const base = `http://127.0.0.1:${port}`;
    const died = () => serverExit && `code-server exited (${JSON.stringify(serverExit)}), see ${serverLog}`;
    await waitFor(`code-server to answer on ${base}/healthz (log: ${serverLog})`, async () => (await fetch(`${base}/healthz`)).ok, { timeoutMs: 60_000, abortIf: died });
    log(`code-server ${base} (process group ${server.child.pid})`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const browserLog = createWriteStream(join(RESULTS, 'browser-console.log'));
    context.on('console', (message) => browserLog.write(`[${message.type()}] ${message.text()}\n`));

    await step(failures, 'what a user sees (squiggle, hovers, quick fix, Problems panel, status bar)', () => checkUserView(context, base, ui.folder));
    await step(failures, 'no settings found: the status bar warning, Choose Settings Module, the coverage tooltip', () => checkSettingsChoice(context, base, choose.folder));
    await step(failures, 'the extension-host suite', () => runSuite(context, base, port, suite.folder, resultFile, holdFile, dirs.extensions, died));
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    ui.remove();
    choose.remove();
    suite.remove();
    rmSync(home, { recursive: true, force: true });
  }
  return failures;
}

async function step(failures, name, work) {
  log(`code-server: ${name}`);
  try {
    const problems = await work();
    for (const problem of problems ?? []) failures.push(`code-server, ${name}: ${problem}`);
  } catch (error) {
    failures.push(`code-server, ${name}: ${error.stack ?? error}`);
  }
}

function writeUserSettings(userData) {
  const dir = join(userData, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.commandCenter.enabled': false,
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'editor.hover.delay': 100,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

async function openWorkbench(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

async function screenshot(page, name) {
  const file = join(RESULTS, name);
  await page.screenshot({ path: file });
  log(`screenshot ${relative(REPO, file)}`);
}

/** Opens a file of the workspace through Quick Open, as a user would. */
async function quickOpen(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.fill(relativePath);
  const fileName = relativePath.split('/').pop();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active`, { hasText: fileName }).waitFor({ timeout: UI_TIMEOUT_MS });
}

async function checkUserView(context, base, folder) {
  const problems = [];
  const { EXPECTED_DIAGNOSTICS: expected } = createRequire(import.meta.url)(EXPECTED_TABLE);
  const page = await openWorkbench(context, `${base}/?folder=${encodeURIComponent(folder)}`);
  try {
    await quickOpen(page, 'blog/models.py');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'auth.User' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // The squiggle under "auth.User" (SWP101 is an error: AUTH_USER_MODEL is swapped).
    const squiggle = editor.locator('.squiggly-error').first();
    await squiggle.waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
    const squiggleBox = await waitFor('the squiggle to be laid out', () => squiggle.boundingBox(), { timeoutMs: UI_TIMEOUT_MS });
    const lineBox = await editor.locator('.view-line', { hasText: 'author = models.ForeignKey("auth.User"' }).boundingBox();
    if (!lineBox || Math.abs(squiggleBox.y + squiggleBox.height / 2 - (lineBox.y + lineBox.height / 2)) > lineBox.height) {
      problems.push(`the squiggle is not on the line of "auth.User" (squiggle ${JSON.stringify(squiggleBox)}, line ${JSON.stringify(lineBox)})`);
    }

    // Its hover: the diagnostic's message, code and source.
    await page.mouse.move(squiggleBox.x + squiggleBox.width / 2, squiggleBox.y + squiggleBox.height / 2);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'SWP101' }).first();
    await hover.waitFor({ timeout: UI_TIMEOUT_MS });
    const hoverText = await hover.innerText();
    for (const expected of ['AUTH_USER_MODEL', 'accounts.User', 'djswap']) {
      if (!hoverText.includes(expected)) problems.push(`the hover does not mention ${expected}: ${JSON.stringify(hoverText)}`);
    }
    await screenshot(page, '1-squiggle-and-hover.png');

    // The quick-fix menu on the squiggle (Ctrl+.).
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await page.mouse.click(squiggleBox.x + squiggleBox.width / 2, squiggleBox.y + squiggleBox.height / 2);
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget:visible').first();
    await menu.waitFor({ timeout: UI_TIMEOUT_MS });
    await menu.getByText('Replace with settings.AUTH_USER_MODEL').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const menuText = await menu.innerText();
    for (const expected of ['Disable SWP101 for this line', 'Show documentation for SWP101']) {
      if (!menuText.includes(expected)) problems.push(`the quick-fix menu has no "${expected}": ${JSON.stringify(menuText)}`);
    }
    await screenshot(page, '2-quick-fix-menu.png');
    await page.keyboard.press('Escape');

    // The Problems panel (Ctrl+Shift+M): the row of SWP101 at line 16, column 32.
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'SWP101' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    const rowText = await row.innerText();
    for (const expected of ['auth.User', 'djswap', 'Ln 16, Col 32']) {
      if (!rowText.includes(expected)) problems.push(`the Problems row does not show ${expected}: ${JSON.stringify(rowText)}`);
    }
    // The status bar: djswap's item names the settings module in force; the problem counts are the
    // table's (no other extension reports here).
    const status = page.locator('.statusbar-item', { hasText: 'djswap mysite.settings' }).first();
    await status.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => problems.push('the status bar shows no "djswap mysite.settings"'));
    const errors = expected.filter((r) => r.severity === 'error').length;
    const warnings = expected.filter((r) => r.severity === 'warning').length;
    const counts = page.locator('[id="status.problems"]');
    let countsText = '';
    await waitFor(`the status bar to count ${errors} errors and ${warnings} warnings`, async () => {
      countsText = (await counts.innerText()).replace(/\s+/g, ' ').trim();
      return countsText === `${errors} ${warnings}` || countsText.startsWith(`${errors} ${warnings} `);
    }, { timeoutMs: UI_TIMEOUT_MS }).catch((error) => problems.push(`${error.message} (it shows ${JSON.stringify(countsText)})`));
    log(`status bar problem counts: ${JSON.stringify(countsText)}`);
    await screenshot(page, '3-problems-panel.png');

    // A hover of djswap's own: on swappable_dependency(settings.AUTH_USER_MODEL), the migration it resolves to.
    await page.keyboard.press('Escape');
    await quickOpen(page, 'blog/migrations/0001_initial.py');
    const migration = page.locator('.editor-instance .monaco-editor').first();
    const word = migration.locator('.view-line span', { hasText: /^swappable_dependency$/ }).first();
    await word.waitFor({ timeout: UI_TIMEOUT_MS });
    const wordBox = await word.boundingBox();
    await page.mouse.move(wordBox.x + wordBox.width / 2, wordBox.y + wordBox.height / 2);
    const dependencyHover = page.locator('.monaco-hover:visible', { hasText: 'accounts/migrations/0001_initial.py' }).first();
    await dependencyHover.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => problems.push('no hover naming accounts/migrations/0001_initial.py on swappable_dependency'));
    await screenshot(page, '4-hover-swappable-dependency.png');
  } catch (error) {
    await screenshot(page, 'failure-user-view.png').catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
  return problems;
}

/**
 * A folder where djswap finds no project: its status bar item is a warning; clicking it offers the
 * settings modules of the folder; the one chosen goes to .vscode/settings.json, the status bar names
 * it, and its tooltip says which installed app could not be read.
 */
async function checkSettingsChoice(context, base, folder) {
  const problems = [];
  const page = await openWorkbench(context, `${base}/?folder=${encodeURIComponent(folder)}`);
  try {
    // No manage.py here: a Python file activates the extension.
    await quickOpen(page, 'shop/models.py');
    const warning = page.locator('.statusbar-item', { hasText: 'djswap: no settings' }).first();
    await warning.waitFor({ timeout: UI_TIMEOUT_MS });
    if (!(await warning.evaluate((element) => element.classList.contains('warning-kind')))) problems.push('the "djswap: no settings" status bar item is not shown as a warning');
    await screenshot(page, '6-status-no-settings.png');

    await warning.click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'config.settings.dev' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const listed = (await rows.allInnerTexts()).join('\n');
    for (const module of ['config.settings.base', 'config.settings.dev', 'Enter a module name']) {
      if (!listed.includes(module)) problems.push(`the quick pick does not offer ${module}: ${JSON.stringify(listed)}`);
    }
    await screenshot(page, '7-choose-settings-module.png');
    await input.fill('config.settings.dev');
    await page.keyboard.press('Enter');

    const settingsFile = join(folder, '.vscode', 'settings.json');
    await waitFor('djswap.settingsModule in .vscode/settings.json', () => existsSync(settingsFile) && JSON.parse(readFileSync(settingsFile, 'utf8'))['djswap.settingsModule'] === 'config.settings.dev', { timeoutMs: UI_TIMEOUT_MS }).catch((error) =>
      problems.push(`${error.message}: ${existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : 'no such file'}`),
    );
    const chosen = page.locator('.statusbar-item', { hasText: 'djswap config.settings.dev' }).first();
    await chosen.waitFor({ timeout: UI_TIMEOUT_MS });
    if (await chosen.evaluate((element) => element.classList.contains('warning-kind'))) problems.push('the status bar item is still a warning once the settings are chosen');

    // The tooltip: the settings in force and the installed app djswap could not read.
    await chosen.hover();
    const tooltip = page.locator('.monaco-hover:visible', { hasText: 'Apps not readable' }).first();
    await tooltip.waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => problems.push('the status bar tooltip does not list the apps not readable'));
    const text = (await tooltip.innerText().catch(() => '')).replace(/\s+/g, ' ');
    for (const expected of ['config.settings.dev', 'payments', 'Choose Settings Module']) {
      if (!text.includes(expected)) problems.push(`the status bar tooltip does not mention ${expected}: ${JSON.stringify(text)}`);
    }
    await screenshot(page, '8-status-coverage-tooltip.png');
  } catch (error) {
    await screenshot(page, 'failure-choose-settings.png').catch(() => {});
    throw error;
  } finally {
    await page.close();
  }
  return problems;
}

async function runSuite(context, base, port, folder, resultFile, holdFile, extensionsDir, serverDied) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(RUNNER_EXTENSION)],
    // The Python extension's API, answered by a stand-in the suite drives.
    ['extensionDevelopmentPath', remote(FAKE_PYTHON_EXTENSION)],
    ['extensionTestsPath', remote(SUITE_INDEX)],
  ];
  const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const page = await openWorkbench(context, url);
  let pageClosed = false;
  page.on('close', () => (pageClosed = true));
  try {
    log(`waiting up to ${SUITE_TIMEOUT_MS / 1000} s for ${relative(REPO, resultFile)}`);
    await waitFor(`the suite's result file ${resultFile}`, () => existsSync(resultFile), {
      timeoutMs: SUITE_TIMEOUT_MS,
      intervalMs: 500,
      abortIf: () => serverDied() || (pageClosed ? 'the page closed' : undefined),
    });
    if (!pageClosed) await screenshot(page, '5-suite-run.png').catch(() => {});
    writeFileSync(holdFile, '');
  } catch (error) {
    if (!pageClosed) await screenshot(page, 'failure-suite.png').catch(() => {});
    throw error;
  } finally {
    if (!pageClosed) await page.close().catch(() => {});
  }
  return checkSuiteResult(resultFile, extensionsDir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--vsix');
  const failures = await runCodeServerHost(at > 0 ? { vsix: process.argv[at + 1] } : {});
  for (const failure of failures) console.error(`FAIL ${failure}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}
