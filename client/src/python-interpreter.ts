import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

/** How long the first configuration request waits for the Python extension before answering without it. */
const FIRST_LOOKUP_TIMEOUT_MS = 10_000;

/**
 * The interpreter the Python extension uses for each workspace folder, followed as it changes. The
 * server reads the packages installed for it (never runs it): it goes to the server as the `python`
 * setting of the folder, unless `djswap.python` says otherwise. Without the Python extension this
 * knows nothing and changes nothing.
 */
export class PythonInterpreters implements vscode.Disposable {
  private readonly byFolder = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Settles once the first lookup is done (or has taken too long). */
  readonly ready: Promise<void>;
  /** A lookup that ends after `ready` settled must tell the server: it was answered without it. */
  private settled = false;

  constructor(
    private readonly onDidChange: () => void,
    private readonly log: (message: string) => void,
  ) {
    if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) {
      this.settled = true;
      this.ready = Promise.resolve();
      return;
    }
    const timeout = new Promise<void>((resolve) => {
      setTimeout(resolve, FIRST_LOOKUP_TIMEOUT_MS);
    });
    this.ready = Promise.race([this.start(), timeout]).then(() => {
      this.settled = true;
    });
  }

  /** The interpreter of the workspace folder that holds `scopeUri` (the first folder's when absent). */
  interpreterFor(scopeUri: string | undefined): string | undefined {
    const folder = scopeUri ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(scopeUri)) : vscode.workspace.workspaceFolders?.[0];
    return folder ? this.byFolder.get(folder.uri.toString()) : undefined;
  }

  private async start(): Promise<void> {
    try {
      const api = await PythonExtension.api();
      this.disposables.push(
        api.environments.onDidChangeActiveEnvironmentPath(() => void this.refresh(api)),
        vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh(api)),
      );
      await this.refresh(api);
    } catch (error) {
      this.log(`djswap: the Python extension's interpreter is not used: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Looks the interpreter of every folder up again; tells the server when one changed. */
  private async refresh(api: PythonExtension): Promise<void> {
    const next = new Map<string, string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(folder));
        const executable = environment?.executable.uri?.fsPath;
        if (executable) next.set(folder.uri.toString(), executable);
      } catch (error) {
        this.log(`djswap: no interpreter for ${folder.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const changed = next.size !== this.byFolder.size || [...next].some(([folder, python]) => this.byFolder.get(folder) !== python);
    if (!changed) return;
    const tell = this.settled;
    this.byFolder.clear();
    for (const [folder, python] of next) {
      this.byFolder.set(folder, python);
      this.log(`djswap: the Python extension's interpreter for ${vscode.Uri.parse(folder).fsPath}: ${python}`);
    }
    if (tell) this.onDidChange();
  }

  /**
   * A `djswap` configuration section as the server will read it: the folder's interpreter as
   * `python` when `djswap.python` is not set.
   */
  withInterpreter(section: unknown, scopeUri: string | undefined): unknown {
    if (typeof section !== 'object' || section === null) return section;
    const settings = section as Record<string, unknown>;
    if (settings.python !== null && settings.python !== undefined && settings.python !== '') return section;
    const python = this.interpreterFor(scopeUri);
    return python ? { ...settings, python } : section;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
