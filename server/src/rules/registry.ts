import { circularMigrationDependency } from './graph/circular-migration-dependency';
import { conflictingMigrations } from './graph/conflicting-migrations';
import { inconsistentMigrationHistory } from './graph/inconsistent-migration-history';
import { missingMigrationDependency } from './graph/missing-migration-dependency';
import { partiallyAppliedSquash } from './graph/partially-applied-squash';
import { unknownRunBeforeTarget } from './graph/unknown-run-before-target';
import { unmigratedDependencyTarget } from './graph/unmigrated-dependency-target';
import { hardCodedSwappableGetModel } from './migrations/hard-coded-swappable-get-model';
import { hardCodedSwappableInMigration } from './migrations/hard-coded-swappable-in-migration';
import { missingRunBefore } from './migrations/missing-run-before';
import { relationBeforeTargetInMigration } from './migrations/relation-before-target-in-migration';
import { swappableDependencyCycle } from './migrations/swappable-dependency-cycle';
import { swappedModelNotInInitialMigration } from './migrations/swapped-model-not-in-initial-migration';
import { getUserModelAtImportTime } from './models/get-user-model-at-import-time';
import { hardCodedSwappableReference } from './models/hard-coded-swappable-reference';
import { swappableMetaOnReplacement } from './models/swappable-meta-on-replacement';
import { swappedModelImport } from './models/swapped-model-import';
import { customUserModelNotConfigured } from './settings/custom-user-model-not-configured';
import { malformedSwappableSetting } from './settings/malformed-swappable-setting';
import { swappableSettingChangedAfterMigrations } from './settings/swappable-setting-changed-after-migrations';
import { swappableTargetMissing } from './settings/swappable-target-missing';
import { undefinedSwappableSetting } from './settings/undefined-swappable-setting';
import type { Rule } from './types';

/** Every rule, in code order. A new rule is added here and nowhere else. */
export const RULES: readonly Rule[] = [
  hardCodedSwappableReference,
  swappedModelImport,
  getUserModelAtImportTime,
  swappableMetaOnReplacement,
  missingRunBefore,
  swappedModelNotInInitialMigration,
  hardCodedSwappableInMigration,
  hardCodedSwappableGetModel,
  swappableDependencyCycle,
  relationBeforeTargetInMigration,
  missingMigrationDependency,
  circularMigrationDependency,
  conflictingMigrations,
  unknownRunBeforeTarget,
  unmigratedDependencyTarget,
  inconsistentMigrationHistory,
  partiallyAppliedSquash,
  malformedSwappableSetting,
  swappableTargetMissing,
  undefinedSwappableSetting,
  swappableSettingChangedAfterMigrations,
  customUserModelNotConfigured,
];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code.toUpperCase());
}
