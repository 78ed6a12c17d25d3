// A scripted editing session on one models file, as LSP incremental changes: typing new fields key
// by key (half-typed code included), backspacing, swapping a relation target between the setting
// and a hard-coded "auth.User", cutting and pasting field lines, pasting a whole model. Seeded.

import { Random } from './random.mjs';

/** Zero-based line and UTF-16 character of an offset. */
export function positionAt(text, offset) {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

export function offsetAt(text, position) {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset + position.character;
}

const TYPED = [
  (k) => `note_${k} = models.CharField(max_length=${20 + k}, blank=True)`,
  (k) => `reviewer_${k} = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")`,
  (k) => `owner_${k} = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")`,
  (k) => `count_${k} = models.PositiveIntegerField(default=0)`,
  (k) => `flag_${k} = models.BooleanField(default=False)`,
];

/**
 * `count` edits for `text`. Each edit is `{ range, text, kind }` in the coordinates of the text as it
 * is just before that edit (what an editor sends); `final` is the text after all of them.
 */
export function scriptEdits(original, count, seed = 1) {
  const rng = new Random(`djswap-bench-edits/${seed}`);
  let doc = original;
  const edits = [];
  const apply = (start, end, insert, kind) => {
    edits.push({ range: { start: positionAt(doc, start), end: positionAt(doc, end) }, text: insert, kind });
    doc = doc.slice(0, start) + insert + doc.slice(end);
  };
  const fieldLines = () => {
    const out = [];
    const re = /^    [a-z_0-9]+ = models\.[A-Za-z]+\(.*\)$/gm;
    for (let m = re.exec(doc); m; m = re.exec(doc)) out.push({ start: m.index, end: m.index + m[0].length });
    return out;
  };
  let typedFields = 0;
  let clipboard;
  const toggled = [];
  while (edits.length < count) {
    const session = rng.weighted([
      [6, 'type'],
      [1, 'toggle'],
      [1, 'cut'],
      [1, 'paste'],
      [0.4, 'model'],
    ]);
    if (session === 'type') {
      const lines = fieldLines();
      // Stay away from the top of the file, where the finding that must stay lives.
      const line = lines[rng.int(Math.floor(lines.length / 10), lines.length - 1)];
      let at = line.end;
      apply(at, at, '\n    ', 'newline');
      at += 5;
      const target = TYPED[rng.int(0, TYPED.length - 1)](++typedFields);
      let typed = 0;
      while (typed < target.length && edits.length < count) {
        if (typed > 4 && rng.chance(0.04)) {
          // A typo, noticed: backspace a few characters and go on.
          const back = Math.min(typed, rng.int(1, 3));
          for (let i = 0; i < back && edits.length < count; i++) {
            apply(at - 1, at, '', 'backspace');
            at--;
            typed--;
          }
          continue;
        }
        apply(at, at, target[typed], 'type');
        at++;
        typed++;
      }
    } else if (session === 'toggle') {
      const back = toggled.length > 0 && rng.chance(0.5) ? toggled.pop() : undefined;
      const needle = back ? '"auth.User"' : 'settings.AUTH_USER_MODEL';
      const replacement = back ? 'settings.AUTH_USER_MODEL' : '"auth.User"';
      const candidates = [];
      for (let i = doc.indexOf(needle); i !== -1; i = doc.indexOf(needle, i + 1)) if (i > doc.length / 10) candidates.push(i);
      if (candidates.length === 0) continue;
      const at = candidates[rng.int(0, candidates.length - 1)];
      apply(at, at + needle.length, replacement, 'replace');
      if (!back) toggled.push(true);
    } else if (session === 'cut') {
      const lines = fieldLines().filter((l) => l.start > doc.length / 10);
      if (lines.length === 0) continue;
      const line = lines[rng.int(0, lines.length - 1)];
      clipboard = doc.slice(line.start, line.end + 1);
      apply(line.start, line.end + 1, '', 'cut');
    } else if (session === 'paste') {
      if (!clipboard) continue;
      const lines = fieldLines().filter((l) => l.start > doc.length / 10);
      const line = lines[rng.int(0, lines.length - 1)];
      apply(line.end + 1, line.end + 1, clipboard, 'paste');
      clipboard = undefined;
    } else {
      const k = ++typedFields;
      const block = `\n\nclass PastedRecord${k}(models.Model):\n    """Pasted while editing."""\n\n    name = models.CharField(max_length=100)\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")\n    created_at = models.DateTimeField(auto_now_add=True)\n\n    class Meta:\n        ordering = ["-created_at"]\n\n    def __str__(self):\n        return self.name\n`;
      const end = doc.trimEnd().length;
      apply(end, end, block, 'paste-model');
    }
  }
  return { edits: edits.slice(0, count), final: doc };
}
