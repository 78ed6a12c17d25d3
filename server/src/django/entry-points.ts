import * as path from 'node:path';
import { dottedName, forEachExpr, forEachStatement, statementExprs, type PyExpr, type PyStatement } from '../syntax/python';
import type { Location, ParsedFile } from './source';

/**
 * How a Django project is started, read from the files that start it: manage.py, a test runner's
 * configuration, a script that sets DJANGO_SETTINGS_MODULE or calls settings.configure(). Pure
 * functions over parsed files and plain configuration data; the engine finds and reads the files.
 */

/** A settings module as code names it: `pattern` has `*` where the name is computed at run time. */
export interface ModuleNaming {
  pattern: string;
  /** Values the code itself gives the computed part (`MODE = "development"`), in source order. */
  completions: string[];
  /** The expression as written, for messages. */
  written: string;
}

export interface StartupFacts {
  /** The settings module named through DJANGO_SETTINGS_MODULE. */
  settings?: ModuleNaming;
  /** The django-configurations class (DJANGO_CONFIGURATION), when set as a literal. */
  configuration?: string;
  /** `settings.configure(...)`: the settings are the call's keywords. */
  configureCall?: Location;
  /** Folders added to sys.path, relative to the file's folder. */
  pathEntries: string[];
  /** Absolute modules the file imports, where the naming may happen instead (`from awx import manage`). */
  imports: string[];
}

const VARIABLE = 'DJANGO_SETTINGS_MODULE';

export function isLiteral(naming: ModuleNaming): boolean {
  return !naming.pattern.includes('*');
}

/**
 * `os.environ.setdefault("DJANGO_SETTINGS_MODULE", X)`, `os.environ["DJANGO_SETTINGS_MODULE"] = X`,
 * `sys.path.insert/append(...)` and `settings.configure(...)`, at any depth of a module.
 */
export function readStartupFile(parsed: ParsedFile): StartupFacts {
  const facts: StartupFacts = { pathEntries: [], imports: [] };
  const strings = stringAssignments(parsed.module.statements);
  const paths = pathAssignments(parsed.module.statements, parsed.path);
  const name = (expr: PyExpr) => facts.settings ?? (facts.settings = moduleNaming(expr, parsed.text, strings));
  forEachStatement(parsed.module.statements, (s) => {
    if (s.kind === 'assign') {
      for (const target of s.targets) {
        if (target.k === 'subscript' && target.index.k === 'str' && target.index.value === VARIABLE && /(^|\.)environ$/.test(dottedName(target.object) ?? '')) name(s.value);
      }
    }
    for (const expr of statementExprs(s)) {
      forEachExpr(expr, (e) => {
        if (e.k !== 'call') return;
        const callee = dottedName(e.fn) ?? '';
        if (/(^|\.)environ\.setdefault$|(^|\.)putenv$/.test(callee) && e.args[0]?.k === 'str' && e.args[1]) {
          if (e.args[0].value === VARIABLE) name(e.args[1]);
          else if (e.args[0].value === 'DJANGO_CONFIGURATION' && e.args[1].k === 'str') facts.configuration ??= e.args[1].value;
        }
        if (/(^|\.)environ\.update$/.test(callee)) {
          const keyword = e.keywords.find((k) => k.name === VARIABLE);
          if (keyword) name(keyword.value);
        }
        if (/(^|\.)settings\.configure$/.test(callee) && (e.keywords.length > 0 || e.starred)) facts.configureCall ??= { file: parsed.path, span: e.span };
        if (/(^|\.)sys\.path\.(insert|append)$/.test(callee)) {
          const argument = callee.endsWith('insert') ? e.args[1] : e.args[0];
          const evaluated = argument ? pathValue(argument, parsed.path, paths) : undefined;
          if (evaluated) facts.pathEntries.push(path.relative(path.dirname(parsed.path), evaluated) || '.');
          else {
            const segments = argument ? pathSegments(argument) : [];
            if (segments.length > 0) facts.pathEntries.push(path.join(...segments));
          }
        }
      });
    }
  });
  for (const imp of parsed.module.imports) {
    if (imp.level > 0) continue;
    if (imp.kind === 'from') facts.imports.push(imp.module);
    else for (const n of imp.names) facts.imports.push(n.name);
  }
  return facts;
}

/** Every string literal assigned to a name anywhere in the module, by name: what a computed name can be. */
function stringAssignments(statements: PyStatement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  forEachStatement(statements, (s) => {
    if (s.kind !== 'assign') return;
    const values: string[] = [];
    forEachExpr(s.value, (e) => {
      if (e.k === 'str' && /^[\w.]+$/.test(e.value)) values.push(e.value);
    });
    if (values.length === 0 || values.length > 8) return;
    for (const target of s.targets) {
      if (target.k !== 'name') continue;
      const list = out.get(target.id) ?? [];
      for (const v of values) if (!list.includes(v)) list.push(v);
      out.set(target.id, list);
    }
  });
  return out;
}

