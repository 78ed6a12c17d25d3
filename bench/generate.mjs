#!/usr/bin/env node
// Generates a realistic Django monorepo for the benchmark, deterministically from a size and a seed.
//
//   node bench/generate.mjs --size L [--seed 1] [--out bench/.generated/L]
//
// The same size and seed give the same files, byte for byte (the manifest's `contentHash` says so).
// Nothing is downloaded and nothing random comes from the machine.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIB_PACKAGES, VERBS, camel, snake } from './lib/names.mjs';
import { GENERATOR_VERSION, SIZES, buildPlan } from './lib/plan.mjs';
import { Random } from './lib/random.mjs';
import * as code from './lib/render-code.mjs';
import { renderMigration, renderModels } from './lib/render-django.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const GENERATED = path.join(HERE, '.generated');
const MARKER = 'djswap-bench-manifest.json';

/** Every file of the project: `Map<relativePath, text>`, and the plan it came from. */
export function generateFiles(sizeName, seed = 1) {
  const project = buildPlan(sizeName, seed);
  const rng = new Random(`djswap-bench-files/${sizeName}/${seed}`);
  const files = new Map();
  const put = (file, text) => {
    if (files.has(file)) throw new Error(`generated twice: ${file}`);
    files.set(file, text);
  };

  put('manage.py', code.renderManagePy());
  put('pyproject.toml', code.PYPROJECT);
  put('config/__init__.py', 'from .celery import app as celery_app\n\n__all__ = ("celery_app",)\n');
  put('config/celery.py', code.CELERY);
  put('config/wsgi.py', code.WSGI);
  put('config/asgi.py', code.ASGI);
  put('config/settings/__init__.py', '');
  put('config/settings/base.py', code.renderBaseSettings(project));
  put('config/settings/dev.py', code.DEV_SETTINGS);
  put('config/settings/prod.py', code.PROD_SETTINGS);
  put('config/settings/test.py', code.TEST_SETTINGS);
  put('apps/__init__.py', '');
  const packages = new Set();

  for (const app of project.apps) {
    const r = rng.fork(`app/${app.label}`);
    const parts = app.dir.split('/');
    for (let i = 2; i < parts.length; i++) packages.add(parts.slice(0, i).join('/'));
    const dir = app.dir;
    const live = app.models.filter((m) => !m.abstract);
    // Which ordinary modules this app has.
    const regular = app.kind === 'regular';
    const want = (p) => (regular ? r.chance(p) : app.kind !== 'legacy' && r.chance(p));
    app.files = [];
    // django-oauth-toolkit's own admin registers the swapped Application already.
    if ((want(0.55) || app.kind === 'legacy') && app.kind !== 'oauth') app.files.push('admin.py');
    if (want(0.3)) {
      app.files.push('views.py');
      if (r.chance(0.8)) app.files.push('serializers.py');
      if (r.chance(0.85)) app.files.push('urls.py');
    }
    if (want(0.2)) app.files.push('services.py');
    if (want(0.1)) app.files.push('tasks.py');
    if (want(0.08)) app.files.push('forms.py');
    app.hasSignals = want(0.06);
    if (app.hasSignals) app.files.push('signals.py');
    const tests = regular ? r.weighted([[60, 'none'], [32, 'module'], [8, 'package']]) : 'module';
    const commands = regular && r.chance(0.03) ? [`${r.pick(VERBS)}_${snake(live[0]?.name ?? 'item')}s`] : [];
    if (app.files.includes('serializers.py') && !app.files.includes('views.py')) app.files.splice(app.files.indexOf('serializers.py'), 1);
    if (app.files.includes('views.py') && !app.files.includes('serializers.py')) app.files.push('serializers.py');

    put(`${dir}/__init__.py`, code.renderInit(app));
    put(`${dir}/apps.py`, code.renderAppsPy(app));
    for (const [file, text] of Object.entries(renderModels(project, app))) put(`${dir}/${file}`, text);
    put(`${dir}/migrations/__init__.py`, '');
    const squash = app.squash;
    for (const mig of app.migrations) {
      if (squash?.removeOriginals && squash.replaced.has(mig.name)) continue;
      put(`${dir}/migrations/${mig.name}.py`, renderMigration(project, app, mig));
    }
    if (squash) put(`${dir}/migrations/${squash.migration.name}.py`, renderMigration(project, app, squash.migration));
    if (live.length === 0) continue;
    for (const file of app.files) {
      const text =
        file === 'admin.py' ? code.renderAdmin(app)
        : file === 'views.py' ? code.renderViews(r, app)
        : file === 'serializers.py' ? code.renderSerializers(r, app)
        : file === 'urls.py' ? code.renderUrls(app)
        : file === 'services.py' ? code.renderServices(r, app)
        : file === 'tasks.py' ? code.renderTasks(r, app)
        : file === 'forms.py' ? code.renderForms(app)
        : file === 'signals.py' ? code.renderSignals(app)
        : undefined;
      put(`${dir}/${file}`, text);
    }
    if (tests === 'module') put(`${dir}/tests.py`, code.renderTests(r, app, 'unittest'));
    if (tests === 'package') {
      put(`${dir}/tests/__init__.py`, '');
      if (r.chance(0.3)) put(`${dir}/tests/factories.py`, code.renderTests(r, app, 'factories'));
      put(`${dir}/tests/test_api.py`, code.renderTests(r, app, 'pytest'));
      if (r.chance(0.3)) put(`${dir}/tests/test_models.py`, code.renderTests(r, app, 'pytest'));
    }
    if (commands.length > 0) {
      put(`${dir}/management/__init__.py`, '');
      put(`${dir}/management/commands/__init__.py`, '');
      for (const c of commands) put(`${dir}/management/commands/${c}.py`, code.renderCommand(r, app, c.split('_')[0]));
    }
  }
  for (const p of [...packages].sort()) put(`${p}/__init__.py`, '');
  put('config/urls.py', code.renderRootUrls(project));

  // Shared libraries, scripts and cross-app tests: Python that has nothing to do with Django models.
  const lr = rng.fork('libs');
  put('libs/__init__.py', '');
  for (let i = 0; i < project.size.libPackages; i++) {
    const pkg = LIB_PACKAGES[i % LIB_PACKAGES.length] + (i >= LIB_PACKAGES.length ? String(Math.floor(i / LIB_PACKAGES.length) + 1) : '');
    put(`libs/${pkg}/__init__.py`, `"""${camel(pkg)}: shared helpers."""\n`);
    const modules = lr.int(5, 11);
    for (let m = 0; m < modules; m++) put(`libs/${pkg}/${['core', 'client', 'parsing', 'formatting', 'errors', 'models', 'cache', 'types', 'compat', 'io', 'retry'][m]}.py`, code.renderLibModule(lr, pkg, `part ${m}`, lr.int(40, 140)));
  }
  const scripts = Math.max(2, Math.round(project.size.apps / 25));
  for (let i = 0; i < scripts; i++) put(`scripts/${VERBS[i % VERBS.length]}_${['export', 'report', 'cleanup', 'audit'][i % 4]}${i}.py`, code.renderScript(lr, `script ${i}`));
  put('tests/__init__.py', '');
  put('tests/conftest.py', 'import pytest\n\n\n@pytest.fixture\ndef api_client():\n    from rest_framework.test import APIClient\n\n    return APIClient()\n');
  const flows = Math.max(1, Math.round(project.size.apps / 20));
  for (let i = 0; i < flows; i++) {
    const app = project.apps[(i * 7 + 4) % project.apps.length];
    if (app.models.some((m) => !m.abstract)) put(`tests/integration/test_flow_${i}.py`, code.renderTests(lr, app, 'pytest'));
  }
  if (flows > 0) put('tests/integration/__init__.py', '');
  return { project, files };
}

