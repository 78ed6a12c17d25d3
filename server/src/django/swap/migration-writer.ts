import type { FieldState } from './model-state';

/**
 * Writes the migration files a swap plan adds, in the layout `makemigrations` uses. Field texts are
 * copied from the migrations and models they come from, with the imports they need.
 */

export type Dependency = { app: string; name: string } | { setting: string };

export interface MigrationFile {
  /** The first line, by which a later plan recognises the file. */
  header: string;
  /** One line on what the migration is for. */
  purpose: string;
  initial?: boolean;
  dependencies: Dependency[];
  runBefore?: { app: string; name: string }[];
  /** Module-level functions (RunPython code), already formatted. */
  functions: string[];
  /** Operations, each formatted at the indentation of the list's items. */
  operations: string[];
  /** Import statements the field texts may need; only those whose names are used are written. */
  imports: string[];
}

export const py = (value: string) => JSON.stringify(value);

/** The names an import statement binds. */
function boundNames(statement: string): string[] {
  const plain = /^import\s+(.+)$/.exec(statement);
  if (plain) return plain[1].split(',').map((part) => {
    const [name, alias] = part.trim().split(/\s+as\s+/);
    return alias ?? name.split('.')[0];
  });
  const from = /^from\s+\S+\s+import\s+(.+)$/.exec(statement);
  if (from) return from[1].replace(/[()]/g, '').split(',').map((part) => {
    const [name, alias] = part.trim().split(/\s+as\s+/);
    return alias ?? name;
  });
  return [];
}

/** Identifiers a piece of code uses at its start or after an operator: `django` in `django.utils.timezone.now`. */
export function usedNames(code: string): Set<string> {
  const stripped = code.replace(/(['"])(?:\\.|(?!\1).)*\1/g, '""');
  const out = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.])([A-Za-z_]\w*)/g)) out.add(match[1]);
  return out;
}

export function renderMigration(file: MigrationFile): string {
  const body: string[] = [];
  body.push('class Migration(migrations.Migration):', '');
  if (file.initial) body.push('    initial = True', '');
  body.push('    dependencies = [');
  for (const d of file.dependencies) {
    body.push('app' in d ? `        (${py(d.app)}, ${py(d.name)}),` : `        migrations.swappable_dependency(settings.${d.setting}),`);
  }
  body.push('    ]', '');
  if (file.runBefore?.length) {
    body.push('    run_before = [');
    for (const r of file.runBefore) body.push(`        (${py(r.app)}, ${py(r.name)}),`);
    body.push('    ]', '');
  }
  body.push('    operations = [');
  for (const op of file.operations) body.push(op.replace(/\s+$/, ''));
  body.push('    ]');
  const code = [...file.functions, ...body].join('\n');
  const used = usedNames(code);
  const imports = new Set<string>(['from django.db import migrations, models']);
  if (file.dependencies.some((d) => 'setting' in d)) imports.add('from django.conf import settings');
  for (const statement of file.imports) {
    if (/^from django\.db import /.test(statement) && boundNames(statement).every((n) => n === 'migrations' || n === 'models')) continue;
    if (boundNames(statement).some((n) => used.has(n))) imports.add(statement);
  }
  // makemigrations' order: `import x` and `from x import y` sorted by module.
  const sorted = [...imports].sort((a, b) => moduleOf(a).localeCompare(moduleOf(b)) || a.localeCompare(b));
  const parts = [file.header, `# ${file.purpose}`, '', ...sorted, '', ''];
  if (file.functions.length) parts.push(file.functions.join('\n\n\n'), '', '');
  parts.push(body.join('\n'), '');
  return parts.join('\n');
}

