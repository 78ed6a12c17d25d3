// models modules and migrations, from the plan.

import { plural, snake } from './names.mjs';
import { FALSE, TRUE, black, call, dict, djangoWriter, flat, list, num, raw, str, tuple } from './pyexpr.mjs';
import { ID_FIELD, humanCall, kw, migrationCall, migrationNeeds } from './fields.mjs';
import { formatTime, writtenDependency } from './plan.mjs';

// ---- models ----------------------------------------------------------------------------------------

const BASE_IMPORTS = {
  TimeStampedModel: ['apps.core.models', 'TimeStampedModel'],
  AbstractUser: ['django.contrib.auth.models', 'AbstractUser'],
  AbstractApplication: ['oauth2_provider.models', 'AbstractApplication'],
};

/** models.py, or the files of a models/ package: `{relativePath: text}`. */
export function renderModels(project, app) {
  const q = app.quote === 'single' ? 'single' : 'double';
  if (app.layout === 'module') return { 'models.py': modelsModule(project, app, app.models, q, undefined) };
  const out = {};
  const modules = [...new Set(app.models.map((m) => m.module))];
  modules.sort((a, b) => (a === 'base' ? -1 : b === 'base' ? 1 : 0));
  for (const module of modules) out[`models/${module}.py`] = modelsModule(project, app, app.models.filter((m) => m.module === module), q, module);
  const exported = app.models.filter((m) => m.module !== 'base' || app.kind === 'core');
  const lines = [];
  if (app.kind !== 'core' && hashOf(app.label) % 3 === 0) {
    for (const module of modules) lines.push(`from .${module} import *  # noqa: F401,F403`);
  } else {
    for (const module of modules) {
      const names = exported.filter((m) => m.module === module).map((m) => m.name);
      if (names.length > 0) lines.push(`from .${module} import ${names.join(', ')}`);
    }
    lines.push('', `__all__ = [`, ...exported.map((m) => `    ${q === 'single' ? `'${m.name}'` : `"${m.name}"`},`), ']');
  }
  out['models/__init__.py'] = lines.join('\n') + '\n';
  return out;
}

