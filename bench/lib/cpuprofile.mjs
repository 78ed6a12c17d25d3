// Reads V8 .cpuprofile files (node --cpu-prof), maps bundled frames back to their TypeScript sources
// through the bundles' source maps, and sums time by category, file and function.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** A source map, decoded into per-line segments `[generatedColumn, source, originalLine, originalColumn]`. */
export class SourceMap {
  constructor(file) {
    const map = JSON.parse(fs.readFileSync(file, 'utf8'));
    const dir = path.dirname(file);
    this.sources = map.sources.map((s) => path.resolve(dir, map.sourceRoot ?? '', s));
    this.lines = [];
    let source = 0;
    let line = 0;
    let column = 0;
    for (const text of map.mappings.split(';')) {
      const segments = [];
      let generated = 0;
      for (const part of text.split(',')) {
        if (!part) continue;
        const values = decodeVlq(part);
        generated += values[0];
        if (values.length >= 4) {
          source += values[1];
          line += values[2];
          column += values[3];
          segments.push([generated, source, line, column]);
        }
      }
      this.lines.push(segments);
    }
  }

  /** The original place of a zero-based generated line and column. */
  lookup(line, column) {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return undefined;
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (segments[mid][0] <= column) low = mid;
      else high = mid - 1;
    }
    const s = segments[low];
    return { source: this.sources[s[1]], line: s[2] + 1 };
  }
}

function decodeVlq(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = B64_INDEX.get(c);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Where time goes, by the nearest engine frame on the stack (leaf first). */
export function categoryOf(file) {
  if (!file) return undefined;
  const m = /server\/src\/([a-z]+)\/([\w.-]+)\.ts$/.exec(file);
  if (!m) return undefined;
  const [, layer, name] = m;
  if (layer === 'syntax') {
    if (name === 'parser') return 'parse (tree-sitter, syntax/parser.ts)';
    if (name === 'python') return 'summarise (syntax/python.ts)';
    if (name === 'mirror') return 'copy native trees (syntax/mirror.ts, part of summarising)';
    return `syntax/${name}.ts`;
  }
  if (layer === 'django') return 'project model (django/*)';
  if (layer === 'rules') return 'rules (rules/*)';
  if (layer === 'engine') {
    if (name === 'files' || name === 'fs') return 'read & file cache (engine/files.ts, fs.ts)';
    if (name === 'discovery') return 'walk (engine/discovery.ts)';
    if (name === 'fixes') return 'fix to fixpoint (engine/fixes.ts)';
    if (name === 'suppressions') return 'suppressions (engine/suppressions.ts)';
    return 'engine: run rules, diagnostics (engine/workspace.ts)';
  }
  if (layer === 'cli') return name.startsWith('render') || name === 'output' ? 'render (cli/render-*.ts)' : 'cli (cli/main.ts)';
  if (layer === 'lsp') return 'lsp (lsp/*)';
  return `${layer}/*`;
}

export class Profile {
  constructor(file, repo) {
    this.file = file;
    this.repo = repo;
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    this.profile = profile;
    this.nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    this.parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) this.parent.set(c, n.id);
    this.maps = new Map();
    this.frames = new Map();
  }

  sourceMapFor(url) {
    let file = url;
    if (url.startsWith('file://')) file = fileURLToPath(url);
    if (!file.endsWith('.js') || !path.isAbsolute(file)) return undefined;
    if (!this.maps.has(file)) {
      const mapFile = `${file}.map`;
      this.maps.set(file, fs.existsSync(mapFile) ? new SourceMap(mapFile) : null);
    }
    return this.maps.get(file) ?? undefined;
  }

  /** `{ name, file, line }` of a node, with bundled frames mapped to their sources. */
  frame(id) {
    let f = this.frames.get(id);
    if (f) return f;
    const { functionName, url, lineNumber, columnNumber } = this.nodes.get(id).callFrame;
    const name = functionName || '(anonymous)';
    let file = url || '';
    let line = lineNumber + 1;
    const map = url ? this.sourceMapFor(url) : undefined;
    if (map) {
      const original = map.lookup(lineNumber, columnNumber);
      if (original) {
        file = original.source;
        line = original.line;
      }
    }
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (path.isAbsolute(file)) file = path.relative(this.repo, file);
    file = file.replace(/^(\.\.\/)+node_modules\//, 'node_modules/');
    f = { name, file, line, key: `${name} ${file}:${line}` };
    this.frames.set(id, f);
    return f;
  }

  stack(id) {
    const out = [];
    for (let n = id; n !== undefined; n = this.parent.get(n)) out.push(n);
    return out; // leaf first
  }

  /** Sums of a time window [fromUs, toUs] (all of it when absent). */
  summarize({ fromUs, toUs } = {}) {
    const { samples, timeDeltas, startTime } = this.profile;
    const byCategory = new Map();
    const bySelf = new Map();
    const byFile = new Map();
    const inclusive = new Map();
    let total = 0;
    let t = startTime;
    const stackCache = new Map();
    for (let i = 0; i < samples.length; i++) {
      t += timeDeltas[i];
      const duration = (timeDeltas[i + 1] ?? 0) / 1000;
      if ((fromUs !== undefined && t < fromUs) || (toUs !== undefined && t > toUs)) continue;
      const id = samples[i];
      let info = stackCache.get(id);
      if (!info) {
        const stack = this.stack(id);
        const leaf = this.frame(stack[0]);
        let category;
        if (leaf.name === '(garbage collector)') category = 'garbage collector';
        else if (leaf.name === '(idle)') category = 'idle (waiting)';
        else if (leaf.name === '(program)') category = 'native, not attributed (program)';
        else {
          for (const n of stack) {
            category = categoryOf(this.frame(n).file);
            if (category) break;
          }
          category ??= stack.some((n) => /^node:internal\/modules|^node:internal\/main/.test(this.frame(n).file)) ? 'startup: loading modules' : 'other JavaScript (libraries, node)';
        }
        const keys = new Set(stack.map((n) => this.frame(n).key));
        info = { leaf, category, keys: [...keys] };
        stackCache.set(id, info);
      }
      total += duration;
      byCategory.set(info.category, (byCategory.get(info.category) ?? 0) + duration);
      const self = bySelf.get(info.leaf.key) ?? { ...info.leaf, ms: 0 };
      self.ms += duration;
      bySelf.set(info.leaf.key, self);
      const fileKey = info.leaf.file || `(${info.leaf.name})`;
      byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + duration);
      for (const k of info.keys) inclusive.set(k, (inclusive.get(k) ?? 0) + duration);
    }
    const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
    return {
      totalMs: total,
      categories: sorted(byCategory).map(([name, ms]) => ({ name, ms, pct: (100 * ms) / total })),
      selfFunctions: [...bySelf.values()].sort((a, b) => b.ms - a.ms).slice(0, 40).map(({ name, file, line, ms }) => ({ name, file, line, ms, pct: (100 * ms) / total })),
      selfFiles: sorted(byFile).slice(0, 30).map(([file, ms]) => ({ file, ms, pct: (100 * ms) / total })),
      inclusiveEngine: sorted(inclusive)
        .filter(([k]) => /server\/src\//.test(k))
        .slice(0, 40)
        .map(([key, ms]) => ({ key, ms, pct: (100 * ms) / total })),
    };
  }
}
