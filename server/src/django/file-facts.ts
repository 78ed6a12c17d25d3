/** Facts django reads from one parsed file, asked of the tree so the engine may keep them per parsed file. */
import { extractMigration } from './migrations';
import { extractAppConfigs, extractClasses, swapperPrefixes } from './models';
import { ModuleScope } from './modules';
import type { ParsedFile, SourceTree } from './source';

/** The facts of one parsed file, computed once for it when the tree keeps derived facts. */
export function factOf<T>(tree: SourceTree, parsed: ParsedFile, key: string, compute: () => T): T {
  return tree.derive ? tree.derive(parsed, key, compute) : compute();
}

export function scopeFor(tree: SourceTree, moduleName: string, parsed: ParsedFile): ModuleScope {
  return factOf(tree, parsed, `scope ${moduleName}`, () => new ModuleScope(moduleName, parsed));
}

export const classesOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `classes ${scope.moduleName}`, () => extractClasses(scope));
export const migrationOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `migration ${scope.moduleName}`, () => extractMigration(scope));
export const appConfigsOfScope = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `apps ${scope.moduleName}`, () => extractAppConfigs(scope));
export const prefixesOf = (tree: SourceTree, scope: ModuleScope) => factOf(tree, scope.file, `prefixes ${scope.moduleName}`, () => swapperPrefixes(scope));