export function hashOf(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

function modelsModule(project, app, models, q, module) {
  const imports = new Imports();
  imports.add('django.db', 'models');
  const body = [];
  if (app.getUserModelAtImport) {
    imports.add('django.contrib.auth', 'get_user_model');
  }
  const defined = new Set();
  for (const model of models) {
    body.push('', '', ...modelClass(project, app, model, q, imports, module, defined));
    defined.add(model.name);
  }
  const head = imports.render(q, app);
  const prelude = app.getUserModelAtImport ? ['', '', 'User = get_user_model()'] : [];
  return [...head, ...prelude, ...body].join('\n') + '\n';
}

/** Import statements grouped as isort would: standard library, Django and third party, first party, local. */
export class Imports {
  constructor() {
    this.from = new Map();
    this.plain = new Set();
  }
  add(module, name, alias) {
    if (!this.from.has(module)) this.from.set(module, new Set());
    this.from.get(module).add(alias ? `${name} as ${alias}` : name);
  }
  import(module) {
    this.plain.add(module);
  }
  render() {
    const group = (m) => (m.startsWith('.') ? 3 : m.startsWith('apps.') || m.startsWith('libs.') || m.startsWith('config.') ? 2 : /^(django|rest_framework|oauth2_provider|celery|factory|pytest|django_filters)\b/.test(m) ? 1 : 0);
    const entries = [...[...this.plain].map((m) => [group(m), m, `import ${m}`]), ...[...this.from].map(([m, names]) => [group(m), m, `from ${m} import ${[...names].sort(byName).join(', ')}`])];
    entries.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const out = [];
    let last = -1;
    for (const [g, , line] of entries) {
      if (last !== -1 && g !== last) out.push('');
      out.push(wrapImport(line));
      last = g;
    }
    return out;
  }
}

function byName(a, b) {
  const ka = a.toLowerCase();
  const kb = b.toLowerCase();
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function wrapImport(line) {
  if (line.length <= 88 || !line.startsWith('from ')) return line;
  const [head, names] = line.split(' import ');
  return `${head} import (\n${names.split(', ').map((n) => `    ${n},`).join('\n')}\n)`;
}

function fieldLines(name, node, q, indent) {
  if (q === 'double') return black(node, indent, `${name} = `, '', 'double');
  return [`${' '.repeat(indent)}${name} = ${flat(node, 'single')}`];
}

const DOCS = ['Stores', 'Tracks', 'Records', 'Holds', 'Keeps', 'Describes'];

function modelClass(project, app, model, q, imports, module, defined) {
  const lines = [];
  const s = (v) => flat(str(v), q);
  const base = model.base === 'Model' ? 'models.Model' : model.base === 'LocalBase' ? app.models.find((m) => m.abstract && m.module === 'base').name : model.base;
  if (BASE_IMPORTS[model.base] && !(app.kind === 'core' && model.base === 'TimeStampedModel')) imports.add(...BASE_IMPORTS[model.base]);
  if (app.kind === 'core' && model.base === 'TimeStampedModel' && module !== 'base') imports.add('.base', 'TimeStampedModel');
  if (model.base === 'LocalBase' && module !== 'base') imports.add('.base', base);
  if (model.queryset && !model.abstract) {
    lines.push(`class ${model.name}QuerySet(models.QuerySet):`);
    const flag = model.fields.find((f) => f.name.startsWith('is_') && !f.removed);
    const status = model.fields.find((f) => f.def.choices && !f.removed);
    lines.push(`    def ${flag ? flag.name.slice(3) : 'recent'}(self):`);
    lines.push(`        return self.filter(${flag ? `${flag.name}=True` : `pk__gt=0`})`);
    if (status) {
      lines.push('', `    def with_${status.name}(self, value):`, `        return self.filter(${status.name}=value)`);
    }
    lines.push('', '');
  }
  lines.push(`class ${model.name}(${base}):`);
  lines.push(`    ${q === 'single' ? `"""${DOCS[hashOf(model.name) % DOCS.length]} ${snake(model.name).replace(/_/g, ' ')} data."""` : `"""${DOCS[hashOf(model.name) % DOCS.length]} ${snake(model.name).replace(/_/g, ' ')} data for ${app.label.replace(/_/g, ' ')}."""`}`);
  lines.push('');
  const fields = model.fields.filter((f) => !f.removed);
  let usesGettext = false;
  for (const f of fields) {
    if (!f.def.choices) continue;
    lines.push(`    class ${f.def.choices.className}(models.TextChoices):`);
    for (const [value, label] of f.def.choices.labels) lines.push(`        ${value.toUpperCase()} = ${s(value)}, _(${s(label)})`);
    lines.push('');
    usesGettext = true;
  }
  if (model.abstract && app.kind === 'core') {
    if (model.name === 'TimeStampedModel') {
      lines.push(`    created_at = models.DateTimeField(auto_now_add=True, db_index=True)`, `    updated_at = models.DateTimeField(auto_now=True)`);
    } else {
      imports.import('uuid');
      lines.push(`    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)`);
    }
  }
  for (const f of fields) {
    const node = humanCall(f.def);
    if (flat(node, q).includes('_(')) usesGettext = true;
    for (const n of f.def.needs ?? []) {
      if (n === 'timezone') imports.add('django.utils', 'timezone');
      if (n === 'uuid') imports.import('uuid');
    }
    for (const [from, name, alias] of f.imports ?? []) {
      if (app.layout === 'package' && from === `${app.module}.models`) {
        const target = app.models.find((m) => m.name === name);
        if (target && target.module !== module) imports.add(`.${target.module}`, name);
        continue;
      }
      imports.add(from, name, alias);
    }
    if (f.kind === 'relation' && f.form === 'classLocal' && app.layout === 'package') {
      const target = f.target.model;
      if (target.module !== module) imports.add(`.${target.module}`, target.name);
    }
    lines.push(...fieldLines(f.name, node, q, 4));
  }
  if (model.queryset && !model.abstract) lines.push('', `    objects = ${model.name}QuerySet.as_manager()`);
  const meta = [];
  if (model.abstract) meta.push('        abstract = True');
  if (model.meta.ordering) meta.push(`        ordering = ${flat(list(model.meta.ordering.map((o) => str(o))), q)}`);
  if (model.meta.verboseName) {
    meta.push(`        verbose_name = _(${s(model.meta.verboseName)})`, `        verbose_name_plural = _(${s(plural(model.meta.verboseName))})`);
    usesGettext = true;
  }
  if (model.meta.dbTable) meta.push(`        db_table = ${s(model.meta.dbTable)}`);
  if (model.meta.indexes) {
    for (const index of model.meta.indexes) {
      const node = list([call('models.Index', [], [['fields', list(index.fields.map((f) => str(f)))], ['name', str(index.name)]])]);
      meta.push(...(q === 'double' ? black(node, 8, 'indexes = ', '', 'double') : [`        indexes = ${flat(node, 'single')}`]));
    }
  }
  if (meta.length > 0) lines.push('', `    class Meta${model.base === 'AbstractUser' ? '(AbstractUser.Meta)' : ''}:`, ...meta);
  if (!model.abstract) {
    lines.push('', '    def __str__(self):', `        return ${model.str ? `self.${model.str}` : q === 'single' ? `'%s #%s' % (self.__class__.__name__, self.pk)` : `f"${model.name} #{self.pk}"`}`);
  }
  if (!model.abstract && hashOf(model.name + app.label) % 3 === 0) {
    imports.add('django.urls', 'reverse');
    lines.push('', '    def get_absolute_url(self):', `        return reverse(${s(`${app.label}:${snake(model.name)}-detail`)}, kwargs={${s('pk')}: self.pk})`);
  }
  const due = fields.find((f) => f.name === 'due_date' || f.name === 'expires_at');
  if (due) {
    imports.add('django.utils', 'timezone');
    lines.push('', '    @property', '    def is_overdue(self):', `        return self.${due.name} is not None and self.${due.name} < timezone.now()${due.name === 'due_date' ? '.date()' : ''}`);
  }
  if (usesGettext) imports.add('django.utils.translation', 'gettext_lazy', '_');
  return lines;
}

// ---- migrations ------------------------------------------------------------------------------------

const TIMESTAMPED = [
  ['created_at', { cls: 'DateTimeField', kw: [kw('auto_now_add', TRUE), kw('db_index', TRUE)] }],
  ['updated_at', { cls: 'DateTimeField', kw: [kw('auto_now', TRUE)] }],
];

/** The fields Django's AbstractUser contributes, as the writer prints them (see the oracle samples). */
function userBaseFields(lowerTo) {
  const r = (s) => raw(s);
  const f = (cls, entries) => ({ cls, kw: entries.map(([k, v]) => kw(k, null, v)) });
  return [
    ['password', f('CharField', [['max_length', num(128)], ['verbose_name', str('password')]])],
    ['last_login', f('DateTimeField', [['blank', TRUE], ['null', TRUE], ['verbose_name', str('last login')]])],
    ['is_superuser', f('BooleanField', [['default', FALSE], ['help_text', str('Designates that this user has all permissions without explicitly assigning them.')], ['verbose_name', str('superuser status')]])],
    ['username', f('CharField', [['error_messages', dict([[str('unique'), str('A user with that username already exists.')]])], ['help_text', str('Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.')], ['max_length', num(150)], ['unique', TRUE], ['validators', list([r('django.contrib.auth.validators.UnicodeUsernameValidator()')])], ['verbose_name', str('username')]])],
    ['first_name', f('CharField', [['blank', TRUE], ['max_length', num(150)], ['verbose_name', str('first name')]])],
    ['last_name', f('CharField', [['blank', TRUE], ['max_length', num(150)], ['verbose_name', str('last name')]])],
    ['email', f('EmailField', [['blank', TRUE], ['max_length', num(254)], ['verbose_name', str('email address')]])],
    ['is_staff', f('BooleanField', [['default', FALSE], ['help_text', str('Designates whether the user can log into this admin site.')], ['verbose_name', str('staff status')]])],
    ['is_active', f('BooleanField', [['default', TRUE], ['help_text', str('Designates whether this user should be treated as active. Unselect this instead of deleting accounts.')], ['verbose_name', str('active')]])],
    ['date_joined', f('DateTimeField', [['default', r('django.utils.timezone.now')], ['verbose_name', str('date joined')]])],
  ].concat([
    ['__groups', f('ManyToManyField', [['blank', TRUE], ['help_text', str('The groups this user belongs to. A user will get all permissions granted to each of their groups.')], ['related_name', str('user_set')], ['related_query_name', str('user')], ['to', str(lowerTo ? 'auth.group' : 'auth.Group')], ['verbose_name', str('groups')]])],
    ['__user_permissions', f('ManyToManyField', [['blank', TRUE], ['help_text', str('Specific permissions for this user.')], ['related_name', str('user_set')], ['related_query_name', str('user')], ['to', str(lowerTo ? 'auth.permission' : 'auth.Permission')], ['verbose_name', str('user permissions')]])],
  ]);
}

function applicationBaseFields() {
  const f = (cls, entries) => ({ cls, kw: entries.map(([k, v]) => kw(k, null, v)) });
  const choices = (pairs) => list(pairs.map(([a, b]) => tuple([str(a), str(b)])));
  return [
    ['client_id', f('CharField', [['db_index', TRUE], ['default', raw('oauth2_provider.generators.generate_client_id')], ['max_length', num(100)], ['unique', TRUE]])],
    ['redirect_uris', f('TextField', [['blank', TRUE], ['help_text', str('Allowed URIs list, space separated')]])],
    ['client_type', f('CharField', [['choices', choices([['confidential', 'Confidential'], ['public', 'Public']])], ['max_length', num(32)]])],
    ['authorization_grant_type', f('CharField', [['choices', choices([['authorization-code', 'Authorization code'], ['implicit', 'Implicit'], ['password', 'Resource owner password-based'], ['client-credentials', 'Client credentials'], ['openid-hybrid', 'OpenID connect hybrid']])], ['max_length', num(32)]])],
    ['client_secret', f('CharField', [['blank', TRUE], ['db_index', TRUE], ['default', raw('oauth2_provider.generators.generate_client_secret')], ['max_length', num(255)]])],
    ['name', f('CharField', [['blank', TRUE], ['max_length', num(255)]])],
    ['skip_authorization', f('BooleanField', [['default', FALSE]])],
    ['created', f('DateTimeField', [['auto_now_add', TRUE]])],
    ['updated', f('DateTimeField', [['auto_now', TRUE]])],
    ['algorithm', f('CharField', [['blank', TRUE], ['choices', choices([['', 'No OIDC support'], ['RS256', 'RSA with SHA-2 256'], ['HS256', 'HMAC with SHA-2 256']])], ['default', str('')], ['max_length', num(5)]])],
  ];
}

/** Replays operations to know a model's state (fields, names, versions, options) at a point of history. */
class HistoryState {
  constructor() {
    this.fields = new Map(); // model -> [field]
    this.names = new Map(); // field -> name
    this.steps = new Map(); // field -> alter steps applied
    this.options = new Set(); // models whose options were altered
    this.indexes = new Set();
  }
  apply(op) {
    switch (op.op) {
      case 'CreateModel':
        this.fields.set(op.model, op.model.fields.filter((f) => !f.addLater));
        for (const f of op.model.fields) this.names.set(f, f.oldName ?? f.name);
        if (!op.model.indexLater && op.model.meta.indexes) this.indexes.add(op.model);
        break;
      case 'AddField':
        this.fields.get(op.model).push(op.field);
        break;
      case 'RemoveField':
        this.fields.set(op.model, this.fields.get(op.model).filter((f) => f !== op.field));
        break;
      case 'RenameField':
        this.names.set(op.field, op.field.name);
        break;
      case 'AlterField':
        this.steps.set(op.field, op.step);
        break;
      case 'AlterModelOptions':
        this.options.add(op.model);
        break;
      case 'AddIndex':
        this.indexes.add(op.model);
        break;
    }
  }
}

function version(field, step) {
  return field.versions[Math.min(step ?? 0, field.versions.length - 1)];
}

/** The `to=` of a relation as this migration writes it. */
function resolveTarget(target, mig, field) {
  if (target.type === 'user') return field?.hardAuthIn === mig ? str('auth.User') : raw('settings.AUTH_USER_MODEL');
  if (target.type === 'application') return raw('settings.OAUTH2_PROVIDER_APPLICATION_MODEL');
  const label = target.model.app.label;
  return str(mig.django.lowerTo ? `${label}.${target.model.lower}` : `${label}.${target.model.name}`);
}

function migrationField(def, mig, field, needs, addDefault = false) {
  const entries = def.kw.map((e) => (e.mig && e.mig.t === 'target' ? { ...e, mig: resolveTarget(e.mig.target, mig, field) } : e));
  const resolved = { ...def, kw: entries };
  if (addDefault) resolved.kw = [...resolved.kw, kw('default', null, str(''))];
  for (const n of migrationNeeds(resolved)) needs.add(n);
  return migrationCall(resolved);
}

function createModel(model, mig, state, needs) {
  const big = mig.time >= Date.UTC(2021, 3, 8) || model.app.kind === 'user';
  const fields = [tuple([str('id'), migrationCall(ID_FIELD(big))])];
  const extra = [];
  if (model.special === 'user') {
    needs.add('import django.contrib.auth.models');
    needs.add('import django.contrib.auth.validators');
    needs.add('import django.utils.timezone');
    const base = userBaseFields(mig.django.lowerTo);
    for (const [name, def] of base.filter(([n]) => !n.startsWith('__'))) fields.push(tuple([str(name), migrationCall(def)]));
    for (const f of state.fields.get(model)) fields.push(tuple([str(state.names.get(f)), migrationField(version(f, state.steps.get(f)), mig, f, needs)]));
    for (const [name, def] of base.filter(([n]) => n.startsWith('__'))) fields.push(tuple([str(name.slice(2)), migrationCall(def)]));
    extra.push(['options', dict([[str('verbose_name'), str('user')], [str('verbose_name_plural'), str('users')], [str('abstract'), FALSE]], true)]);
    extra.push(['managers', list([tuple([str('objects'), raw('django.contrib.auth.models.UserManager()')])], true)]);
    return call('migrations.CreateModel', [], [['name', str(model.name)], ['fields', list(fields, true)], ...extra]);
  }
  if (model.special === 'application') {
    needs.add('import oauth2_provider.generators');
    fields[0] = tuple([str('id'), migrationCall({ cls: 'BigAutoField', kw: [kw('primary_key', null, TRUE), kw('serialize', null, FALSE)] })]);
    for (const [name, def] of applicationBaseFields()) fields.push(tuple([str(name), migrationCall(def)]));
    for (const f of state.fields.get(model)) fields.push(tuple([str(state.names.get(f)), migrationField(version(f, state.steps.get(f)), mig, f, needs)]));
    needs.add('import django.db.models.deletion');
    needs.add('from django.conf import settings');
    fields.push(tuple([str('user'), call('models.ForeignKey', [], [['blank', TRUE], ['null', TRUE], ['on_delete', raw('django.db.models.deletion.CASCADE')], ['related_name', str(`${model.app.label}_application`)], ['to', raw('settings.AUTH_USER_MODEL')]])]));
    return call('migrations.CreateModel', [], [['name', str(model.name)], ['fields', list(fields, true)], ['options', dict([[str('abstract'), FALSE]], true)]]);
  }
  const inherited = model.base === 'TimeStampedModel' || model.base === 'LocalBase';
  if (inherited) for (const [name, def] of TIMESTAMPED) fields.push(tuple([str(name), migrationCall(def)]));
  if (model.base === 'LocalBase') {
    const local = model.app.models.find((m) => m.abstract && m.module === 'base');
    for (const f of local.fields) fields.push(tuple([str(f.name), migrationField(f.def, mig, f, needs)]));
  }
  for (const f of state.fields.get(model)) fields.push(tuple([str(state.names.get(f)), migrationField(version(f, state.steps.get(f)), mig, f, needs)]));
  const options = [];
  if (!model.optionsLater || state.options.has(model)) {
    if (model.meta.ordering) options.push([str('ordering'), list(model.meta.ordering.map((o) => str(o)))]);
    if (model.meta.verboseName) options.push([str('verbose_name'), str(model.meta.verboseName)], [str('verbose_name_plural'), str(plural(model.meta.verboseName))]);
  }
  if (inherited && !model.meta.ordering && !model.meta.verboseName && !model.meta.dbTable) options.push([str('abstract'), FALSE]);
  if (model.meta.dbTable) options.push([str('db_table'), str(model.meta.dbTable)]);
  const kwargs = [['name', str(model.name)], ['fields', list(fields, true)]];
  if (options.length > 0) kwargs.push(['options', dict(options, true)]);
  return call('migrations.CreateModel', [], kwargs);
}

function addIndex(model) {
  const index = model.meta.indexes[0];
  return call('migrations.AddIndex', [], [['model_name', str(model.lower)], ['index', call('models.Index', [], [['fields', list(index.fields.map((f) => str(f)))], ['name', str(index.name)]])]]);
}

function operationNodes(op, mig, state, needs) {
  const m = op.model;
  switch (op.op) {
    case 'CreateModel': {
      state.apply(op);
      const node = createModel(m, mig, state, needs);
      const out = [node];
      if (m.meta.indexes && !m.indexLater) out.push(addIndex(m));
      return out;
    }
    case 'AddField': {
      state.apply(op);
      const def = version(op.field, 0);
      const needsDefault = def.cls === 'CharField' && !def.kw.some((e) => e.k === 'default' || e.k === 'blank' || e.k === 'null' || e.k === 'unique');
      const kwargs = [['model_name', str(m.lower)], ['name', str(state.names.get(op.field))], ['field', migrationField(def, mig, op.field, needs, needsDefault)]];
      if (needsDefault) kwargs.push(['preserve_default', FALSE]);
      return [call('migrations.AddField', [], kwargs)];
    }
    case 'AlterField':
      state.apply(op);
      return [call('migrations.AlterField', [], [['model_name', str(m.lower)], ['name', str(op.field.name)], ['field', migrationField(version(op.field, op.step), mig, op.field, needs)]])];
    case 'RemoveField':
      state.apply(op);
      return [call('migrations.RemoveField', [], [['model_name', str(m.lower)], ['name', str(op.field.name)]])];
    case 'RenameField':
      state.apply(op);
      return [call('migrations.RenameField', [], [['model_name', str(m.lower)], ['old_name', str(op.field.oldName)], ['new_name', str(op.field.name)]])];
    case 'AlterModelOptions': {
      state.apply(op);
      const options = [];
      if (m.meta.ordering) options.push([str('ordering'), list(m.meta.ordering.map((o) => str(o)))]);
      if (m.meta.verboseName) options.push([str('verbose_name'), str(m.meta.verboseName)], [str('verbose_name_plural'), str(plural(m.meta.verboseName))]);
      return [call('migrations.AlterModelOptions', [], [['name', str(m.lower)], ['options', dict(options, true)]])];
    }
    case 'AddIndex':
      state.apply(op);
      return [addIndex(m)];
  }
  throw new Error(`unknown operation ${op.op}`);
}

/** The state of an app's models just before a migration (replaying the ones before it). */
function stateBefore(app, mig) {
  const state = new HistoryState();
  for (const m of app.migrations) {
    if (m === mig) break;
    for (const op of m.ops) state.apply(op);
  }
  return state;
}

function header(mig) {
  return `# Generated by Django ${mig.django.version} on ${formatTime(mig.time)}\n\n`;
}

function importLines(needs, hasModels) {
  const imports = new Set(needs);
  imports.add(hasModels ? 'from django.db import migrations, models' : 'from django.db import migrations');
  return [...imports].sort((a, b) => {
    const ka = a.split(' ')[1];
    const kb = b.split(' ')[1];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function dependencyNodes(project, mig) {
  const swappable = [...mig.swappable].sort().map((s) => raw(`migrations.swappable_dependency(settings.${s})`));
  const keys = mig.dependencies.map((d) => writtenDependency(project, d)).map(([a, n]) => tuple([str(a), str(n)]));
  return mig.django.black ? [...keys, ...swappable] : [...swappable, ...keys];
}

/** One migration file as makemigrations (or a developer, for data migrations) wrote it. */
export function renderMigration(project, app, mig) {
  const needs = new Set();
  if (mig.swappable.size > 0) needs.add('from django.conf import settings');
  let functions = [];
  let operations;
  if (mig.data) {
    operations = [raw('migrations.RunPython(forwards, migrations.RunPython.noop)')];
    functions = dataFunctions(app, mig, mig.django.black ? 'double' : app.quote === 'single' ? 'single' : 'double');
  } else {
    const state = mig.squash ? new HistoryState() : stateBefore(app, mig);
    operations = mig.squash ? squashOperations(app, mig, state, needs) : mig.ops.flatMap((op) => operationNodes(op, mig, state, needs));
  }
  const hasModels = !mig.data;
  return assemble(project, mig, needs, hasModels, operations, functions);
}

function squashOperations(app, squash, state, needs) {
  // The squashed history, reduced as the optimizer would: one CreateModel per model in its state at the end.
  const replayed = new HistoryState();
  const replaced = app.migrations.slice(0, squash.upto);
  for (const m of replaced) for (const op of m.ops) replayed.apply(op);
  const out = [];
  for (const m of replaced) {
    for (const op of m.ops) {
      if (op.op !== 'CreateModel') continue;
      out.push(createModel(op.model, squash, replayed, needs));
      if (op.model.meta.indexes && replayed.indexes.has(op.model)) out.push(addIndex(op.model));
    }
  }
  return out;
}

function assemble(project, mig, needs, hasModels, operations, functions) {
  const black = mig.django.black;
  const q = black ? 'double' : 'single';
  const lines = [header(mig).trimEnd(), '', ...importLines(needs, hasModels)];
  if (functions.length > 0) lines.push('', '', ...functions);
  lines.push('', '', 'class Migration(migrations.Migration):');
  const block = [];
  if (mig.replaces) {
    const node = list(mig.replaces.map(([a, n]) => tuple([str(a), str(n)])));
    block.push(black ? fmtBlack(node, 4, 'replaces = ') : [`    replaces = ${flat(node, 'single')}`]);
  }
  if (mig.initial) block.push(['    initial = True']);
  if (mig.runBefore) block.push(['    run_before = [', ...mig.runBefore.map(([a, n]) => `        ("${a}", "${n}"),`), '    ]']);
  const deps = dependencyNodes(project, mig);
  if (black) block.push(deps.length === 0 ? ['    dependencies = []'] : fmtBlack(list(deps, true), 4, 'dependencies = '));
  else block.push(['    dependencies = [', ...deps.map((d) => `        ${flat(d, q)},`), '    ]']);
  const ops = operations.flatMap((node) => (black ? fmtBlack(node, 8, '', ',') : djangoWriter(node, 8, '', ',')));
  block.push(['    operations = [', ...ops, '    ]']);
  block.forEach((b, i) => {
    if (i > 0 || !black) lines.push('');
    lines.push(...b);
  });
  return lines.join('\n') + '\n';
}

function fmtBlack(node, indent, prefix = '', suffix = '') {
  return black(node, indent, prefix, suffix, 'double');
}

function dataFunctions(app, mig, q) {
  const model = mig.data.model;
  const s = (v) => flat(str(v), q);
  const target = model.fields.find((f) => f.kind === 'scalar' && !f.removed && (f.def.cls === 'CharField' || f.def.cls === 'SlugField'));
  const lines = ['def forwards(apps, schema_editor):'];
  lines.push(`    ${model.name} = apps.get_model(${s(app.label)}, ${s(model.name)})`);
  if (mig.data.auth) lines.push(`    User = apps.get_model(${s('auth')}, ${s('User')})`);
  lines.push(`    db_alias = schema_editor.connection.alias`);
  if (target) {
    lines.push(`    for obj in ${model.name}.objects.using(db_alias).filter(${target.name}=${s('')}).iterator():`);
    lines.push(`        obj.${target.name} = ${s('unknown')}`);
    lines.push(`        obj.save(update_fields=[${s(target.name)}])`);
  } else {
    lines.push(`    ${model.name}.objects.using(db_alias).update()`);
  }
  if (mig.data.auth) {
    lines.push(`    for user in User.objects.using(db_alias).filter(is_staff=True):`);
    lines.push(`        ${model.name}.objects.using(db_alias).filter(pk=user.pk).exists()`);
  }
  return lines;
}

