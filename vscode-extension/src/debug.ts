// The `spell` debugger: configuration provider (F5 on a .spell file just works), the
// adapter process, and a tracker that feeds the Spell Run view.

import * as vscode from "vscode";
import { adapterCommand } from "./cliArgs";
import { offerSetup } from "./install";
import { SpellLaunchConfig, resolveLaunchConfig, validateLaunchConfig } from "./launchConfig";
import { interpreterFor, probe } from "./python";
import { RunView } from "./runView";
import { journalFromOutput } from "./turnDocs";

function activeFile(): { path: string; languageId: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc ? { path: doc.uri.fsPath, languageId: doc.languageId } : undefined;
}

/** Offered in the Run and Debug dropdown: debug the active Spell file. */
class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    const file = activeFile();
    const resolved = file && resolveLaunchConfig({}, file);
    return resolved && "config" in resolved ? [resolved.config] : [];
  }
}

class SpellConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: "spell", request: "launch", name: "Debug Spell agent", program: "${file}", stopOnEntry: true }];
  }

  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const resolved = resolveLaunchConfig(config as Partial<SpellLaunchConfig>, activeFile());
    if ("error" in resolved) {
      void vscode.window.showErrorMessage(resolved.error);
      return undefined;
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.isDirty && doc.uri.fsPath === resolved.config.program) {
      await doc.save();
    }
    return resolved.config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const problem = validateLaunchConfig(config as SpellLaunchConfig);
    if (problem) {
      void vscode.window.showErrorMessage(problem);
      return undefined;
    }
    return config;
  }
}

class SpellAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly channel: vscode.OutputChannel) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const program = session.configuration.program;
    const resource = typeof program === "string" && program ? vscode.Uri.file(program) : session.workspaceFolder?.uri;
    const interpreter = await interpreterFor(resource);
    const found = await probe(interpreter);
    if (found !== "ok") {
      void offerSetup(interpreter, found === "missing-python", this.channel);
      throw new Error(found === "missing-python"
        ? `Python interpreter not found: ${interpreter.command}`
        : `The Python interpreter ${interpreter.command} does not have spell_lsp installed.`);
    }
    const line = adapterCommand(interpreter);
    return new vscode.DebugAdapterExecutable(line.command, line.args,
      { cwd: session.workspaceFolder?.uri.fsPath });
  }
}

/** Every custom event and output line of a Spell session, for the Run view. */
class RunTrackerFactory implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly view: RunView) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const view = this.view;
    view.startSession(session);
    return {
      onDidSendMessage(message: { type?: string; event?: string; body?: Record<string, unknown> }) {
        if (message.type !== "event" || !message.event) {
          return;
        }
        if (message.event.startsWith("spell/")) {
          view.applyEvent(session, message.event, message.body ?? {});
        } else if (message.event === "output" && typeof message.body?.output === "string") {
          const journal = journalFromOutput(message.body.output);
          if (journal) {
            view.setJournal(session, journal);
          }
        }
      },
    };
  }
}

export function registerDebugger(context: vscode.ExtensionContext, view: RunView, channel: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider("spell", new SpellConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider("spell", new DynamicConfigurationProvider(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory("spell", new SpellAdapterFactory(channel)),
    vscode.debug.registerDebugAdapterTrackerFactory("spell", new RunTrackerFactory(view)),
    vscode.debug.onDidTerminateDebugSession((session) => view.endSession(session)),
  );
}
