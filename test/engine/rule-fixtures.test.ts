import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/rules/registry';
import { describeEachBackend } from '../helpers/parsers';
import { FIXTURES, copyToTemp, matchSnapshot, removeTemp } from '../helpers/paths';
import { analyzed, applyFixOnDisk, checkText, identity, notIn } from '../helpers/engine';
import { replayGitHistory } from '../helpers/git';

/** test/fixtures/<family>/<CODE>-<name>/: one mini Django project per rule, bad and good cases side by side. */
function ruleFixtures(): { code: string; dir: string }[] {
  const out: { code: string; dir: string }[] = [];
  for (const family of fs.readdirSync(FIXTURES)) {
    const familyDir = path.join(FIXTURES, family);
    if (!fs.statSync(familyDir).isDirectory()) continue;
    for (const name of fs.readdirSync(familyDir)) {
      const match = /^(SWP\d{3})-/.exec(name);
      if (match) out.push({ code: match[1], dir: path.join(familyDir, name) });
    }
  }
  return out.sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

describe('rule fixtures', () => {
  it('every rule has a fixture folder named after its code and name', () => {
    const fixtures = ruleFixtures();
    for (const rule of RULES) {
      const found = fixtures.find((f) => f.code === rule.code);
      assert.ok(found, `no fixture for ${rule.code} (expected test/fixtures/<family>/${rule.code}-${rule.name}/)`);
      assert.equal(path.basename(found.dir), `${rule.code}-${rule.name}`);
    }
  });
});

describeEachBackend('rule fixtures', (parser) => {
  for (const { code, dir } of ruleFixtures()) {
    describe(path.relative(FIXTURES, dir), () => {
      it('reports what expected.snap says, and only that', async () => {
        // A fixture about version control brings its history: replayed into a temporary repository.
        const history = path.join(dir, 'git-commits.json');
        const root = fs.existsSync(history) ? replayGitHistory(dir, history) : dir;
        let result: Awaited<ReturnType<typeof checkText>>;
        try {
          result = await checkText(root, parser(), { select: [code] }, root === dir ? undefined : {});
        } finally {
          if (root !== dir) removeTemp(root);
        }
        const { text, diagnostics } = result;
        const { expected, actual } = matchSnapshot(path.join(dir, 'expected.snap'), text);
        assert.equal(actual, expected);
        assert.ok(diagnostics.length > 0, 'a fixture must have at least one positive case');
        assert.ok(diagnostics.every((d) => d.code === code));
      });

      it('each fix removes its diagnostic, adds none, and leaves files that parse', async () => {
        // A fix may clear other findings with the same cause (one setting defined for every read).
        const { diagnostics } = await checkText(dir, parser());
        const fixable = diagnostics.filter((d) => d.code === code && d.fix);
        const rule = RULES.find((r) => r.code === code)!;
        if (rule.fix === 'none') {
          assert.equal(fixable.length, 0, `${code} declares no fix`);
          return;
        }
        assert.ok(fixable.length > 0, `${code} declares a fix but the fixture offers none`);
        for (let i = 0; i < fixable.length; i++) {
          const copy = copyToTemp(dir);
          try {
            const { workspace: beforeWorkspace, result: beforeResult } = await analyzed(copy, parser());
            const before = beforeResult.diagnostics;
            const target = before.filter((d) => d.code === code && d.fix)[i];
            const allowed = before.filter((d) => d !== target).map((d) => identity(d, copy, (f) => beforeWorkspace.files.text(f)));
            const label = `fix "${target.fix!.title}" at ${identity(target, copy, (f) => beforeWorkspace.files.text(f))}`;
            const changed = applyFixOnDisk(target);
            const { workspace: afterWorkspace, result: afterResult } = await analyzed(copy, parser());
            const after = afterResult.diagnostics.map((d) => identity(d, copy, (f) => afterWorkspace.files.text(f)));
            assert.deepEqual(notIn(after, allowed), [], `${label} left its finding or added one`);
            for (const file of changed) {
              const parsed = afterWorkspace.files.parse(file)!;
              assert.deepEqual(parsed.module.syntaxErrors, [], `${path.relative(copy, file)} has a syntax error after "${target.fix!.title}":\n${parsed.text}`);
            }
          } finally {
            removeTemp(copy);
          }
        }
      });
    });
  }
});