function moduleOf(statement: string): string {
  return /^(?:from|import)\s+(\S+)/.exec(statement)?.[1] ?? statement;
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');

export function createModelOperation(model: { name: string; fields: FieldState[]; options: [string, string][]; managers: { name: string; text: string }[] }): string {
  const lines = ['migrations.CreateModel(', `    name=${py(model.name)},`, '    fields=['];
  for (const f of model.fields) lines.push(`        (${py(f.name)}, ${f.text}),`);
  lines.push('    ],');
  if (model.options.length) {
    lines.push('    options={');
    for (const [key, value] of model.options) lines.push(`        ${py(key)}: ${value},`);
    lines.push('    },');
  }
  if (model.managers.length) {
    lines.push('    managers=[');
    for (const m of model.managers) lines.push(`        (${py(m.name)}, ${m.text}),`);
    lines.push('    ],');
  }
  lines.push('),');
  return lines.join('\n');
}

/** Operations that change Django's idea of the models, and (optionally) what the database gets instead. */
export function stateOnly(operations: string[], comment: string, databaseOperations: string[] = []): string {
  const lines = [`# ${comment}`, 'migrations.SeparateDatabaseAndState('];
  if (databaseOperations.length) {
    lines.push('    database_operations=[');
    for (const op of databaseOperations) lines.push(indent(op, '        '));
    lines.push('    ],');
  }
  lines.push('    state_operations=[');
  for (const op of operations) lines.push(indent(op, '        '));
  lines.push('    ],', '),');
  return lines.join('\n');
}

export function operationItem(op: string): string {
  return indent(op, '        ');
}

export function fieldOperation(kind: 'AddField' | 'AlterField', model: string, field: { name: string; text: string }): string {
  return [`migrations.${kind}(`, `    model_name=${py(model.toLowerCase())},`, `    name=${py(field.name)},`, `    field=${field.text},`, '),'].join('\n');
}

/**
 * RunPython code that hands the old model's content type to the new model: its permissions, the
 * admin's log entries and generic relations stay attached. If a `migrate` run after the setting
 * changed already created one for the new model, that one is renamed out of the way, not deleted.
 */
export function contentTypeFunction(from: { app: string; model: string }, to: { app: string; model: string }, permissions: boolean): string {
  const old = from.model.toLowerCase();
  const next = to.model.toLowerCase();
  const lines = [
    'def move_content_type(apps, schema_editor):',
    `    """${from.app}.${from.model}'s content type becomes ${to.app}.${to.model}'s, with its permissions and what refers to it."""`,
    '    db = schema_editor.connection.alias',
    '    content_types = apps.get_model("contenttypes", "ContentType").objects.using(db)',
    `    old = content_types.filter(app_label=${py(from.app)}, model=${py(old)}).first()`,
    '    if old is None:',
    '        return',
    `    new = content_types.filter(app_label=${py(to.app)}, model=${py(next)}).first()`,
    '    if new is not None:',
    '        # Made by a migrate run after the setting changed: kept, under another name.',
    `        new.model = (${py(next + '_superseded_')} + str(new.pk))[:100]`,
    '        new.save(update_fields=["model"])',
    `    old.app_label, old.model = ${py(to.app)}, ${py(next)}`,
    '    old.save(update_fields=["app_label", "model"])',
  ];
  if (permissions && old !== next) {
    lines.push(
      '    permissions = apps.get_model("auth", "Permission").objects.using(db).filter(content_type=old)',
      `    model = apps.get_model(${py(to.app)}, ${py(to.model)})`,
      '    for action in model._meta.default_permissions:',
      `        codename = "%s_%s" % (action, ${py(next)})`,
      '        if not permissions.filter(codename=codename).exists():',
      `            permissions.filter(codename="%s_%s" % (action, ${py(old)})).update(`,
      '                codename=codename, name="Can %s %s" % (action, model._meta.verbose_name_raw)',
      '            )',
    );
  }
  return lines.join('\n');
}

/**
 * RunPython code that renames the old model's tables to the new model's, on databases migrated
 * before the change only: on a database created after it, the new model's app made its own tables.
 */
export function renameTablesFunction(model: { app: string; name: string }, table: { from: string; to: string }, manyToMany: { field: string; from: string; to: string }[]): string {
  const lines = [
    'def rename_tables(apps, schema_editor):',
    `    """Databases migrated with ${model.app}.${model.name} keep its rows: its tables become the new model's."""`,
    '    tables = schema_editor.connection.introspection.table_names()',
    `    if ${py(table.from)} not in tables or ${py(table.to)} in tables:`,
    '        return',
    `    model = apps.get_model(${py(model.app)}, ${py(model.name)})`,
    `    schema_editor.alter_db_table(model, ${py(table.from)}, ${py(table.to)})`,
  ];
  for (const m of manyToMany) {
    lines.push(`    through = model._meta.get_field(${py(m.field)}).remote_field.through`, `    schema_editor.alter_db_table(through, ${py(m.from)}, ${py(m.to)})`);
  }
  return lines.join('\n');
}
