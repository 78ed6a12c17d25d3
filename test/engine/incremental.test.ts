import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workspace, type AnalysisResult } from '../../server/src/engine/workspace';
import type { PythonParser } from '../../server/src/syntax/tree';
import { describeEachBackend } from '../helpers/parsers';
import { EXAMPLE, FIXTURES, filesUnder } from '../helpers/paths';

/**
 * The engine keeps projects, rule results and summaries from one analysis to the next and recomputes
 * only what an edit can change. Whatever it keeps, the answer must be the one a fresh analysis of the
 * same texts gives: random edit sequences, compared after every step.
 */

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edits a Django developer makes, as text replacements; each returns the new text or undefined when it does not apply. */
const EDITS: ((text: string, pick: () => number, file: string) => string | undefined)[] = [
  // Typing and deleting anywhere, half-typed code included.
  (text, pick) => {
    const at = Math.floor(pick() * (text.length + 1));
    const pieces = ['x', ' ', '\n', '(', ')', '"', ',', 'models.', 'ForeignKey(', '#', 'settings.'];
    return text.slice(0, at) + pieces[Math.floor(pick() * pieces.length)] + text.slice(at);
  },
  (text, pick) => {
    if (text.length === 0) return undefined;
    const at = Math.floor(pick() * text.length);
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(pick() * 8));
  },
  // The swappable mistakes and their fixes.
  (text) => (text.includes('settings.AUTH_USER_MODEL') ? text.replace('settings.AUTH_USER_MODEL', '"auth.User"') : undefined),
  (text) => (text.includes('"auth.User"') ? text.replace('"auth.User"', 'settings.AUTH_USER_MODEL') : undefined),
  (text) => (/AUTH_USER_MODEL\s*=\s*"[\w.]+"/.test(text) ? text.replace(/AUTH_USER_MODEL\s*=\s*"([\w.]+)"/, (_, v: string) => `AUTH_USER_MODEL = "${v === 'auth.User' ? 'accounts.User' : 'auth.User'}"`) : undefined),
  (text) => (text.includes('run_before') ? text.replace(/run_before\s*=\s*\[[^\]]*\]/, 'run_before = []') : undefined),
  (text) => (/\("(\w+)", "0001_initial"\)/.test(text) ? text.replace(/\("(\w+)", "0001_initial"\)/, '("$1", "0009_missing")') : undefined),
  // A new model at the end of a models module, and a new import of the default user class.
  (text, _pick, file) =>
    file.endsWith('models.py') ? `${text}\n\nclass Added(models.Model):\n    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)\n` : undefined,
  (text) => `from django.contrib.auth.models import User\n${text}`,
  // Moving a line: a statement cut and pasted elsewhere.
  (text, pick) => {
    const lines = text.split('\n');
    if (lines.length < 3) return undefined;
    const from = Math.floor(pick() * lines.length);
    const [line] = lines.splice(from, 1);
    lines.splice(Math.floor(pick() * lines.length), 0, line);
    return lines.join('\n');
  },
];

function normalized(result: AnalysisResult): unknown {
  return {
    diagnostics: result.diagnostics.map((d) => ({ ...d, fix: d.fix ? { ...d.fix } : undefined })),
    projects: result.projects.map((p) => p.summary),
    notes: result.notes,
  };
}

/** Names the first finding that differs, so a failure says where to look. */
function firstDifference(incremental: unknown, fresh: unknown): string {
  const mine = (incremental as { diagnostics: { code: string; file: string }[] }).diagnostics;
  const theirs = (fresh as { diagnostics: { code: string; file: string }[] }).diagnostics;
  for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
    if (JSON.stringify(mine[i]) !== JSON.stringify(theirs[i])) {
      const d = mine[i] ?? theirs[i];
      return `first difference: finding ${i}, ${d.code} in ${d.file}`;
    }
  }
  return 'the findings agree';
}

function freshAnalysis(root: string, parser: PythonParser, documents: Map<string, string>): AnalysisResult {
  const workspace = new Workspace({ roots: [root], parser, env: { DJSWAP_GIT: '0' } });
  for (const [file, text] of documents) workspace.files.openDocument(file, text, 1);
  return workspace.analyze();
}

/** DJSWAP_TEST_SEED tries other sequences; the default is what CI runs. */
const SEED = Number(process.env.DJSWAP_TEST_SEED ?? 7919);

const PROJECTS = [EXAMPLE, ...['monorepo', 'squashed', 'models-package', 'settings-package', 'swapper'].map((name) => path.join(FIXTURES, 'projects', name))];

describeEachBackend('incremental analysis gives what a fresh analysis gives', (parser) => {
  for (const root of PROJECTS) {
    it(`${path.relative(path.dirname(FIXTURES), root)}: 60 random edits`, function () {
      this.timeout(120_000);
      // Seeded by the project's name, not its path: the same sequence on every checkout.
      const name = path.basename(root);
      const pick = random(SEED + [...name].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 0));
      const files = filesUnder(root, '.py');
      const workspace = new Workspace({ roots: [root], parser: parser(), env: { DJSWAP_GIT: '0' } });
      workspace.analyze();
      const documents = new Map<string, string>();
      let version = 1;
      const outcomes = new Set<string>();
      const history: string[] = [];
      let step = 0;
      for (let attempt = 0; step < 60 && attempt < 600; attempt++) {
        const roll = pick();
        let description: string;
        if (roll < 0.08 && documents.size > 0) {
          // Closing a document: the disk's text is back.
          const file = [...documents.keys()][Math.floor(pick() * documents.size)];
          documents.delete(file);
          workspace.files.closeDocument(file);
          description = `close ${path.relative(root, file)}`;
        } else if (roll < 0.14) {
          // A new migration, not yet saved.
          const dir = files.find((f) => f.includes(`${path.sep}migrations${path.sep}`));
          if (!dir) continue;
          const file = path.join(path.dirname(dir), `09${step}_added.py`);
          const text = `from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n    operations = []\n`;
          documents.set(file, text);
          workspace.files.openDocument(file, text, version++);
          description = `new ${path.relative(root, file)}`;
        } else {
          const file = files[Math.floor(pick() * files.length)];
          const before = documents.get(file) ?? fs.readFileSync(file, 'utf8');
          const edit = EDITS[Math.floor(pick() * EDITS.length)];
          const after = edit(before, pick, file);
          if (after === undefined || after === before) continue;
          // Sent as the editor sends it: one change covering what differs.
          let start = 0;
          while (start < before.length && start < after.length && before[start] === after[start]) start++;
          let endBefore = before.length;
          let endAfter = after.length;
          while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
            endBefore--;
            endAfter--;
          }
          if (!documents.has(file)) workspace.files.openDocument(file, before, version++);
          workspace.files.changeDocument(file, [{ start, end: endBefore, text: after.slice(start, endAfter) }], version++);
          documents.set(file, after);
          description = `edit ${path.relative(root, file)} at ${start}`;
        }
        history.push(description);
        const incremental = normalized(workspace.analyze());
        const fresh = normalized(freshAnalysis(root, parser(), documents));
        assert.deepEqual(incremental, fresh, `after step ${step} (${description}; before: ${history.slice(-6, -1).join(' / ')}; ${firstDifference(incremental, fresh)})`);
        outcomes.add(JSON.stringify(fresh));
        step++;
      }
      assert.equal(step, 60, 'every step was made');
      // The edits must move the findings, or the comparison proves little.
      assert.ok(outcomes.size >= 3, `only ${outcomes.size} different outcomes`);
    });
  }
});
