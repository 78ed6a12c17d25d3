// Installs the Django versions the Django test tier runs, once, and says which ones it has:
// Debian's python3-django (3.2) with django-oauth-toolkit, swapper, waffle and DRF from apt, and
// Django 5.2 from the Python package index pip is configured with, in a virtual environment that
// also sees Debian's packages. Safe to run again: it only installs what is missing.
//
//   node scripts/django/setup.mjs          # prints the interpreters as JSON on stdout
//   DJSWAP_DJANGO_CACHE=/some/dir ...      # another cache folder (default ~/.cache/djswap-django)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CACHE = process.env.DJSWAP_DJANGO_CACHE || join(homedir(), '.cache', 'djswap-django');
/** Debian's own interpreter: the one that sees python3-django and its siblings. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const PIP_DJANGO = [{ series: '5.2', requirement: 'django==5.2.*' }];

/** Debian packages, each with the module or file that tells it is there. */
const PACKAGES = [
  { name: 'python3-django', module: 'django' },
  { name: 'python3-django-oauth-toolkit', module: 'oauth2_provider' },
  { name: 'python3-django-swapper', module: 'swapper' },
  { name: 'python3-django-waffle', module: 'waffle' },
  { name: 'python3-djangorestframework', module: 'rest_framework' },
  { name: 'python3-psycopg2', module: 'psycopg2' },
  { name: 'python3-venv', present: () => importable('ensurepip') },
  { name: 'postgresql', present: () => existsSync('/usr/lib/postgresql') },
];

const log = (message) => process.stderr.write(`[django-setup] ${message}\n`);

function importable(module) {
  return existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function installDebianPackages() {
  const missing = PACKAGES.filter((p) => !(p.present ? p.present() : importable(p.module))).map((p) => p.name);
  if (missing.length === 0) return log('Debian packages: all present');
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages: ${missing.join(', ')}; as root: apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function djangoVersion(python) {
  const result = spawnSync(python, ['-c', 'import django; print(django.get_version())'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** A virtual environment over Debian's packages with Django from the index; undefined when no index answers. */
function installPipDjango({ series, requirement }) {
  const venv = join(CACHE, `venv-${series}`);
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.installed');
  if (existsSync(marker) && djangoVersion(python)?.startsWith(series)) return python;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  run(SYSTEM_PYTHON, ['-m', 'venv', '--system-site-packages', venv]);
  // pypi.org may be unreachable while a configured extra index answers: do not wait for retries.
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '15', requirement], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (pip.status !== 0 || !djangoVersion(python)?.startsWith(series)) {
    log(`Django ${series}: no Python package index answered (${(pip.stderr ?? '').trim().split('\n').pop()}); the tier runs without it`);
    rmSync(venv, { recursive: true, force: true });
    return undefined;
  }
  writeFileSync(marker, `${requirement}\n`);
  return python;
}

/** Installs what is missing; returns the interpreters, oldest Django first. */
export function setup() {
  installDebianPackages();
  const interpreters = [];
  const system = djangoVersion(SYSTEM_PYTHON);
  if (system) interpreters.push({ django: system, python: SYSTEM_PYTHON });
  for (const spec of PIP_DJANGO) {
    const python = installPipDjango(spec);
    if (python) interpreters.push({ django: djangoVersion(python), python });
  }
  for (const i of interpreters) log(`Django ${i.django}: ${i.python}`);
  writeFileSync(join(CACHE, 'interpreters.json'), JSON.stringify(interpreters, null, 2) + '\n');
  return interpreters;
}

/** The interpreters a previous setup found, without installing anything. */
export function interpreters() {
  const file = join(CACHE, 'interpreters.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(setup(), null, 2) + '\n');
}
