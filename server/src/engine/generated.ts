import * as path from 'node:path';
import { CONFIG_SCHEMA } from './config';
import { renderRuleDoc } from '../rules/docs';
import { RULES } from '../rules/registry';

const TABLE_START = '<!-- rules:start -->';
const TABLE_END = '<!-- rules:end -->';

/** Every generated file and its expected content: rule pages, the README table, the VS Code settings. */
export function generatedFiles(root: string, read: (file: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of RULES) out.set(path.join(root, 'docs', 'rules', `${rule.code}.md`), renderRuleDoc(rule));

  const readmePath = path.join(root, 'README.md');
  const readme = read(readmePath);
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start !== -1 && end > start) {
    const fixLabel = { safe: 'safe', unsafe: 'unsafe', sometimes: 'safe or unsafe', none: '—' };
    const table = [
      '| code | name | flags | fix |',
      '| --- | --- | --- | --- |',
      ...RULES.map((r) => `| [${r.code}](docs/rules/${r.code}.md) | ${r.name} | ${r.summary} | ${fixLabel[r.fix]} |`),
    ].join('\n');
    out.set(readmePath, readme.slice(0, start + TABLE_START.length) + '\n' + table + '\n' + readme.slice(end));
  }

  const manifestPath = path.join(root, 'package.json');
  const manifest = JSON.parse(read(manifestPath));
  manifest.contributes.configuration = { title: 'djswap', properties: vscodeSettings() };
  out.set(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return out;
}

/** `contributes.configuration.properties`: the config schema plus the client's trace setting. */
export function vscodeSettings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key of CONFIG_SCHEMA) {
    const entry: Record<string, unknown> = { scope: 'resource', default: key.default, markdownDescription: key.description };
    if (key.type === 'string-or-null') entry.type = ['string', 'null'];
    else if (key.type === 'array') {
      entry.type = 'array';
      entry.items = { type: 'string' };
    } else if (key.type === 'object') {
      entry.type = 'object';
      entry.additionalProperties =
        key.key === 'severity' ? { type: 'string', enum: ['error', 'warning', 'information', 'off'] } : { type: 'array', items: { type: 'string' } };
    } else entry.type = key.type;
    properties[`djswap.${key.key}`] = entry;
  }
  properties['djswap.trace.server'] = {
    scope: 'window',
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    description: 'Traces the communication between VS Code and the djswap language server.',
  };
  return properties;
}
