// The language client for `python -m spell_lsp lsp` and its status bar item.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from "vscode-languageclient/node";
import { serverCommand } from "./cliArgs";
import { offerSetup } from "./install";
import { Interpreter, describeInterpreter } from "./interpreter";
import { interpreterFor, probe } from "./python";

export type ServerState = "starting" | "ready" | "stopped" | "error" | "missing";

const STATUS: Record<ServerState, { text: string; tooltip: string; command: string }> = {
  starting: { text: "$(sync~spin) Spell", tooltip: "Spell language server: starting", command: "spell.showServerOutput" },
  ready: { text: "$(check) Spell", tooltip: "Spell language server: ready (click for its output)", command: "spell.showServerOutput" },
  stopped: { text: "$(circle-slash) Spell", tooltip: "Spell language server: stopped (click to restart)", command: "spell.restartServer" },
  error: { text: "$(error) Spell", tooltip: "Spell language server: failed (click to restart)", command: "spell.restartServer" },
  missing: { text: "$(warning) Spell: no spell-lsp", tooltip: "The Python interpreter lacks spell_lsp (click to select another)", command: "spell.selectInterpreter" },
};

export class SpellServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly status: vscode.StatusBarItem;
  private interpreter: Interpreter | undefined;
  private starting: Promise<void> | undefined;
  private current: ServerState = "stopped";

  constructor(readonly channel: vscode.LogOutputChannel) {
    this.status = vscode.window.createStatusBarItem("spell.server", vscode.StatusBarAlignment.Left, 0);
    this.status.name = "Spell Language Server";
    this.setState("stopped");
  }

  private setState(state: ServerState, detail?: string): void {
    this.current = state;
    const look = STATUS[state];
    this.status.text = look.text;
    this.status.command = look.command;
    const python = this.interpreter ? `\nPython: ${describeInterpreter(this.interpreter)}` : "";
    this.status.tooltip = look.tooltip + python + (detail ? `\n${detail}` : "");
    this.status.backgroundColor = state === "error" || state === "missing"
      ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.status.show();
  }

  /** Start unless already starting; a second call waits for the first. */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.setState("starting");
    const interpreter = await interpreterFor(vscode.window.activeTextEditor?.document.uri);
    this.interpreter = interpreter;
    const found = await probe(interpreter);
    if (found !== "ok") {
      this.setState("missing", found === "missing-python" ? "interpreter not found" : "spell_lsp not importable");
      void this.offer(interpreter, found === "missing-python");
      return;
    }
    await this.launch(interpreter);
  }

  private async offer(interpreter: Interpreter, missingPython: boolean): Promise<void> {
    const outcome = await offerSetup(interpreter, missingPython, this.channel);
    if (outcome === "installed") {
      await this.start();
    }
  }

  private async launch(interpreter: Interpreter): Promise<void> {
    const extra = vscode.workspace.getConfiguration("spell").get<string[]>("server.args") ?? [];
    const line = serverCommand(interpreter, extra);
    // No `transport`: stdio without the `--stdio` argument the client would otherwise append.
    const serverOptions: ServerOptions = { command: line.command, args: line.args };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: "spell" }, { scheme: "untitled", language: "spell" }],
      outputChannel: this.channel,
    };
    const client = new LanguageClient("spell", "Spell Language Server", serverOptions, clientOptions);
    client.onDidChangeState((change) => {
      if (client !== this.client) {
        return;
      }
      if (change.newState === State.Running) {
        this.setState("ready");
      } else if (change.newState === State.Stopped && this.current !== "error") {
        this.setState("stopped");
      }
    });
    this.client = client;
    this.channel.appendLine(`Starting: ${[line.command, ...line.args].join(" ")}`);
    try {
      await client.start();
      this.setState("ready");
    } catch (error) {
      this.setState("error", String(error));
      this.channel.appendLine(`The Spell language server failed to start: ${error}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop().catch(() => undefined);
      await client.dispose().catch(() => undefined);
    }
    this.setState("stopped");
  }

  async restart(): Promise<void> {
    await this.starting;
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }
}
