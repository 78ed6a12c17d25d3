import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, copyToTemp, filesUnder, matchSnapshot, removeTemp } from '../helpers/paths';
import { LspTestClient, uriOf } from '../helpers/lsp';

/**
 * test/fixtures/lsp/<name>/: a project whose files hold cursor markers (`$0`), and expected.snap:
 * the diagnostics published, what the language server answers at each marker (hover, definition,
 * declaration), the project model ("djswap: Show Project Model"), the settings modules it proposes
 * and the status bar's coverage, the same with either parser. An optional lsp.json lists editor configurations to go through, one section each.
 * `UPDATE_SNAPSHOTS=1` rewrites the snapshots.
 */
const LSP_FIXTURES = path.join(FIXTURES, 'lsp');
const MARKER = '$0';

interface Cursor {
  file: string;
  line: number;
  character: number;
  /** The line as written in the fixture, marker included. */
  source: string;
}

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** Removes every marker from the copy's files and says where each one was. */
function takeCursors(root: string): Cursor[] {
  const cursors: Cursor[] = [];
  for (const file of filesUnder(root, '.py')) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(MARKER)) continue;
    const lines = text.split('\n');
    const clean: string[] = [];
    lines.forEach((line, index) => {
      let rest = line;
      let at: number;
      while ((at = rest.indexOf(MARKER)) >= 0) {
        cursors.push({ file, line: index, character: at, source: line.trim() });
        rest = rest.slice(0, at) + rest.slice(at + MARKER.length);
      }
      clean.push(rest);
    });
    fs.writeFileSync(file, clean.join('\n'));
  }
  return cursors;
}

for (const backend of ['native', 'wasm'] as const) describe(`language server fixtures (test/fixtures/lsp) [${backend}]`, function () {
  this.timeout(120_000);
  for (const name of fs.existsSync(LSP_FIXTURES) ? fs.readdirSync(LSP_FIXTURES).sort() : []) {
    const dir = path.join(LSP_FIXTURES, name);
    if (!fs.statSync(dir).isDirectory()) continue;

    it(`${name}: answers what expected.snap says`, async () => {
      const root = copyToTemp(dir, 'djswap-lsp-fixture-');
      const client = new LspTestClient({ DJSWAP_GIT: '0', DJSWAP_PARSER: backend });
      try {
        const cursors = takeCursors(root);
        const options = fs.existsSync(path.join(dir, 'lsp.json')) ? (JSON.parse(fs.readFileSync(path.join(dir, 'lsp.json'), 'utf8')) as { configurations?: Record<string, unknown>[] }) : {};
        const configurations = options.configurations ?? [{}];
        const show = (text: string) => hideRoot(text, root);
        const out: string[] = [];
        for (const [index, configuration] of configurations.entries()) {
          const seen = client.notifications.length;
          client.configuration = configuration;
          if (index === 0) await client.initialize(root);
          else await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
          const status = await client.waitFor('the status after an analysis', () => lastStatus(client, seen));
          if (configurations.length > 1) out.push(`# configuration ${JSON.stringify(configuration)}`, '');
          // A request answered after the analysis: whatever it published has arrived.
          const model = (await client.connection.sendRequest('djswap/projectModel', {})) as { markdown: string };
          out.push('## published diagnostics', '', ...publishedDiagnostics(client, root), '');
          for (const cursor of cursors) out.push(...(await describeCursor(client, root, cursor, show)), '');
          out.push('## djswap/projectModel', '', show(model.markdown).trimEnd(), '');
          const candidates = (await client.connection.sendRequest('djswap/settingsCandidates', {})) as { candidates: { module: string; origin: string; detail: string }[] };
          out.push('## djswap/settingsCandidates', '', ...candidates.candidates.map((c) => `- ${c.module} (${c.origin}): ${show(c.detail)}`), '');
          const { files: _files, ...shown } = (lastStatus(client, seen) ?? status) as Record<string, unknown>;
          out.push('## djswap/status', '', show(JSON.stringify(shown, null, 2)), '');
        }
        const { expected, actual } = matchSnapshot(path.join(dir, 'expected.snap'), out.join('\n'));
        assert.equal(actual, expected);
      } finally {
        await client.stop();
        removeTemp(root);
      }
    });
  }
});

/** Every diagnostic published so far, as `file:line:column CODE severity` (the messages are the rule fixtures' business). */
function publishedDiagnostics(client: LspTestClient, root: string): string[] {
  const severity = ['', 'error', 'warning', 'information', 'hint'];
  const rows: string[] = [];
  for (const published of client.diagnostics.values()) {
    const rel = path.relative(root, new URL(published.uri).pathname).split(path.sep).join('/');
    for (const d of published.diagnostics) rows.push(`${rel}:${span(d.range)} ${d.code} ${severity[d.severity ?? 0]}`);
  }
  return rows.length > 0 ? rows.sort() : ['(none)'];
}

/** The newest status notification after `since` that follows an analysis (not "indexing"). */
function lastStatus(client: LspTestClient, since: number): Record<string, unknown> | undefined {
  const statuses = client.notifications.slice(since).filter((n) => n.method === 'djswap/status' && (n.params as { state: string }).state !== 'indexing');
  return statuses.at(-1)?.params as Record<string, unknown> | undefined;
}

async function describeCursor(client: LspTestClient, root: string, cursor: Cursor, show: (text: string) => string): Promise<string[]> {
  const rel = path.relative(root, cursor.file).split(path.sep).join('/');
  const params = { textDocument: { uri: uriOf(cursor.file) }, position: { line: cursor.line, character: cursor.character } };
  const out = [`## ${rel}:${cursor.line + 1}:${cursor.character + 1}  ${cursor.source}`];
  const hover = (await client.connection.sendRequest('textDocument/hover', params)) as { contents: { value: string }; range?: Range } | null;
  if (hover) {
    out.push(`hover ${hover.range ? span(hover.range) : ''}`.trimEnd());
    for (const line of show(hover.contents.value).split('\n')) out.push(`  | ${line}`.trimEnd());
  } else out.push('hover: none');
  for (const method of ['definition', 'declaration']) {
    const found = (await client.connection.sendRequest(`textDocument/${method}`, params)) as { uri: string; range: Range }[] | null;
    const targets = (found ?? []).map((l) => `${path.relative(root, new URL(l.uri).pathname).split(path.sep).join('/')}:${span(l.range)}`);
    out.push(`${method}: ${targets.length > 0 ? targets.join(', ') : 'none'}`);
  }
  return out;
}

/** 1-based `line:column-line:column`. */
function span(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

/** The temporary folder, as a path, a file URI or an encoded URI, becomes `<root>`: the snapshot is the same everywhere. */
function hideRoot(text: string, root: string): string {
  const uri = uriOf(root);
  return text.split(uri).join('file://<root>').split(encodeURIComponent(uri)).join('file%3A%2F%2F%3Croot%3E').split(root).join('<root>');
}
