// Entry point: language server, debugger, Spell Run view and commands.

import * as vscode from "vscode";
import { registerCommands } from "./commands";
import { registerDebugger } from "./debug";
import { selectInterpreter } from "./install";
import { onPythonInterpreterChange } from "./python";
import { RunNode } from "./runModel";
import { RunView } from "./runView";
import { SpellServer } from "./server";
import { TURN_SCHEME } from "./turnDocs";

let server: SpellServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel("Spell", { log: true });
  server = new SpellServer(channel);
  const view = new RunView();
  const treeView = vscode.window.createTreeView("spellRun", { treeDataProvider: view, showCollapseAll: true });
  view.attach(treeView);
  context.subscriptions.push(
    channel,
    server,
    treeView,
    vscode.workspace.registerTextDocumentContentProvider(TURN_SCHEME, view),
    vscode.commands.registerCommand("spell.restartServer", () => server?.restart()),
    vscode.commands.registerCommand("spell.showServerOutput", () => channel.show(true)),
    vscode.commands.registerCommand("spell.selectInterpreter", selectInterpreter),
    vscode.commands.registerCommand("spell.runView.clear", () => view.clear()),
    vscode.commands.registerCommand("spell.runView.open", (node: RunNode) => view.open(node)),
    vscode.workspace.onDidChangeConfiguration((change) => {
      if (change.affectsConfiguration("spell.python.interpreter") || change.affectsConfiguration("spell.server.args")) {
        void server?.restart();
      }
    }),
  );
  registerDebugger(context, view, channel);
  registerCommands(context, view);
  void server.start();
  const pythonChanges = await onPythonInterpreterChange(() => {
    if (!vscode.workspace.getConfiguration("spell").get<string>("python.interpreter")) {
      void server?.restart();
    }
  });
  if (pythonChanges) {
    context.subscriptions.push(pythonChanges);
  }
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
