import { MigrationGraph, keyOf, type GraphNodeInput, type MigrationKey } from './graph';
import type { DjangoProject } from './project';

/** The migration graph of the project's migrations, dependencies resolved against its settings. */
export function buildMigrationGraph(project: DjangoProject, applied?: Set<MigrationKey>): MigrationGraph {
  const inputs: GraphNodeInput[] = [];
  for (const migration of project.migrations.values()) {
    if (migration.known) {
      inputs.push({
        app: migration.app,
        name: migration.name,
        dependencies: migration.known.dependencies.map((d) => {
          if (!d.startsWith('setting:')) return { key: d, kind: 'dependency' as const };
          const setting = d.slice('setting:'.length);
          const value = project.swappable(setting)?.value;
          return value?.includes('.') ? { key: keyOf(value.split('.')[0], '__first__'), kind: 'swappable' as const, setting } : null;
        }),
        runBefore: [],
        replaces: [],
      });
      continue;
    }
    inputs.push({
      app: migration.app,
      name: migration.name,
      partial: migration.dependencies?.partial,
      // One arm of `x if c else y` naming an app that is not installed is the arm that does not run.
      dependencies: (migration.dependencies?.entries ?? []).map((e) => (e.conditional && e.kind === 'key' && !project.appsByLabel.has(e.app) ? null : project.resolveDependency(e))),
      runBefore: (migration.runBefore?.entries ?? []).map((e) => (e.kind === 'key' ? keyOf(e.app, e.name) : null)),
      replaces: (migration.replaces?.entries ?? []).flatMap((e) => (e.kind === 'key' ? [keyOf(e.app, e.name)] : [])),
    });
  }
  const migratedApps = new Set<string>();
  const unmigratedApps = new Set<string>();
  const opaqueApps = new Set<string>();
  const mayHaveNewerMigrations = new Set<string>();
  for (const app of project.apps) {
    if (app.migrations === 'package') migratedApps.add(app.label);
    else if (app.migrations === 'known') {
      migratedApps.add(app.label);
      mayHaveNewerMigrations.add(app.label);
    } else if (app.migrations === 'none' || app.migrations === 'disabled') unmigratedApps.add(app.label);
    else opaqueApps.add(app.label);
  }
  if (project.appsIncomplete) {
    // Apps we cannot see may be installed: references to them are not judged.
    for (const input of inputs) {
      for (const d of input.dependencies) {
        const app = d?.key.split('.')[0];
        if (app && !project.appsByLabel.has(app)) opaqueApps.add(app);
      }
      for (const r of input.runBefore) {
        const app = r?.split('.')[0];
        if (app && !project.appsByLabel.has(app)) opaqueApps.add(app);
      }
    }
  }
  return new MigrationGraph(inputs, { migratedApps, unmigratedApps, opaqueApps, mayHaveNewerMigrations, applied });
}
