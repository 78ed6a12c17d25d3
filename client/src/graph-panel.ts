import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MIGRATION_GRAPH_REQUEST, type MigrationGraphParams, type MigrationGraphResult } from '../../server/src/lsp/protocol';

/** The migration graph in a webview: the server draws it, this panel only shows it and opens files. */
export async function showMigrationGraph(client: LanguageClient, args?: MigrationGraphParams): Promise<vscode.WebviewPanel | undefined> {
  const params: MigrationGraphParams = args ?? { uri: vscode.window.activeTextEditor?.document.uri.toString() };
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'djswap: drawing the migration graph' }, () =>
    client.sendRequest<MigrationGraphResult | null>(MIGRATION_GRAPH_REQUEST, params),
  );
  if (!result) {
    void vscode.window.showInformationMessage('djswap: no Django project found for this file.');
    return undefined;
  }
  const panel = vscode.window.createWebviewPanel('djswap.migrationGraph', `Migrations: ${result.title}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  panel.webview.html = html(result, randomBytes(16).toString('base64'));
  const byKey = new Map(result.nodes.map((n) => [n.key, n]));
  panel.webview.onDidReceiveMessage(async (message: { type: string; key?: string }) => {
    const node = message.type === 'open' && message.key ? byKey.get(message.key) : undefined;
    if (!node?.uri) return;
    const line = Math.max(0, (node.line ?? 1) - 1);
    await vscode.window.showTextDocument(vscode.Uri.parse(node.uri), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
  });
  return panel;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function html(result: MigrationGraphResult, nonce: string): string {
  const svg = result.svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '');
  const problems = result.nodes.filter((n) => n.problems.length > 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { margin: 0; background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  header { display: flex; gap: 1em; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--vscode-panel-border); }
  header .legend span { margin-right: 1em; }
  .swappable { color: #1e88e5; } .run-before { color: #8e24aa; } .problem { color: var(--vscode-errorForeground); } .applied { color: var(--vscode-testing-iconPassed, #43a047); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 3px 10px; cursor: pointer; }
  #canvas { height: calc(100vh - ${problems.length > 0 ? '180px' : '40px'}); overflow: hidden; cursor: grab; }
  #canvas svg { width: 100%; height: 100%; }
  svg [stroke="black"] { stroke: var(--vscode-editor-foreground); }
  svg [fill="black"] { fill: var(--vscode-editor-foreground); }
  svg text { fill: var(--vscode-editor-foreground); }
  svg text[fill="#d32f2f"] { fill: var(--vscode-errorForeground); }
  svg text[fill="#1565c0"] { fill: #1e88e5; }
  svg [fill="#ffffff"], svg [fill="white"] { fill: var(--vscode-editor-background); }
  svg [fill="#e8f5e9"] { fill: var(--vscode-diffEditor-insertedTextBackground, #e8f5e9); }
  svg [stroke="#999999"] { stroke: var(--vscode-panel-border, #999999); }
  svg g.node { cursor: pointer; }
  #problems { height: 140px; overflow: auto; margin: 0; padding: 4px 10px; border-top: 1px solid var(--vscode-panel-border); list-style: none; }
  #problems li { cursor: pointer; padding: 2px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #problems li:hover { background: var(--vscode-list-hoverBackground); }
</style>
</head>
<body>
<header>
  <strong>${escape(result.title)}</strong>
  <span class="legend"><span class="swappable">- - swappable dependency</span><span class="run-before">··· run_before</span><span class="problem">■ problem</span><span class="applied">■ applied</span></span>
  <button id="fit" title="Fit the graph to the window">Fit</button>
</header>
<div id="canvas">${svg}</div>
${problems.length > 0 ? `<ul id="problems">${problems.map((n) => `<li data-key="${escape(n.key)}" title="${escape(n.problems.join('\n'))}"><span class="problem">●</span> <code>${escape(n.key)}</code> — ${escape(n.problems[0])}</li>`).join('')}</ul>` : ''}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const canvas = document.getElementById('canvas');
  const svg = canvas.querySelector('svg');
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  const initial = svg.viewBox.baseVal;
  let box = { x: initial.x, y: initial.y, w: initial.width, h: initial.height };
  const apply = () => svg.setAttribute('viewBox', box.x + ' ' + box.y + ' ' + box.w + ' ' + box.h);
  document.getElementById('fit').addEventListener('click', () => { box = { x: initial.x, y: initial.y, w: initial.width, h: initial.height }; apply(); });
  canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    const scale = event.deltaY > 0 ? 1.15 : 1 / 1.15;
    const rect = svg.getBoundingClientRect();
    const px = box.x + ((event.clientX - rect.left) / rect.width) * box.w;
    const py = box.y + ((event.clientY - rect.top) / rect.height) * box.h;
    box = { x: px - (px - box.x) * scale, y: py - (py - box.y) * scale, w: box.w * scale, h: box.h * scale };
    apply();
  }, { passive: false });
  let drag = null;
  canvas.addEventListener('mousedown', (event) => { drag = { x: event.clientX, y: event.clientY, box: { ...box } }; canvas.style.cursor = 'grabbing'; });
  window.addEventListener('mouseup', () => { drag = null; canvas.style.cursor = 'grab'; });
  window.addEventListener('mousemove', (event) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    box.x = drag.box.x - ((event.clientX - drag.x) / rect.width) * box.w;
    box.y = drag.box.y - ((event.clientY - drag.y) / rect.height) * box.h;
    apply();
  });
  const open = (key) => vscode.postMessage({ type: 'open', key });
  svg.addEventListener('click', (event) => {
    event.preventDefault();
    const node = event.target.closest('g.node');
    if (node && node.id) open(node.id);
  });
  for (const item of document.querySelectorAll('#problems li')) item.addEventListener('click', () => open(item.dataset.key));
</script>
</body>
</html>`;
}
