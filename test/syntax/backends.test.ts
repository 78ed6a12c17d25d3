import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DJANGO_SUMMARY_OPTIONS } from '../../server/src/django/summary';
import { summarizeModule } from '../../server/src/syntax/python';
import type { PythonParser } from '../../server/src/syntax/tree';
import { parserFor } from '../helpers/parsers';
import { EXAMPLE, FIXTURES, filesUnder } from '../helpers/paths';

/**
 * The native backend reads trees through a cursor-made mirror, the wasm backend reads its nodes
 * directly: two code paths that must give the same summary of every file, broken ones included.
 */
describe('both parser backends summarize alike', function () {
  let native: PythonParser;
  let wasm: PythonParser;

  before(async function () {
    const [n, w] = await Promise.all([parserFor('native'), parserFor('wasm')]);
    if (n instanceof Error || w instanceof Error) {
      if (process.env.DJSWAP_REQUIRE_BOTH_PARSERS === '1') throw n instanceof Error ? n : w;
      this.skip();
    }
    native = n as PythonParser;
    wasm = w as PythonParser;
  });

  it('every Python file of the fixtures and the example project, with and without skipped arguments', function () {
    const files = [...filesUnder(FIXTURES, '.py'), ...filesUnder(EXAMPLE, '.py')];
    assert.ok(files.length > 100, `only ${files.length} files`);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const options of [{}, DJANGO_SUMMARY_OPTIONS]) {
        const a = native.parse(text);
        const b = wasm.parse(text);
        try {
          assert.deepEqual(summarizeModule(a, text, options), summarizeModule(b, text, options), file);
        } finally {
          a.dispose();
          b.dispose();
        }
      }
    }
  });

  it('half-typed and hostile code', function () {
    const samples = [
      'class A(models.Model:\n    x = models.ForeignKey("auth.User", on_delete=\n',
      'from django.contrib.auth.models import (User,\n',
      `x = ${'('.repeat(500)}1${')'.repeat(500)}\n`,
      `y = ${'['.repeat(3000)}\n`,
      'def f(:\n  return "unterminated\n',
      "s = 'a\\'b' \"c\\\"d\" r'\\n' f'{x}'\n",
    ];
    for (const text of samples) {
      const a = native.parse(text);
      const b = wasm.parse(text);
      try {
        assert.deepEqual(summarizeModule(a, text, DJANGO_SUMMARY_OPTIONS), summarizeModule(b, text, DJANGO_SUMMARY_OPTIONS), text.slice(0, 60));
      } finally {
        a.dispose();
        b.dispose();
      }
    }
  });
});
