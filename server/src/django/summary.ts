import type { SummaryOptions } from '../syntax/python';

/**
 * What the Django layer never reads, so summaries can skip it: the arguments of field classes other
 * than relations (`models.CharField(max_length=..., help_text=..., choices=[...])`). In migrations
 * these arguments are most of the text.
 */
export const DJANGO_SUMMARY_OPTIONS: SummaryOptions = {
  skipArguments(callee) {
    const name = callee.slice(callee.lastIndexOf('.') + 1);
    return name.endsWith('Field') && !/ForeignKey|OneToOne|ManyToMany|Parental/.test(name);
  },
};
