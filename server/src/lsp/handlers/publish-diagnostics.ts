import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { ConfigError } from '../../engine/config';
import type { ProjectCoverage } from '../../engine/coverage';
import { IdleCollector } from '../../engine/idle-collector';
import type { Session } from '../../engine/session';
import type { AnalysisResult, EngineDiagnostic } from '../../engine/workspace';
import type { Analysis, ServerContext } from '../context';
import { pathToUri, toLspDiagnostic, uriToPath } from '../convert';
import { STATUS_NOTIFICATION, type ProjectCoverageStatus, type StatusParams } from '../protocol';

/**
 * Runs the analysis and publishes what changed: one run at a time, on the newest state (changes
 * that arrive meanwhile join the next run), and only the files whose diagnostics changed.
 */
export class AnalysisScheduler implements Analysis {
  private scheduled: NodeJS.Immediate | undefined;
  /** What each file was last published with, so that an unchanged file is not sent again. */
  private readonly published = new Map<string, string>();
  private disposed = false;
  /** Gives back the garbage of the analyses once the user pauses. */
  private readonly idle = new IdleCollector();

  constructor(private readonly ctx: ServerContext) {}

  schedule(): void {
    if (this.disposed || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.ctx.guard('analysis', () => this.analyzeAndPublish());
    });
  }

  flush(): void {
    if (this.scheduled) this.run();
  }

  run(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.ctx.guard('analysis', () => this.analyzeAndPublish());
  }

  dispose(): void {
    this.disposed = true;
    this.idle.dispose();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private analyzeAndPublish(): void {
    const session = this.ctx.session;
    if (!session) return;
    let diagnostics: EngineDiagnostic[];
    let status: StatusParams;
    try {
      const result = session.analyze();
      diagnostics = result.diagnostics;
      status = statusOf(session, result);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      status = { state: 'error', errors: 0, warnings: 0, infos: 0, files: 0, message: error.message };
      void this.ctx.connection.window.showErrorMessage(`djswap: ${error.message}`);
      diagnostics = [];
    }
    // The diagnostics first: a status that says "ready" comes with them already sent.
    this.publish(session, diagnostics);
    sendStatus(this.ctx, status);
    this.idle.touch();
  }

  private publish(session: Session, diagnostics: EngineDiagnostic[]): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      let list = byFile.get(d.file);
      if (!list) byFile.set(d.file, (list = []));
      list.push(toLspDiagnostic(d, session.version(d.file), this.ctx.support.related));
    }
    const seen = new Set<string>();
    for (const [file, list] of byFile) {
      const uri = pathToUri(file);
      seen.add(uri);
      const serialized = JSON.stringify(list);
      if (this.published.get(uri) === serialized) continue;
      this.published.set(uri, serialized);
      void this.ctx.connection.sendDiagnostics({ uri, diagnostics: list, version: session.version(file) ?? undefined });
    }
    for (const uri of [...this.published.keys()]) {
      if (seen.has(uri)) continue;
      this.published.delete(uri);
      const file = uriToPath(uri);
      void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [], version: (file ? session.version(file) : null) ?? undefined });
    }
  }
}

export function sendStatus(ctx: ServerContext, params: StatusParams): void {
  void ctx.connection.sendNotification(STATUS_NOTIFICATION, params);
}

/** The status bar's view of an analysis: the settings in force, the counts, each project's coverage. */
function statusOf(session: Session, result: AnalysisResult): StatusParams {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of result.diagnostics) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  const projects = result.projects;
  return {
    state: projects.length > 0 ? 'ready' : 'no-project',
    settings: projects.length === 1 ? projects[0].summary.settingsModule : projects.length > 1 ? `${projects.length} projects` : undefined,
    ...counts,
    files: session.folders.reduce((n, w) => n + w.files.cachedFiles, 0),
    projects: projects.map((p) => coverageStatus(p.summary.coverage, session.workspaceFor(p.config.root)?.roots[0] ?? p.config.root)),
  };
}

export function coverageStatus(coverage: ProjectCoverage, folder: string): ProjectCoverageStatus {
  return {
    root: path.relative(folder, coverage.root).split(path.sep).join('/') || '.',
    settingsModule: coverage.settingsModule,
    settingsReason: coverage.settingsReason ?? coverage.settingsSource,
    apps: coverage.apps,
    models: coverage.models,
    migrations: coverage.migrations,
    appsUnread: coverage.appsUnread,
    appsIncomplete: coverage.appsIncomplete,
    unknownSettings: coverage.unknownSettings,
    unverified: coverage.unverified,
    blind: coverage.blind,
  };
}