export function summarize(sizeName, seed, project, files) {
  const sorted = [...files.keys()].sort();
  const hash = createHash('sha256');
  let bytes = 0;
  let pyFiles = 0;
  let migrations = 0;
  for (const file of sorted) {
    const text = files.get(file);
    hash.update(file).update('\0').update(text).update('\0');
    bytes += Buffer.byteLength(text);
    if (file.endsWith('.py')) pyFiles++;
    if (/\/migrations\/\d{4}_\w+\.py$/.test(file)) migrations++;
  }
  const bigFile = `${project.bigModels.dir}/models.py`;
  const bigLines = files.get(bigFile).split('\n').length - 1;
  return {
    generator: GENERATOR_VERSION,
    size: sizeName,
    seed,
    contentHash: hash.digest('hex'),
    files: files.size,
    pyFiles,
    migrations,
    bytes,
    apps: project.apps.length,
    models: project.apps.reduce((n, a) => n + a.models.filter((m) => !m.abstract).length, 0),
    squashed: project.apps.filter((a) => a.squash).map((a) => ({ app: a.label, migration: a.squash.migration.name, originalsRemoved: a.squash.removeOriginals })),
    settingsModule: 'config.settings.dev',
    bigModelsFile: bigFile,
    bigModelsLines: bigLines,
    mistakes: project.mistakes,
    expected: { SWP101: project.mistakes.filter((m) => m.rule === 'SWP101').length },
  };
}

