import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeEachBackend } from '../helpers/parsers';
import { ORACLE, REPO } from '../helpers/paths';
import { workspaceOn } from '../helpers/engine';

/**
 * Small Django projects on which real Django was run (test/oracle, a copy of the shared oracle sample):
 * djswap must find what Django found, with Django's own texts, and nothing in the clean ones.
 */
const VENDORED = path.join(REPO, 'test', 'oracle');

interface Expected {
  scenario: string;
  category: string;
  settings_module: string;
  commands: Record<string, { error_class: string | null; error_message: string | null }>;
  findings: { file: string; line: number; kind: string; severity: string }[];
}

/** The oracle README's table: which rule codes answer each kind of finding. */
const CODES_FOR_KIND: Record<string, string[]> = {
  'hard-ref-swapped-model': ['SWP101', 'SWP203'],
  'hard-ref-swappable-model': ['SWP101', 'SWP203'],
  'swapped-model-used-at-runtime': ['SWP102'],
  'missing-run-before': ['SWP201'],
  'hardcoded-dependency-on-swappable': ['SWP203'],
  'missing-swappable-dependency': ['SWP203'],
  'swappable-target-created-later': ['SWP202'],
  'missing-migration-dependency': ['SWP301', 'SWP304'],
  'circular-dependency': ['SWP302', 'SWP205'],
  'conflicting-leaves': ['SWP303'],
  'bad-swappable-setting': ['SWP401'],
  'swappable-target-missing': ['SWP402'],
  'swappable-target-unmigrated': ['SWP305'],
  'swappable-setting-missing': ['SWP405'],
  'undefined-swappable-setting': ['SWP403'],
  'mid-project-swap': ['SWP306'],
};

const scenarios = fs
  .readdirSync(VENDORED)
  .filter((name) => fs.existsSync(path.join(VENDORED, name, 'expected.json')))
  .sort();

describe('oracle sample', () => {
  it('test/oracle is the shared oracle sample, unchanged', function () {
    if (!fs.existsSync(ORACLE)) this.skip();
    for (const name of fs.readdirSync(ORACLE)) {
      const expected = path.join(ORACLE, name, 'expected.json');
      if (!fs.existsSync(expected)) continue;
      assert.equal(fs.readFileSync(path.join(VENDORED, name, 'expected.json'), 'utf8'), fs.readFileSync(expected, 'utf8'), name);
    }
  });
});

describeEachBackend('oracle sample', (parser) => {
  for (const name of scenarios) {
    const root = path.join(VENDORED, name);
    const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected.json'), 'utf8')) as Expected;
    describe(name, () => {
      const analyze = () => workspaceOn(root, parser()).analyze();

      it(`names the settings module ${expected.settings_module}`, () => {
        const result = analyze();
        assert.equal(result.projects.length, 1);
        assert.equal(result.projects[0].summary.settingsModule, expected.settings_module);
        assert.ok(result.projects[0].summary.settingsFile, 'the settings file is found');
      });

      it('reads the swappable settings the settings file assigns', () => {
        const project = analyze().projects[0].project;
        for (const file of project.settings.files) {
          for (const match of fs.readFileSync(file, 'utf8').matchAll(/^(AUTH_USER_MODEL|OAUTH2_PROVIDER_\w+_MODEL)\s*=\s*["']([^"']+)["']/gm)) {
            assert.equal(project.swappable(match[1])?.value, match[2], match[1]);
          }
        }
      });

      it("raises the graph errors Django raised, with Django's text", () => {
        const project = analyze().projects[0].project;
        const messages = project.graph.problems.map((p) => p.message);
        for (const command of Object.values(expected.commands)) {
          if (!command.error_class || !command.error_message) continue;
          if (/CircularDependencyError|NodeNotFoundError/.test(command.error_class) || command.error_message.startsWith('Conflicting migrations')) {
            assert.ok(messages.includes(command.error_message), `expected ${command.error_class}: ${command.error_message}\ngot: ${messages.join(' | ')}`);
          }
        }
        if (expected.findings.every((f) => !['circular-dependency', 'conflicting-leaves', 'missing-migration-dependency'].includes(f.kind))) {
          assert.deepEqual(project.graph.problems.filter((p) => p.kind !== 'unmigrated-dependency'), []);
        }
      });

      if (name.startsWith('midswap_')) return; // needs the applied history: see the mid-project tests

      if (expected.findings.length === 0) {
        it('is clean: no diagnostic at all', () => {
          assert.deepEqual(analyze().diagnostics.map((d) => `${d.code} ${path.relative(root, d.file)}:${d.range.start.line + 1} ${d.message}`), []);
        });
      } else {
        for (const finding of expected.findings) {
          it(`reports ${finding.kind} at ${finding.file}:${finding.line} with ${CODES_FOR_KIND[finding.kind].join(' or ')}`, () => {
            const diagnostics = analyze().diagnostics;
            const at = diagnostics.filter((d) => path.relative(root, d.file) === finding.file && d.range.start.line + 1 === finding.line);
            assert.ok(
              at.some((d) => CODES_FOR_KIND[finding.kind].includes(d.code)),
              `nothing at ${finding.file}:${finding.line}; got:\n${diagnostics.map((d) => `${d.code} ${path.relative(root, d.file)}:${d.range.start.line + 1}`).join('\n')}`,
            );
          });
        }
        it('reports each expected problem once, and nothing else', () => {
          const diagnostics = analyze().diagnostics;
          assert.equal(diagnostics.length, expected.findings.length, diagnostics.map((d) => `${d.code} ${path.relative(root, d.file)}:${d.range.start.line + 1}`).join('\n'));
        });
      }
    });
  }
});
