// Commands: run and debug agents, look at journals (program at a turn, compare turns,
// open a run), the system prompt.

import { readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as vscode from "vscode";
import { runCommand, traceTurnsCommand } from "./cliArgs";
import { baseName, defaultLaunchConfig, isSpellFile } from "./launchConfig";
import { interpreterFor } from "./python";
import { JournalSummary, parseSummary } from "./runModel";
import { RunView, docUri, promptCwd, showDoc, spellText } from "./runView";
import { JournalEntry, TurnDoc, journalWorkspace, runFolder, runTime, sortJournals } from "./turnDocs";

/** The Spell file a command acts on: its argument (explorer, editor title) or the active editor. */
async function spellFileOf(arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== "file" || !isSpellFile(uri.fsPath)) {
    void vscode.window.showErrorMessage("Open a .spell or .spl file first.");
    return undefined;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) {
    await doc.save();
  }
  return uri;
}

/** `spell run FILE` as a task: its terminal stays open with the output after the run. */
async function runAgent(arg: unknown): Promise<void> {
  const uri = await spellFileOf(arg);
  if (!uri) {
    return;
  }
  const line = runCommand(await interpreterFor(uri), uri.fsPath);
  const task = new vscode.Task({ type: "spell", program: uri.fsPath },
    vscode.workspace.getWorkspaceFolder(uri) ?? vscode.TaskScope.Workspace, `run ${baseName(uri.fsPath)}`, "spell",
    new vscode.ProcessExecution(line.command, line.args, { cwd: dirname(uri.fsPath) }));
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  await vscode.tasks.executeTask(task);
}

async function debugAgent(arg: unknown): Promise<void> {
  const uri = await spellFileOf(arg);
  if (uri) {
    await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), defaultLaunchConfig(uri.fsPath));
  }
}

/** Folders whose `.spell/runs` may hold journals: workspace folders and the folders of
 * open Spell files (a run's workspace defaults to its program's folder). */
function runRoots(): string[] {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme === "file" && isSpellFile(doc.uri.fsPath)) {
      roots.push(dirname(doc.uri.fsPath));
    }
  }
  return [...new Set(roots)];
}

async function journalsUnder(root: string): Promise<JournalEntry[]> {
  const runs = join(root, ".spell", "runs");
  const names = await readdir(runs).catch(() => [] as string[]);
  const found = await Promise.all(names.map(async (name) => {
    const path = join(runs, name, "journal.jsonl");
    const info = await stat(path).catch(() => undefined);
    return info ? { path, mtimeMs: info.mtimeMs } : undefined;
  }));
  return found.filter((e): e is JournalEntry => e !== undefined);
}

/** Every journal the user may mean, newest first (workspace search adds nested folders). */
async function findJournals(): Promise<JournalEntry[]> {
  const direct = (await Promise.all(runRoots().map(journalsUnder))).flat();
  const searched = await vscode.workspace.findFiles("**/.spell/runs/*/journal.jsonl", "**/node_modules/**", 500);
  const more = await Promise.all(searched.map(async (uri) => ({ path: uri.fsPath, mtimeMs: (await stat(uri.fsPath)).mtimeMs })));
  return sortJournals([...direct, ...more]);
}

async function pickJournal(title: string): Promise<string | undefined> {
  const journals = await findJournals();
  if (!journals.length) {
    void vscode.window.showInformationMessage("No Spell run journals found (runs write <workspace>/.spell/runs/*/journal.jsonl).");
    return undefined;
  }
  const items = journals.map((j) => ({ label: runTime(runFolder(j.path)), description: runFolder(j.path),
    detail: vscode.workspace.asRelativePath(journalWorkspace(j.path)), path: j.path }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: "Pick a run (newest first)", matchOnDetail: true }))?.path;
}

async function journalSummary(journal: string): Promise<JournalSummary> {
  return parseSummary(await spellText((python) => traceTurnsCommand(python, journal), journalWorkspace(journal)));
}