/** Writes a project (replacing an earlier generation in the same folder) and returns its manifest. */
export function writeProject(sizeName, seed, outDir) {
  const { project, files } = generateFiles(sizeName, seed);
  const manifest = summarize(sizeName, seed, project, files);
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MARKER)) throw new Error(`${outDir} exists and was not made by the generator: not replacing it`);
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  const dirs = new Set();
  for (const file of files.keys()) dirs.add(path.dirname(path.join(outDir, file)));
  for (const dir of [...dirs].sort()) fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) fs.writeFileSync(path.join(outDir, file), text);
  fs.writeFileSync(path.join(outDir, MARKER), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** The manifest of a generated project, when it is there and current; undefined otherwise. */
export function readManifest(outDir) {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, MARKER), 'utf8'));
    return manifest.generator === GENERATOR_VERSION ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Generates unless an identical generation (same generator version, size and seed) is already there. */
export function ensureProject(sizeName, seed = 1, outDir = path.join(GENERATED, seed === 1 ? sizeName : `${sizeName}-${seed}`)) {
  const existing = readManifest(outDir);
  if (existing && existing.size === sizeName && existing.seed === seed) return { dir: outDir, manifest: existing, generated: false };
  return { dir: outDir, manifest: writeProject(sizeName, seed, outDir), generated: true };
}

function parseArgs(argv) {
  const args = { size: 'S', seed: 1, out: undefined, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') args.size = argv[++i];
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--hash') args.check = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`usage: node bench/generate.mjs --size ${Object.keys(SIZES).join('|')} [--seed N] [--out DIR] [--hash]\n`);
    process.exit(0);
  }
  if (args.check) {
    // Print the manifest without writing anything.
    const { project, files } = generateFiles(args.size, args.seed);
    process.stdout.write(JSON.stringify(summarize(args.size, args.seed, project, files), null, 2) + '\n');
  } else {
    const out = args.out ?? path.join(GENERATED, args.seed === 1 ? args.size : `${args.size}-${args.seed}`);
    const started = Date.now();
    const manifest = writeProject(args.size, args.seed, out);
    const { mistakes, squashed, ...rest } = manifest;
    process.stdout.write(`${JSON.stringify({ out: path.relative(process.cwd(), out), ...rest, squashed: squashed.length, mistakes: mistakes.length, ms: Date.now() - started })}\n`);
  }
}
