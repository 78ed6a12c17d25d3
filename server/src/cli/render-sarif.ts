import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Fix, Log, Location, Notification, Region, ReportingDescriptor, Result } from 'sarif';
import { RULE_DOCS_BASE, type EngineDiagnostic, type EngineEdit, type EngineRange } from '../engine/workspace';
import { renderRuleDoc } from '../rules/docs';
import type { Rule, Severity } from '../rules/types';
import { Positions } from './output';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFORMATION_URI = 'https://github.com/djswap/djswap';
/** Relative artifact URIs are resolved against this base, which `originalUriBaseIds` defines. */
const SRCROOT = '%SRCROOT%';

export interface SarifInput {
  rules: readonly Rule[];
  diagnostics: EngineDiagnostic[];
  text(file: string): string | undefined;
  /** The folder paths are relative to (the working directory, or the GitHub workspace). */
  base: string;
  version: string;
  /** Things the user should know that are not findings. */
  notes: { level: 'note' | 'warning'; message: string }[];
}

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers). One run;
 * every rule with its documentation and help link; results with their locations, related
 * locations and fixes. Columns are counted in Unicode code points, as in the other formats.
 */
export function sarifReport(input: SarifInput): Log {
  const positions = new Positions(input.text);
  const ruleIndex = new Map(input.rules.map((rule, index) => [rule.code, index]));
  const region = (file: string, range: EngineRange): Region => {
    const r = positions.region(file, range);
    return { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn };
  };
  const artifact = (file: string): ArtifactLocation => {
    const relative = path.relative(input.base, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(file).href };
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  };
  const location = (file: string, range: EngineRange): Location => ({ physicalLocation: { artifactLocation: artifact(file), region: region(file, range) } });

  const results = input.diagnostics.map((d): Result => {
    const result: Result = {
      ruleId: d.code,
      ...(ruleIndex.has(d.code) ? { ruleIndex: ruleIndex.get(d.code) } : {}),
      level: sarifLevel(d.severity),
      message: { text: d.message },
      locations: [location(d.file, d.range)],
    };
    if (d.related.length > 0) {
      result.relatedLocations = d.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.range), message: { text: r.message } }));
    }
    if (d.fix) result.fixes = [sarifFix(d.fix, artifact, region)];
    return result;
  });

  const notifications = input.notes.map((n): Notification => ({ level: n.level, message: { text: n.message } }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'djswap',
            version: input.version,
            informationUri: INFORMATION_URI,
            rules: input.rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(input.base).href.replace(/\/?$/, '/') } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}

function ruleDescriptor(rule: Rule): ReportingDescriptor {
  const doc = renderRuleDoc(rule);
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: `${rule.summary}.` },
    fullDescription: { text: rule.docs.whatItDoes.replace(/\s*\n\s*/g, ' '), markdown: rule.docs.whatItDoes },
    help: { text: doc, markdown: doc },
    helpUri: `${RULE_DOCS_BASE}${rule.code}.md`,
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
    properties: { tags: ['django', 'swappable-models'], fix: rule.fix },
  };
}

function sarifFix(
  fix: NonNullable<EngineDiagnostic['fix']>,
  artifact: (file: string) => ArtifactLocation,
  region: (file: string, range: EngineRange) => Region,
): Fix {
  const byFile = new Map<string, EngineEdit[]>();
  for (const edit of fix.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  return {
    description: { text: `${fix.title} (${fix.safe ? 'safe' : 'unsafe'} fix)` },
    artifactChanges: [...byFile].map(([file, edits]) => ({
      artifactLocation: artifact(file),
      replacements: [...edits]
        .sort((a, b) => a.span.start - b.span.start)
        .map((e) => ({ deletedRegion: region(file, e.range), insertedContent: { text: e.newText } })),
    })),
    properties: { safe: fix.safe },
  };
}