interface TurnPick extends vscode.QuickPickItem {
  doc: TurnDoc;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function turnItems(summary: JournalSummary, journal: string): TurnPick[] {
  return summary.agents.flatMap((agent) => agent.turns.map((t) => ({
    label: `${agent.handle} · turn ${t.turn}`,
    description: [t.kind, count(t.chars, "char"), count(t.effects.length, "effect"), count(t.edits.length, "self-edit")].join(" · "),
    doc: { what: "program" as const, handle: agent.handle, turn: t.turn, journal },
  })));
}

/** The turns the Run view shows, opened through the live session (or the journal). */
function viewTurnItems(view: RunView): TurnPick[] {
  const origin = view.model.origin;
  return view.model.agents.flatMap((agent) => agent.turns.map((t) => ({
    label: `${agent.handle} · turn ${t.turn}`,
    description: [t.turnKind, count(t.effects.length, "effect"), count(t.edits.length, "self-edit")].join(" · "),
    doc: { what: "program" as const, handle: t.handle, turn: t.turn, sourceReference: t.source?.sourceReference || undefined,
      path: t.source?.path, sessionId: origin?.sessionId, journal: origin?.journal },
  })));
}

/** Turns to choose from: the run in the Spell Run view, when there is one and the user
 * keeps it, else those of a picked journal. */
async function turnChoices(view: RunView, title: string): Promise<TurnPick[] | undefined> {
  const current = viewTurnItems(view);
  if (current.length) {
    const choice = await vscode.window.showQuickPick(
      [{ label: `Current run: ${view.model.origin?.label ?? "Spell Run view"}`, current: true },
        { label: "Pick a run journal…", current: false }], { title });
    if (!choice || choice.current) {
      return choice && current;
    }
  }
  const journal = await pickJournal(title);
  return journal ? turnItems(await journalSummary(journal), journal) : undefined;
}

async function withErrors(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    void vscode.window.showErrorMessage(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function registerCommands(context: vscode.ExtensionContext, view: RunView): void {
  const command = (id: string, what: string, action: (...args: unknown[]) => Promise<void>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => withErrors(what, () => action(...args))));

  command("spell.runAgent", "Run Agent", runAgent);
  command("spell.debugAgent", "Debug Agent", debugAgent);

  command("spell.openRunJournal", "Open Run Journal", async (arg) => {
    const journal = arg instanceof vscode.Uri ? arg.fsPath : await pickJournal("Open Run Journal");
    if (journal) {
      await view.loadJournal(journal);
      await vscode.commands.executeCommand("spellRun.focus");
    }
  });

  command("spell.showProgramAtTurn", "Show Program at Turn", async () => {
    const items = await turnChoices(view, "Show Program at Turn");
    const pick = items && await vscode.window.showQuickPick(items, { title: "Program at which turn?" });
    if (pick) {
      await showDoc(pick.doc);
    }
  });

  command("spell.compareTurns", "Compare Turns", async () => {
    const items = await turnChoices(view, "Compare Turns");
    const first = items && await vscode.window.showQuickPick(items, { title: "Compare Turns: the earlier version" });
    const second = first && await vscode.window.showQuickPick(items!.filter((i) => i !== first),
      { title: `Compare Turns: compare ${first.label} with` });
    if (first && second) {
      await vscode.commands.executeCommand("vscode.diff", docUri(first.doc), docUri(second.doc), `${first.label} ↔ ${second.label}`);
    }
  });

  command("spell.showSystemPrompt", "Show System Prompt", async (arg) => {
    const active = vscode.window.activeTextEditor?.document.uri;
    const file = active?.scheme === "file" && isSpellFile(active.fsPath) ? active.fsPath : undefined;
    const profile = typeof arg === "string" ? arg : undefined;
    await showDoc({ what: "prompt", file, profile, cwd: promptCwd(file) });
  });
}
