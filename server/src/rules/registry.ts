import { hardCodedSwappableReference } from './models/hard-coded-swappable-reference';
import type { Rule } from './types';

/** Every rule, in code order. A new rule is added here and nowhere else. */
export const RULES: readonly Rule[] = [hardCodedSwappableReference];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code.toUpperCase());
}
