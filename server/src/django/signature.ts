import type { DjangoProject, MigrationInfo, ModelInfo, SwappableState } from './project';

/**
 * What a project means, without where things sit in models and migration files. Two builds with the
 * same signature answer every question the same way except for positions inside those files, so a
 * result computed from one file and the project can be reused while that file is unchanged.
 * Settings, apps.py and manage.py count by identity: any edit there changes the signature.
 */
export function projectSignature(project: DjangoProject): string[] {
  const parts: string[] = [JSON.stringify(project.config)];
  for (const [file, info] of project.files) {
    if (info.role === 'models' || info.role === 'migration') continue;
    parts.push(`${info.role}:${file}#${identityOf(project.reads.parsed(file))}`);
  }
  for (const problem of project.problems) parts.push(problem);
  for (const app of project.apps) parts.push(memoKey(app, () => structuralKey({ ...app, known: app.known?.label })));
  for (const model of project.models) parts.push(memoKey(model, () => modelKey(model)));
  for (const migration of project.migrations.values()) parts.push(migrationKey(migration));
  for (const state of project.swappables) parts.push(swappableKey(state));
  return parts;
}

/** Whether two signatures are the same; parts kept from one build to the next compare by reference. */
export function sameSignature(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identityOf(value: object | undefined): number {
  if (!value) return 0;
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

const keys = new WeakMap<object, string>();

function memoKey(value: object, make: () => string): string {
  let key = keys.get(value);
  if (key === undefined) keys.set(value, (key = make()));
  return key;
}

function modelKey(model: ModelInfo): string {
  const facts = model.facts ? memoKey(model.facts, () => structuralKey(model.facts)) : '';
  return `${model.label}|${model.qualified}|${model.origin}|${model.abstract}|${model.proxy}|${model.swappable ?? ''}|${model.userModel}|${model.file ?? ''}|${model.lineage.join(',')}|${facts}`;
}

function migrationKey(migration: MigrationInfo): string {
  return memoKey(migration, () => structuralKey({ ...migration, known: migration.known?.name }));
}

function swappableKey(state: SwappableState): string {
  return structuralKey({
    ...state,
    spec: state.spec?.setting,
    declaringModel: state.declaringModel?.label,
    target: state.target?.label,
    targetApp: state.targetApp?.label,
  });
}

/** JSON with every position replaced by a marker: `span`, `nameSpan`... keep only whether they exist. */
export function structuralKey(value: unknown): string {
  return JSON.stringify(value, (key, v) => (key === 'span' || key.endsWith('Span') ? (v === undefined ? undefined : 1) : v)) ?? '';
}
