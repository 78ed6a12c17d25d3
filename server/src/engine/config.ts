// smol-toml ships a CommonJS build (dist/index.cjs) behind types written for ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): unknown };
import { RULES } from '../rules/registry';
import type { Severity } from '../rules/types';

/**
 * djswap's configuration: one schema for `[tool.djswap]` in pyproject.toml (kebab-case keys), the
 * VS Code settings `djswap.*` (camelCase keys) and the command line. Each key has a default and a
 * description; package.json's `contributes.configuration` is checked against this list by a test.
 */
export interface DjswapConfig {
  enable: boolean;
  select: string[];
  ignore: string[];
  severity: Record<string, Severity | 'off'>;
  settingsModule: string | null;
  sourceRoots: string[];
  apps: string[];
  python: string | null;
  sitePackages: string[];
  perFileIgnores: Record<string, string[]>;
  history: string | null;
  database: string | null;
}

export interface ConfigKey {
  /** The VS Code setting, under `djswap.`. */
  key: keyof DjswapConfig;
  /** The key in `[tool.djswap]`. */
  toml: string;
  type: 'boolean' | 'string' | 'array' | 'object' | 'string-or-null';
  default: unknown;
  description: string;
}

export const CONFIG_SCHEMA: ConfigKey[] = [
  { key: 'enable', toml: 'enable', type: 'boolean', default: true, description: 'Check Django swappable models in this workspace.' },
  {
    key: 'select',
    toml: 'select',
    type: 'array',
    default: ['SWP'],
    description: 'Rule codes or prefixes to report, e.g. ["SWP1", "SWP201"]. Default: every rule.',
  },
  { key: 'ignore', toml: 'ignore', type: 'array', default: [], description: 'Rule codes or prefixes never to report, e.g. ["SWP103"].' },
  {
    key: 'severity',
    toml: 'severity',
    type: 'object',
    default: {},
    description: 'Severity per rule code, overriding the one djswap derives from the project: "error", "warning", "information" or "off".',
  },
  {
    key: 'settingsModule',
    toml: 'settings',
    type: 'string-or-null',
    default: null,
    description: 'The Django settings module (dotted, e.g. "config.settings.dev") when manage.py does not name it.',
  },
  {
    key: 'sourceRoots',
    toml: 'source-roots',
    type: 'array',
    default: [],
    description: 'Folders on the import path besides the project folder, relative to it (as pytest\'s pythonpath or PYTHONPATH would add them), e.g. ["src", "../packages"].',
  },
  {
    key: 'apps',
    toml: 'apps',
    type: 'array',
    default: [],
    description: 'INSTALLED_APPS entries the settings add in a way djswap cannot read (plugins, computed lists), e.g. ["myplugin", "billing.apps.BillingConfig"].',
  },
  {
    key: 'python',
    toml: 'python',
    type: 'string-or-null',
    default: null,
    description: 'The project\'s Python interpreter (e.g. ".venv/bin/python"): djswap reads the packages installed for it (never runs it).',
  },
  {
    key: 'sitePackages',
    toml: 'site-packages',
    type: 'array',
    default: [],
    description: 'Extra site-packages folders whose installed apps (models and migrations) are read, in addition to .venv, venv and env in the workspace.',
  },
  {
    key: 'perFileIgnores',
    toml: 'per-file-ignores',
    type: 'object',
    default: {},
    description: 'Rule codes to ignore per glob of paths relative to the project, e.g. {"legacy/**": ["SWP101"]}.',
  },
  {
    key: 'history',
    toml: 'history',
    type: 'string-or-null',
    default: null,
    description: 'A file with the applied migrations of a database (`python manage.py showmigrations --list` output), to predict InconsistentMigrationHistory.',
  },
  {
    key: 'database',
    toml: 'database',
    type: 'string-or-null',
    default: null,
    description: 'A SQLite database whose django_migrations table to read (read-only), when not the one DATABASES["default"] names.',
  },
];

export function defaultConfig(): DjswapConfig {
  const config: Record<string, unknown> = {};
  for (const key of CONFIG_SCHEMA) config[key.key] = structuredClone(key.default);
  return config as unknown as DjswapConfig;
}

export class ConfigError extends Error {}

const SEVERITIES = new Set(['error', 'warning', 'information', 'off']);
const CODE_PATTERN = /^SWP\d{0,3}$/;
const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/**
 * Validates configuration values from any source. `naming` says which key names the source uses,
 * for the messages: a bad key or value is a clear error, never a stack trace.
 */
