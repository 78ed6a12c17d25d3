/**
 * One scaling case, in its own process: `node scaling-runner.js <case> <backend>`. The test that
 * starts it kills it at the deadline, so a regression to quadratic work fails the test instead of
 * blocking the run for hours (mocha cannot interrupt synchronous work).
 */
import * as assert from 'node:assert/strict';
import { applyEdits, fixToFixpoint } from '../../server/src/engine/fixes';
import { Session } from '../../server/src/engine/session';
import type { EngineDiagnostic, Workspace } from '../../server/src/engine/workspace';
import { loadPythonParser } from '../../server/src/syntax/parser';
import { summarizeModule } from '../../server/src/syntax/python';
import type { ParserBackend, PythonParser } from '../../server/src/syntax/tree';
import { MemoryFileSystem } from '../fuzz/memfs';

export const SCALING_CASES = ['apply-edits', 'fix-selection', 'wide-module', 'comment-runs', 'short-comment-runs', 'huge-lists'] as const;

function summarize(parser: PythonParser, text: string) {
  const tree = parser.parse(text);
  try {
    return summarizeModule(tree, text);
  } finally {
    tree.dispose();
  }
}

async function run(name: string, backend: ParserBackend): Promise<void> {
  const parser = await loadPythonParser(backend);
  switch (name) {
    case 'apply-edits': {
      // Splicing edit by edit copies 4 MB 200,000 times.
      const text = 'x = "auth.User"\n'.repeat(250_000);
      const edits = Array.from({ length: 200_000 }, (_, i) => ({ span: { start: i * 16 + 4, end: i * 16 + 15 }, newText: 'settings.AUTH_USER_MODEL' }));
      const result = applyEdits(text, edits);
      assert.equal(result.applied.length, 200_000);
      assert.ok(result.text.startsWith('x = settings.AUTH_USER_MODEL\nx = settings.AUTH_USER_MODEL\n'));
      return;
    }
    case 'fix-selection': {
      // Checking each fix against every fix taken before: 2·10¹⁰ comparisons.
      const text = 'x = "auth.User"\n'.repeat(200_000);
      // Every fix replaces its own string; every other one also adds the same import at the top.
      const diagnostics = Array.from({ length: 200_000 }, (_, i) => ({
        code: 'SWP101',
        file: '/w/models.py',
        span: { start: i * 16 + 4, end: i * 16 + 15 },
        fix: {
          title: 'Replace',
          safe: true,
          edits: [
            { file: '/w/models.py', span: { start: i * 16 + 4, end: i * 16 + 15 }, newText: 'settings.AUTH_USER_MODEL' },
            ...(i % 2 === 0 ? [{ file: '/w/models.py', span: { start: 0, end: 0 }, newText: 'from django.conf import settings\n' }] : []),
          ],
        },
      })) as unknown as EngineDiagnostic[];
      let round = 0;
      let current = text;
      const workspace = {
        analyze: () => ({ diagnostics: round++ === 0 ? diagnostics : [] }),
        files: { text: () => current, documentVersion: () => 0, changeDocument: (_file: string, change: { full: string }) => (current = change.full) },
      } as unknown as Workspace;
      const fixRun = fixToFixpoint(workspace, { unsafe: false });
      // The even fixes all insert the import at offset 0: only the first of them goes in this round.
      assert.equal(fixRun.applied.length, 100_001);
      assert.ok(current.startsWith('from django.conf import settings\nx = settings.AUTH_USER_MODEL\nx = settings.AUTH_USER_MODEL\nx = "auth.User"\n'));
      return;
    }
    case 'wide-module': {
      // Reading the i-th child by index walks i siblings: 200,000 children take minutes.
      const summary = summarize(parser, 'X = 1\n'.repeat(200_000));
      assert.equal(summary.statements.length, 200_000);
      return;
    }
    case 'comment-runs': {
      // tree-sitter-python's scanner looks ahead over a whole run of comment lines at each of them.
      for (const line of ['# a comment line\n', '    # indented\n', '\\\n']) {
        const summary = summarize(parser, 'from django.db import models\n' + line.repeat(100_000) + 'X = 1\n');
        assert.equal(summary.statements.length, 2, JSON.stringify(line));
      }
      return;
    }
    case 'short-comment-runs': {
      // Where runs are short nothing is rewritten, and offsets never move.
      const text = 'X = 1  # one\n' + '# two\n'.repeat(50) + 'class A:\n    # three\n    y = 2\n';
      assert.deepEqual(summarize(parser, text).statements.map((s) => s.kind), ['assign', 'class']);
      const long = 'X = 1\n' + '# c\n'.repeat(500) + 'Y = "# not a comment"\n';
      const after = summarize(parser, long).statements[1];
      assert.equal(after.kind, 'assign');
      assert.equal(after.span.start, long.indexOf('Y ='));
      assert.equal(after.kind === 'assign' && after.value.k === 'str' && after.value.value, '# not a comment');
      return;
    }
    case 'huge-lists': {
      // Lists of 150,000 items, and 130,000 notes: spreading them into push() overflows the stack.
      const items = Array.from({ length: 150_000 }, (_, i) => `"app_${i}"`).join(', ');
      const files: [string, Uint8Array][] = [
        ['manage.py', Buffer.from(`import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")\nsys.path.insert(0, [${items}])\n`)],
        ['project/__init__.py', Buffer.from('')],
        ['project/settings.py', Buffer.from(`BIG = [${items}]\nINSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "blog", *BIG]\n`)],
        ['blog/__init__.py', Buffer.from('')],
        ['blog/models.py', Buffer.from('from django.db import models\n\n\nclass Post(models.Model):\n    author = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n')],
        ['blog/migrations/__init__.py', Buffer.from('')],
        ['blog/migrations/0001_initial.py', Buffer.from(`from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${items}]\n    operations = [${items}]\n`)],
      ];
      for (let i = 0; i < 130_000; i++) files.push([`blog/migrations/m${i}.py`, Buffer.from('')]);
      const memory = new MemoryFileSystem('/w', files);
      for (let i = 0; i < 130_000; i++) memory.unreadable.add(`/w/blog/migrations/m${i}.py`);
      const session = new Session(parser, memory, {});
      session.setFolders([{ root: '/w', overrides: {} }]);
      const result = session.analyze();
      assert.equal(result.projects.length, 1);
      assert.ok(result.notes.length >= 130_000, `${result.notes.length} notes`);
      return;
    }
    default:
      throw new Error(`no scaling case ${name}`);
  }
}

if (require.main === module) {
  const started = performance.now();
  run(process.argv[2], process.argv[3] as ParserBackend).then(
    () => process.stdout.write(JSON.stringify({ ms: Math.round(performance.now() - started) }) + '\n'),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