/** A module name expression: a literal, `"a.%s" % X`, `"a.{}".format(X)`, `f"a.{X}"`, `"a." + X`. */
export function moduleNaming(expr: PyExpr, text: string, strings: Map<string, string[]> = new Map()): ModuleNaming {
  const written = text.slice(expr.span.start, expr.span.end);
  const completions: string[] = [];
  const computed = (inner: PyExpr | undefined) => {
    if (inner?.k === 'name') for (const v of strings.get(inner.id) ?? []) if (!completions.includes(v)) completions.push(v);
    return '*';
  };
  const pattern = (e: PyExpr): string => {
    switch (e.k) {
      case 'str':
        return e.value;
      case 'name': {
        const values = strings.get(e.id);
        if (values?.length === 1) return values[0];
        return computed(e);
      }
      case 'binop':
        if (e.op === '+') return pattern(e.left) + pattern(e.right);
        if (e.op === '%' && e.left.k === 'str') {
          const args = e.right.k === 'tuple' ? e.right.items : [e.right];
          let i = 0;
          return e.left.value.replace(/%(\([^)]*\))?[sd]/g, () => computed(args[i++]));
        }
        return '*';
      case 'call':
        if (e.fn.k === 'attr' && e.fn.attr === 'format' && e.fn.object.k === 'str') {
          let i = 0;
          return e.fn.object.value.replace(/\{[^}]*\}/g, () => computed(e.args[i++]));
        }
        // os.environ.get("X", "default") and the like: the default is what runs when nothing is set.
        if (/(^|\.)(environ\.get|getenv)$/.test(dottedName(e.fn) ?? '') && e.args[1]) return pattern(e.args[1]);
        return '*';
      case 'unknown': {
        // f-strings are not static values: their literal parts still say where to look.
        const source = text.slice(e.span.start, e.span.end);
        const fString = /^[rR]?[fF][rR]?(['"])(.*)\1$/s.exec(source);
        if (fString) return fString[2].replace(/\{[^}]*\}/g, () => '*');
        return '*';
      }
      default:
        return '*';
    }
  };
  const value = pattern(expr).replace(/\*+/g, '*');
  return { pattern: value, completions, written: written.length > 80 ? `${written.slice(0, 77)}...` : written };
}

/** Names bound to paths at the top level (`BASE_DIR = Path(__file__).resolve().parent`), in order. */
function pathAssignments(statements: PyStatement[], file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of statements) {
    if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
    const value = pathValue(s.value, file, out);
    if (value) out.set(s.targets[0].id, value);
  }
  return out;
}

/**
 * The folder a path expression names, computed from `__file__`: `os.path.dirname(os.path.abspath(__file__))`,
 * `Path(__file__).resolve().parent.parent / "src"`, `os.path.join(BASE_DIR, "apps")`; undefined otherwise.
 */
