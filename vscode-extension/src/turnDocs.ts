// Addresses of the read-only documents the extension shows (scheme `spell-turn:`):
// program versions, the two sides of a self-edit, effect results, the system prompt.
// Pure: the VS Code side turns these into Uris and fetches the text.

export const TURN_SCHEME = "spell-turn";

/** Where a text can be fetched: the live debug session, else the journal. */
export interface Origin {
  sessionId?: string;
  journal?: string;
}

export type TurnDoc =
  | ({ what: "program"; handle: string; turn: number; sourceReference?: number; path?: string } & Origin)
  | ({ what: "edit"; side: "before" | "after"; handle: string; turn: number; index: number } & Origin)
  | ({ what: "effect"; handle: string; turn: number; seq: number } & Origin)
  | { what: "prompt"; file?: string; profile?: string; cwd?: string };

/** The path part: a readable title whose extension picks the language. */
export function docPath(doc: TurnDoc): string {
  if (doc.what === "prompt") {
    return `/system prompt${doc.profile ? ` (${doc.profile})` : ""}.md`;
  }
  const agent = doc.handle.replace(/^:/, "");
  switch (doc.what) {
    case "program":
      return `/${agent} · turn ${doc.turn}.spell`;
    case "edit":
      return `/${agent} · turn ${doc.turn} · edit ${doc.index + 1} ${doc.side}.spell`;
    case "effect":
      return `/${agent} · turn ${doc.turn} · effect ${doc.seq}.spell`;
  }
}

export function encodeDoc(doc: TurnDoc): string {
  return JSON.stringify(doc);
}

/** The document a Uri query names; throws on anything else. */
export function decodeDoc(query: string): TurnDoc {
  const doc = JSON.parse(query) as TurnDoc;
  if (!doc || !["program", "edit", "effect", "prompt"].includes(doc.what)) {
    throw new Error(`not a Spell document address: ${query}`);
  }
  return doc;
}

// -- journals -------------------------------------------------------------------------------

export interface JournalEntry {
  path: string;
  mtimeMs: number;
}

/** Newest first; the run folder names start with a UTC timestamp, the mtime breaks ties. */
export function sortJournals(entries: JournalEntry[]): JournalEntry[] {
  return [...new Map(entries.map((e) => [e.path, e])).values()]
    .sort((a, b) => b.mtimeMs - a.mtimeMs || runFolder(b.path).localeCompare(runFolder(a.path)));
}

/** The run folder of `.../.spell/runs/<run>/journal.jsonl`. */
export function runFolder(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.length >= 2 ? parts[parts.length - 2] : path;
}

/** `20261122T023012Z-ab12cd` -> `2026-11-22 02:30:12 UTC`; other names unchanged. */
export function runTime(run: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(run);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC` : run;
}

/** The workspace folder a journal belongs to: the folder holding `.spell/runs`. */
export function journalWorkspace(path: string): string {
  const m = /^(.*)[\\/]\.spell[\\/]runs[\\/][^\\/]+[\\/]journal\.jsonl$/.exec(path);
  return m ? m[1] : path;
}

/** The last `journal: PATH` line of the adapter's output, when the text has one. */
export function journalFromOutput(output: string): string | undefined {
  const found = [...output.matchAll(/^journal: (.+)$/gm)];
  return found.length ? found[found.length - 1][1].trim() : undefined;
}
