/** Swappable settings as the project sets them: value in force, target model and app, the migration creating it. */
import * as path from 'node:path';
import type { MigrationKey } from './graph';
import { BUILTIN_SWAPPABLES, type SwappableSpec } from './knowledge';
import { sameLabel, type DjangoProject } from './project';
import type { MigrationInfo, ModelInfo, SwappableState } from './project-model';

/** The state of every swappable setting the project has: Django's and known packages', and Meta.swappable of its models. */
export function readSwappableStates(project: DjangoProject): SwappableState[] {
  const states: SwappableState[] = [];
  const bySetting = new Map<string, SwappableState>();
  const add = (setting: string, defaultLabel: string, declaredBy: string, spec?: SwappableSpec, declaringModel?: ModelInfo) => {
    if (bySetting.has(setting)) {
      const existing = bySetting.get(setting)!;
      existing.declaringModel ??= declaringModel;
      return;
    }
    const assignment = project.settings.values.get(setting);
    // A package's setting matters when that package is installed, not an app that shares its label.
    const owner = project.appsByLabel.get(defaultLabel.split('.')[0]);
    const ownerInstalled = owner !== undefined && (!spec || owner.known !== undefined || owner.origin === 'builtin');
    let value: string | undefined;
    if (assignment) value = assignment.value.kind === 'str' ? assignment.value.value : undefined;
    else if (project.settings.unresolvedStarImports.length === 0) value = defaultLabel;
    const state: SwappableState['state'] = value === undefined ? 'unknown' : assignment ? 'set' : 'default';
    const defaultAvailable = setting === 'AUTH_USER_MODEL';
    const swapped = value === undefined ? null : !sameLabel(value, defaultLabel);
    bySetting.set(setting, { setting, defaultLabel, declaredBy, spec, declaringModel, assignment, value, state, defaultAvailable, swapped, inUse: ownerInstalled || assignment !== undefined });
  };
  for (const spec of BUILTIN_SWAPPABLES) add(spec.setting, spec.defaultLabel, spec.declaredBy, spec, project.modelByLabel(spec.defaultLabel));
  for (const model of project.models) {
    if (!model.swappable || model.origin === 'builtin') continue;
    const where = model.file ? path.relative(project.config.root, model.file) : model.label;
    add(model.swappable, model.label, `declared by Meta.swappable of ${model.label} in ${where}`, undefined, model);
    // swapper reads its settings with a default of its own.
    if (model.facts?.meta.swappable?.viaSwapper) bySetting.get(model.swappable)!.defaultAvailable = true;
  }
  for (const state of bySetting.values()) {
    if (state.value && state.value.split('.').length === 2) {
      state.target = project.modelByLabel(state.value);
      state.targetApp = project.appsByLabel.get(state.value.split('.')[0]);
    }
    states.push(state);
  }
  return states;
}

/** The migration that creates each swappable setting's target model. */
export function findCreatingMigrations(project: DjangoProject): void {
  for (const state of project.swappables) {
    if (!state.value || !state.targetApp) continue;
    const modelName = state.value.split('.')[1]?.toLowerCase();
    if (!modelName) continue;
    const candidates: MigrationKey[] = [];
    for (const migration of project.migrations.values()) {
      if (migration.app !== state.targetApp.label) continue;
      if (migration.known?.creates?.some((m) => m.toLowerCase() === modelName)) candidates.push(migration.key);
      const creates = (ops: MigrationInfo['operations']): boolean =>
        (ops ?? []).some((op) => (op.kind === 'CreateModel' && op.model.toLowerCase() === modelName) || (op.kind === 'SeparateDatabaseAndState' && creates(op.state)));
      if (creates(migration.operations)) candidates.push(migration.key);
    }
    // The earliest in graph order: the one no other candidate precedes.
    const live = candidates.map((c) => project.graph.canonical(c)).filter((c): c is MigrationKey => c !== undefined);
    state.creatingMigration = live.find((c) => !live.some((other) => other !== c && project.graph.dependsOn(c, other))) ?? live.sort()[0];
  }
}
