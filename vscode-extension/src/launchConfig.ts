// Debug configuration resolution for `type: spell` (pure: no vscode import).

export const SPELL_SUFFIXES = [".spell", ".spl"];

export interface SpellLaunchConfig {
  type: string;
  request: string;
  name: string;
  program?: string;
  prompt?: string;
  [attribute: string]: unknown;
}

/** The editor's active document, as far as resolution cares. */
export interface ActiveFile {
  path: string;
  languageId: string;
}

export type Resolution = { config: SpellLaunchConfig } | { error: string };

export function isSpellFile(path: string): boolean {
  return SPELL_SUFFIXES.some((suffix) => path.toLowerCase().endsWith(suffix));
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The configuration F5 uses on a Spell file when there is no launch.json. */
export function defaultLaunchConfig(program: string): SpellLaunchConfig {
  return { type: "spell", request: "launch", name: `Debug ${baseName(program)}`, program };
}

/** Before variables are substituted: fill an empty configuration (F5 without launch.json)
 * or a missing program from the active Spell file. */
export function resolveLaunchConfig(config: Partial<SpellLaunchConfig>, active: ActiveFile | undefined): Resolution {
  const empty = !config.type && !config.request && !config.name;
  const hasSource = config.program !== undefined || config.prompt !== undefined;
  if (!empty && hasSource) {
    return { config: { type: "spell", request: "launch", name: "Debug Spell agent", ...config } };
  }
  if (!active || !(active.languageId === "spell" || isSpellFile(active.path))) {
    return { error: "Open a .spell or .spl file to debug it, or give 'program' or 'prompt' in the launch configuration." };
  }
  const fallback = defaultLaunchConfig(active.path);
  return { config: empty ? fallback : { ...fallback, ...config, program: active.path } };
}

/** After variables are substituted: the checks that need real values. */
export function validateLaunchConfig(config: SpellLaunchConfig): string | undefined {
  if (config.request !== "launch") {
    return `Spell debugging supports only "request": "launch", not ${JSON.stringify(config.request)}.`;
  }
  const program = config.program;
  const prompt = config.prompt;
  if ((program === undefined || program === "") === (prompt === undefined || prompt === "")) {
    return "A Spell launch configuration needs exactly one of 'program' (a .spell file) and 'prompt'.";
  }
  if (typeof program === "string" && program !== "" && !isSpellFile(program)) {
    return `Spell can only debug .spell and .spl files, not ${baseName(program)}.`;
  }
  return undefined;
}
