/**
 * Line suppressions: `# djswap: ignore[SWP101, SWP203]`, `# djswap: ignore` (every rule), and
 * flake8/ruff style `# noqa: SWP101`. A bare `# noqa` is left to the other linters: it does not
 * silence djswap, whose findings are about correctness rather than style.
 */
const DJSWAP = /#\s*djswap:\s*ignore(?:\[([^\]]*)\])?/i;
const NOQA = /#\s*noqa:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)/i;

export type LineSuppression = 'all' | Set<string>;

export function suppressionsOf(text: string): Map<number, LineSuppression> {
  const out = new Map<number, LineSuppression>();
  if (!text.includes('djswap:') && !/noqa:\s*SWP/i.test(text)) return out;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes('#')) continue;
    const djswap = DJSWAP.exec(line);
    if (djswap) {
      if (djswap[1] === undefined || djswap[1].trim() === '') out.set(i, 'all');
      else out.set(i, codes(djswap[1]));
      continue;
    }
    const noqa = NOQA.exec(line);
    if (noqa) out.set(i, codes(noqa[1]));
  }
  return out;
}

function codes(list: string): Set<string> {
  return new Set(list.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase()));
}

export function isSuppressed(suppressions: Map<number, LineSuppression>, line: number, code: string): boolean {
  const entry = suppressions.get(line);
  if (!entry) return false;
  return entry === 'all' || entry.has(code);
}

/**
 * The edit that silences `code` on one line, in columns of that line: the code joins an existing
 * `# djswap: ignore[...]` list, or a `# noqa:` list that already names djswap codes (the first
 * comment found wins, so a second one would be ignored); else `  # djswap: ignore[CODE]` ends the line.
 */
export function suppressionEdit(lineText: string, code: string): { start: number; end: number; newText: string } {
  const djswap = /#\s*djswap:\s*ignore\[([^\]]*)\]/i.exec(lineText);
  const noqa = DJSWAP.test(lineText) ? null : NOQA.exec(lineText);
  const list = djswap ? { at: djswap.index + djswap[0].indexOf('[') + 1, codes: djswap[1] } : noqa && /SWP\d/i.test(noqa[1]) ? { at: noqa.index + noqa[0].length - noqa[1].length, codes: noqa[1] } : undefined;
  if (!list) return { start: lineText.length, end: lineText.length, newText: `  # djswap: ignore[${code}]` };
  const codes = list.codes.split(/[\s,]+/).filter(Boolean);
  return { start: list.at, end: list.at + list.codes.length, newText: [...codes, code].join(', ') };
}
