import type { SummaryOptions } from '../syntax/python';

/**
 * What the Django layer never reads, so summaries can skip it: the arguments of field classes other
 * than relations (`models.CharField(max_length=..., help_text=..., choices=[...])`). In migrations
 * these arguments are most of the text.
 */
/** Migration operations whose names end in "Field" but whose arguments hold the field. */
const MIGRATION_OPERATIONS = new Set(['AddField', 'AlterField', 'RemoveField', 'RenameField']);

export const DJANGO_SUMMARY_OPTIONS: SummaryOptions = {
  skipArguments(callee) {
    const name = callee.slice(callee.lastIndexOf('.') + 1);
    return name.endsWith('Field') && !MIGRATION_OPERATIONS.has(name) && !/ForeignKey|OneToOne|ManyToMany|Parental/.test(name);
  },
};
