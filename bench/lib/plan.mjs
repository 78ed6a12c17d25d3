// The plan of a generated Django monorepo: apps, models, fields and every app's migration history,
// as plain data. Rendering to files is done elsewhere (render-*.mjs); the plan decides everything.
//
// Histories are simulated on one global timeline so that they look like what `makemigrations`
// writes: an app's first migration comes after the first migrations of the apps it points at, a
// cross-app relation depends on the target app's newest migration at that time, relations to the
// user model or django-oauth-toolkit's models get `swappable_dependency(settings.X)`, and the
// writer's style follows the Django version of the day (single quotes before 4.1, black after).

import { APP_NOUNS, DOMAINS, FIELD_WORDS, MODEL_NOUNS, camel, singular, snake } from './names.mjs';
import { Random } from './random.mjs';
import { earlierVariant, relationField, scalarField } from './fields.mjs';
import { raw, str } from './pyexpr.mjs';

export const GENERATOR_VERSION = 1;

/** Sizes: `apps` drives everything; the rest scales with it. `bigModelsLines` is the edited file of the LSP benchmark. */
export const SIZES = {
  tiny: { apps: 10, bigModelsLines: 400, libPackages: 2 },
  S: { apps: 50, bigModelsLines: 3000, libPackages: 2 },
  M: { apps: 300, bigModelsLines: 3000, libPackages: 10 },
  L: { apps: 410, bigModelsLines: 3000, libPackages: 15 },
  // Not run by default: twice L, to check that costs stay linear beyond it.
  XL: { apps: 820, bigModelsLines: 3000, libPackages: 30 },
};

const START = Date.UTC(2021, 5, 7, 9, 12);
const END = Date.UTC(2025, 2, 27, 17, 40);
const DAY = 24 * 3600 * 1000;

export const USER_APP_DEPENDENCY = ['auth', '0012_alter_user_first_name_max_length'];

/** The Django release that wrote a migration at a time, and how it formats. */
export function djangoAt(time) {
  if (time < Date.UTC(2020, 0, 10)) return { version: '2.2.9', black: false, lowerTo: false, fragments: 'old' };
  if (time < Date.UTC(2020, 7, 5)) return { version: '3.0.8', black: false, lowerTo: false, fragments: 'old' };
  if (time < Date.UTC(2021, 3, 8)) return { version: '3.1.7', black: false, lowerTo: false, fragments: 'old' };
  if (time < Date.UTC(2022, 7, 3)) return { version: '3.2.' + (4 + Math.floor((time - Date.UTC(2021, 3, 8)) / (40 * DAY))), black: false, lowerTo: false, fragments: '3.2' };
  if (time < Date.UTC(2023, 3, 4)) return { version: '4.1.' + (1 + Math.floor((time - Date.UTC(2022, 7, 3)) / (45 * DAY))), black: true, lowerTo: true, fragments: '4' };
  if (time < Date.UTC(2024, 8, 2)) return { version: '4.2.' + Math.min(16, 1 + Math.floor((time - Date.UTC(2023, 3, 4)) / (40 * DAY))), black: true, lowerTo: true, fragments: '4' };
  return { version: '5.1.' + Math.min(7, 1 + Math.floor((time - Date.UTC(2024, 8, 2)) / (30 * DAY))), black: true, lowerTo: true, fragments: '4' };
}

