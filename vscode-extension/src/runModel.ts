// The Spell Run view's state: agents -> turns -> effects and self-edits, built from the
// debug adapter's custom events or from a journal summary (pure: no vscode import).

/** A DAP source as the adapter sends it: a file path or a sourceReference. */
export interface SourceRef {
  name?: string;
  path?: string;
  sourceReference?: number;
}

export interface EffectNode {
  kind: "effect";
  handle: string;
  turn: number;
  seq: number;
  fn: string;
  form?: string;
  result?: string;
  error?: string;
  durationMs?: number;
  replayed?: boolean;
}

export interface EditNode {
  kind: "edit";
  handle: string;
  turn: number;
  /** Position among the self-edits of its turn (0 first). */
  index: number;
  editKind: string;
  summary: string;
}

export interface TurnNode {
  kind: "turn";
  handle: string;
  turn: number;
  turnKind: string;
  source?: SourceRef;
  effects: EffectNode[];
  edits: EditNode[];
}

export interface AgentNode {
  kind: "agent";
  handle: string;
  threadId?: number;
  turns: TurnNode[];
}

export type RunNode = AgentNode | TurnNode | EffectNode | EditNode;

/** Where the items' texts come from: a live debug session or a journal file. */
export interface RunOrigin {
  sessionId?: string;
  journal?: string;
  label: string;
}

export class RunModel {
  agents: AgentNode[] = [];
  origin: RunOrigin | undefined;
  /** Set when a branch (restart or fork) replaced the run. */
  branchNote: string | undefined;

  /** Forget everything and start over for a new origin. */
  reset(origin: RunOrigin | undefined): void {
    this.agents = [];
    this.origin = origin;
    this.branchNote = undefined;
  }

  agent(handle: string): AgentNode {
    let found = this.agents.find((a) => a.handle === handle);
    if (!found) {
      found = { kind: "agent", handle, turns: [] };
      this.agents.push(found);
    }
    return found;
  }

  findTurn(handle: string, turn: number): TurnNode | undefined {
    return this.agents.find((a) => a.handle === handle)?.turns.find((t) => t.turn === turn);
  }

  turn(handle: string, turn: number): TurnNode {
    const agent = this.agent(handle);
    let found = agent.turns.find((t) => t.turn === turn);
    if (!found) {
      found = { kind: "turn", handle, turn, turnKind: "?", effects: [], edits: [] };
      agent.turns.push(found);
      agent.turns.sort((a, b) => a.turn - b.turn);
    }
    return found;
  }

  /** Apply one custom event from the adapter; false when the event is not one of ours. */
  applyEvent(event: string, body: Record<string, unknown>): boolean {
    switch (event) {
      case "spell/agent":
        this.agent(str(body.handle)).threadId = num(body.threadId);
        return true;
      case "spell/turn": {
        const node = this.turn(str(body.handle), num(body.turn) ?? 0);
        node.turnKind = str(body.kind, node.turnKind);
        node.source = (body.source as SourceRef | undefined) ?? node.source;
        return true;
      }
      case "spell/effect":
        this.addEffect(effectOf(body));
        return true;
      case "spell/selfEdit": {
        const node = this.turn(str(body.handle), num(body.turn) ?? 0);
        node.edits.push({ kind: "edit", handle: node.handle, turn: node.turn, index: node.edits.length,
          editKind: str(body.kind), summary: str(body.summary) });
        return true;
      }
      case "spell/run":
        this.origin = { ...this.origin, label: this.origin?.label ?? "run", journal: str(body.journal) || undefined };
        return true;
      case "spell/branch":
        this.agents = [];
        this.origin = { ...this.origin, label: this.origin?.label ?? "run", journal: str(body.journal) || undefined };
        this.branchNote = body.turn === null || body.turn === undefined
          ? `restart: ${str(body.change)}` : `fork at turn ${num(body.turn)}: ${str(body.change)}`;
        return true;
      default:
        return false;
    }
  }

  /** Keep the latest record of an effect (a replayed step may send it again). */
  addEffect(effect: EffectNode): void {
    const node = this.turn(effect.handle, effect.turn);
    const i = node.effects.findIndex((e) => e.seq === effect.seq);
    if (i >= 0) {
      node.effects[i] = effect;
    } else {
      node.effects.push(effect);
    }
  }

  /** Replace the state with a journal summary (`spell trace turns --json`). */
  loadSummary(summary: JournalSummary, journal: string): void {
    this.reset({ journal, label: summary.run?.run_id ?? baseLabel(journal) });
    for (const agent of summary.agents) {
      this.agent(agent.handle);
      for (const t of agent.turns) {
        const node = this.turn(agent.handle, t.turn);
        node.turnKind = t.kind;
        for (const e of t.effects) {
          this.addEffect(effectOf({ ...e, handle: agent.handle, turn: t.turn }));
        }
        for (const edit of t.edits) {
          node.edits.push({ kind: "edit", handle: agent.handle, turn: t.turn, index: node.edits.length,
            editKind: edit.kind, summary: edit.summary });
        }
      }
    }
  }

