// Writes what is generated from the sources: docs/rules/<CODE>.md from each rule's documentation,
// the README's rule table, and package.json's contributes.configuration from the config schema.
// `node scripts/generate.mjs --check` changes nothing and exits 1 when something is stale.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { generatedFiles } = require(join(root, 'out/server/src/engine/generated.js'));

const check = process.argv.includes('--check');
const stale = [];
const files = generatedFiles(root, (file) => readFileSync(file, 'utf8'));
for (const [file, content] of files) {
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  stale.push(file);
  if (!check) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
// Pages of rules that no longer exist.
for (const name of readdirSync(join(root, 'docs/rules'))) {
  const file = join(root, 'docs/rules', name);
  if (name.endsWith('.md') && !files.has(file)) {
    stale.push(file);
    if (!check) unlinkSync(file);
  }
}
if (stale.length) console.log(`${check ? 'stale' : 'wrote'}: ${stale.map((f) => f.slice(root.length + 1)).join(', ')}`);
if (check && stale.length) process.exit(1);