export function pathValue(expr: PyExpr, file: string, names: Map<string, string> = new Map(), depth = 0): string | undefined {
  if (depth > 32) return undefined;
  const inner = (e: PyExpr) => pathValue(e, file, names, depth + 1);
  switch (expr.k) {
    case 'name':
      return expr.id === '__file__' ? file : names.get(expr.id);
    case 'str':
      return undefined;
    case 'attr': {
      const object = inner(expr.object);
      return object !== undefined && expr.attr === 'parent' ? path.dirname(object) : undefined;
    }
    case 'binop': {
      if (expr.op !== '/') return undefined;
      const left = inner(expr.left);
      const right = expr.right.k === 'str' ? expr.right.value : undefined;
      return left !== undefined && right !== undefined ? path.join(left, right) : undefined;
    }
    case 'call': {
      const callee = dottedName(expr.fn) ?? '';
      if (expr.fn.k === 'attr' && ['resolve', 'absolute', 'expanduser'].includes(expr.fn.attr)) return inner(expr.fn.object);
      const last = callee.split('.').pop();
      if (last === 'Path' || last === 'PurePath' || last === 'str' || /(^|\.)path\.(abspath|realpath|normpath)$/.test(callee)) {
        return expr.args.length === 1 ? inner(expr.args[0]) : undefined;
      }
      if (/(^|\.)path\.dirname$/.test(callee) && expr.args.length === 1) {
        const value = inner(expr.args[0]);
        return value === undefined ? undefined : path.dirname(value);
      }
      if (/(^|\.)path\.join$/.test(callee) && expr.args.length > 0) {
        const head = inner(expr.args[0]);
        const rest = expr.args.slice(1).map((a) => (a.k === 'str' ? a.value : undefined));
        return head === undefined || rest.some((r) => r === undefined) ? undefined : path.join(head, ...(rest as string[]));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The literal folder names in a path expression: `os.path.join(BASE_DIR, "apps")`, `BASE / "src"`. */
function pathSegments(expr: PyExpr): string[] {
  const out: string[] = [];
  forEachExpr(expr, (e) => {
    if (e.k === 'str' && /^[\w.-]+(\/[\w.-]+)*$/.test(e.value) && e.value !== '.' && !e.value.endsWith('.py')) out.push(e.value);
  });
  // A path has a few parts; a literal of thousands of strings is not one (and must not be spread).
  if (out.length > 64) return [];
  return out.reverse().filter((s) => s !== '..');
}

/**
 * Candidate modules for a computed name, best first: the code's own completions, then the others,
 * development settings before production ones (a checkout is run by a developer).
 */
export function rankCandidates(naming: ModuleNaming, found: string[]): string[] {
  const completed = naming.completions.map((c) => naming.pattern.replace('*', c));
  const score = (module: string) => {
    const last = module.split('.').pop() ?? '';
    const own = completed.indexOf(module);
    const developer = /^(dev|development|devel|local|settings|base|common|default|defaults)$/.test(last) ? 0 : /test/.test(last) ? 1 : 2;
    return [own >= 0 ? own : 100, developer];
  };
  return [...found].sort((a, b) => {
    const [ownA, devA] = score(a);
    const [ownB, devB] = score(b);
    if (ownA !== ownB) return ownA - ownB;
    if (devA !== devB) return devA - devB;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** What a test runner's or tox's configuration says about Django. */
export interface RunnerFacts {
  settingsModule?: string;
  /** Folders on sys.path, relative to the configuration file. */
  pythonPath: string[];
  /** Where it was said, for messages: `pytest.ini [pytest] DJANGO_SETTINGS_MODULE`. */
  where: string;
}

type IniSection = Map<string, string>;

/** Environment lines: `D:DJANGO_SETTINGS_MODULE=x` (pytest-env), `DJANGO_SETTINGS_MODULE = x` (tox setenv). */
function fromEnvironmentLines(value: string | undefined, name: string): string | undefined {
  for (const line of (value ?? '').split('\n')) {
    const match = /^(?:[A-Z]:)?\s*([A-Za-z_]\w*)\s*=\s*(.*)$/.exec(line.trim());
    if (match && match[1] === name) return match[2].trim();
  }
  return undefined;
}

const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/**
 * pytest-django's options: `DJANGO_SETTINGS_MODULE` (or pytest-env's `env`) and pytest's `pythonpath`,
 * from pytest.ini `[pytest]`, tox.ini `[pytest]`, setup.cfg `[tool:pytest]` or pyproject.toml
 * `[tool.pytest.ini_options]` (given as the same string map).
 */
export function pytestFacts(section: IniSection | undefined, where: string): RunnerFacts | undefined {
  if (!section) return undefined;
  const direct = section.get('django_settings_module')?.trim();
  const settingsModule = direct && DOTTED.test(direct) ? direct : fromEnvironmentLines(section.get('env'), VARIABLE);
  const pythonPath = (section.get('pythonpath') ?? '').split(/\s+/).filter(Boolean);
  if (!settingsModule && pythonPath.length === 0) return undefined;
  return { settingsModule: settingsModule && DOTTED.test(settingsModule) ? settingsModule : undefined, pythonPath, where };
}

/** tox's `[testenv]` `setenv`: DJANGO_SETTINGS_MODULE and PYTHONPATH (`{toxinidir}` is the file's folder). */
export function toxFacts(section: IniSection | undefined, where: string): RunnerFacts | undefined {
  if (!section) return undefined;
  const setenv = section.get('setenv');
  const settingsModule = fromEnvironmentLines(setenv, VARIABLE);
  const pythonPath = (fromEnvironmentLines(setenv, 'PYTHONPATH') ?? '')
    .split(/[:;]/)
    .map((p) => p.trim().replace(/^\{toxinidir\}\/?/, '') || '.')
    .filter((p) => p && !p.includes('{'));
  const commandSettings = /--settings[= ]([\w.]+)/.exec(section.get('commands') ?? '')?.[1];
  const module = settingsModule ?? commandSettings;
  if (!module || !DOTTED.test(module)) return undefined;
  return { settingsModule: module, pythonPath, where };
}

/** `DJANGO_SETTINGS_MODULE=x` or `export DJANGO_SETTINGS_MODULE="x"` in a shell script or Makefile. */
/** DJANGO_SETTINGS_MODULE in a dotenv file (`KEY=value`), a dev container's JSON or a compose file's YAML. */
export function environmentFileSettings(text: string): string | undefined {
  const match = /(?:^|[\s{,"'-])DJANGO_SETTINGS_MODULE["']?\s*[:=]\s*["']?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)["']?\s*(?:[,}\n#]|$)/m.exec(text);
  return match?.[1];
}

export function shellSettings(text: string): string | undefined {
  const match = /(?:^|[\s;])(?:export\s+)?DJANGO_SETTINGS_MODULE=["']?([A-Za-z_][\w.]*)/m.exec(text);
  return match?.[1];
}
