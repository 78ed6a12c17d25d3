import {
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type Hover,
  type Location,
  type TextDocumentPositionParams,
  MarkupKind,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { ConfigError, defaultConfig, validateConfig, type DjswapConfig } from '../engine/config';
import { Session, type FileEvent } from '../engine/session';
import type { EngineDiagnostic } from '../engine/workspace';
import { loadPythonParser } from '../syntax/parser';
import { LineIndex } from '../syntax/text';
import { pathToUri, toLspDiagnostic, toLspRange, uriToPath } from './convert';
import {
  CLIENT_COMMANDS,
  COMMANDS,
  MIGRATION_GRAPH_REQUEST,
  PLAN_REQUEST,
  PROJECT_MODEL_REQUEST,
  STATUS_NOTIFICATION,
  type DiagnosticData,
  type MigrationGraphParams,
  type MigrationGraphResult,
  type PlanParams,
  type ProjectModelParams,
  type ProjectModelResult,
  type StatusParams,
} from './protocol';
import { describeProjects } from '../engine/inspect';
import { planResult, planWorkspaceEdit } from './plan';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.djswap`;

interface ClientSupport {
  configuration: boolean;
  watchedFiles: boolean;
  progress: boolean;
  related: boolean;
  codeActionLiterals: boolean;
  showDocument: boolean;
  documentChanges: boolean;
  /** The client can create and delete files through a WorkspaceEdit. */
  resourceOperations: boolean;
  workspaceFolders: boolean;
  commandLinks: boolean;
}

/**
 * The language server: wiring from LSP messages to the engine's Session. Each handler is guarded:
 * a failure is logged and answered with an empty result, and the server keeps serving.
 */
export class DjswapServer {
  private session?: Session;
  private ready?: Promise<void>;
  private support!: ClientSupport;
  private folders: string[] = [];
  private published = new Map<string, string>();
  private scheduled: NodeJS.Immediate | undefined;
  private lastDiagnostics: EngineDiagnostic[] = [];
  private disposed = false;

  constructor(private readonly connection: Connection) {}

  register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.guard('initialized', () => this.initialized()));
    c.onDidOpenTextDocument((p) => this.guard('didOpen', () => this.withPath(p.textDocument.uri, (file) => this.session?.open(file, p.textDocument.text, p.textDocument.version))));
    c.onDidChangeTextDocument((p) =>
      this.guard('didChange', () =>
        this.withPath(p.textDocument.uri, (file) => {
          const session = this.session;
          if (!session) return;
          const workspace = session.workspaceFor(file);
          const current = workspace?.files.text(file) ?? '';
          let lines = new LineIndex(current);
          let text = current;
          const changes: { start: number; end: number; text: string }[] = [];
          let replaced = false;
          if (!Array.isArray(p.contentChanges) || !p.contentChanges.every(isContentChange)) {
            this.connection.console.warn(`djswap: ignored a malformed didChange of ${file}`);
            return;
          }
          for (const change of p.contentChanges) {
            if (!('range' in change)) {
              // A whole new text; changes after it apply to it.
              replaced = true;
              changes.length = 0;
              text = change.text;
              lines = new LineIndex(text);
              continue;
            }
            const start = lines.offset({ line: change.range.start.line, column: change.range.start.character });
            const end = Math.max(start, lines.offset({ line: change.range.end.line, column: change.range.end.character }));
            changes.push({ start, end, text: change.text });
            text = text.slice(0, start) + change.text + text.slice(end);
            lines = new LineIndex(text);
          }
          if (replaced) session.change(file, { full: text }, p.textDocument.version);
          else session.change(file, changes, p.textDocument.version);
        }),
      ),
    );
    c.onDidCloseTextDocument((p) => this.guard('didClose', () => this.withPath(p.textDocument.uri, (file) => this.session?.close(file))));
    c.onDidChangeWatchedFiles((p) =>
      this.guard('didChangeWatchedFiles', () => {
        const events: FileEvent[] = [];
        for (const change of p.changes) {
          const file = uriToPath(change.uri);
          if (!file) continue;
          const type = change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
          events.push({ file, type });
        }
        this.session?.fileEvents(events);
        if (events.some((e) => /\.(sqlite3|db|sqlite)$|showmigrations|history/i.test(e.file))) void this.loadHistories().then(() => this.schedule());
        else this.schedule();
      }),
    );
    c.onDidChangeConfiguration(() => this.guard('didChangeConfiguration', async () => {
      await this.applyConfiguration();
      await this.loadHistories();
      this.schedule();
    }));
    c.onCodeAction((p, token) => this.guardRequest('codeAction', [], () => this.codeActions(p), token));
    c.onHover((p, token) => this.guardRequest('hover', null, () => this.hover(p), token));
    c.onDefinition((p, token) => this.guardRequest('definition', [], () => this.locations(p, 'definition'), token));
    c.onDeclaration((p, token) => this.guardRequest('declaration', [], () => this.locations(p, 'declaration'), token));
    c.onExecuteCommand((p, token) => this.guardRequest('executeCommand', null, () => this.executeCommand(p), token));
    c.onRequest(PROJECT_MODEL_REQUEST, (p: ProjectModelParams, token: CancellationToken) => this.guardRequest('projectModel', { markdown: '' }, () => this.projectModel(p), token));
    c.onRequest(MIGRATION_GRAPH_REQUEST, (p: MigrationGraphParams, token: CancellationToken) => this.guardRequest('migrationGraph', null, () => this.migrationGraph(p), token));
    c.onRequest(PLAN_REQUEST, (p: PlanParams, token: CancellationToken) => this.guardRequest('plan', { markdown: '', plan: null }, () => planResult(this.session, p), token));
    c.onShutdown(() => {
      this.disposed = true;
      if (this.scheduled) clearImmediate(this.scheduled);
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    const capabilities = params.capabilities;
    this.support = {
      configuration: capabilities.workspace?.configuration === true,
      watchedFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      progress: capabilities.window?.workDoneProgress === true,
      related: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
      codeActionLiterals: capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
      showDocument: capabilities.window?.showDocument?.support === true,
      documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
      resourceOperations:
        capabilities.workspace?.workspaceEdit?.documentChanges === true &&
        ['create', 'delete'].every((kind) => (capabilities.workspace?.workspaceEdit?.resourceOperations ?? []).includes(kind as 'create' | 'delete')),
      workspaceFolders: capabilities.workspace?.workspaceFolders === true,
      // Only a client that registers djswap's commands can follow a command link in a hover.
      commandLinks: (params.initializationOptions as { commandLinks?: boolean } | undefined)?.commandLinks === true,
    };
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f) ?? [];
    const root = params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? undefined;
    this.folders = folders.length > 0 ? folders : root ? [root] : [];
    // Loading the parser may fall back to wasm: start now, await where it is needed.
    // An editor that says the workspace is not trusted (VS Code's restricted mode) gets no git:
    // git reads the repository's own configuration. Editors that say nothing are trusted.
    const trusted = (params.initializationOptions as { trusted?: boolean } | undefined)?.trusted !== false;
    this.ready = loadPythonParser().then((parser) => {
      this.session = new Session(parser, undefined, trusted ? undefined : { ...process.env, DJSWAP_GIT: '0' });
      if (!trusted) this.log('djswap: the workspace is not trusted: the history of settings is not read from git');
      this.session.setFolders(this.folders.map((f) => ({ root: f, overrides: {} })));
      this.log(`djswap: parser backend ${parser.backend}${parser.fallbackReason ? ` (native unavailable: ${parser.fallbackReason})` : ''}`);
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: this.support.codeActionLiterals
          ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false }
          : true,
        executeCommandProvider: { commands: [COMMANDS.showDocumentation, COMMANDS.fixAllInWorkspace, COMMANDS.applyFixAllInFile, COMMANDS.applyPlanEdits] },
        hoverProvider: true,
        definitionProvider: true,
        declarationProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: this.support.workspaceFolders } },
      },
      serverInfo: { name: 'djswap', version: VERSION },
    };
  }

  private async initialized(): Promise<void> {
    if (this.support.configuration) await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'djswap' });
    if (this.support.watchedFiles) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.py' },
          { globPattern: '**/pyproject.toml' },
          { globPattern: '**/migrations' },
          { globPattern: '**/migrations/**' },
          { globPattern: '**/*.sqlite3' },
          { globPattern: '**/*.txt' },
        ],
      });
    }
    if (this.support.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) =>
        this.guard('didChangeWorkspaceFolders', async () => {
          const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
          this.folders = [...this.folders.filter((f) => !removed.has(f)), ...event.added.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f)];
          await this.applyConfiguration();
          this.schedule();
        }),
      );
    }
    await this.ready;
    await this.applyConfiguration();
    // Index in the background: initialize has answered, and requests are served as they come.
    setImmediate(() => this.guard('indexing', () => this.index()));
  }

  private async index(): Promise<void> {
    const progress = this.support.progress ? await this.connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Indexing Django project…', 0, undefined, false);
    this.status({ state: 'indexing', errors: 0, warnings: 0, infos: 0, files: 0 });
    const started = Date.now();
    try {
      await this.session?.prewarm((done, total) => progress?.report(total > 0 ? Math.round((done / total) * 100) : 100, `${done}/${total} files`));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error; // reported by the analysis below
    }
    await this.loadHistories();
    this.analyzeAndPublish();
    progress?.done();
    const files = this.session?.folders.reduce((n, w) => n + w.files.cachedFiles, 0) ?? 0;
    this.log(`djswap: indexed ${files} files in ${Date.now() - started} ms`);
  }

  /** Applied migrations of each project's database: read at start, and again when a database or history file changes. */
  private async loadHistories(): Promise<void> {
    try {
      await this.session?.loadHistories();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }

  private async applyConfiguration(): Promise<void> {
    if (!this.session) return;
    const folders: { root: string; overrides: Partial<DjswapConfig> }[] = [];
    for (const root of this.folders) {
      let overrides: Partial<DjswapConfig> = {};
      if (this.support.configuration) {
        const raw = (await this.connection.workspace.getConfiguration({ scopeUri: pathToUri(root), section: 'djswap' })) as Record<string, unknown> | null;
        overrides = this.readSettings(raw ?? {});
      }
      folders.push({ root, overrides });
    }
    this.session.setFolders(folders);
  }

  /** Editor settings: only keys that differ from the schema's defaults override pyproject.toml. */
  private readSettings(raw: Record<string, unknown>): Partial<DjswapConfig> {
    const known: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'trace' || value === undefined) continue;
      known[key] = value;
    }
    try {
      const validated = validateConfig(known, 'VS Code settings (djswap.*)', 'key');
      const overrides: Partial<DjswapConfig> = {};
      for (const [key, value] of Object.entries(validated) as [keyof DjswapConfig, unknown][]) {
        if (isDefault(key, value)) continue;
        (overrides as Record<string, unknown>)[key] = value;
      }
      return overrides;
    } catch (error) {
      if (error instanceof ConfigError) {
        void this.connection.window.showErrorMessage(`djswap: ${error.message}`);
        return {};
      }
      throw error;
    }
  }

  private schedule(): void {
    if (this.disposed || this.scheduled) return;
    // One run at a time, on the newest state: changes that arrive meanwhile join the next run.
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.guard('analysis', () => this.analyzeAndPublish());
    });
  }

  private analyzeAndPublish(): void {
    const session = this.session;
    if (!session) return;
    let diagnostics: EngineDiagnostic[];
    try {
      const result = session.analyze();
      diagnostics = result.diagnostics;
      const projects = result.projects;
      const counts = { errors: 0, warnings: 0, infos: 0 };
      for (const d of diagnostics) {
        if (d.severity === 'error') counts.errors++;
        else if (d.severity === 'warning') counts.warnings++;
        else counts.infos++;
      }
      this.status({
        state: projects.length > 0 ? 'ready' : 'no-project',
        settings: projects.length === 1 ? projects[0].summary.settingsModule : projects.length > 1 ? `${projects.length} projects` : undefined,
        ...counts,
        files: session.folders.reduce((n, w) => n + w.files.cachedFiles, 0),
      });
    } catch (error) {
      if (error instanceof ConfigError) {
        this.status({ state: 'error', errors: 0, warnings: 0, infos: 0, files: 0, message: error.message });
        void this.connection.window.showErrorMessage(`djswap: ${error.message}`);
        diagnostics = [];
      } else throw error;
    }
    this.lastDiagnostics = diagnostics;
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      const list = byFile.get(d.file) ?? [];
      list.push(toLspDiagnostic(d, session.version(d.file), this.support.related));
      byFile.set(d.file, list);
    }
    const seen = new Set<string>();
    for (const [file, list] of byFile) {
      const uri = pathToUri(file);
      seen.add(uri);
      const serialized = JSON.stringify(list);
      if (this.published.get(uri) === serialized) continue;
      this.published.set(uri, serialized);
      const version = session.version(file);
      void this.connection.sendDiagnostics({ uri, diagnostics: list, version: version ?? undefined });
    }
    for (const uri of [...this.published.keys()]) {
      if (seen.has(uri)) continue;
      this.published.delete(uri);
      const file = uriToPath(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [], version: (file ? session.version(file) : null) ?? undefined });
    }
  }

  private codeActions(params: CodeActionParams): CodeAction[] {
    const file = uriToPath(params.textDocument.uri);
    const session = this.session;
    if (!file || !session) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const version = session.version(file);
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const ours = params.context.diagnostics.filter((d) => d.source === 'djswap' && d.data);
      const codesSeen = new Set<string>();
      for (const diagnostic of ours) {
        const data = diagnostic.data as DiagnosticData;
        if (data.fix && (data.version === null || version === null || data.version === version)) {
          const action = CodeAction.create(data.fix.title, this.workspaceEdit(data.fix.edits), CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          action.isPreferred = data.fix.safe;
          actions.push(action);
        }
        if (!codesSeen.has(data.code)) {
          codesSeen.add(data.code);
          const sameCode = this.lastDiagnostics.filter((d) => d.file === file && d.code === data.code && d.fix);
          if (sameCode.length > 1) {
            const fixed = session.fixAllInFile(file, { unsafe: true, codes: new Set([data.code]) });
            if (fixed) {
              const action = CodeAction.create(`Fix all ${data.code} in this file`, this.fileEdit(params.textDocument.uri, version, fixed.before, fixed.after), CodeActionKind.QuickFix);
              action.diagnostics = ours.filter((d) => (d.data as DiagnosticData).code === data.code);
              actions.push(action);
            }
          }
        }
        actions.push(this.disableForLine(params.textDocument.uri, file, diagnostic, data.code, version));
        const docs = CodeAction.create(`Show documentation for ${data.code}`, { title: `Show documentation for ${data.code}`, command: COMMANDS.showDocumentation, arguments: [data.docsUrl] }, CodeActionKind.QuickFix);
        docs.diagnostics = [diagnostic];
        actions.push(docs);
      }
    }
    // Fix-all is a source action: offered when asked for (codeActionsOnSave, the Source Action menu).
    if (only && wants(FIX_ALL_KIND)) {
      const fixed = session.fixAllInFile(file, { unsafe: false });
      if (fixed) actions.push(CodeAction.create('djswap: Fix all safe fixes', this.fileEdit(params.textDocument.uri, version, fixed.before, fixed.after), FIX_ALL_KIND));
    }
    return actions;
  }

  private disableForLine(uri: string, file: string, diagnostic: Diagnostic, code: string, version: number | null): CodeAction {
    const text = this.session?.workspaceFor(file)?.files.text(file) ?? '';
    const lines = new LineIndex(text);
    const line = diagnostic.range.start.line;
    const lineText = lines.lineText(line);
    const end = lines.lineEnd(line) - lines.lineStart(line);
    const existing = /#\s*djswap:\s*ignore\[([^\]]*)\]/.exec(lineText);
    let edit: TextEdit;
    if (existing) {
      const start = existing.index + existing[0].indexOf('[') + 1;
      const close = existing.index + existing[0].length - 1;
      const codes = existing[1].split(',').map((c) => c.trim()).filter(Boolean);
      edit = { range: { start: { line, character: start }, end: { line, character: close } }, newText: [...codes, code].join(', ') };
    } else {
      edit = { range: { start: { line, character: end }, end: { line, character: end } }, newText: `  # djswap: ignore[${code}]` };
    }
    const action = CodeAction.create(`Disable ${code} for this line`, this.versioned(uri, version, [edit]), CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    return action;
  }

  private workspaceEdit(edits: NonNullable<DiagnosticData['fix']>['edits']): WorkspaceEdit {
    const changes: Record<string, TextEdit[]> = {};
    for (const e of edits) (changes[e.uri] ??= []).push({ range: e.range, newText: e.newText });
    if (!this.support.documentChanges) return { changes };
    return {
      documentChanges: Object.entries(changes).map(([uri, list]) => {
        const file = uriToPath(uri);
        return { textDocument: { uri, version: file ? this.session?.version(file) ?? null : null }, edits: list };
      }),
    };
  }

  private versioned(uri: string, version: number | null, edits: TextEdit[]): WorkspaceEdit {
    if (!this.support.documentChanges) return { changes: { [uri]: edits } };
    return { documentChanges: [{ textDocument: { uri, version }, edits }] };
  }

  /** One edit covering what changed between two texts (common prefix and suffix kept). */
  private fileEdit(uri: string, version: number | null, before: string, after: string): WorkspaceEdit {
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let endBefore = before.length;
    let endAfter = after.length;
    while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
      endBefore--;
      endAfter--;
    }
    const lines = new LineIndex(before);
    const from = lines.position(start);
    const to = lines.position(endBefore);
    return this.versioned(uri, version, [
      { range: { start: { line: from.line, character: from.column }, end: { line: to.line, character: to.column } }, newText: after.slice(start, endAfter) },
    ]);
  }

  private async executeCommand(params: ExecuteCommandParams): Promise<unknown> {
    switch (params.command) {
      case COMMANDS.showDocumentation: {
        const url = String(params.arguments?.[0] ?? '');
        if (url && this.support.showDocument) await this.connection.window.showDocument({ uri: url, external: true });
        return null;
      }
      case COMMANDS.fixAllInWorkspace: {
        const session = this.session;
        if (!session) return null;
        const changed = session.fixAllInWorkspace({ unsafe: false });
        if (changed.size === 0) return { files: 0 };
        const edit: WorkspaceEdit = { changes: {} };
        for (const [file, change] of changed) {
          const whole = this.fileEdit(pathToUri(file), null, change.before, change.after);
          const edits = whole.changes?.[pathToUri(file)] ?? whole.documentChanges?.flatMap((d) => ('edits' in d ? d.edits : [])) ?? [];
          edit.changes![pathToUri(file)] = edits as TextEdit[];
        }
        await this.connection.workspace.applyEdit({ label: 'djswap: Fix all in workspace', edit });
        return { files: changed.size };
      }
      case COMMANDS.applyFixAllInFile: {
        const uri = String(params.arguments?.[0] ?? '');
        const file = uriToPath(uri);
        const session = this.session;
        if (!file || !session) return null;
        const fixed = session.fixAllInFile(file, { unsafe: false });
        if (fixed) await this.connection.workspace.applyEdit({ label: 'djswap: Fix all', edit: this.fileEdit(uri, session.version(file), fixed.before, fixed.after) });
        return null;
      }
      case COMMANDS.applyPlanEdits: {
        const found = planWorkspaceEdit(this.session, (params.arguments?.[0] ?? {}) as PlanParams, this.support.resourceOperations);
        if (!found) return { applied: false, files: 0 };
        const answer = await this.connection.workspace.applyEdit({ label: 'djswap: Apply the plan\'s next deployment', edit: found.edit });
        return { applied: answer.applied, files: found.edit.documentChanges?.length ?? 0 };
      }
      default:
        return null;
    }
  }

  private hover(params: TextDocumentPositionParams): Hover | null {
    const file = uriToPath(params.textDocument.uri);
    const session = this.session;
    if (!file || !session) return null;
    const offset = this.offsetOf(file, params.position);
    const hover = offset === undefined ? undefined : session.hover(file, offset);
    if (!hover) return null;
    let value = hover.markdown;
    if (hover.graphFocus && this.support.commandLinks) {
      const args = encodeURIComponent(JSON.stringify([{ ...hover.graphFocus, uri: params.textDocument.uri } satisfies MigrationGraphParams]));
      value += `\n\n[Show the migration graph](command:${CLIENT_COMMANDS.showMigrationGraph}?${args})`;
    }
    return { contents: { kind: MarkupKind.Markdown, value }, range: toLspRange(hover.range) };
  }

  private locations(params: TextDocumentPositionParams, kind: 'definition' | 'declaration'): Location[] {
    const file = uriToPath(params.textDocument.uri);
    const session = this.session;
    if (!file || !session) return [];
    const offset = this.offsetOf(file, params.position);
    if (offset === undefined) return [];
    const targets = kind === 'definition' ? session.definition(file, offset) : session.declaration(file, offset);
    return targets.map((t) => ({ uri: pathToUri(t.file), range: toLspRange(t.range) }));
  }

  private offsetOf(file: string, position: { line: number; character: number }): number | undefined {
    const text = this.session?.workspaceFor(file)?.files.text(file);
    return text === undefined ? undefined : new LineIndex(text).offset({ line: position.line, column: position.character });
  }

  private async migrationGraph(params: MigrationGraphParams): Promise<MigrationGraphResult | null> {
    const file = params.uri ? uriToPath(params.uri) : undefined;
    const graph = await this.session?.graph({ file, app: params.app, around: params.around, depth: params.depth });
    if (!graph) return null;
    return {
      title: graph.view.title,
      svg: graph.svg,
      nodes: graph.view.nodes
        .filter((n) => n.key)
        .map((n) => ({ key: n.key!, uri: n.file ? pathToUri(n.file) : undefined, line: n.line, problems: n.problems })),
    };
  }

  private projectModel(params: ProjectModelParams): ProjectModelResult {
    const session = this.session;
    if (!session) return { markdown: 'djswap is still starting.' };
    const file = params.uri ? uriToPath(params.uri) : undefined;
    let result: ReturnType<Session['analyze']>;
    try {
      result = session.analyze();
    } catch (error) {
      if (error instanceof ConfigError) return { markdown: `djswap cannot read its configuration: ${error.message}` };
      throw error;
    }
    const projects = file ? result.projects.filter((p) => p.project.files.has(file) || file.startsWith(p.config.root)) : result.projects;
    return { markdown: describeProjects(projects.length > 0 ? projects : result.projects, result.notes, 'markdown') };
  }

  private status(params: StatusParams): void {
    void this.connection.sendNotification(STATUS_NOTIFICATION, params);
  }

  private log(message: string): void {
    this.connection.console.log(message);
  }

  /**
   * Document events wait for the parser: one that arrived before it loaded would otherwise be lost.
   * Awaiting the same promise keeps them in the order they came.
   */
  private async withPath(uri: string, work: (file: string) => void): Promise<void> {
    const file = uriToPath(uri);
    if (!file) return;
    await this.ready;
    work(file);
    this.schedule();
  }

  private guard(what: string, work: () => void | Promise<void>): void {
    try {
      const result = work();
      if (result instanceof Promise) result.catch((error) => this.failed(what, error));
    } catch (error) {
      this.failed(what, error);
    }
  }

  private async guardRequest<T>(what: string, empty: T, work: () => T | Promise<T>, token?: CancellationToken): Promise<T> {
    try {
      await this.ready;
      // Cancelled while it waited in the queue: answer RequestCancelled without doing the work.
      if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
      this.flushAnalysis();
      return await work();
    } catch (error) {
      // A broken pyproject.toml is the user's to fix and was shown to them: not a failure of ours.
      if (error instanceof ResponseError) throw error;
      if (!(error instanceof ConfigError)) this.failed(what, error);
      return empty;
    }
  }

  /**
   * Runs a scheduled analysis now: a request answered after a change finds that change's
   * diagnostics already published, and works on the analysis they came from.
   */
  private flushAnalysis(): void {
    if (!this.scheduled) return;
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.guard('analysis', () => this.analyzeAndPublish());
  }

  private failed(what: string, error: unknown): void {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    this.connection.console.error(`djswap: ${what} failed: ${message}`);
  }
}

function isDefault(key: keyof DjswapConfig, value: unknown): boolean {
  return JSON.stringify(defaultConfig()[key]) === JSON.stringify(value);
}

declare const DJSWAP_VERSION: string | undefined;
const VERSION = typeof DJSWAP_VERSION === 'string' ? DJSWAP_VERSION : 'dev';

function isPosition(value: unknown): boolean {
  const p = value as { line?: unknown; character?: unknown } | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

/** A content change as the protocol has it: a string, with a range of two positions or none. */
function isContentChange(value: unknown): boolean {
  const change = value as { text?: unknown; range?: { start?: unknown; end?: unknown } } | null;
  if (typeof change !== 'object' || change === null || typeof change.text !== 'string') return false;
  if (!('range' in change) || change.range === undefined) return true;
  return typeof change.range === 'object' && change.range !== null && isPosition(change.range.start) && isPosition(change.range.end);
}
