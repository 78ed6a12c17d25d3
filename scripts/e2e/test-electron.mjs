// Host 2: the same extension-host suite in desktop VS Code, through @vscode/test-electron, for
// machines that can download VS Code (`npm run test:vscode`). It downloads VS Code into the cache
// folder (default ~/.cache/djswap-e2e/vscode-test), installs the packaged VSIX into a fresh
// extensions folder, and runs out/test/e2e/suite on a copy of examples/mysite.
//
// On a Linux machine without a display, run it under a virtual one: xvfb-run -a npm run test:vscode
//
//   DJSWAP_E2E_VSCODE_VERSION   the VS Code version to download (default: stable)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { CACHE, FAKE_PYTHON_EXTENSION, REPO, RESULTS, RUNNER_EXTENSION, SUITE_INDEX, VSIX, copyExample, ensureDir, log } from './lib.mjs';
import { checkSuiteResult } from './suite-result.mjs';

const version = process.env.DJSWAP_E2E_VSCODE_VERSION || 'stable';

async function main() {
  for (const [file, hint] of [[VSIX, 'npm run package -- --out test-results/e2e/djswap-e2e.vsix'], [SUITE_INDEX, 'npm run compile']]) {
    if (!existsSync(file)) throw new Error(`${relative(REPO, file)} is missing: run ${hint}`);
  }
  ensureDir(RESULTS);
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: join(CACHE, 'vscode-test') });
  } catch (error) {
    throw new Error(`could not download VS Code ${version} (${error.message}): test:vscode needs update.code.visualstudio.com; without it, npm run test:e2e runs the same suite in code-server`);
  }
  const home = mkdtempSync(join(tmpdir(), 'djswap-e2e-electron-'));
  const profile = [`--extensions-dir=${join(home, 'extensions')}`, `--user-data-dir=${join(home, 'user-data')}`];
  const project = copyExample('electron');
  const resultFile = join(RESULTS, 'vscode-electron-suite.json');
  rmSync(resultFile, { force: true });
  try {
    // The CLI of the downloaded VS Code installs the VSIX into this run's own extensions folder.
    const [cli] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, { reuseMachineInstall: true });
    const args = [...profile, '--install-extension', VSIX];
    log(`$ ${cli} ${args.join(' ')}`);
    const install = spawnSync(cli, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (install.status !== 0) throw new Error(`installing ${VSIX} failed (${install.status ?? install.signal})`);

    let exitError;
    try {
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: [RUNNER_EXTENSION, FAKE_PYTHON_EXTENSION],
        extensionTestsPath: SUITE_INDEX,
        launchArgs: [project.folder, ...profile, '--disable-telemetry'],
        extensionTestsEnv: { DJSWAP_E2E_RESULT: resultFile },
      });
    } catch (error) {
      exitError = error;
    }
    if (!existsSync(resultFile)) throw new Error(`the suite wrote no result (${exitError?.message ?? 'VS Code exited'})`);
    const failures = checkSuiteResult(resultFile, join(home, 'extensions'));
    if (failures.length === 0 && exitError) failures.push(`VS Code exited with an error: ${exitError.message}`);
    for (const failure of failures) console.error(`FAIL test-electron: ${failure}`);
    log(failures.length === 0 ? 'test-electron: passed' : `test-electron: ${failures.length} failure(s)`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    project.remove();
    rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`test-electron: ${error.message ?? error}`);
    process.exitCode = 1;
  },
);
