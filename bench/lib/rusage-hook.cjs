// Preloaded into measured processes (`node --require bench/lib/rusage-hook.cjs ...`): on exit, writes
// the process's own CPU time and peak RSS to the file named by DJSWAP_BENCH_RUSAGE.
'use strict';
const fs = require('node:fs');

const target = process.env.DJSWAP_BENCH_RUSAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      target,
      JSON.stringify({ userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000, maxRssKb: usage.maxRSS, majorFaults: usage.majorPageFault, minorFaults: usage.minorPageFault }),
    );
  });
}
