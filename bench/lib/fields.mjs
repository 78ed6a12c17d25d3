// Model fields as both a human writes them in models.py and as Django's migration writer
// deconstructs them (keyword arguments sorted, on_delete and defaults fully qualified).

import { FALSE, TRUE, call, list, num, raw, str, tuple } from './pyexpr.mjs';
import { camel } from './names.mjs';

/**
 * A field definition. `kw` holds `{k, human, mig}` entries in the order a human writes them;
 * `human: null` means the argument only shows in migrations, `mig: null` only in models.py.
 * `needs` lists imports: human side (`timezone`, `uuid`, `gettext`) and migration side (`mig:...`).
 */
export function field(cls, kw = [], extra = {}) {
  return { cls, kw, choices: undefined, positional: [], ...extra };
}

export const kw = (k, human, mig = human) => ({ k, human, mig });

const CHAR_WORDS = new Set(['title', 'name', 'label', 'reference', 'code', 'external_id', 'source', 'channel', 'color', 'icon', 'country', 'currency', 'language', 'time_zone', 'token', 'checksum', 'version', 'phone']);
const TEXT_WORDS = new Set(['summary', 'description', 'notes', 'comment']);
const MONEY_WORDS = new Set(['amount', 'total', 'balance', 'price', 'cost']);
const COUNT_WORDS = new Set(['quantity', 'position', 'rank', 'attempts', 'retries']);
const CHOICE_WORDS = new Set(['status', 'kind', 'visibility', 'priority']);

const CHOICE_VALUES = {
  status: ['draft', 'pending', 'active', 'suspended', 'closed', 'archived'],
  kind: ['standard', 'internal', 'external', 'manual', 'automatic'],
  visibility: ['private', 'team', 'organisation', 'public'],
  priority: ['low', 'normal', 'high', 'urgent'],
};

/** A scalar field for a word, with its final definition. */
export function scalarField(rng, word) {
  const verbose = rng.chance(0.25) ? [kw('verbose_name', call('_', [str(word.replace(/_/g, ' '))]), str(word.replace(/_/g, ' ')))] : [];
  const help = rng.chance(0.12) ? [kw('help_text', call('_', [str(`The ${word.replace(/_/g, ' ')} shown to staff.`)]), str(`The ${word.replace(/_/g, ' ')} shown to staff.`))] : [];
  if (CHAR_WORDS.has(word)) {
    const max = word === 'currency' ? 3 : word === 'country' ? 2 : rng.pick([16, 32, 64, 100, 128, 200, 255]);
    const extras = [];
    if (rng.chance(0.3)) extras.push(kw('blank', TRUE));
    if (word === 'external_id' || word === 'reference' || word === 'code') extras.push(kw(rng.chance(0.5) ? 'unique' : 'db_index', TRUE));
    return field('CharField', [...verbose, kw('max_length', num(max)), ...extras, ...help], { alterable: 'char' });
  }
  if (TEXT_WORDS.has(word)) return field('TextField', [...verbose, kw('blank', TRUE), ...help], { alterable: 'help' });
  if (MONEY_WORDS.has(word)) {
    return field('DecimalField', [...verbose, kw('max_digits', num(rng.pick([10, 12, 14]))), kw('decimal_places', num(2)), kw('default', num(0)), ...help], { alterable: 'help' });
  }
  if (COUNT_WORDS.has(word)) return field(rng.chance(0.7) ? 'PositiveIntegerField' : 'PositiveSmallIntegerField', [...verbose, kw('default', num(0)), ...help], { alterable: 'help' });
  if (word === 'score' || word === 'weight') return field('FloatField', [kw('null', TRUE), kw('blank', TRUE), ...help], { alterable: 'help' });
  if (word === 'duration') return field('DurationField', [kw('null', TRUE), kw('blank', TRUE)], { alterable: 'help' });
  if (word.endsWith('_at')) {
    if (rng.chance(0.3)) return field('DateTimeField', [...verbose, kw('default', raw('timezone.now'), raw('django.utils.timezone.now'))], { needs: ['timezone', 'mig:import django.utils.timezone'], alterable: 'help' });
    return field('DateTimeField', [...verbose, kw('null', TRUE), kw('blank', TRUE), ...help], { alterable: 'help' });
  }
  if (word.endsWith('_date')) return field('DateField', [...verbose, kw('null', TRUE), kw('blank', TRUE)], { alterable: 'help' });
  if (word === 'email') return field('EmailField', [...verbose, kw('max_length', num(254)), kw('blank', TRUE)], { alterable: 'help' });
  if (word === 'website') return field('URLField', [kw('blank', TRUE), ...help], { alterable: 'help' });
  if (word === 'metadata' || word === 'payload' || word === 'options') return field('JSONField', [kw('default', raw('dict')), kw('blank', TRUE)], { alterable: 'help' });
  if (word.startsWith('is_')) return field('BooleanField', [...verbose, kw('default', rng.chance(0.6) ? FALSE : TRUE), ...help], { alterable: 'help' });
  if (word === 'uuid') return field('UUIDField', [kw('default', raw('uuid.uuid4')), kw('editable', FALSE), kw('unique', TRUE)], { needs: ['uuid', 'mig:import uuid'] });
  if (word === 'slug') return field('SlugField', [kw('max_length', num(rng.pick([50, 80, 120]))), kw('unique', rng.chance(0.5) ? TRUE : FALSE)], { alterable: 'char' });
  if (word === 'ip_address') return field('GenericIPAddressField', [kw('null', TRUE), kw('blank', TRUE)]);
  if (word === 'document') return field('FileField', [kw('upload_to', str('documents/%Y/%m/')), kw('blank', TRUE)], { alterable: 'help' });
  if (word === 'image') return field('ImageField', [kw('upload_to', str('images/')), kw('null', TRUE), kw('blank', TRUE)], { alterable: 'help' });
  if (CHOICE_WORDS.has(word)) {
    const values = rng.sample(CHOICE_VALUES[word], rng.int(2, CHOICE_VALUES[word].length));
    const className = camel(word);
    const labels = values.map((v) => [v, v[0].toUpperCase() + v.slice(1)]);
    const migChoices = list(labels.map(([v, l]) => tuple([str(v), str(l)])));
    return field(
      'CharField',
      [
        ...verbose,
        kw('max_length', num(rng.pick([16, 20, 32]))),
        kw('choices', raw(`${className}.choices`), migChoices),
        kw('default', raw(`${className}.${values[0].toUpperCase()}`), str(values[0])),
        ...(rng.chance(0.4) ? [kw('db_index', TRUE)] : []),
      ],
      { choices: { className, labels }, alterable: 'choices' },
    );
  }
  return field('CharField', [kw('max_length', num(100)), kw('blank', TRUE)], { alterable: 'char' });
}

