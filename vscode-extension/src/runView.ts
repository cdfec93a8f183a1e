// The Spell Run view (tree of agents, turns, effects, self-edits) and the read-only
// `spell-turn:` documents its items open.

import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as vscode from "vscode";
import { CommandLine, promptCommand, traceEditCommand, traceProgramCommand, traceTurnsCommand } from "./cliArgs";
import { Interpreter } from "./interpreter";
import { interpreterFor, runToText } from "./python";
import { EditNode, EffectNode, RunModel, RunNode, TurnNode, effectDocument, idOf, labelOf, parseSummary } from "./runModel";
import { TURN_SCHEME, TurnDoc, decodeDoc, docPath, encodeDoc, journalWorkspace } from "./turnDocs";

export function docUri(doc: TurnDoc): vscode.Uri {
  return vscode.Uri.from({ scheme: TURN_SCHEME, path: docPath(doc), query: encodeDoc(doc) });
}

/** Text of `spell trace ...`/`spell prompt` through the interpreter of the journal's folder. */
export async function spellText(line: (python: Interpreter) => CommandLine, cwd: string): Promise<string> {
  const interpreter = await interpreterFor(vscode.Uri.file(cwd));
  return runToText(line(interpreter), cwd);
}

export class RunView implements vscode.TreeDataProvider<RunNode>, vscode.TextDocumentContentProvider {
  readonly model = new RunModel();
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly changed = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Set by `attach`; a new run shows the view (expanded) once its first agent appears. */
  private treeView: vscode.TreeView<RunNode> | undefined;
  private revealPending = false;

  attach(treeView: vscode.TreeView<RunNode>): void {
    this.treeView = treeView;
  }

  // -- feeding ------------------------------------------------------------------------------

  startSession(session: vscode.DebugSession): void {
    this.sessions.set(session.id, session);
    this.model.reset({ sessionId: session.id, label: session.name });
    void vscode.commands.executeCommand("setContext", "spell.runView.visible", true);
    this.revealPending = true;
    this.refresh();
  }

  endSession(session: vscode.DebugSession): void {
    this.sessions.delete(session.id);
  }

  applyEvent(session: vscode.DebugSession, event: string, body: Record<string, unknown>): void {
    if (this.model.origin?.sessionId === session.id && this.model.applyEvent(event, body)) {
      this.refresh();
    }
  }

  setJournal(session: vscode.DebugSession, journal: string): void {
    if (this.model.origin?.sessionId === session.id) {
      this.model.origin = { ...this.model.origin, journal };
    }
  }

  /** Show a recorded run (`spell trace turns --json`). */
  async loadJournal(journal: string): Promise<void> {
    const text = await spellText((python) => traceTurnsCommand(python, journal), journalWorkspace(journal));
    this.model.loadSummary(parseSummary(text), journal);
    void vscode.commands.executeCommand("setContext", "spell.runView.visible", true);
    this.refresh();
  }

  clear(): void {
    this.model.reset(undefined);
    this.refresh();
  }

  /** Coalesce bursts of events into one tree refresh. */
  private refresh(): void {
    if (this.refreshTimer === undefined) {
      this.refreshTimer = setTimeout(() => {
        this.refreshTimer = undefined;
        this.changed.fire(undefined);
        this.revealFirstAgent();
      }, 50);
    }
  }

  /** Make the view visible and expanded without taking the focus from the editor. */
  private revealFirstAgent(): void {
    const agent = this.model.agents[0];
    if (this.revealPending && agent && this.treeView) {
      this.revealPending = false;
      void this.treeView.reveal(agent, { select: false, focus: false, expand: true });
    }
  }

  // -- tree ---------------------------------------------------------------------------------

  getParent(node: RunNode): RunNode | undefined {
    return this.model.parent(node);
  }

  getChildren(node?: RunNode): RunNode[] {
    return this.model.children(node);
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    const look = labelOf(node);
    const collapsible = node.kind === "agent" ? vscode.TreeItemCollapsibleState.Expanded
      : this.model.children(node).length ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(look.label, collapsible);
    item.id = idOf(node);
    item.description = look.description;
    item.tooltip = look.tooltip;
    item.iconPath = new vscode.ThemeIcon(look.icon);
    item.contextValue = node.kind;
    if (node.kind !== "agent") {
      item.command = { command: "spell.runView.open", title: "Open", arguments: [node] };
    }
    return item;
  }

