import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SETTINGS_CANDIDATES_REQUEST, type SettingsCandidatesResult } from '../../server/src/lsp/protocol';

type Candidate = SettingsCandidatesResult['candidates'][number];
interface CandidateItem extends vscode.QuickPickItem {
  candidate?: Candidate;
}

const ORIGIN: Record<Candidate['origin'], string> = { 'in-use': 'in use', named: 'named by the project', file: '' };
const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/**
 * "djswap: Choose Settings Module": the settings modules the server proposes (the ones in use and
 * named, then the settings files of the workspace), or one typed in; the choice is written to
 * `djswap.settingsModule` of its workspace folder, which the server reads again.
 */
export async function chooseSettingsModule(client: LanguageClient): Promise<string | undefined> {
  const result = await client.sendRequest<SettingsCandidatesResult>(SETTINGS_CANDIDATES_REQUEST, {});
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const items: CandidateItem[] = result.candidates.map((candidate) => ({
    label: candidate.module,
    description: [ORIGIN[candidate.origin], multiRoot ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(candidate.folderUri))?.name : undefined].filter(Boolean).join(' · ') || undefined,
    detail: candidate.detail,
    candidate,
  }));
  const typeIn: CandidateItem = { label: '$(edit) Enter a module name…', alwaysShow: true };
  const picked = await vscode.window.showQuickPick([...items, typeIn], {
    title: 'djswap: Choose Settings Module',
    placeHolder: items.length > 0 ? 'The Django settings module djswap reads (djswap.settingsModule)' : 'No settings module found in the workspace: enter one',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  let module = picked.candidate?.module;
  let folder = picked.candidate ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(picked.candidate.folderUri)) : undefined;
  if (!module) {
    module = await vscode.window.showInputBox({
      title: 'djswap: Choose Settings Module',
      prompt: 'The dotted name of the Django settings module, as DJANGO_SETTINGS_MODULE would say it',
      placeHolder: 'config.settings.dev',
      validateInput: (value) => (DOTTED.test(value.trim()) ? undefined : 'A dotted module name, e.g. config.settings.dev'),
    });
    if (!module) return undefined;
    module = module.trim();
    folder = multiRoot ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder whose settings module this is' }) : vscode.workspace.workspaceFolders?.[0];
  }
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
  await vscode.workspace.getConfiguration('djswap', folder?.uri).update('settingsModule', module, target);
  return module;
}