  /** The node a tree item sits under (agents are roots). */
  parent(node: RunNode): RunNode | undefined {
    if (node.kind === "agent") {
      return undefined;
    }
    if (node.kind === "turn") {
      return this.agents.find((a) => a.handle === node.handle);
    }
    return this.findTurn(node.handle, node.turn);
  }

  /** Children in the tree: agents at the root, then turns, then edits and effects. */
  children(node?: RunNode): RunNode[] {
    if (!node) {
      return this.agents;
    }
    if (node.kind === "agent") {
      return node.turns;
    }
    if (node.kind === "turn") {
      return [...node.edits, ...node.effects];
    }
    return [];
  }
}

/** The summary shape `spell trace turns JOURNAL --json` prints. */
export interface JournalSummary {
  journal?: string;
  run?: { run_id?: string; model?: string | null; program?: string | null; outcome?: string };
  agents: {
    handle: string;
    turns: {
      turn: number;
      kind: string;
      chars: number;
      effects: { seq: number; fn: string; form?: string | null; result?: string; error?: string; duration_ms?: number; replayed?: boolean }[];
      edits: { kind: string; summary: string }[];
    }[];
  }[];
}

/** Parse CLI output, with a clear message for anything else. */
export function parseSummary(text: string): JournalSummary {
  const data = JSON.parse(text) as JournalSummary;
  if (!data || !Array.isArray(data.agents)) {
    throw new Error("not a journal summary (no 'agents' list)");
  }
  return data;
}

function effectOf(body: Record<string, unknown>): EffectNode {
  return {
    kind: "effect", handle: str(body.handle), turn: num(body.turn) ?? 0, seq: num(body.seq) ?? 0,
    fn: str(body.fn, "?"), form: optStr(body.form), result: optStr(body.result), error: optStr(body.error),
    durationMs: num(body.duration_ms), replayed: body.replayed === true,
  };
}

// -- presentation -------------------------------------------------------------------------

export interface NodeLabel {
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
}

/** Label, description, tooltip and codicon of a tree item. */
export function labelOf(node: RunNode): NodeLabel {
  switch (node.kind) {
    case "agent":
      return { label: node.handle, description: plural(node.turns.length, "turn"), icon: "person",
        tooltip: node.threadId !== undefined ? `thread ${node.threadId}` : undefined };
    case "turn":
      return { label: `turn ${node.turn}`, icon: "symbol-event",
        description: [node.turnKind, plural(node.effects.length, "effect"), plural(node.edits.length, "self-edit")]
          .filter((part) => part).join(" · "),
        tooltip: `${node.handle} turn ${node.turn} (${node.turnKind}): open this program version` };
    case "effect":
      return { label: `#${node.seq} ${node.fn}`, icon: node.error !== undefined ? "error" : "zap",
        description: node.error !== undefined ? `error: ${oneLine(node.error, 60)}` : oneLine(node.result ?? "", 60),
        tooltip: [node.form, node.error !== undefined ? `error: ${node.error}` : `=> ${node.result ?? ""}`]
          .filter((part) => part).join("\n") };
    case "edit":
      return { label: `self-edit (${node.editKind})`, icon: "diff", description: oneLine(node.summary, 60),
        tooltip: `${node.summary}\nopen the diff of this edit` };
  }
}

/** A stable id per node (tree items keep their expansion state across refreshes). */
export function idOf(node: RunNode): string {
  switch (node.kind) {
    case "agent":
      return `agent:${node.handle}`;
    case "turn":
      return `turn:${node.handle}#${node.turn}`;
    case "effect":
      return `effect:${node.handle}#${node.turn}#${node.seq}`;
    case "edit":
      return `edit:${node.handle}#${node.turn}#${node.index}`;
  }
}

/** The read-only document shown for an effect: its call and its recorded outcome. */
export function effectDocument(effect: EffectNode): string {
  const lines = [`; ${effect.handle} turn ${effect.turn}, effect #${effect.seq}: ${effect.fn}`];
  if (effect.durationMs !== undefined) {
    lines.push(`; ${effect.durationMs} ms${effect.replayed ? ", replayed" : ""}`);
  }
  if (effect.form) {
    lines.push("", "; call", effect.form);
  }
  lines.push("", effect.error !== undefined ? "; error" : "; result");
  lines.push(effect.error !== undefined ? JSON.stringify(effect.error) : effect.result ?? "nil");
  return lines.join("\n") + "\n";
}

export function oneLine(text: string, width: number): string {
  const flat = text.split(/\s+/).filter((part) => part).join(" ");
  return flat.length <= width ? flat : flat.slice(0, width - 1) + "…";
}

function plural(n: number, word: string): string {
  return n === 0 ? "" : `${n} ${word}${n === 1 ? "" : "s"}`;
}

function baseLabel(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.length >= 2 ? parts[parts.length - 2] : path;
}

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function optStr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
