import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_SCHEMA } from '../../server/src/engine/config';
import { generatedFiles } from '../../server/src/engine/generated';
import { RULES } from '../../server/src/rules/registry';
import { REPO } from '../helpers/paths';

describe('generated files are up to date', () => {
  const expected = generatedFiles(REPO, (file) => fs.readFileSync(file, 'utf8'));
  for (const [file, content] of expected) {
    it(`${path.relative(REPO, file)} (run \`npm run generate\` when this fails)`, () => {
      assert.equal(fs.readFileSync(file, 'utf8'), content);
    });
  }

  it('docs/rules holds a page for each rule and nothing else', () => {
    const pages = fs.readdirSync(path.join(REPO, 'docs', 'rules')).filter((f) => f.endsWith('.md')).sort();
    assert.deepEqual(pages, RULES.map((r) => `${r.code}.md`).sort());
  });

  it("package.json's contributes.configuration has exactly the schema's keys, plus trace.server", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const keys = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(keys, [...CONFIG_SCHEMA.map((k) => `djswap.${k.key}`), 'djswap.trace.server'].sort());
  });

  it('rule codes are unique and names are kebab-case', () => {
    assert.equal(new Set(RULES.map((r) => r.code)).size, RULES.length);
    for (const rule of RULES) {
      assert.match(rule.code, /^SWP\d{3}$/);
      assert.match(rule.name, /^[a-z]+(-[a-z0-9]+)*$/);
      for (const heading of ['whatItDoes', 'whyIsThisBad', 'example', 'useInstead', 'fixSafety'] as const) {
        assert.ok(rule.docs[heading].trim().length > 20, `${rule.code}: docs.${heading} is empty`);
      }
      assert.ok(rule.docs.references.length > 0, `${rule.code}: no references`);
    }
  });
});
