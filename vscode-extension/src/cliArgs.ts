// Command lines the extension runs through the resolved Python interpreter.

import type { Interpreter } from "./interpreter";

export interface CommandLine {
  command: string;
  args: string[];
}

/** `<python> -m spell_lsp <subcommand...>`. */
export function spellCommand(interpreter: Interpreter, ...subcommand: string[]): CommandLine {
  return { command: interpreter.command, args: [...interpreter.args, "-m", "spell_lsp", ...subcommand] };
}

export function serverCommand(interpreter: Interpreter, extraArgs: readonly string[]): CommandLine {
  return spellCommand(interpreter, "lsp", ...extraArgs);
}

export function adapterCommand(interpreter: Interpreter): CommandLine {
  return spellCommand(interpreter, "dap");
}

/** Exits 0 only when the interpreter can import the package. */
export function probeCommand(interpreter: Interpreter): CommandLine {
  return { command: interpreter.command, args: [...interpreter.args, "-c", "import spell_lsp"] };
}

/** pip install of the published package, or an editable install of a local checkout. */
export function installCommand(interpreter: Interpreter, editableFolder?: string): CommandLine {
  const target = editableFolder ? ["-e", editableFolder] : ["spell-lsp"];
  return { command: interpreter.command, args: [...interpreter.args, "-m", "pip", "install", ...target] };
}

export function runCommand(interpreter: Interpreter, program: string): CommandLine {
  return spellCommand(interpreter, "run", program);
}

export function traceTurnsCommand(interpreter: Interpreter, journal: string): CommandLine {
  return spellCommand(interpreter, "trace", "turns", journal, "--json");
}

export function traceProgramCommand(interpreter: Interpreter, journal: string, turn: number, agent: string): CommandLine {
  return spellCommand(interpreter, "trace", "program", journal, "--turn", String(turn), "--agent", agent);
}

export function traceEditCommand(interpreter: Interpreter, journal: string, turn: number, agent: string, index: number): CommandLine {
  return spellCommand(interpreter, "trace", "edit", journal, "--turn", String(turn), "--agent", agent,
    "--index", String(index));
}

export function promptCommand(interpreter: Interpreter, file: string | undefined, profile: string | undefined): CommandLine {
  return spellCommand(interpreter, "prompt", ...(file ? [file] : []), ...(profile ? ["--profile", profile] : []));
}

/** Why a probe failed, from how the process ended. */
export type ProbeOutcome = "ok" | "missing-package" | "missing-python";

export function classifyProbe(spawnErrorCode: string | undefined, exitCode: number | null): ProbeOutcome {
  if (spawnErrorCode === "ENOENT" || spawnErrorCode === "EACCES") {
    return "missing-python";
  }
  return exitCode === 0 ? "ok" : "missing-package";
}

/** True when a pyproject.toml declares the project `spell-lsp` (so `pip install -e` fits). */
export function isSpellLspProject(pyproject: string): boolean {
  const project = /^\[project\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject);
  if (!project) {
    return false;
  }
  const name = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(project[1]);
  return name !== null && name[1].toLowerCase().replace(/[_.]/g, "-") === "spell-lsp";
}
