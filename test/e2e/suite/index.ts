// The entry VS Code loads as `extensionTestsPath`: runs every *.e2e.js of this folder with mocha
// (11, CommonJS: the extension host loads tests with require) inside the extension host.
//
// Environment:
//   DJSWAP_E2E_RESULT   a file to write the outcome to, as JSON (the code-server harness waits for it)
//   DJSWAP_E2E_GREP     only the tests whose full title matches this regular expression
//   DJSWAP_E2E_INVERT   "1": all tests but those
//   DJSWAP_E2E_HOLD     a file: once the result is written, wait (at most 30 s) until it exists, so that
//                       the harness can take a screenshot before VS Code ends the extension host
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { DEADLINE_MS, EXTENSION_ID, STARTUP_DEADLINE_MS } from './helpers';

export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }[];
  host: { appName: string; version: string; uiKind: string };
  extension: { id: string; path: string; version: string; active: boolean } | null;
  durationMs: number;
}

export async function run(): Promise<void> {
  const started = Date.now();
  const result: SuiteResult = { passed: 0, failed: 0, pending: 0, tests: [], host: hostInfo(), extension: null, durationMs: 0 };
  try {
    // Longer than any wait of the suite, so that a test fails with the wait's message, not mocha's.
    const timeout = STARTUP_DEADLINE_MS + 4 * DEADLINE_MS;
    const mocha = new Mocha({ ui: 'bdd', timeout, color: false, reporter: 'spec' });
    if (process.env.DJSWAP_E2E_GREP) mocha.grep(new RegExp(process.env.DJSWAP_E2E_GREP));
    if (process.env.DJSWAP_E2E_INVERT === '1') mocha.invert();
    for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort()) mocha.addFile(path.join(__dirname, file));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => {
        result.passed++;
        result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      runner.on('fail', (test, error: Error) => {
        result.failed++;
        result.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: error?.stack ?? String(error) });
      });
      runner.on('pending', (test) => {
        result.pending++;
        result.tests.push({ title: test.fullTitle(), state: 'pending' });
      });
    });
  } catch (error) {
    result.failed++;
    result.tests.push({ title: 'loading the end-to-end suite', state: 'failed', error: error instanceof Error ? error.stack : String(error) });
  }
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  result.extension = extension
    ? { id: extension.id, path: extension.extensionPath, version: String(extension.packageJSON.version), active: extension.isActive }
    : null;
  result.durationMs = Date.now() - started;
  if (result.passed + result.failed === 0) {
    result.failed++;
    result.tests.push({ title: 'the end-to-end suite', state: 'failed', error: 'no test ran' });
  }
  const out = process.env.DJSWAP_E2E_RESULT;
  if (out) {
    // Written whole, then renamed: whoever waits for the file never reads half of it.
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.partial`, JSON.stringify(result, null, 2));
    fs.renameSync(`${out}.partial`, out);
  }
  const hold = process.env.DJSWAP_E2E_HOLD;
  if (hold) {
    const until = Date.now() + 30_000;
    while (!fs.existsSync(hold) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`djswap e2e: ${result.passed} passed, ${result.failed} failed, ${result.pending} pending in ${result.durationMs} ms`);
  if (result.failed > 0) throw new Error(`${result.failed} end-to-end test${result.failed === 1 ? '' : 's'} failed`);
}

function hostInfo(): SuiteResult['host'] {
  return { appName: vscode.env.appName, version: vscode.version, uiKind: vscode.UIKind[vscode.env.uiKind] };
}
