/** Which classes are models: model-ness travels through bases, read from files or known to djswap. */
import { MODEL_BASES } from './knowledge';
import type { ClassFacts } from './models';
import type { AppInfo, ModelInfo } from './project-model';

/** What deciding models asks of the project being built. */
export interface ModelLookup {
  appsByLabel: Map<string, AppInfo>;
  /** A model already added by this qualified name, or one djswap knows. */
  readOrKnownModel(qualified: string): ModelInfo | undefined;
  modelByQualified(qualified: string): ModelInfo | undefined;
  /** `from .user import User` in models/__init__.py: the entry a re-exported name stands for. */
  reexported<T>(qualified: string, byQualified: Map<string, T>): T | undefined;
  /** The class a qualified name stands for in a module djswap reads. */
  classOfModule(qualified: string): ClassFacts | undefined;
  appOfFile(file: string): AppInfo | undefined;
  swappableSettingOf(facts: ClassFacts): string | undefined;
  /** Whether the `if` tests a class is defined under hold (undefined: not known). */
  classGuardsHold(facts: ClassFacts): boolean | undefined;
  addModel(model: ModelInfo, qualifiedNames: string[]): void;
}

export function decideModels(classes: { app: AppInfo; facts: ClassFacts }[], lookup: ModelLookup): void {
  // Model-ness travels through bases defined anywhere in the workspace: iterate to a fixpoint.
  const byQualified = new Map(classes.map((c) => [c.facts.qualified, c]));
  /** null: not a model; undefined: cannot tell (a base djswap cannot read). */
  const decided = new Map<string, ModelInfo | null | undefined>();
  /** Classes of other modules read for the bases they define (an abstract model in base.py). */
  const extras: { app: AppInfo; facts: ClassFacts }[] = [];
  const decide = (qualified: string, seen: Set<string>, forApp?: AppInfo): ModelInfo | null | undefined => {
    if (decided.has(qualified)) return decided.get(qualified);
    // A class read from a file wins; built-in knowledge stands in for what is not read.
    let entry = byQualified.get(qualified) ?? lookup.reexported(qualified, byQualified);
    if (!entry) {
      const known = lookup.readOrKnownModel(qualified);
      if (known || !forApp) return known;
      // A base defined in a module that is not a models module: read that module.
      const facts = lookup.classOfModule(qualified);
      if (!facts) return undefined;
      entry = { app: lookup.appOfFile(facts.file) ?? forApp, facts };
      byQualified.set(facts.qualified, entry);
      if (facts.qualified !== qualified) byQualified.set(qualified, entry);
      extras.push(entry);
    }
    if (seen.has(qualified)) return undefined;
    seen.add(qualified);
    const lineage: string[] = [];
    let isModel = false;
    let userModel = false;
    let unsure = false;
    for (const base of entry.facts.bases) {
      if (!base.qualified) {
        // A base djswap cannot name (a call, a subscript): the class may be a model.
        unsure = true;
        continue;
      }
      lineage.push(base.qualified);
      if (MODEL_BASES.has(base.qualified)) {
        isModel = true;
        continue;
      }
      const parent = decide(base.qualified, seen, entry.app);
      if (parent) {
        isModel = true;
        userModel ||= parent.userModel || parent.known?.userModel === true;
        lineage.push(...parent.lineage);
      } else if (parent === undefined && !base.qualified.startsWith('django.')) {
        unsure = true;
      }
    }
    // A base from an unread package (django-extensions' TimeStampedModel, ...): fields or a Meta tell.
    if (!isModel && unsure && looksLikeModel(entry.facts)) isModel = true;
    if (!isModel) {
      // Unknown rather than no: a subclass with fields of its own may still be a model.
      const answer = unsure ? undefined : null;
      decided.set(qualified, answer);
      return answer;
    }
    const app = entry.facts.meta.appLabel ? lookup.appsByLabel.get(entry.facts.meta.appLabel) ?? entry.app : entry.app;
    const model: ModelInfo = {
      app: app.label,
      name: entry.facts.name,
      label: `${app.label}.${entry.facts.name}`,
      qualified: entry.facts.qualified,
      origin: app.origin === 'site-packages' ? 'site-packages' : 'workspace',
      abstract: entry.facts.meta.abstract === true,
      proxy: entry.facts.meta.proxy === true,
      swappable: lookup.swappableSettingOf(entry.facts),
      userModel,
      file: entry.facts.file,
      facts: entry.facts,
      lineage,
    };
    if (entry.facts.guards && lookup.classGuardsHold(entry.facts) === undefined) model.conditional = entry.facts.guardSource;
    decided.set(qualified, model);
    if (entry.facts.qualified !== qualified) decided.set(entry.facts.qualified, model);
    return model;
  };
  for (const { facts } of classes) {
    const model = decide(facts.qualified, new Set());
    if (model && model.qualified === facts.qualified) lookup.addModel(model, [facts.qualified]);
  }
  // Bases read from other modules are models of the app whose module holds them (abstract ones, mostly).
  for (const { facts } of extras) {
    const model = decided.get(facts.qualified);
    if (!model || model.qualified !== facts.qualified || lookup.modelByQualified(facts.qualified) !== undefined) continue;
    lookup.addModel(model, [facts.qualified]);
  }
}

/** Fields assigned from `models.*` calls or a Meta class: what a model class looks like. */
function looksLikeModel(facts: ClassFacts): boolean {
  return facts.relations.length > 0 || facts.otherFields > 0 || facts.meta.span !== undefined;
}
