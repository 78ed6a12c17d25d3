// Installs what the end-to-end hosts need, once: Debian packages (Chromium, ripgrep, Neovim, the
// Kerberos headers code-server's native modules build against) and code-server in a cache folder
// outside the source tree. Safe to run again: it only installs what is missing.
//
//   node scripts/e2e/setup.mjs            # both hosts
//   DJSWAP_E2E_CACHE=/some/dir ...        # another cache folder (default ~/.cache/djswap-e2e)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE, CHROMIUM, CODE_SERVER_BIN, CODE_SERVER_DIR, CODE_SERVER_VERSION, log, run } from './lib.mjs';

/** Debian packages, each with the file that tells it is there. */
const PACKAGES = [
  { name: 'chromium', present: () => existsSync(CHROMIUM) },
  { name: 'fonts-dejavu-core', present: () => existsSync('/usr/share/fonts/truetype/dejavu') },
  { name: 'ripgrep', present: () => existsSync('/usr/bin/rg') },
  { name: 'libkrb5-dev', present: () => existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/krb5.h') },
  { name: 'neovim', present: () => existsSync('/usr/bin/nvim') },
  // code-server's native modules (node-pty, kerberos, spdlog) compile during its install.
  { name: 'g++', present: () => onPath('g++') },
  { name: 'make', present: () => onPath('make') },
  { name: 'python3', present: () => onPath('python3') },
];

/** @vscode/ripgrep's postinstall fetches rg from GitHub; this is the archive it looks for first. */
const RIPGREP = { packageVersion: '1.15.11', release: 'v13.0.0-10' };

export function setup() {
  installDebianPackages();
  installCodeServer();
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installDebianPackages() {
  const missing = PACKAGES.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) {
    log('Debian packages: all present');
    return;
  }
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them as root: ${command}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

function installCodeServer() {
  const marker = join(CODE_SERVER_DIR, '.installed');
  if (existsSync(marker) && existsSync(CODE_SERVER_BIN)) {
    log(`code-server ${CODE_SERVER_VERSION}: ${CODE_SERVER_DIR}`);
    return;
  }
  // Two checkouts setting up at once: one installs, the other waits and finds it installed.
  withLock(join(CACHE, '.install-lock'), () => {
    if (existsSync(marker) && existsSync(CODE_SERVER_BIN)) return;
    installCodeServerNow(marker);
  });
}

function installCodeServerNow(marker) {
  seedRipgrepCache();
  // A half-finished install (no marker) is thrown away, never reused.
  rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  writeFileSync(join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({ name: 'djswap-e2e-code-server', private: true }, null, 2) + '\n');
  const env = {
    ...process.env,
    // node-pty's postinstall runs npx; the install runs as root in CI.
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    // Native modules compile against the headers of Debian's nodejs: no header download.
    npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const started = Date.now();
  run('npm', ['install', '--no-save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: CODE_SERVER_DIR, env });
  if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server installed, but ${CODE_SERVER_BIN} is missing`);
  writeFileSync(marker, `code-server@${CODE_SERVER_VERSION}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s: ${CODE_SERVER_DIR}`);
}

/** Runs `work` holding a lock folder; a lock whose owner process is gone is taken over. */
function withLock(lock, work) {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (!ownerAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by another install for too long`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function ownerAlive(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // No pid yet: alive while just created, stale after a minute.
    try {
      return Date.now() - statSync(lock).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks before it downloads. */
function seedRipgrepCache() {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!target) throw new Error(`no ripgrep archive name known for ${process.arch}`);
  const cache = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP.packageVersion}`);
  const archive = join(cache, `ripgrep-${RIPGREP.release}-${target}.tar.gz`);
  if (existsSync(archive)) return;
  mkdirSync(cache, { recursive: true });
  const seed = mkdtempSync(join(tmpdir(), 'djswap-e2e-rg-'));
  try {
    copyFileSync('/usr/bin/rg', join(seed, 'rg'));
    execFileSync('tar', ['czf', archive, '-C', seed, 'rg']);
  } finally {
    rmSync(seed, { recursive: true, force: true });
  }
  log(`seeded ${archive} with /usr/bin/rg`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) setup();
