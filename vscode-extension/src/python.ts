// Finding the Python interpreter and running short `spell` commands through it.

import { execFile, spawn } from "node:child_process";
import { homedir } from "node:os";
import * as vscode from "vscode";
import { CommandLine, ProbeOutcome, classifyProbe, probeCommand } from "./cliArgs";
import { Interpreter, resolveInterpreter } from "./interpreter";

/** The part of the ms-python.python API the extension uses. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

const PYTHON_EXTENSION = "ms-python.python";

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!extension) {
    return undefined;
  }
  return extension.isActive ? extension.exports : await extension.activate();
}

/** The Python extension's interpreter for a resource: the active environment's
 * executable, else its execution command. */
async function fromPythonExtension(resource: vscode.Uri | undefined): Promise<string[] | undefined> {
  const api = await pythonExtensionApi();
  const envPath = api?.environments?.getActiveEnvironmentPath?.(resource);
  if (envPath && api?.environments?.resolveEnvironment) {
    const env = await api.environments.resolveEnvironment(envPath);
    const executable = env?.executable?.uri?.fsPath;
    if (executable) {
      return [executable];
    }
  }
  return api?.settings?.getExecutionDetails?.(resource).execCommand;
}

/** Listen for the Python extension's interpreter changes, when it is installed. */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtensionApi().catch(() => undefined);
  return api?.environments?.onDidChangeActiveEnvironmentPath?.(listener);
}

export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION) !== undefined;
}

/** The interpreter for a resource (a file or folder; the first workspace folder else). */
export async function interpreterFor(resource?: vscode.Uri): Promise<Interpreter> {
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  return resolveInterpreter({
    setting: vscode.workspace.getConfiguration("spell", resource ?? folder?.uri).get<string>("python.interpreter"),
    workspaceFolder: folder?.uri.fsPath,
    home: homedir(),
    pythonExtension: () => fromPythonExtension(resource ?? folder?.uri),
  });
}

/** Whether the interpreter exists and can import spell_lsp. */
export function probe(interpreter: Interpreter): Promise<ProbeOutcome> {
  const line = probeCommand(interpreter);
  return new Promise((resolve) => {
    const child = spawn(line.command, line.args, { stdio: "ignore" });
    child.on("error", (error: NodeJS.ErrnoException) => resolve(classifyProbe(error.code, null)));
    child.on("exit", (code) => resolve(classifyProbe(undefined, code)));
  });
}

/** Run a command to completion; rejects with its stderr (or the spawn error) on failure. */
export function runToText(line: CommandLine, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(line.command, line.args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || error.message;
          reject(new Error(detail.split("\n").slice(-3).join("\n")));
        } else {
          resolve(stdout);
        }
      });
  });
}

/** Run a command, streaming its output into a channel; resolves with the exit code. */
export function runLogged(line: CommandLine, channel: vscode.OutputChannel, cwd?: string): Promise<number> {
  channel.appendLine(`$ ${[line.command, ...line.args].join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(line.command, line.args, { cwd });
    child.stdout.on("data", (data: Buffer) => channel.append(data.toString()));
    child.stderr.on("data", (data: Buffer) => channel.append(data.toString()));
    child.on("error", (error) => {
      channel.appendLine(String(error));
      resolve(-1);
    });
    child.on("exit", (code) => resolve(code ?? -1));
  });
}
