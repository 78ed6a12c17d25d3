/** What follows a swappable setting: the relation fields Django checks against it, and imports that resolve it. */
import { sameLabel, type DjangoProject, type SwappableState } from '../../django/project';

/**
 * Relation fields Django checks that follow a swappable setting: of models in force (a swapped-out
 * model's fields are not checked), in the project's code or a known package's.
 */
export function relationsFollowing(project: DjangoProject, state: SwappableState): string[] {
  const out: string[] = [];
  for (const model of project.models) {
    if (model.abstract) continue;
    if (model.swappable) {
      const own = project.swappable(model.swappable);
      if (own && (own.value === undefined || !sameLabel(own.value, model.label))) continue;
    }
    for (const relation of model.known?.relations ?? []) {
      if ('setting' in relation.target && relation.target.setting === state.setting) out.push(`${model.label}.${relation.field}`);
    }
    // A concrete model has the fields of its abstract bases too.
    const bases = model.lineage.map((q) => project.modelByQualified(q)).filter((b) => b !== undefined && b.abstract && b.qualified !== model.qualified);
    for (const relation of [model, ...bases].flatMap((m) => m!.facts?.relations ?? [])) {
      const target = relation.target;
      const follows = (target.kind === 'setting' && target.setting === state.setting) || (target.kind === 'swapper' && project.swapperSetting(target.app, target.model) === state.setting);
      if (follows) out.push(`${model.label}.${relation.name}`);
    }
  }
  return out;
}

/** django-oauth-toolkit's admin module calls apps.get_model() on each of its settings when the admin loads it. */
export function resolvedAtImport(project: DjangoProject, state: SwappableState): boolean {
  return state.spec?.getter?.module === 'oauth2_provider.models' && project.appsByLabel.get('admin')?.known !== undefined && project.appsByLabel.has('oauth2_provider');
}
