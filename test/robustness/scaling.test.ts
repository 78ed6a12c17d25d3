import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { backendsUnderTest, parserFor } from '../helpers/parsers';
import { SCALING_CASES } from './scaling-runner';

/**
 * Work that must grow linearly with its input. Each case is sized so that a quadratic version takes
 * minutes to hours and the linear one a second or a few: the deadline sits far from both, so neither
 * a slow machine nor a fast one makes it flaky. Each runs in a child process that the deadline kills.
 */
const DEADLINE_MS = 90_000;
const RUNNER = path.join(__dirname, 'scaling-runner.js');

describe('scaling: linear work on large inputs', function () {
  this.timeout(DEADLINE_MS + 30_000);
  for (const backend of backendsUnderTest()) {
    for (const name of SCALING_CASES) {
      if ((name === 'apply-edits' || name === 'fix-selection') && backend !== backendsUnderTest()[0]) continue; // no parser involved
      it(`${name} [${backend}]`, async function () {
        if ((await parserFor(backend)) instanceof Error && process.env.DJSWAP_REQUIRE_BOTH_PARSERS !== '1') this.skip();
        const result = spawnSync(process.execPath, [RUNNER, name, backend], { encoding: 'utf8', timeout: DEADLINE_MS });
        const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
        assert.ok(!timedOut, `${name} did not finish within ${DEADLINE_MS} ms: the work is no longer linear`);
        assert.equal(result.status, 0, result.stderr);
      });
    }
  }
});
