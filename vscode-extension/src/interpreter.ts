// Which Python runs the language server, the debug adapter and the `spell` CLI.
// Pure: the VS Code side passes in the setting and a lookup of the Python extension.

export type InterpreterSource = "setting" | "python-extension" | "default";

/** A Python command: `command` plus leading `args` (the Python extension may give
 * `conda run -n env python`), and where it came from. */
export interface Interpreter {
  command: string;
  args: string[];
  source: InterpreterSource;
}

export interface InterpreterInputs {
  /** The `spell.python.interpreter` setting, as written. */
  setting: string | undefined;
  /** The folder `${workspaceFolder}` stands for, when there is one. */
  workspaceFolder?: string;
  /** The home folder, for a leading `~`. */
  home?: string;
  /** The Python extension's execution command for the resource, when it is installed. */
  pythonExtension: () => Promise<string[] | undefined>;
}

export const DEFAULT_PYTHON = "python3";

/** Setting first, then the Python extension's selected interpreter, then `python3`. */
export async function resolveInterpreter(inputs: InterpreterInputs): Promise<Interpreter> {
  const configured = expandSetting(inputs.setting ?? "", inputs);
  if (configured) {
    return { command: configured, args: [], source: "setting" };
  }
  const fromExtension = await inputs.pythonExtension().catch(() => undefined);
  const usable = (fromExtension ?? []).filter((part) => part.length > 0);
  if (usable.length > 0) {
    return { command: usable[0], args: usable.slice(1), source: "python-extension" };
  }
  return { command: DEFAULT_PYTHON, args: [], source: "default" };
}

/** The setting with `${workspaceFolder}`, `${userHome}` and a leading `~` expanded. */
export function expandSetting(setting: string, inputs: Pick<InterpreterInputs, "workspaceFolder" | "home">): string {
  let value = setting.trim();
  if (inputs.home) {
    value = value.replace(/^~(?=$|[\\/])/, inputs.home).split("${userHome}").join(inputs.home);
  }
  if (inputs.workspaceFolder) {
    value = value.split("${workspaceFolder}").join(inputs.workspaceFolder);
  }
  return value;
}

/** The interpreter as one line for messages and the status bar tooltip. */
export function describeInterpreter(interpreter: Interpreter): string {
  return [interpreter.command, ...interpreter.args].join(" ");
}
