// The interpreter the Python extension uses goes to the server, which reads its packages (never runs
// it). The Python extension is a stand-in here (test/e2e/fake-python-extension, loaded beside the
// runner): the suite sets its interpreter, as a user picking one would.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';

const SET_INTERPRETER = 'djswapE2e.setPythonInterpreter';

/** A virtual environment outside the workspace: pyvenv.cfg, bin/python, an empty site-packages. */
function makeVenv(): string {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'djswap-e2e-venv-'));
  fs.mkdirSync(path.join(venv, 'bin'));
  fs.mkdirSync(path.join(venv, 'lib', 'python3.11', 'site-packages'), { recursive: true });
  fs.writeFileSync(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n');
  fs.writeFileSync(path.join(venv, 'bin', 'python'), '');
  return venv;
}

/** What "djswap: Show Project Model" shows now (its editor closed again). */
async function projectModel(): Promise<string> {
  await vscode.commands.executeCommand('djswap.showProjectModel');
  const text = vscode.window.activeTextEditor?.document.getText() ?? '';
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return text;
}

describe("djswap and the Python extension's interpreter", function () {
  let venv: string;

  before(async function () {
    await activateExtension();
    venv = makeVenv();
  });

  after(async function () {
    await vscode.commands.executeCommand(SET_INTERPRETER, '');
    fs.rmSync(venv, { recursive: true, force: true });
  });

  it("reads the packages of the interpreter chosen in the Python extension, and follows a change", async function () {
    const sitePackages = `${path.basename(venv)}/lib/python3.11/site-packages`;
    let last = '';
    await vscode.commands.executeCommand(SET_INTERPRETER, path.join(venv, 'bin', 'python'));
    await waitFor(
      () => `Show Project Model to list ${sitePackages} (it shows: ${JSON.stringify(last.split('\n').find((l) => l.includes('source roots')))})`,
      async () => (last = await projectModel()).includes(sitePackages),
    );
    await vscode.commands.executeCommand(SET_INTERPRETER, '');
    await waitFor(
      () => `Show Project Model to stop listing ${sitePackages}`,
      async () => !(last = await projectModel()).includes(sitePackages) && last.includes('mysite.settings'),
    );
  });
});
