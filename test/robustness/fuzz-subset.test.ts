import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatReport, runFuzz } from '../fuzz/harness';
import { loadPythonParser } from '../../server/src/syntax/parser';

/**
 * The fast subset of `npm run fuzz`: a fixed seed and a fixed number of cases, so the same mutants
 * run every time, through the engine and the language server. The long run is `npm run fuzz`.
 */
const SEED = 11;
const CASES = 30;

describe('fuzz: a short seeded run', () => {
  it(`${CASES} mutated projects: no crash, no hang, no mismatch, every fix parses`, async function () {
    this.timeout(600_000);
    // Both parsers: the small cases are also compared across the native and wasm backends.
    const report = await runFuzz({ seed: SEED, cases: CASES, parser: await loadPythonParser(), crossBackends: true, failuresDir: path.join(os.tmpdir(), 'djswap-fuzz-subset') });
    assert.equal(report.cases, CASES);
    assert.ok(report.lspCases > 0, 'no case went through the language server');
    assert.ok(Object.keys(report.byOperator).length >= 15, `too few kinds of mutation: ${Object.keys(report.byOperator).join(', ')}`);
    assert.deepEqual(
      report.failures.map((f) => `case ${f.index} [${f.kind}] ${f.message.split('\n')[0]}`),
      [],
      `${formatReport(report)}\nreplay with: npm run fuzz -- --seed ${SEED} --replay <case>`,
    );
  });
});
