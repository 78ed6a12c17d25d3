#!/usr/bin/env node
// Where the time and the memory go, on one generated size (L by default):
//
//   npm run build && node bench/profile.mjs [--size L] [--backends native,wasm] [--edits 300] [--fixalls 5]
//
// - `djswap check` under `node --cpu-prof`;
// - the language server under `node --cpu-prof`, driven through the same scenario as the benchmark,
//   its profile split into indexing, edits and source.fixAll by the client's marks (same clock);
// - the memory probe (bench/memory.mjs).
// Bundled frames are mapped back to server/src/*.ts through dist/*.js.map. Self time is summed per
// function and per file; "category" charges each sample to the nearest engine frame on its stack
// (so tree walking through the parser binding counts as summarising, not as parsing).
// Writes bench/results/profile/<size>-<backend>/ (the .cpuprofile files, summary.json) and
// bench/results/profile/summary.md, and prints the latter.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureProject } from './generate.mjs';
import { Profile } from './lib/cpuprofile.mjs';
import { lspScenario } from './lib/lsp-session.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { size: 'L', backends: ['native', 'wasm'], edits: 300, fixAlls: 5, hovers: 20, out: path.join(REPO, 'bench', 'results', 'profile') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') o.size = argv[++i];
    else if (a === '--backends') o.backends = argv[++i].split(',');
    else if (a === '--edits') o.edits = Number(argv[++i]);
    else if (a === '--fixalls') o.fixAlls = Number(argv[++i]);
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const outChunks = [];
    let err = '';
    child.stdout.on('data', (c) => outChunks.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(outChunks).toString('utf8')) : reject(new Error(`node ${args.join(' ')}: exit ${code}\n${err}`))));
  });
}

function newest(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  files.sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs);
  return path.join(dir, files[0]);
}

const ms = (n) => `${Math.round(n)} ms`;

function section(title, summary) {
  const lines = [`#### ${title}: ${ms(summary.totalMs)} sampled`, '', '| category | ms | % |', '| --- | ---: | ---: |'];
  for (const c of summary.categories) lines.push(`| ${c.name} | ${Math.round(c.ms)} | ${c.pct.toFixed(1)} |`);
  lines.push('', '| top self time: function | file:line | ms | % |', '| --- | --- | ---: | ---: |');
  for (const f of summary.selfFunctions.slice(0, 15)) lines.push(`| ${f.name} | ${f.file}:${f.line} | ${Math.round(f.ms)} | ${f.pct.toFixed(1)} |`);
  lines.push('', '| self time by file | ms | % |', '| --- | ---: | ---: |');
  for (const f of summary.selfFiles.slice(0, 12)) lines.push(`| ${f.file} | ${Math.round(f.ms)} | ${f.pct.toFixed(1)} |`);
  lines.push('', '| inclusive time of engine functions | ms | % |', '| --- | ---: | ---: |');
  for (const f of summary.inclusiveEngine.slice(0, 20)) lines.push(`| ${f.key} | ${Math.round(f.ms)} | ${f.pct.toFixed(1)} |`);
  return lines.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { dir, manifest } = ensureProject(o.size);
  const md = [`# Profiles: ${o.size} (${manifest.pyFiles} .py files, ${manifest.migrations} migrations, ${(manifest.bytes / 1e6).toFixed(1)} MB)`, ''];
  const all = {};
  for (const backend of o.backends) {
    const outDir = path.join(o.out, `${o.size}-${backend}`);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const env = { DJSWAP_PARSER: backend };
    process.stderr.write(`${backend}: djswap check under --cpu-prof\n`);
    const cliDir = path.join(outDir, 'cli');
    await run(['--cpu-prof', `--cpu-prof-dir=${cliDir}`, path.join('bin', 'djswap.js'), 'check', dir, '--format', 'json', '--exit-zero'], env);
    const cli = new Profile(newest(cliDir), REPO).summarize();
    process.stderr.write(`${backend}: language server under --cpu-prof\n`);
    const serverDir = path.join(outDir, 'server');
    const lsp = await lspScenario({ repo: REPO, dir, manifest, backend, edits: o.edits, hovers: o.hovers, fixAlls: o.fixAlls, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${serverDir}`], log: (l) => process.stderr.write(l + '\n') });
    const server = new Profile(newest(serverDir), REPO);
    const m = lsp.marks;
    const phases = {
      indexing: server.summarize({ fromUs: m.start, toUs: m.indexed }),
      edits: server.summarize({ fromUs: m.editsStart, toUs: m.editsEnd }),
      fixAll: server.summarize({ fromUs: m.fixAllStart, toUs: m.fixAllEnd }),
    };
    process.stderr.write(`${backend}: memory probe\n`);
    const memory = JSON.parse(await run(['--expose-gc', path.join('bench', 'memory.mjs'), dir], env));
    const summary = { backend, cli, server: phases, lsp: { indexing: lsp.indexing, didChange: lsp.didChange, fixAll: lsp.fixAll, afterEdits: lsp.afterEdits }, memory };
    fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    all[backend] = summary;
    md.push(`## ${backend}`, '');
    md.push(section('`djswap check` (whole process)', cli), '');
    md.push(section(`server, indexing (initialize → complete diagnostics, ${ms(lsp.indexing.completeMs)})`, phases.indexing), '');
    md.push(section(`server, ${lsp.didChange.count} edits (p50 ${ms(lsp.didChange.p50)}, p95 ${ms(lsp.didChange.p95)})`, phases.edits), '');
    md.push(section(`server, ${lsp.fixAll.count} source.fixAll requests (p50 ${ms(lsp.fixAll.p50)})`, phases.fixAll), '');
    md.push('#### memory after indexing (bench/memory.mjs)', '', '```json', JSON.stringify(memory, null, 2), '```', '');
  }
  fs.writeFileSync(path.join(o.out, 'summary.md'), md.join('\n') + '\n');
  process.stdout.write(md.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`profile: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
