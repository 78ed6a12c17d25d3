// Reads and checks the result file the extension-host suite (test/e2e/suite/index.ts) writes.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { log } from './lib.mjs';

/** Prints the suite's outcome and returns its failures (strings). */
export function checkSuiteResult(resultFile, extensionsDir) {
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  log(`suite in ${result.host.appName} ${result.host.version} (${result.host.uiKind}), extension ${result.extension?.id}@${result.extension?.version} from ${result.extension?.path}`);
  for (const test of result.tests) {
    const mark = test.state === 'passed' ? 'ok  ' : test.state === 'failed' ? 'FAIL' : 'skip';
    log(`  ${mark} ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
  }
  log(`suite: ${result.passed} passed, ${result.failed} failed, ${result.pending} pending in ${(result.durationMs / 1000).toFixed(1)} s`);
  const problems = result.tests.filter((t) => t.state === 'failed').map((t) => `${t.title}\n${indent(t.error ?? '')}`);
  if (!result.extension) {
    problems.push('djswap.djswap is not installed in the extension host');
  } else {
    // The extension under test must be the packaged VSIX, not a folder of the source tree.
    const inside = relative(extensionsDir, result.extension.path);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
      problems.push(`the extension under test is ${result.extension.path}, not the VSIX installed in ${extensionsDir}`);
    }
  }
  return problems;
}

function indent(text) {
  return text.split('\n').map((line) => `      ${line}`).join('\n');
}