/** A field created in the past as something slightly different, that an AlterField later turned into `final`. */
export function earlierVariant(rng, final, step) {
  const out = { ...final, kw: final.kw.map((e) => ({ ...e })) };
  switch (final.alterable) {
    case 'char': {
      const max = out.kw.find((e) => e.k === 'max_length');
      if (max) {
        const value = Math.max(8, Number(max.mig.s) - 8 * step * (1 + (rng.int(0, 3))));
        max.mig = num(value);
        max.human = num(value);
        return out;
      }
      break;
    }
    case 'choices': {
      const choices = out.kw.find((e) => e.k === 'choices');
      if (choices && choices.mig.items.length > 2) {
        choices.mig = list(choices.mig.items.slice(0, choices.mig.items.length - 1));
        return out;
      }
      break;
    }
  }
  const help = out.kw.findIndex((e) => e.k === 'help_text');
  if (help >= 0) out.kw.splice(help, 1);
  else out.kw.push(kw('help_text', null, str(rng.pick(['Deprecated.', 'Internal use only.', 'Set by the importer.', 'Legacy value.']))));
  return out;
}

export function onDelete(rng, nullable) {
  const rule = nullable ? rng.pick(['SET_NULL', 'SET_NULL', 'CASCADE']) : rng.pick(['CASCADE', 'CASCADE', 'CASCADE', 'PROTECT']);
  return kw('on_delete', raw(`models.${rule}`), raw(`django.db.models.deletion.${rule}`));
}

/**
 * A relation field. `target` says what it points at ({type: 'user'|'application'|'model', ...});
 * `humanTarget` is how models.py spells it, `migTarget` how the migration writer does.
 */
export function relationField(rng, cls, humanTarget, migTarget, { byKeyword = false, relatedName, nullable = false } = {}) {
  const entries = [];
  if (cls !== 'ManyToManyField') entries.push(onDelete(rng, nullable));
  if (nullable && cls !== 'ManyToManyField') entries.push(kw('null', TRUE), kw('blank', TRUE));
  if (cls === 'ManyToManyField') entries.push(kw('blank', TRUE));
  if (relatedName) entries.push(kw('related_name', str(relatedName)));
  const f = field(cls, entries, { relation: true });
  f.positional = byKeyword ? [] : [humanTarget];
  if (byKeyword) f.kw.unshift(kw('to', humanTarget, null));
  f.kw.push(kw('to', null, migTarget));
  return f;
}

/** `models.X(...)` as written in models.py. */
export function humanCall(f, prefix = 'models.') {
  const kwargs = f.kw.filter((e) => e.human !== null).map((e) => [e.k, e.human]);
  return call(`${f.fnOverride ?? prefix + f.cls}`, f.positional, kwargs);
}

/** `models.X(...)` as the migration writer prints it: keyword arguments sorted by name. */
export function migrationCall(f) {
  const kwargs = f.kw
    .filter((e) => e.mig !== null)
    .map((e) => [e.k, e.mig])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return call(`models.${f.cls}`, [], kwargs);
}

export function migrationNeeds(f) {
  const needs = new Set();
  for (const n of f.needs ?? []) if (n.startsWith('mig:')) needs.add(n.slice(4));
  for (const e of f.kw) {
    if (e.mig && e.mig.t === 'raw' && e.mig.s.startsWith('django.db.models.deletion.')) needs.add('import django.db.models.deletion');
    if (e.mig && e.mig.t === 'raw' && e.mig.s.startsWith('settings.')) needs.add('from django.conf import settings');
  }
  return needs;
}

export const ID_FIELD = (big) => field(big ? 'BigAutoField' : 'AutoField', [kw('auto_created', null, TRUE), kw('primary_key', null, TRUE), kw('serialize', null, FALSE), kw('verbose_name', null, str('ID'))]);

