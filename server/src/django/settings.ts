import * as path from 'node:path';
import { forEachExpr, forEachStatement, statementExprs, type PyExpr } from '../syntax/python';
import type { ModuleResolver } from './modules';
import type { Location, SourceTree } from './source';
import { SettingsEvaluator, type ModuleContext } from './settings-evaluator';
import type { SettingsModel } from './static-value';

export type { SettingAssignment, SettingsModel, StaticValue } from './static-value';

/**
 * `configuration`: the class django-configurations loads (DJANGO_CONFIGURATION), when the project names
 * one; settings classes copied into the module by a call like `Settings.load_settings(__name__)` are
 * found without it.
 */
export function evaluateSettings(moduleName: string, resolver: ModuleResolver, tree: SourceTree, configuration?: string): SettingsModel {
  const evaluator = new SettingsEvaluator(resolver, tree);
  const resolved = resolver.resolve(moduleName);
  const model: SettingsModel = {
    module: moduleName,
    file: resolved?.file,
    files: [],
    values: new Map(),
    unresolvedStarImports: [],
    problems: [],
  };
  if (!resolved?.file) {
    model.problems.push(`settings module '${moduleName}' was not found under ${resolver.roots.join(', ')}`);
    return model;
  }
  const env = evaluator.evaluateModule(moduleName, resolved.file, 0);
  if (!env) {
    model.problems.push(`settings module '${moduleName}' (${resolved.file}) could not be read`);
    return model;
  }
  model.values = env;
  const settingsClass = evaluator.settingsClass(resolved.file, configuration);
  if (settingsClass) {
    model.settingsClass = settingsClass.name;
    for (const [name, assignment] of evaluator.classAttributes(settingsClass)) if (/^[A-Z][A-Z0-9_]*$/.test(name)) env.set(name, assignment);
  } else if (configuration) {
    model.problems.push(`the configuration class ${configuration} (DJANGO_CONFIGURATION) was not found in ${moduleName}`);
  }
  model.files = [...evaluator.files];
  model.unresolvedStarImports = [...evaluator.unresolvedStarImports];
  for (const problem of evaluator.problems) model.problems.push(problem);
  return model;
}

/**
 * Settings given to `settings.configure(NAME=value, ...)` (a test setup without a settings module):
 * the keywords are the settings, evaluated with what the module defines at its top level.
 */
export function evaluateInlineSettings(call: Location, moduleName: string, resolver: ModuleResolver, tree: SourceTree): SettingsModel {
  const model: SettingsModel = { module: '', file: call.file, files: [call.file], values: new Map(), unresolvedStarImports: [], problems: [] };
  const parsed = tree.parse(call.file);
  let found: Extract<PyExpr, { k: 'call' }> | undefined;
  if (parsed) {
    forEachStatement(parsed.module.statements, (s) => {
      for (const expr of statementExprs(s)) forEachExpr(expr, (e) => {
        if (!found && e.k === 'call' && e.span.start === call.span.start) found = e;
      });
    });
  }
  if (!parsed || !found) {
    model.problems.push(`the settings.configure() call in ${call.file} could not be read`);
    return model;
  }
  const evaluator = new SettingsEvaluator(resolver, tree);
  const env = evaluator.evaluateModule(moduleName, call.file, 0) ?? new Map();
  const context: ModuleContext = { moduleName, parsed, isPackage: path.basename(call.file) === '__init__.py', depth: 0 };
  for (const keyword of found.keywords) {
    model.values.set(keyword.name, { name: keyword.name, value: evaluator.value(keyword.value, env, context), location: { file: call.file, span: keyword.span }, valueSpan: keyword.value.span, conditional: false });
  }
  if (found.starred) model.problems.push(`settings.configure() in ${call.file} also takes settings from a ** argument djswap does not read: settings it does not list are unknown`);
  model.files = [...new Set([call.file, ...evaluator.files])];
  model.unresolvedStarImports = [...evaluator.unresolvedStarImports];
  if (found.starred) model.unresolvedStarImports.push('** arguments of settings.configure()');
  return model;
}

/** The string a setting holds, when it is statically known. */
export function settingString(settings: SettingsModel, name: string): string | undefined {
  const value = settings.values.get(name)?.value;
  return value?.kind === 'str' ? value.value : undefined;
}
