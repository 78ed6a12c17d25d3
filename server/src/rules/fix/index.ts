/** Edits that fixes share: imports, migration entries, settings. Rules take their shared edits from here, never from another rule. */
export { ensureImported } from './imports';
export { addRunBeforeEdit, classSpan, dependencySpan, quoteOf, runBeforeSpan } from './migration-edits';
export { defineSettingFix, settingsFileOf } from './settings';