export function validateConfig(raw: Record<string, unknown>, source: string, naming: 'toml' | 'key'): Partial<DjswapConfig> {
  const out: Partial<DjswapConfig> = {};
  const byName = new Map(CONFIG_SCHEMA.map((k) => [naming === 'toml' ? k.toml : k.key, k]));
  for (const [name, value] of Object.entries(raw)) {
    const key = byName.get(name);
    if (!key) {
      const known = [...byName.keys()].join(', ');
      throw new ConfigError(`${source}: unknown key '${name}' (known keys: ${known})`);
    }
    out[key.key] = checkValue(key, value, `${source}: '${name}'`) as never;
  }
  return out;
}

function checkValue(key: ConfigKey, value: unknown, where: string): unknown {
  switch (key.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new ConfigError(`${where} must be true or false`);
      return value;
    case 'string-or-null':
      if (value !== null && typeof value !== 'string') throw new ConfigError(`${where} must be a string`);
      if (key.key === 'settingsModule' && value && !DOTTED.test(value)) throw new ConfigError(`${where}: '${value}' is not a dotted module name (e.g. config.settings.dev)`);
      return value === '' ? null : value;
    case 'array': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ConfigError(`${where} must be a list of strings`);
      if (key.key === 'select' || key.key === 'ignore') value.forEach((code) => checkCode(code, where));
      return value;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be a table`);
      const entries = Object.entries(value as Record<string, unknown>);
      if (key.key === 'severity') {
        for (const [code, level] of entries) {
          checkCode(code, where);
          // Severities are looked up by full code: a prefix would be silently ignored.
          if (code.length !== 6) throw new ConfigError(`${where}: '${code}' must be a full rule code (e.g. SWP101)`);
          if (typeof level !== 'string' || !SEVERITIES.has(level)) throw new ConfigError(`${where}: ${code} must be one of error, warning, information, off`);
        }
        // Looked up by the rule's code: `swp101` means SWP101.
        return Object.fromEntries(entries.map(([code, level]) => [code.toUpperCase(), level]));
      } else {
        for (const [glob, codes] of entries) {
          if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) throw new ConfigError(`${where}: '${glob}' must map to a list of rule codes`);
          codes.forEach((code) => checkCode(code, where));
        }
      }
      return value;
    }
  }
}

function checkCode(code: string, where: string): void {
  const upper = code.toUpperCase();
  if (!CODE_PATTERN.test(upper)) throw new ConfigError(`${where}: '${code}' is not a rule code or prefix (SWP101, SWP1, SWP)`);
  if (upper.length === 6 && !RULES.some((r) => r.code === upper)) throw new ConfigError(`${where}: there is no rule ${upper} (see \`djswap rules\`)`);
}

/** A pyproject.toml document; ConfigError when it is not valid TOML. */
export function readPyproject(text: string, source: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0].replace(/^Invalid TOML document: /, '') : String(error);
    const { line, column } = error as { line?: number; column?: number };
    const at = typeof line === 'number' && typeof column === 'number' ? `:${line}:${column}` : '';
    throw new ConfigError(`${source}${at}: invalid TOML: ${message}`);
  }
}

/** `[tool.djswap]` from a pyproject.toml text; undefined when there is no such table. */
export function readPyprojectConfig(text: string, source: string): Partial<DjswapConfig> | undefined {
  return djswapTable(readPyproject(text, source), source);
}

/** `[tool.djswap]` of a parsed pyproject.toml, validated; undefined when there is no such table. */
export function djswapTable(document: Record<string, unknown>, source: string): Partial<DjswapConfig> | undefined {
  const tool = document.tool as Record<string, unknown> | undefined;
  const table = tool?.djswap;
  if (table === undefined) return undefined;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw new ConfigError(`${source}: [tool.djswap] must be a table`);
  return validateConfig(table as Record<string, unknown>, `${source} [tool.djswap]`, 'toml');
}

/** Later layers win key by key. */
export function mergeConfig(...layers: Partial<DjswapConfig>[]): DjswapConfig {
  const out = defaultConfig();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

/** Whether a rule is reported under select/ignore (codes and prefixes; the longest match wins, as in ruff). */
export function ruleEnabled(config: Pick<DjswapConfig, 'select' | 'ignore'>, code: string): boolean {
  const match = (list: string[]) => Math.max(-1, ...list.filter((p) => code.startsWith(p.toUpperCase())).map((p) => p.length));
  const selected = match(config.select);
  const ignored = match(config.ignore);
  return selected >= 0 && selected > ignored;
}
