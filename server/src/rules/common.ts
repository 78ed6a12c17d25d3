import { builtinSwappable } from '../django/knowledge';
import { sameLabel, type DjangoProject, type SwappableState } from '../django/project';
import type { RelationTarget } from '../django/references';
import type { Location, ParsedFile } from '../django/source';
import { ensureImported } from './fix';
import type { RuleContext, Severity, TextEdit } from './types';

/** The swappable model a relation target names by label or class (not through its setting). */
export function hardSwappableTarget(project: DjangoProject, target: RelationTarget, appLabel: string): { state: SwappableState; written: string } | undefined {
  if (target.kind === 'label') {
    if (target.label === 'self') return undefined;
    const label = target.label.includes('.') ? target.label : `${appLabel}.${target.label}`;
    const state = project.swappables.find((s) => s.inUse && sameLabel(s.defaultLabel, label));
    if (!state) return undefined;
    // The label must name the model that declares the setting: a project app labelled `auth` is not Django's.
    const model = project.modelByLabel(label);
    if (model ? model.swappable !== state.setting : !(state.spec && project.appsIncomplete)) return undefined;
    return { state, written: target.label };
  }
  if (target.kind === 'class') {
    const model = project.modelByQualified(target.qualified);
    if (!model?.swappable) return undefined;
    const state = project.swappable(model.swappable);
    return state?.inUse ? { state, written: target.qualified.split('.').pop()! } : undefined;
  }
  return undefined;
}

/** The code that reads a swappable setting in this file, and the import it needs. */
export function settingExpression(
  context: RuleContext,
  file: ParsedFile,
  state: SwappableState,
): { text: string; edits: TextEdit[] } | undefined {
  const spec = state.spec ?? builtinSwappable(state.setting);
  const reference = spec?.reference ?? { importModule: 'django.conf', importName: 'settings', attribute: state.setting, object: 'django.conf.settings', expression: `settings.${state.setting}` };
  // `settings.X` fails with AttributeError when X is not defined and no default exists.
  if (!spec && !context.project.settings.values.has(state.setting) && !state.defaultAvailable) return undefined;
  const moduleName = context.project.resolver.moduleName(file.path) ?? '';
  const imported = ensureImported(file, moduleName, reference.importModule, reference.importName);
  if (!imported) return undefined;
  return { text: `${imported.localName}.${reference.attribute}`, edits: imported.edits };
}

/** How sure we are that this hard reference fails, and so how loud to be. */
export function hardReferenceSeverity(context: RuleContext, state: SwappableState, file: string): Severity {
  if (state.swapped === true) return 'error';
  // A package's code breaks in the projects that swap the setting; the project's own code and its
  // tests only the day it swaps it.
  const role = context.codeRole(file);
  return role === 'reusable' || role === 'installed' ? 'warning' : 'information';
}

/** "AUTH_USER_MODEL is users.User (project/settings.py:77)" */
export function describeSetting(context: RuleContext, state: SwappableState): string {
  const where = state.assignment ? ` (${context.where(state.assignment.location)})` : '';
  if (state.value === undefined) return `\`${state.setting}\` is not known statically${where}`;
  if (state.state === 'default') return `\`${state.setting}\` is not set, so it is the default \`${state.defaultLabel}\``;
  return `\`${state.setting}\` is \`${state.value}\`${where}`;
}

/** "`OAUTH2_PROVIDER_APPLICATION_MODEL` (project/settings.py:77)", or "(default)" when it is not set. */
export function namedSetting(context: RuleContext, state: SwappableState): string {
  return `\`${state.setting}\` (${state.assignment ? context.where(state.assignment.location) : 'not set: the default'})`;
}

export function settingRelated(state: SwappableState): { file: string; span: Location['span']; message: string }[] {
  if (!state.assignment) return [];
  return [{ ...state.assignment.location, message: `${state.setting} is set here` }];
}