export function formatTime(time) {
  const d = new Date(time);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export function timestamp(time) {
  const d = new Date(time);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

const RENAMES = { description: 'desc', quantity: 'qty', reference: 'ref', position: 'pos', external_id: 'ext_id', summary: 'abstract', notes: 'remarks', amount: 'value', website: 'homepage', phone: 'telephone' };
const USER_FIELD_NAMES = ['owner', 'created_by', 'assignee', 'author', 'reviewer', 'approved_by', 'requested_by', 'user', 'updated_by', 'manager'];

export function buildPlan(sizeName, seed = 1) {
  const size = SIZES[sizeName];
  if (!size) throw new Error(`unknown size ${sizeName} (one of ${Object.keys(SIZES).join(', ')})`);
  const rng = new Random(`djswap-bench/${sizeName}/${seed}`);
  const project = { sizeName, seed, size, apps: [], mistakes: [], libs: [], bigModels: undefined };
  INDEX_NAMES = new Set();
  makeApps(rng.fork('apps'), project);
  for (const app of project.apps) makeModels(rng.fork(`models/${app.label}`), app, project);
  plantMistakes(rng.fork('mistakes'), project);
  avoidReverseClashes(rng.fork('clashes'), project);
  for (const app of project.apps) planHistory(rng.fork(`history/${app.label}`), app, project);
  pickHardAuthMigration(rng.fork('hard-auth'), project);
  for (const app of project.apps) finishHistory(rng.fork(`finish/${app.label}`), app, project);
  ensureSquash(rng.fork('squash'), project);
  return project;
}

// ---- apps ----------------------------------------------------------------------------------------

function makeApps(rng, project) {
  const count = project.size.apps;
  const used = new Set(['accounts', 'core', 'oauth', 'records', 'auth', 'admin', 'contenttypes', 'sessions', 'messages', 'staticfiles', 'oauth2_provider', 'sites']);
  const apps = project.apps;
  const span = END - START;
  const t0 = (i) => START + Math.floor((span * 0.82 * i) / Math.max(1, count)) + 60_000 * i;
  apps.push(app({ index: 0, kind: 'user', domain: null, name: 'accounts', quote: 'double', layout: 'module', t0: t0(0) }));
  apps.push(app({ index: 1, kind: 'core', domain: null, name: 'core', quote: 'double', layout: 'package', t0: t0(1) }));
  apps.push(app({ index: 2, kind: 'oauth', domain: 'integrations', name: 'oauth', quote: 'single', layout: 'module', t0: t0(2) }));
  apps.push(app({ index: 3, kind: 'legacy', domain: 'legacy', name: 'records', quote: 'single', layout: 'module', t0: t0(3) }));
  const nouns = rng.shuffle(APP_NOUNS);
  const suffixes = ['v2', 'ops', 'hub', 'sync', 'public', 'internal', 'bulk', 'admin', 'legacy', 'mobile', 'partner', 'archive'];
  let n = 0;
  for (let i = 4; i < count; i++) {
    let name;
    do {
      const noun = nouns[n % nouns.length];
      const round = Math.floor(n / nouns.length);
      name = round === 0 ? noun : `${noun}_${suffixes[(round - 1) % suffixes.length]}${round > suffixes.length ? round : ''}`;
      n++;
    } while (used.has(name));
    used.add(name);
    const quote = t0(i) < Date.UTC(2021, 0, 1) && rng.chance(0.6) ? 'single' : 'double';
    apps.push(app({ index: i, kind: 'regular', domain: rng.pick(DOMAINS), name, quote, layout: rng.chance(0.08) ? 'package' : 'module', t0: t0(i) }));
  }
  for (const a of apps) {
    a.customLabel = a.kind === 'regular' && rng.chance(0.08);
    if (a.customLabel) a.label = `${a.domain}_${a.name}`;
    a.entryStyle = a.kind === 'regular' && rng.chance(0.25) ? 'config' : 'module';
    a.configClass = `${camel(a.name)}Config`;
    a.entry = a.entryStyle === 'config' ? `${a.module}.apps.${a.configClass}` : a.module;
  }
}

function app({ index, kind, domain, name, quote, layout, t0 }) {
  const module = domain ? `apps.${domain}.${name}` : `apps.${name}`;
  return { index, kind, domain, name, label: name, module, dir: module.split('.').join('/'), quote, layout, t0, models: [], migrations: [], files: [] };
}

// ---- models --------------------------------------------------------------------------------------

function makeModels(rng, app, project) {
  switch (app.kind) {
    case 'user':
      return userModels(rng, app, project);
    case 'core':
      return coreModels(rng, app);
    case 'oauth':
      return oauthModels(rng, app);
    case 'legacy':
      return legacyModels(rng, app, project);
    default:
      return regularModels(rng, app, project);
  }
}

function newModel(app, name, base, extra = {}) {
  const model = { app, name, lower: name.toLowerCase(), base, fields: [], meta: {}, methods: [], module: undefined, ...extra };
  app.models.push(model);
  return model;
}

function addScalar(rng, model, word, extra = {}) {
  let name = word;
  let i = 2;
  while (model.fields.some((f) => f.name === name || f.oldName === name)) name = `${word}_${i++}`;
  const def = scalarField(rng, word);
  if (def.choices && name !== word) renameChoices(def, camel(name));
  const entry = { name, def, kind: 'scalar', ...extra };
  model.fields.push(entry);
  return entry;
}

function renameChoices(def, className) {
  const old = def.choices.className;
  def.choices = { ...def.choices, className };
  for (const e of def.kw) if (e.human && e.human.t === 'raw' && e.human.s.startsWith(`${old}.`)) e.human = raw(className + e.human.s.slice(old.length));
}

const PYTHON_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

function uniqueFieldName(model, base) {
  if (PYTHON_KEYWORDS.has(base)) base = `${base}_item`;
  let name = base;
  let i = 2;
  while (model.fields.some((f) => f.name === name || f.oldName === name)) name = `${base}_${i++}`;
  return name;
}

/** Index names are global in a database (models.E030); reset for each project. */
let INDEX_NAMES = new Set();

function modelMeta(rng, model) {
  const meta = {};
  const ordered = model.fields.find((f) => /_at$|^position$|^rank$|^name$|^title$/.test(f.name));
  if (ordered && rng.chance(0.6)) meta.ordering = [ordered.name.endsWith('_at') ? `-${ordered.name}` : ordered.name];
  if (rng.chance(0.35)) meta.verboseName = snake(model.name).replace(/_/g, ' ');
  const indexable = model.fields.filter((f) => f.kind === 'scalar' && !f.removed && /status|kind|code|reference|_at$|external_id/.test(f.name));
  if (indexable.length > 0 && rng.chance(0.3)) {
    const fields = rng.sample(indexable, rng.int(1, Math.min(2, indexable.length))).map((f) => f.name);
    let name = `${model.app.label.slice(0, 8)}_${model.lower.slice(0, 8)}_${fields[0].slice(0, 6)}_idx`.slice(0, 30);
    for (let i = 2; INDEX_NAMES.has(name); i++) name = `${name.slice(0, 26)}_${i}`;
    INDEX_NAMES.add(name);
    meta.indexes = [{ fields, name }];
  }
  if (rng.chance(0.06)) meta.dbTable = `${model.app.label}_${snake(model.name)}_tbl`;
  return meta;
}

function userModels(rng, app) {
  const user = newModel(app, 'User', 'AbstractUser', { special: 'user' });
  for (const w of ['phone', 'timezone', 'language', 'is_verified']) addScalar(rng, user, w);
  user.fields.push({ name: 'avatar', def: scalarField(rng, 'image'), kind: 'scalar' });
  user.meta = { verboseName: 'user' };
  const team = newModel(app, 'Team', 'TimeStampedModel');
  addScalar(rng, team, 'name');
  addScalar(rng, team, 'slug');
  team.fields.push(relationEntry(rng, team, { type: 'user' }, { cls: 'ManyToManyField', name: 'members', form: 'setting' }));
  const membership = newModel(app, 'Invitation', 'TimeStampedModel');
  addScalar(rng, membership, 'email');
  addScalar(rng, membership, 'token');
  addScalar(rng, membership, 'expires_at');
  membership.fields.push(relationEntry(rng, membership, { type: 'model', model: team }, { name: 'team', form: 'classLocal' }));
  membership.fields.push(relationEntry(rng, membership, { type: 'user' }, { name: 'invited_by', form: 'setting', nullable: true }));
  app.historyLength = 6;
}

function coreModels(rng, app) {
  newModel(app, 'TimeStampedModel', 'Model', { abstract: true, module: 'base' });
  newModel(app, 'UUIDModel', 'Model', { abstract: true, module: 'base' });
  const country = newModel(app, 'Country', 'Model', { module: 'reference' });
  addScalar(rng, country, 'code');
  addScalar(rng, country, 'name');
  country.meta = { ordering: ['name'], verboseName: 'country' };
  const currency = newModel(app, 'Currency', 'Model', { module: 'reference' });
  addScalar(rng, currency, 'code');
  addScalar(rng, currency, 'name');
  const tag = newModel(app, 'Tag', 'TimeStampedModel', { module: 'tags' });
  addScalar(rng, tag, 'name');
  addScalar(rng, tag, 'slug');
  addScalar(rng, tag, 'color');
  app.historyLength = 4;
}

function oauthModels(rng, app) {
  const application = newModel(app, 'Application', 'AbstractApplication', { special: 'application' });
  application.fields.push({ name: 'logo_url', def: scalarField(rng, 'website'), kind: 'scalar' });
  app.historyLength = 2;
}

function legacyModels(rng, app, project) {
  // One old, very large models module: the file the LSP benchmark edits.
  app.big = true;
  app.historyLength = 5;
  app.targetLines = project.size.bigModelsLines;
  const nouns = [...MODEL_NOUNS];
  let i = 0;
  // Roughly 22 lines per model; the renderer reports the exact count and the generator checks it.
  const count = Math.max(8, Math.ceil(app.targetLines / 26.6));
  for (; i < count; i++) {
    const name = `${nouns[i % nouns.length]}${i >= nouns.length ? `V${Math.floor(i / nouns.length) + 1}` : ''}Record`;
    const model = newModel(app, name, 'Model');
    const words = rng.sample(FIELD_WORDS, rng.int(6, 11));
    for (const w of words) addScalar(rng, model, w);
    if (i > 0 && rng.chance(0.55)) model.fields.push(relationEntry(rng, model, { type: 'model', model: app.models[rng.int(Math.max(0, i - 12), i - 1)] }, {}));
    if (rng.chance(0.35)) model.fields.push(relationEntry(rng, model, { type: 'user' }, { name: uniqueFieldName(model, rng.pick(USER_FIELD_NAMES)), nullable: true, related: '+' }));
    model.meta = modelMeta(rng, model);
    model.meta.dbTable = `legacy_${snake(model.name)}`;
    model.str = model.fields.find((f) => f.kind === 'scalar' && /name|title|code|reference|label/.test(f.name))?.name;
  }
  project.bigModels = app;
}

function regularModels(rng, app, project) {
  const count = rng.weighted([
    [10, 1],
    [18, 2],
    [20, 3],
    [16, 4],
    [12, 5],
    [13, rng.int(6, 8)],
    [7, rng.int(9, 14)],
  ]);
  const base = camel(singular(app.name.split('_')[0]));
  const names = new Set();
  const candidates = [base, ...rng.shuffle(MODEL_NOUNS).map((n) => (rng.chance(0.7) ? `${base}${n}` : n))];
  for (const c of candidates) {
    if (names.size >= count) break;
    if (!names.has(c) && c !== 'User' && c !== 'Group' && c !== 'Permission') names.add(c);
  }
  const modules = app.layout === 'package' ? rng.sample(['core', 'records', 'settings', 'history', 'links', 'billing', 'workflow'], rng.int(2, Math.min(4, Math.max(2, count)))) : [undefined];
  if (app.layout === 'package' && rng.chance(0.5)) {
    const local = newModel(app, `${base}Base`, 'TimeStampedModel', { abstract: true, module: 'base' });
    addScalar(rng, local, 'is_archived');
  }
  const localBase = app.models.find((m) => m.abstract);
  let k = 0;
  for (const name of names) {
    const baseClass = localBase && rng.chance(0.5) ? 'LocalBase' : rng.chance(0.45) ? 'TimeStampedModel' : 'Model';
    const model = newModel(app, name, baseClass, { module: modules[Math.min(modules.length - 1, Math.floor((k * modules.length) / names.size))] });
    k++;
    const inherited = baseClass === 'LocalBase' ? new Set(localBase.fields.map((f) => f.name)) : new Set();
    const words = rng.sample(FIELD_WORDS, rng.int(3, 11)).filter((w) => !inherited.has(w));
    for (const w of words) addScalar(rng, model, w);
    const relations = rng.weighted([
      [25, 0],
      [40, 1],
      [25, 2],
      [10, 3],
    ]);
    for (let r = 0; r < relations; r++) {
      const target = pickTarget(rng, app, model, project);
      if (target) model.fields.push(relationEntry(rng, model, target, {}));
    }
    model.meta = modelMeta(rng, model);
    model.str = model.fields.find((f) => f.kind === 'scalar' && /name|title|code|reference|label/.test(f.name))?.name;
    model.queryset = rng.chance(0.25);
  }
  // How long the history is: most apps have a few migrations, some have very long ones.
  app.historyLength = rng.weighted([
    [37, 1],
    [24, 2],
    [13, 3],
    [9, 4],
    [10, rng.int(5, 8)],
    [5, rng.int(9, 16)],
    [2, rng.int(17, 45)],
  ]);
}

/** What a new relation of `model` points at: the user, a model of this app, or a model of an older app. */
function pickTarget(rng, app, model, project) {
  const own = app.models.filter((m) => !m.abstract && m !== model);
  const older = project.apps.filter((a) => a.index < app.index && (a.kind === 'regular' || a.kind === 'core' || a.kind === 'legacy'));
  const choice = rng.weighted([
    [30, 'user'],
    [own.length > 0 ? 25 : 0, 'own'],
    [3, 'self'],
    [older.length > 0 ? 40 : 0, 'other'],
    [1.5, 'application'],
  ]);
  if (choice === 'user') return { type: 'user' };
  if (choice === 'application') return { type: 'application' };
  if (choice === 'self') return { type: 'model', model };
  if (choice === 'own') return { type: 'model', model: rng.pick(own) };
  const targetApp = rng.chance(0.2) ? project.apps[1] : rng.chance(0.1) ? project.apps[3] : rng.pick(older);
  // Only models created in their app's first migration: those exist before any later app starts.
  const candidates = targetApp.models.filter((m) => !m.abstract && m.initialCandidate !== false);
  if (candidates.length === 0) return { type: 'user' };
  const target = rng.pick(candidates.slice(0, Math.max(1, Math.ceil(candidates.length / 2))));
  target.initialCandidate = true;
  return { type: 'model', model: target };
}

/**
 * A relation field entry: `form` says how models.py spells the target
 * (setting, label, lower, class, alias, string, self, keyword variants).
 */
function relationEntry(rng, model, target, { cls, name, form, nullable, related } = {}) {
  cls ??= rng.weighted([
    [80, 'ForeignKey'],
    [14, 'ManyToManyField'],
    [6, 'OneToOneField'],
  ]);
  if (target.type === 'model' && target.model === model && cls !== 'ForeignKey') cls = 'ForeignKey';
  const app = model.app;
  let fieldName;
  if (name) fieldName = name;
  else if (target.type === 'user') fieldName = uniqueFieldName(model, cls === 'ManyToManyField' ? rng.pick(['watchers', 'members', 'subscribers', 'reviewers']) : rng.pick(USER_FIELD_NAMES));
  else if (target.type === 'application') fieldName = uniqueFieldName(model, 'application');
  else if (target.model === model) fieldName = uniqueFieldName(model, rng.pick(['parent', 'previous', 'replaced_by', 'source']));
  else fieldName = uniqueFieldName(model, snake(target.model.name) + (cls === 'ManyToManyField' ? 's' : ''));
  nullable ??= cls !== 'ManyToManyField' && rng.chance(0.3);
  const relatedName =
    related ??
    (target.type === 'user' || target.type === 'application'
      ? rng.chance(0.3)
        ? '+'
        : `${app.label}_${snake(model.name)}_${fieldName}`.slice(0, 60)
      : rng.chance(0.5)
        ? `${snake(model.name)}_${fieldName}`.slice(0, 50) + (cls === 'ManyToManyField' ? '_set' : 's')
        : undefined);
  if (!form) {
    if (target.type === 'user' || target.type === 'application') form = rng.chance(0.85) ? 'setting' : 'settingKw';
    else if (target.model === model) form = 'self';
    else if (target.model.app === app) form = rng.chance(0.5) && !target.model.abstract ? 'classLocal' : 'string';
    else form = rng.weighted([
      [45, 'label'],
      [6, 'lower'],
      [37, 'class'],
      [12, 'alias'],
    ]);
  }
  if (form === 'class') {
    // An imported class must not shadow a model of this module or another import of the same name.
    app.importedClasses ??= new Map();
    const key = `${model.module ?? ''}:${target.model.name}`;
    const from = `${target.model.app.module}.models`;
    const taken = app.importedClasses.get(key);
    if ((taken && taken !== from) || app.models.some((m) => m.name === target.model.name)) form = 'label';
    else app.importedClasses.set(key, from);
  }
  const byKeyword = form === 'settingKw' || (form !== 'setting' && rng.chance(0.12));
  const entry = { name: fieldName, kind: 'relation', cls, target, form, byKeyword, nullable, relatedName };
  entry.def = relationDef(rng, entry, model);
  return entry;
}

/** Builds (or rebuilds, after a mistake is planted) the field definition of a relation entry. */
export function relationDef(rng, entry, model) {
  const { target, form } = entry;
  let human;
  entry.imports = [];
  switch (form) {
    case 'setting':
    case 'settingKw':
      human = raw(`settings.${target.type === 'user' ? 'AUTH_USER_MODEL' : 'OAUTH2_PROVIDER_APPLICATION_MODEL'}`);
      entry.imports.push(['django.conf', 'settings']);
      break;
    case 'self':
      human = str('self');
      break;
    case 'string':
      human = str(target.model.name);
      break;
    case 'classLocal':
      human = raw(target.model.name);
      break;
    case 'label':
      human = str(`${target.model.app.label}.${target.model.name}`);
      break;
    case 'lower':
      human = str(`${target.model.app.label}.${target.model.lower}`);
      break;
    case 'class':
      human = raw(target.model.name);
      entry.imports.push([`${target.model.app.module}.models`, target.model.name]);
      break;
    case 'alias': {
      const alias = `${target.model.app.name}_models`;
      human = raw(`${alias}.${target.model.name}`);
      entry.imports.push([target.model.app.module, 'models', alias]);
      break;
    }
    // Planted mistakes.
    case 'auth-label':
      human = str(entry.mistakeText ?? 'auth.User');
      break;
    case 'auth-class':
      human = raw('User');
      entry.imports.push(['django.contrib.auth.models', 'User']);
      break;
    case 'dot-label':
      human = str(entry.mistakeText ?? 'oauth2_provider.Application');
      break;
    case 'get-user-model':
      human = raw('User');
      break;
    default:
      throw new Error(`unknown relation form ${form}`);
  }
  return relationField(rng, entry.cls, human, { t: 'target', target }, { byKeyword: entry.byKeyword, relatedName: entry.relatedName, nullable: entry.nullable });
}

/**
 * What Django's checks would make a developer fix (fields.E302-E305): a second relation to the same
 * model, or a reverse name that is a field of the target, gets a related_name.
 */
function avoidReverseClashes(rng, project) {
  // Reverse names taken on each target (the user and the application are targets too).
  const taken = new Map();
  const takenOn = (key) => {
    if (!taken.has(key)) taken.set(key, new Set());
    return taken.get(key);
  };
  for (const app of project.apps) {
    for (const model of app.models) {
      if (model.abstract) continue;
      for (const f of model.fields) {
        if (f.kind !== 'relation' || f.relatedName === '+') continue;
        const target = f.target.type === 'model' ? f.target.model : undefined;
        const names = takenOn(target ?? f.target.type);
        const reverse = f.relatedName ?? model.lower;
        const clash = names.has(reverse) || names.has(`${reverse}_set`) || (target && target.fields.some((o) => o.name === reverse || o.name === `${reverse}_set`));
        if (clash) {
          f.relatedName = `${app.label}_${snake(model.name)}_${f.name}`.slice(0, 60) + (f.cls === 'ManyToManyField' ? '_set' : 's');
          f.def = relationDef(rng, f, model);
        }
        names.add(f.relatedName ?? model.lower);
        if (!f.relatedName) names.add(`${model.lower}_set`);
      }
    }
  }
}

// ---- planted mistakes ------------------------------------------------------------------------------

/**
 * A few swappable mistakes, as real projects carry them. Models keep what makemigrations wrote
 * (`to=settings.X`); only the models code is wrong, except where a migration is said to be.
 */
function plantMistakes(rng, project) {
  const apps = project.apps.filter((a) => a.kind === 'regular');
  const userFields = [];
  for (const a of apps) for (const m of a.models) for (const f of m.fields) if (f.kind === 'relation' && f.target.type === 'user' && !f.mistake) userFields.push({ model: m, field: f });
  const n = Math.max(4, Math.round(project.size.apps / 30));
  const chosen = rng.sample(userFields, n);
  const kinds = ['auth-label', 'auth-class', 'auth-lower', 'auth-label-kw'];
  chosen.forEach(({ model, field }, i) => {
    const kind = kinds[i % kinds.length];
    if (kind === 'auth-class') field.form = 'auth-class';
    else {
      field.form = 'auth-label';
      field.mistakeText = kind === 'auth-lower' ? 'auth.user' : 'auth.User';
      field.byKeyword = kind === 'auth-label-kw';
    }
    field.mistake = true;
    field.def = relationDef(rng, field, model);
    project.mistakes.push({ rule: 'SWP101', severity: 'error', kind: 'hard-ref-swapped-model', app: model.app.label, model: model.name, field: field.name, written: kind === 'auth-class' ? 'User' : field.mistakeText });
  });
  // The edited big models file carries one too: the LSP benchmark needs a diagnostic there that stays.
  const big = project.bigModels;
  const first = big.models[0];
  const planted = relationEntry(rng, first, { type: 'user' }, { cls: 'ForeignKey', name: 'legacy_owner', form: 'auth-label', nullable: true, related: '+' });
  planted.mistake = true;
  first.fields.splice(1, 0, planted);
  project.mistakes.push({ rule: 'SWP101', severity: 'error', kind: 'hard-ref-swapped-model', app: big.label, model: first.name, field: 'legacy_owner', written: 'auth.User' });
  // A hard-coded reference to django-oauth-toolkit's Application while it is swapped.
  const host = rng.pick(apps.filter((a) => a.models.length > 0));
  const hostModel = host.models.find((m) => !m.abstract);
  const dot = relationEntry(rng, hostModel, { type: 'application' }, { cls: 'ForeignKey', name: uniqueFieldName(hostModel, 'client_application'), form: 'dot-label', nullable: true });
  dot.mistake = true;
  hostModel.fields.push(dot);
  project.mistakes.push({ rule: 'SWP101', severity: 'error', kind: 'hard-ref-swapped-model', app: host.label, model: hostModel.name, field: dot.name, written: 'oauth2_provider.Application' });
  // `User = get_user_model()` at import time of a models module, used as a relation target.
  const early = rng.pick(apps.filter((a) => a.layout === 'module' && a !== host && a.models.some((m) => !m.abstract) && !a.models.some((m) => m.fields.some((f) => f.mistake))));
  const earlyModel = early.models.find((m) => !m.abstract);
  const gum = relationEntry(rng, earlyModel, { type: 'user' }, { cls: 'ForeignKey', name: uniqueFieldName(earlyModel, 'handled_by'), form: 'get-user-model', nullable: true, related: '+' });
  gum.mistake = true;
  earlyModel.fields.push(gum);
  early.getUserModelAtImport = true;
  project.mistakes.push({ rule: 'SWP103', severity: 'information', kind: 'get-user-model-at-import-time', app: early.label, model: earlyModel.name, field: gum.name });
  // A data migration reading the swapped-out model, and views importing it.
  rng.pick(apps.filter((a) => a.historyLength >= 3)).authGetModel = true;
  for (const a of rng.sample(apps, Math.max(1, Math.round(project.size.apps / 100)))) a.viewsImportUser = true;
}

/** A later migration that adds a relation to the user: it gets a hard-coded `to='auth.User'` and dependency. */
function pickHardAuthMigration(rng, project) {
  const candidates = project.apps.filter(
    (a) => a.kind === 'regular' && !a.getUserModelAtImport && a.migrations.some((m) => !m.initial && m.ops.some((op) => op.op === 'AddField' && op.field.kind === 'relation' && op.field.target.type === 'user' && !op.field.mistake)),
  );
  if (candidates.length > 0) rng.pick(candidates).hardAuthMigration = true;
}

// ---- migration histories ---------------------------------------------------------------------------

function planHistory(rng, app, project) {
  const models = app.models.filter((m) => !m.abstract);
  const h = app.historyLength;
  const times = [app.t0];
  const later = [];
  for (let i = 1; i < h; i++) later.push(app.t0 + DAY + Math.floor(rng.next() * Math.max(DAY, END - app.t0 - DAY)));
  later.sort((a, b) => a - b);
  times.push(...later);
  // Models targeted from other apps must be created in the first migration.
  let initialCount = h === 1 || app.kind !== 'regular' ? models.length : Math.max(1, Math.round(models.length * (0.45 + 0.5 * rng.next())));
  const lastNeeded = models.reduce((n, m, i) => (m.initialCandidate ? i + 1 : n), 0);
  initialCount = Math.max(initialCount, lastNeeded);
  const initial = models.slice(0, initialCount);
  const events = [];
  for (const m of models.slice(initialCount)) events.push({ type: 'create', model: m });
  for (const m of models) {
    const inMeta = new Set([...(m.meta.ordering ?? []).map((o) => o.replace(/^-/, '')), ...(m.meta.indexes ?? []).flatMap((i) => i.fields)]);
    for (const f of m.fields) {
      f.model = m;
      if (h > 1 && !m.special && !inMeta.has(f.name) && rng.chance(0.14)) {
        f.addLater = true;
        events.push({ type: 'add', model: m, field: f });
      }
      if (h > 2 && f.kind === 'scalar' && RENAMES[f.name] && !m.fields.some((o) => o.name === RENAMES[f.name]) && rng.chance(0.3)) {
        f.oldName = RENAMES[f.name];
        events.push({ type: 'rename', model: m, field: f });
      }
    }
    if (h > 2 && !m.special && rng.chance(0.08)) {
      const legacy = { name: uniqueFieldName(m, `legacy_${rng.pick(['code', 'flags', 'notes', 'state', 'ref'])}`), def: scalarField(rng, rng.pick(['code', 'notes', 'is_locked'])), kind: 'scalar', removed: true, model: m };
      m.fields.push(legacy);
      events.push({ type: 'remove', model: m, field: legacy });
    }
    if (h > 1 && (m.meta.ordering || m.meta.verboseName) && rng.chance(0.15)) {
      m.optionsLater = true;
      events.push({ type: 'options', model: m });
    }
    if (h > 1 && m.meta.indexes && rng.chance(0.4)) {
      m.indexLater = true;
      events.push({ type: 'index', model: m });
    }
  }
  const dataMigrations = h > 2 ? Math.floor((h - 1) * 0.1 + rng.next() * 0.8) : 0;
  for (let i = 0; i < dataMigrations; i++) events.push({ type: 'data', model: rng.pick(models) });
  if (app.authGetModel) events.push({ type: 'data', model: rng.pick(models), auth: true });
  // Operation slots of each later migration; alters fill what the other events leave.
  const slots = [];
  for (let i = 1; i < h; i++) slots.push(rng.weighted([
    [60, 1],
    [25, 2],
    [15, rng.int(3, 5)],
  ]));
  const capacity = slots.reduce((a, b) => a + b, 0);
  // A short history has room for few changes: drop optional ones (the field is then created with its model).
  const optional = rng.shuffle(events.filter((e) => e.type !== 'create'));
  while (events.length > capacity && optional.length > 0) {
    const e = optional.pop();
    events.splice(events.indexOf(e), 1);
    if (e.type === 'add') e.field.addLater = false;
    if (e.type === 'rename') e.field.oldName = undefined;
    if (e.type === 'remove') e.model.fields.splice(e.model.fields.indexOf(e.field), 1);
    if (e.type === 'options') e.model.optionsLater = false;
    if (e.type === 'index') e.model.indexLater = false;
  }
  const alterable = [];
  for (const m of models) for (const f of m.fields) if (f.kind === 'scalar' && !f.removed && f.def.alterable && !m.special) alterable.push(f);
  for (let i = events.length; i < capacity && alterable.length > 0; i++) events.push({ type: 'alter', model: undefined, field: rng.pick(alterable) });
  for (const e of events) if (e.type === 'alter') e.model = e.field.model;

  // Simulate, migration by migration.
  const state = { created: new Map(), fieldAt: new Map(), renamedAt: new Map(), altersDone: new Map(), lastAlterAt: new Map() };
  const migrations = [];
  migrations.push({ number: 1, time: times[0], initial: true, ops: initial.map((m) => ({ op: 'CreateModel', model: m })) });
  for (const m of initial) state.created.set(m, 0);
  for (const m of initial) for (const f of m.fields) if (!f.addLater) state.fieldAt.set(f, 0);
  const pending = new Set(events);
  const eligible = (e, index, inThis) => {
    switch (e.type) {
      case 'create': {
        const i = models.indexOf(e.model);
        return i === 0 || state.created.has(models[i - 1]);
      }
      case 'add': {
        if (!(state.created.get(e.model) < index)) return false;
        if (e.field.kind === 'relation' && e.field.target.type === 'model' && e.field.target.model.app === app) {
          const at = state.created.get(e.field.target.model);
          return at !== undefined && (at < index || inThis.has(e.field.target.model));
        }
        return true;
      }
      case 'alter':
      case 'rename':
      case 'remove': {
        const at = state.fieldAt.get(e.field);
        if (!(at < index)) return false;
        if (e.type === 'alter' && (state.lastAlterAt.get(e.field) ?? -1) >= index) return false;
        if (e.type === 'alter' && e.field.oldName && !(state.renamedAt.get(e.field) < index)) return false;
        return true;
      }
      case 'options':
      case 'index':
        return state.created.get(e.model) < index;
      case 'data':
        return true;
    }
    return false;
  };
  let index = 1;
  while (pending.size > 0) {
    const time = index < times.length ? times[index] : times[times.length - 1] + index * DAY + rng.int(0, 600) * 60_000;
    const want = index - 1 < slots.length ? slots[index - 1] : 8;
    const overflow = index >= times.length;
    const mig = { number: index + 1, time, ops: [] };
    const inThis = new Set();
    for (let n = 0; n < want; n++) {
      const candidates = [...pending].filter((e) => e.type !== 'data' && eligible(e, index, inThis) && !(overflow && e.type === 'alter'));
      const data = [...pending].find((e) => e.type === 'data');
      if (data && mig.ops.length === 0 && (candidates.length === 0 || rng.chance(0.18))) {
        pending.delete(data);
        mig.data = data;
        break;
      }
      if (candidates.length === 0) break;
      const structural = candidates.filter((e) => e.type !== 'alter');
      const e = structural.length > 0 && rng.chance(0.7) ? structural[0] : rng.pick(candidates);
      pending.delete(e);
      applyEvent(e, index, state, mig, inThis);
    }
    if (overflow) for (const e of [...pending]) if (e.type === 'alter') pending.delete(e);
    if (mig.ops.length > 0 || mig.data) migrations.push(mig);
    else if (pending.size > 0 && [...pending].every((e) => e.type === 'alter')) {
      // Nothing else can happen yet: the remaining alters are dropped.
      for (const e of [...pending]) pending.delete(e);
    }
    index++;
    if (index > 400) throw new Error(`history of ${app.label} does not converge`);
  }
  // Field versions: each alter that happened moves the field one step closer to its final definition.
  for (const m of models) {
    for (const f of m.fields) {
      const alters = state.altersDone.get(f) ?? 0;
      f.versions = [];
      for (let step = alters; step >= 1; step--) f.versions.push(earlierVariant(rng, f.def, step));
      f.versions.push(f.def);
    }
  }
  app.migrations = migrations;
  app.initialModels = initial;
}

function applyEvent(e, index, state, mig, inThis) {
  switch (e.type) {
    case 'create':
      state.created.set(e.model, index);
      inThis.add(e.model);
      for (const f of e.model.fields) if (!f.addLater) state.fieldAt.set(f, index);
      mig.ops.push({ op: 'CreateModel', model: e.model });
      return;
    case 'add':
      state.fieldAt.set(e.field, index);
      mig.ops.push({ op: 'AddField', model: e.model, field: e.field });
      return;
    case 'alter': {
      const step = (state.altersDone.get(e.field) ?? 0) + 1;
      state.altersDone.set(e.field, step);
      state.lastAlterAt.set(e.field, index);
      mig.ops.push({ op: 'AlterField', model: e.model, field: e.field, step });
      return;
    }
    case 'rename':
      state.renamedAt.set(e.field, index);
      e.field.renamedIn = mig;
      mig.ops.push({ op: 'RenameField', model: e.model, field: e.field });
      return;
    case 'remove':
      mig.ops.push({ op: 'RemoveField', model: e.model, field: e.field });
      return;
    case 'options':
      mig.ops.push({ op: 'AlterModelOptions', model: e.model });
      return;
    case 'index':
      mig.ops.push({ op: 'AddIndex', model: e.model });
      return;
  }
}

/** Names, dependencies, styles and squashes, once every app's history is known. */
function finishHistory(rng, app, project) {
  const migrations = app.migrations;
  for (const mig of migrations) {
    mig.django = djangoAt(mig.time);
    mig.app = app;
  }
  // Special first migrations keep the style of the sample projects they mirror.
  for (const mig of migrations) mig.name = `${String(mig.number).padStart(4, '0')}_${migrationName(rng, mig)}`;
  // Alter steps count per field, to pick the definition each operation writes.
  for (const mig of migrations) {
    mig.dependencies = [];
    mig.swappable = new Set();
    const prev = migrations[migrations.indexOf(mig) - 1];
    if (prev) mig.dependencies.push([app.label, prev.name]);
    if (mig.initial && app.kind === 'user') mig.dependencies.push([...USER_APP_DEPENDENCY]);
    const relations = [];
    for (const op of mig.ops) {
      if (op.op === 'CreateModel') for (const f of op.model.fields) if (f.kind === 'relation' && !f.addLater) relations.push(f);
      if (op.op === 'AddField' && op.field.kind === 'relation') relations.push(op.field);
    }
    for (const f of relations) {
      const t = f.target;
      if (t.type === 'user') {
        if (app.kind === 'user' && mig.initial) continue;
        if (app.hardAuthMigration && !app.hardAuthDone && !mig.initial && !f.mistake && mig.ops.some((op) => op.op === 'AddField' && op.field === f)) {
          app.hardAuthDone = true;
          f.hardAuthIn = mig;
          mig.dependencies.push([...USER_APP_DEPENDENCY]);
          project.mistakes.push({ rule: 'SWP203', severity: 'error', kind: 'hardcoded-dependency-on-swappable', app: app.label, migration: mig.name, model: f.model.name, field: f.name });
          continue;
        }
        mig.swappable.add('AUTH_USER_MODEL');
      } else if (t.type === 'application') mig.swappable.add('OAUTH2_PROVIDER_APPLICATION_MODEL');
      else if (t.model.app !== app) {
        const target = t.model.app;
        const leaf = leafAt(target, mig.time);
        const dep = leaf.number === 1 && rng.chance(0.15) && !target.squash ? '__first__' : leaf.name;
        if (!mig.dependencies.some(([a]) => a === target.label)) mig.dependencies.push([target.label, dep]);
      }
    }
    if (app.kind === 'oauth' && mig.initial) {
      mig.runBefore = [['oauth2_provider', '0001_initial']];
      mig.swappable.add('AUTH_USER_MODEL');
    }
  }
  // Long histories get squashed: sometimes the originals are still there, sometimes deleted.
  if (app.kind === 'regular' && migrations.length >= 10 && rng.chance(0.45)) squashHistory(rng, app);
}

function squashHistory(rng, app) {
  const migrations = app.migrations;
  const upto = rng.int(Math.floor(migrations.length / 2), migrations.length - 2);
  const last = migrations[upto - 1];
  const replaced = migrations.slice(0, upto);
  const squashTime = last.time + DAY * rng.int(3, 60);
  const squash = {
    number: 1,
    name: `0001_squashed_${last.name}`,
    time: squashTime,
    django: djangoAt(squashTime),
    app,
    initial: true,
    squash: true,
    replaces: replaced.map((m) => [app.label, m.name]),
    upto,
    ops: [],
    dependencies: [],
    swappable: new Set(),
  };
  for (const m of replaced) {
    for (const d of m.dependencies) if (d[0] !== app.label && !squash.dependencies.some((x) => x[0] === d[0] && x[1] === d[1])) squash.dependencies.push(d);
    for (const s of m.swappable) squash.swappable.add(s);
  }
  app.squash = { migration: squash, removeOriginals: rng.chance(0.4), replaced: new Set(replaced.map((m) => m.name)) };
}

/** Every project has at least one squashed history, whatever its size. */
function ensureSquash(rng, project) {
  if (project.apps.some((a) => a.squash)) return;
  const candidates = project.apps.filter((a) => a.kind === 'regular' && a.migrations.length >= 4).sort((a, b) => b.migrations.length - a.migrations.length);
  if (candidates.length > 0) squashHistory(rng, candidates[0]);
}

/** The newest migration of an app at a time (what makemigrations depends on for a relation into it). */
function leafAt(app, time) {
  let leaf = app.migrations[0];
  for (const m of app.migrations) if (m.time < time) leaf = m;
  return leaf;
}

/** A dependency as written in the files: names of deleted squashed originals point at the squash. */
export function writtenDependency(project, [label, name]) {
  const app = project.apps.find((a) => a.label === label);
  if (app?.squash?.removeOriginals && app.squash.replaced.has(name)) return [label, app.squash.migration.name];
  return [label, name];
}

function fragment(op, style) {
  const m = op.model.lower;
  switch (op.op) {
    case 'CreateModel':
      return m;
    case 'AddField':
      return `${m}_${op.field.name}`;
    case 'RemoveField':
      return `remove_${m}_${op.field.name}`;
    case 'AlterField':
      return style === 'old' ? null : `alter_${m}_${op.field.name}`;
    case 'RenameField':
      return style === 'old' ? null : `rename_${op.field.oldName}_${m}_${op.field.name}`;
    case 'AlterModelOptions':
      return style === 'old' ? null : `alter_${m}_options`;
    case 'AddIndex':
      return style === 'old' ? null : `${m}_${op.model.meta.indexes[0].name.toLowerCase()}`;
  }
  return null;
}

function migrationName(rng, mig) {
  if (mig.initial) return 'initial';
  if (mig.data) return `${rng.pick(['backfill', 'populate', 'migrate', 'fix', 'normalize'])}_${mig.data.model.lower}_${rng.pick(['status', 'data', 'defaults', 'slugs', 'owners', 'codes'])}`;
  const fragments = mig.ops.map((op) => fragment(op, mig.django.fragments));
  const stamp = `auto_${timestamp(mig.time)}`;
  if (mig.django.fragments !== '4') {
    if (fragments.length === 1 && fragments[0]) return fragments[0];
    if (mig.ops.every((o) => o.op === 'CreateModel')) return [...fragments].sort().join('_');
    return stamp;
  }
  if (fragments.some((f) => !f)) return stamp;
  let name = fragments[0];
  for (const f of fragments.slice(1)) {
    const next = `${name}_${f}`;
    if (next.length > 52) {
      name = `${name}_and_more`;
      break;
    }
    name = next;
  }
  return name;
}

