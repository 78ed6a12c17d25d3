import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from '../../server/src/engine/session';
import type { PythonParser, SyntaxTree } from '../../server/src/syntax/tree';
import { describeEachBackend } from '../helpers/parsers';
import { EXAMPLE } from '../helpers/paths';

/** A parser that counts the trees it handed out and that were not disposed since. */
function countingParser(inner: PythonParser): PythonParser & { live: number; parsed: number } {
  const counter = {
    backend: inner.backend,
    fallbackReason: inner.fallbackReason,
    live: 0,
    parsed: 0,
    parse(text: string, previous?: SyntaxTree): SyntaxTree {
      const tree = inner.parse(text, (previous as { inner?: SyntaxTree } | undefined)?.inner ?? previous);
      counter.live++;
      counter.parsed++;
      let disposed = false;
      return {
        inner: tree,
        get rootNode() {
          return tree.rootNode;
        },
        edit: (edit) => tree.edit(edit),
        dispose() {
          if (disposed) return;
          disposed = true;
          counter.live--;
          tree.dispose();
        },
      } as SyntaxTree & { inner: SyntaxTree };
    },
  };
  return counter;
}

describeEachBackend('no leaked trees or caches over 10,000 edits', (parser) => {
  it('keeps one tree per open document, however many edits and fix-all previews it saw', function () {
    this.timeout(300_000);
    const counting = countingParser(parser());
    const session = new Session(counting, undefined, {});
    session.setFolders([{ root: EXAMPLE, overrides: {} }]);
    const models = path.join(EXAMPLE, 'blog', 'models.py');
    const settings = path.join(EXAMPLE, 'mysite', 'settings.py');
    const original = fs.readFileSync(models, 'utf8');
    session.analyze();
    assert.equal(counting.live, 0, 'closed files keep no tree');
    const workspace = session.workspaceFor(models)!;
    const filesBefore = workspace.files.cachedFiles;
    session.open(models, original, 1);
    session.open(settings, fs.readFileSync(settings, 'utf8'), 1);
    let text = original;
    const at = text.indexOf('"auth.User"');
    for (let i = 0; i < 10_000; i++) {
      // Type a character into the string and take it out again.
      const change = i % 2 === 0 ? { start: at + 1, end: at + 1, text: 'x' } : { start: at + 1, end: at + 2, text: '' };
      text = text.slice(0, change.start) + change.text + text.slice(change.end);
      session.change(models, [change], i + 2);
      if (i % 10 === 9) session.analyze();
      if (i % 1000 === 999) session.fixAllInFile(models, { unsafe: false });
    }
    const result = session.analyze();
    assert.equal(text, original);
    assert.ok(result.diagnostics.some((d) => d.code === 'SWP101' && d.file === models));
    assert.ok(counting.parsed > 1000, `only ${counting.parsed} parses: the edits were not parsed`);
    assert.equal(counting.live, 2, `${counting.live} trees alive for 2 open documents after ${counting.parsed} parses`);
    assert.equal(workspace.files.openDocuments().length, 2);
    assert.equal(workspace.files.cachedFiles, filesBefore, 'the cache of files read from disk grew');
    session.close(models);
    session.close(settings);
    assert.equal(counting.live, 0, 'closing the documents frees their trees');
  });

  it('frees the trees of files read from disk as soon as their summary exists', () => {
    const counting = countingParser(parser());
    const session = new Session(counting, undefined, {});
    session.setFolders([{ root: EXAMPLE, overrides: {} }]);
    session.analyze();
    session.fixAllInWorkspace({ unsafe: true });
    assert.ok(counting.parsed > 5);
    assert.equal(counting.live, 0);
  });
});
