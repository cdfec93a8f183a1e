// When the interpreter lacks spell_lsp: offer to install it there, or to pick another.

import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import { installCommand, isSpellLspProject } from "./cliArgs";
import { Interpreter, describeInterpreter } from "./interpreter";
import { hasPythonExtension, runLogged } from "./python";

const INSTALL = "Install spell-lsp";
const SELECT = "Select Interpreter";

/** A workspace folder holding the spell-lsp source (an editable install fits then). */
async function spellLspCheckout(): Promise<string | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const pyproject = vscode.Uri.joinPath(folder.uri, "pyproject.toml").fsPath;
    const text = await readFile(pyproject, "utf8").catch(() => "");
    if (isSpellLspProject(text)) {
      return folder.uri.fsPath;
    }
  }
  return undefined;
}

/** Ask the user to type or pick an interpreter; with the Python extension, its picker. */
export async function selectInterpreter(): Promise<void> {
  if (hasPythonExtension()) {
    await vscode.commands.executeCommand("python.setInterpreter");
    return;
  }
  const config = vscode.workspace.getConfiguration("spell");
  const value = await vscode.window.showInputBox({
    title: "Python interpreter for Spell",
    prompt: "Path or command of a Python (>= 3.11) that has spell-lsp installed; empty for python3",
    value: config.get<string>("python.interpreter") ?? "",
    ignoreFocusOut: true,
  });
  if (value === undefined) {
    return;
  }
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update("python.interpreter", value.trim(), target);
}

/** pip install into the interpreter, with progress; true on success. */
export async function installSpellLsp(interpreter: Interpreter, channel: vscode.OutputChannel): Promise<boolean> {
  const checkout = await spellLspCheckout();
  const line = installCommand(interpreter, checkout);
  const what = checkout ? `spell-lsp from ${checkout}` : "spell-lsp";
  const code = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${what} into ${describeInterpreter(interpreter)}` },
    () => runLogged(line, channel, checkout));
  if (code !== 0) {
    const choice = await vscode.window.showErrorMessage(`Installing ${what} failed (exit code ${code}).`, "Show Output");
    if (choice) {
      channel.show(true);
    }
  }
  return code === 0;
}

/** The notification for a missing package or interpreter; resolves once the user acted:
 * "installed" (retry now), "selected" (a settings change restarts) or "dismissed". */
export async function offerSetup(interpreter: Interpreter, missingPython: boolean,
  channel: vscode.OutputChannel): Promise<"installed" | "selected" | "dismissed"> {
  const who = describeInterpreter(interpreter);
  const message = missingPython
    ? `Spell: the Python interpreter "${who}" was not found. Select the Python that has spell-lsp.`
    : `Spell: the Python interpreter "${who}" does not have the spell_lsp package, so the language server and debugger cannot start.`;
  const choices = missingPython ? [SELECT] : [INSTALL, SELECT];
  const choice = await vscode.window.showWarningMessage(message, ...choices);
  if (choice === INSTALL) {
    return (await installSpellLsp(interpreter, channel)) ? "installed" : "dismissed";
  }
  if (choice === SELECT) {
    await selectInterpreter();
    return "selected";
  }
  return "dismissed";
}
