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
