import { migrateRun, type OrderedRelation } from '../../django/migrate-run';
import type { MigrationInfo } from '../../django/project';
import type { Span } from '../../syntax/tree';
import { classSpan } from '../fix';
import type { Finding, Rule } from '../types';
import { cannotResolve } from './ordering';

export const relationBeforeTargetInMigration: Rule = {
  code: 'SWP206',
  name: 'relation-before-target-in-migration',
  summary: 'A migration creates a relation field before the CreateModel of the model it points at',
  defaultSeverity: 'error',
  fix: 'none',
  docs: {
    whatItDoes: `Flags an operation that creates a relation field — a \`CreateModel\` field, an \`AddField\` — whose
target model is created by a later operation of the same migration. It happens when a migration was generated
while a swappable setting named another model: \`makemigrations\` orders the operations for the settings in force
when it ran (\`to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL\` then named django-oauth-toolkit's model), and the
order no longer fits once the setting names a model of this migration.`,
    whyIsThisBad: `\`migrate\` applies the operations in order and creates each table as it meets its \`CreateModel\`:
a foreign key to a model that is not in the migration state yet has no column type, and Django fails with
\`ValueError: Related model 'tokens.application' cannot be resolved\` — on every fresh database, whatever the
labels or the other migrations.`,
    example: `operations = [
    migrations.CreateModel(
        name="AccessToken",
        fields=[
            ("application", models.ForeignKey(on_delete=models.CASCADE, to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL)),
        ],
    ),
    migrations.CreateModel(name="Application", fields=[...]),  # OAUTH2_PROVIDER_APPLICATION_MODEL = "tokens.Application"
]`,
    useInstead: `operations = [
    migrations.CreateModel(name="Application", fields=[...]),
    migrations.CreateModel(
        name="AccessToken",
        fields=[
            ("application", models.ForeignKey(on_delete=models.CASCADE, to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL)),
        ],
    ),
]`,
    fixSafety: `No fix: move the target's \`CreateModel\` before the operation that points at it (or, before the
first \`migrate\`, delete the migration and run \`makemigrations\` again with the settings in force).`,
    references: [
      { title: 'Django: Migration operations', url: 'https://docs.djangoproject.com/en/stable/ref/migration-operations/' },
      { title: 'django-oauth-toolkit: Extending the Application model', url: 'https://django-oauth-toolkit.readthedocs.io/en/latest/advanced_topics.html#extending-the-application-model' },
    ],
  },
  check(context) {
    const { project } = context;
    const run = migrateRun(project);
    const stop = run.unordered.find((r) => r.first);
    const byMigration = new Map<string, OrderedRelation[]>();
    for (const relation of run.unordered) {
      if (relation.ordered || relation.consumer !== relation.creator) continue;
      byMigration.set(relation.consumer, [...(byMigration.get(relation.consumer) ?? []), relation]);
    }
    const findings: Finding[] = [];
    for (const [key, relations] of byMigration) {
      const migration = project.migrations.get(key);
      if (!migration?.file || migration.origin !== 'workspace') continue;
      // The operation migrate fails on: the first of the migration's.
      const relation = relations[0];
      const fields = relations.filter((r) => r.operation === relation.operation);
      const via = (r: OrderedRelation) => (r.via.kind === 'setting' ? `through \`settings.${r.via.setting}\`, now \`${r.target}\`` : `\`${r.via.label}\``);
      const failure = relation.first
        ? `Django fails with \`${cannotResolve(relation)}\``
        : `\`migrate\` stops earlier${stop ? `, on \`${stop.consumer}\`` : ''}; once past that it fails here with \`${cannotResolve(relation)}\``;
      const others = relations.filter((r) => r.operation !== relation.operation);
      const models = [...new Set(relations.map((r) => r.target.split('.')[1]))];
      findings.push({
        file: migration.file,
        span: operationSpan(migration, relation),
        severity: relation.first ? 'error' : 'warning',
        message:
          `\`${key}\` creates \`${relation.model}\` with ${fields.map((r) => `\`${r.field}\` pointing at \`${r.target}\` (${via(r)})`).join(', ')} before its operation ${relation.creatorOperation + 1} creates \`${relation.target.split('.')[1]}\`: ` +
          `\`migrate\` creates the tables in the order of the operations, and ${failure}` +
          (others.length > 0 ? `; ${others.map((r) => `\`${r.model}.${r.field}\``).join(', ')} ${others.length === 1 ? 'comes' : 'come'} before ${others.length === 1 ? 'its' : 'their'} target too` : '') +
          `. Move the CreateModel of ${models.map((m) => `\`${m}\``).join(', ')} before the operations that point at ${models.length === 1 ? 'it' : 'them'}.`,
        related: others.map((r) => ({ file: migration.file!, span: operationSpan(migration, r), message: `${r.model}.${r.field} points at ${r.target}, created later` })),
      });
    }
    return findings;
  },
};

/** The operation's `name=` (a CreateModel) or the whole operation. */
function operationSpan(migration: MigrationInfo, relation: Pick<OrderedRelation, 'operation'>): Span {
  const op = migration.operations?.[relation.operation];
  if (!op) return classSpan(migration);
  if (op.kind === 'CreateModel' && op.nameSpan) return op.nameSpan;
  return op.span;
}