  // -- opening items ------------------------------------------------------------------------

  async open(node: RunNode): Promise<void> {
    const origin = { sessionId: this.model.origin?.sessionId, journal: this.model.origin?.journal };
    if (node.kind === "turn") {
      await showDoc({ what: "program", handle: node.handle, turn: node.turn, ...sourceOf(node), ...origin });
    } else if (node.kind === "effect") {
      await showDoc({ what: "effect", handle: node.handle, turn: node.turn, seq: node.seq, ...origin });
    } else if (node.kind === "edit") {
      await showEdit(node, origin);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const doc = decodeDoc(uri.query);
    switch (doc.what) {
      case "program":
        return this.programText(doc);
      case "edit":
        return this.editText(doc);
      case "effect":
        return this.effectText(doc);
      case "prompt":
        return spellText((python) => promptCommand(python, doc.file, doc.profile), doc.cwd ?? process.cwd());
    }
  }

  private liveSession(sessionId: string | undefined): vscode.DebugSession | undefined {
    return sessionId ? this.sessions.get(sessionId) : undefined;
  }

  private async programText(doc: Extract<TurnDoc, { what: "program" }>): Promise<string> {
    const session = this.liveSession(doc.sessionId);
    if (session && doc.sourceReference) {
      const answer = await session.customRequest("source", { sourceReference: doc.sourceReference,
        source: { sourceReference: doc.sourceReference } });
      return String(answer.content);
    }
    if (doc.journal) {
      return spellText((python) => traceProgramCommand(python, doc.journal!, doc.turn, doc.handle),
        journalWorkspace(doc.journal));
    }
    if (doc.path) {
      return readFile(doc.path, "utf8");
    }
    throw new Error(`turn ${doc.turn} of ${doc.handle} is no longer available (the debug session ended)`);
  }

  private async editText(doc: Extract<TurnDoc, { what: "edit" }>): Promise<string> {
    const session = this.liveSession(doc.sessionId);
    const turn = this.model.findTurn(doc.handle, doc.turn);
    const isLast = turn !== undefined && doc.index === turn.edits.length - 1;
    if (session && isLast) {
      const answer = await session.customRequest("spell/programDiff", { turn: doc.turn });
      return String(doc.side === "before" ? answer.before : answer.after);
    }
    if (!doc.journal) {
      throw new Error(`self-edit ${doc.index + 1} of turn ${doc.turn} is not available without the run's journal`);
    }
    const text = await spellText((python) => traceEditCommand(python, doc.journal!, doc.turn, doc.handle, doc.index),
      journalWorkspace(doc.journal));
    const edit = JSON.parse(text) as { before: string; after: string };
    return doc.side === "before" ? edit.before : edit.after;
  }

  private effectText(doc: Extract<TurnDoc, { what: "effect" }>): string {
    const found = this.model.findTurn(doc.handle, doc.turn)?.effects.find((e: EffectNode) => e.seq === doc.seq);
    if (!found) {
      throw new Error(`effect ${doc.seq} of turn ${doc.turn} is no longer in the Spell Run view`);
    }
    return effectDocument(found);
  }
}

function sourceOf(node: TurnNode): { sourceReference?: number; path?: string } {
  return { sourceReference: node.source?.sourceReference || undefined, path: node.source?.path };
}

export async function showDoc(doc: TurnDoc): Promise<void> {
  const document = await vscode.workspace.openTextDocument(docUri(doc));
  await vscode.window.showTextDocument(document, { preview: true });
}

async function showEdit(node: EditNode, origin: { sessionId?: string; journal?: string }): Promise<void> {
  const side = (which: "before" | "after") => docUri({ what: "edit", side: which, handle: node.handle,
    turn: node.turn, index: node.index, ...origin });
  const title = `${node.handle.replace(/^:/, "")} · turn ${node.turn}: self-edit (${node.editKind})`;
  await vscode.commands.executeCommand("vscode.diff", side("before"), side("after"), title, { preview: true });
}

/** The folder to run `spell prompt` in for a file. */
export function promptCwd(file: string | undefined): string {
  return file ? dirname(file) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}
