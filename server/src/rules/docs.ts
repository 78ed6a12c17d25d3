import type { Rule } from './types';

const SEVERITY_NOTE: Record<Rule['fix'], string> = {
  safe: 'Fix: safe (applied by fix-all and `djswap check --fix`).',
  unsafe: 'Fix: unsafe (offered as a quick fix; `djswap check --fix --unsafe-fixes`).',
  sometimes: 'Fix: safe in some cases, unsafe in others (see Fix safety).',
  none: 'Fix: none (the finding explains what to do).',
};

/** A rule's page, generated from the rule's own documentation (docs/rules/<CODE>.md). */
export function renderRuleDoc(rule: Rule): string {
  const d = rule.docs;
  const lines = [
    `# ${rule.code} ${rule.name}`,
    '',
    `${rule.summary}.`,
    '',
    `Default severity: ${rule.defaultSeverity}. ${SEVERITY_NOTE[rule.fix]}`,
    '',
    '## What it does',
    '',
    d.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    d.whyIsThisBad,
    '',
    '## Example',
    '',
    '```python',
    d.example,
    '```',
    '',
    '## Use instead',
    '',
    '```python',
    d.useInstead,
    '```',
    '',
    '## Fix safety',
    '',
    d.fixSafety,
    '',
    '## References',
    '',
    ...d.references.map((r) => `- [${r.title}](${r.url})`),
    '',
    `Silence it on one line with \`# djswap: ignore[${rule.code}]\` (or \`# noqa: ${rule.code}\`), or everywhere with \`ignore = ["${rule.code}"]\` under \`[tool.djswap]\` in pyproject.toml.`,
    '',
  ];
  return lines.join('\n');
}
