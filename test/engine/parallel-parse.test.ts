import * as assert from 'node:assert/strict';
import { parseInParallel } from '../../server/src/engine/parallel-parse';
import { Workspace } from '../../server/src/engine/workspace';
import { describeEachBackend } from '../helpers/parsers';
import { EXAMPLE, FIXTURES } from '../helpers/paths';
import * as path from 'node:path';

describeEachBackend('parsing on worker threads', (parser) => {
  for (const root of [EXAMPLE, path.join(FIXTURES, 'projects', 'monorepo'), path.join(FIXTURES, 'projects', 'squashed')]) {
    it(`${path.basename(root)}: the same summaries and findings as on the main thread`, async function () {
      this.timeout(60_000);
      const threaded = new Workspace({ roots: [root], parser: parser(), env: { DJSWAP_GIT: '0' } });
      const single = new Workspace({ roots: [root], parser: parser(), workers: 0, env: { DJSWAP_GIT: '0' } });
      const reports: [number, number][] = [];
      // Every file from a worker: on a small project the main thread would otherwise take them all.
      const candidates = threaded.discover().flatMap((e) => e.pythonFiles);
      // Discovery has read the settings already.
      const unread = candidates.filter((file) => !threaded.files.hasParsed(file));
      assert.ok(unread.length > 0);
      await parseInParallel(threaded.files, candidates, {
        backend: parser().backend,
        maxFileBytes: threaded.files.maxFileBytes,
        workers: 2,
        mainThreadParses: false,
        report: (done, total) => reports.push([done, total]),
      });
      await single.prewarm();
      assert.equal(threaded.files.installed, unread.length, 'every file came from a worker');
      assert.equal(single.files.installed, 0);
      assert.ok(reports.length > 0 && reports.at(-1)![0] === reports.at(-1)![1], `progress ends at its total: ${JSON.stringify(reports.at(-1))}`);
      const files = threaded.discover().flatMap((e) => e.pythonFiles);
      for (const file of files) {
        const a = threaded.files.parse(file);
        const b = single.files.parse(file);
        // Summaries cross threads as JSON: what JSON keeps must be equal.
        assert.deepEqual(JSON.parse(JSON.stringify(a?.module ?? null)), JSON.parse(JSON.stringify(b?.module ?? null)), file);
        assert.equal(a?.text, b?.text, file);
      }
      assert.deepEqual(threaded.analyze().diagnostics, single.analyze().diagnostics);
    });
  }
});
