import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EffectNode, JournalSummary, RunModel, TurnNode, effectDocument, idOf, labelOf, parseSummary } from "../../src/runModel";

// Custom events and the journal summary recorded from real runs of examples/agents
// (python -m spell_lsp dap; spell trace turns --json).
interface Recorded { events: { event: string; body: Record<string, unknown> }[]; output?: string; summary?: JournalSummary }
const recorded = JSON.parse(readFileSync(join(__dirname, "..", "..", "test", "unit", "fixtures", "recorded-runs.json"), "utf8")) as
  Record<string, Recorded>;

function replay(name: string): RunModel {
  const model = new RunModel();
  model.reset({ sessionId: "s1", label: name });
  for (const { event, body } of recorded[name].events) {
    assert.equal(model.applyEvent(event, body), true, event);
  }
  return model;
}

test("events of a debug session build agents -> turns -> self-edits and effects", () => {
  const model = replay("explore-files");
  assert.deepEqual(model.children().map((a) => a.kind === "agent" && [a.handle, a.threadId]), [[":main", 1]]);
  const turns = model.children(model.agents[0]) as TurnNode[];
  assert.deepEqual(turns.map((t) => [t.turn, t.turnKind]),
    [[0, "initial"], [1, "self-call"], [2, "self-call"], [3, "self-call"], [4, "self-call"]]);
  assert.equal(turns[0].source?.path, "/home/user/agents/explore-files/explore-files.spell");
  assert.equal(turns[1].source?.sourceReference, 1);
  const [edit, effect] = model.children(turns[1]);
  assert.equal(edit.kind, "edit");
  assert.equal(effect.kind, "effect");
  assert.deepEqual(effect.kind === "effect" && [effect.seq, effect.fn, effect.result, effect.error],
    [1, "io/read-lines", '["alpha" "beta"]', undefined]);
  assert.deepEqual(turns.map((t) => t.edits.map((e) => e.editKind)), [[], ["extend"], ["rewrite"], ["rewrite"], []]);
  assert.deepEqual(model.children(effect), []);
});

test("a fork turn is listed under its agent in turn order", () => {
  const model = replay("hello-fork");
  assert.deepEqual(model.agents[0].turns.map((t) => t.turnKind), ["initial", "self-call", "fork", "self-call"]);
  const [edit] = model.agents[0].turns[1].edits;
  assert.deepEqual([edit.index, edit.editKind, edit.summary], [0, "extend", '+(def w "World")']);
});

test("the same effect sent again replaces the first record; other events are not ours", () => {
  const model = replay("explore-files");
  const again = { handle: ":main", turn: 1, seq: 1, fn: "io/read-lines", result: '["changed"]', error: null, replayed: true };
  model.applyEvent("spell/effect", again);
  const effects = model.findTurn(":main", 1)!.effects;
  assert.equal(effects.length, 1);
  assert.equal(effects[0].result, '["changed"]');
  assert.equal(effects[0].replayed, true);
  assert.equal(model.applyEvent("stopped", { reason: "step" }), false);
});

test("an effect that failed shows its error", () => {
  const model = new RunModel();
  model.applyEvent("spell/effect", { handle: ":main", turn: 2, seq: 3, fn: "io/slurp", form: '(io/slurp "x")', result: null,
    error: "no such file: x", duration_ms: 1.5, replayed: false });
  const effect = model.findTurn(":main", 2)!.effects[0];
  assert.deepEqual(labelOf(effect), { label: "#3 io/slurp", icon: "error", description: "error: no such file: x",
    tooltip: '(io/slurp "x")\nerror: no such file: x' });
  assert.equal(effectDocument(effect),
    '; :main turn 2, effect #3: io/slurp\n; 1.5 ms\n\n; call\n(io/slurp "x")\n\n; error\n"no such file: x"\n');
});

test("a run start remembers its journal and keeps the tree", () => {
  const model = replay("hello-fork");
  const turns = model.agents[0].turns.length;
  assert.equal(model.applyEvent("spell/run", { journal: "/w/.spell/runs/a/journal.jsonl" }), true);
  assert.equal(model.origin?.journal, "/w/.spell/runs/a/journal.jsonl");
  assert.equal(model.agents[0].turns.length, turns);
});

test("a branch starts the tree over and remembers the new journal", () => {
  const model = replay("hello-fork");
  model.applyEvent("spell/branch", { journal: "/w/.spell/runs/b/journal.jsonl", parent: "/w/.spell/runs/a/journal.jsonl",
    turn: 2, change: "program of turn 2" });
  assert.deepEqual(model.agents, []);
  assert.equal(model.origin?.sessionId, "s1");
  assert.equal(model.origin?.journal, "/w/.spell/runs/b/journal.jsonl");
  assert.equal(model.branchNote, "fork at turn 2: program of turn 2");
  model.applyEvent("spell/branch", { journal: "/w/c.jsonl", parent: "/w/b.jsonl", turn: null, change: "turn 1 restarted" });
  assert.equal(model.branchNote, "restart: turn 1 restarted");
});

test("a journal summary builds the same tree as the live events", () => {
  const live = replay("explore-files");
  const fromJournal = new RunModel();
  fromJournal.loadSummary(parseSummary(JSON.stringify(recorded["explore-files"].summary)), "/w/.spell/runs/r1/journal.jsonl");
  const shape = (m: RunModel) => m.agents.map((a) => [a.handle, a.turns.map((t) =>
    [t.turn, t.turnKind, t.edits.map((e) => e.editKind), t.effects.map((e) => [e.seq, e.fn])])]);
  assert.deepEqual(shape(fromJournal), shape(live));
  assert.equal(fromJournal.origin?.journal, "/w/.spell/runs/r1/journal.jsonl");
  assert.equal(fromJournal.origin?.label, recorded["explore-files"].summary!.run!.run_id);
  const effect = fromJournal.findTurn(":main", 2)!.effects[0] as EffectNode;
  assert.equal(effect.fn, "io/ls");
  assert.match(effect.result!, /notes\.txt/);
});

test("a summary without agents is refused", () => {
  assert.throws(() => parseSummary('{"run": {}}'), /not a journal summary/);
  assert.throws(() => parseSummary("error: no"), SyntaxError);
});

test("labels and ids of the tree items", () => {
  const model = replay("explore-files");
  const turn = model.findTurn(":main", 1)!;
  assert.deepEqual(labelOf(model.agents[0]), { label: ":main", description: "5 turns", icon: "person", tooltip: "thread 1" });
  assert.equal(labelOf(turn).label, "turn 1");
  assert.equal(labelOf(turn).description, "self-call · 1 effect · 1 self-edit");
  assert.equal(labelOf(model.findTurn(":main", 0)!).description, "initial");
  assert.equal(labelOf(turn.edits[0]).label, "self-edit (extend)");
  assert.equal(labelOf(turn.effects[0]).description, '["alpha" "beta"]');
  assert.deepEqual([idOf(model.agents[0]), idOf(turn), idOf(turn.effects[0]), idOf(turn.edits[0])],
    ["agent::main", "turn::main#1", "effect::main#1#1", "edit::main#1#0"]);
});

test("every node knows its parent (the view reveals nodes through it)", () => {
  const model = replay("explore-files");
  const turn = model.findTurn(":main", 2)!;
  assert.equal(model.parent(model.agents[0]), undefined);
  assert.equal(model.parent(turn), model.agents[0]);
  assert.equal(model.parent(turn.effects[0]), turn);
  assert.equal(model.parent(turn.edits[0]), turn);
});

test("an effect's document shows its call and recorded result; long descriptions are cut", () => {
  const model = replay("explore-files");
  const effect = model.findTurn(":main", 1)!.effects[0];
  assert.equal(effectDocument(effect),
    '; :main turn 1, effect #1: io/read-lines\n; 0.12 ms\n\n; call\n(io/read-lines "notes.txt")\n\n; result\n["alpha" "beta"]\n');
  const listing = model.findTurn(":main", 2)!.effects[0];
  const description = labelOf(listing).description!;
  assert.equal(description.length, 60);
  assert.ok(description.endsWith("…") && description.startsWith('[{:name ".spell/", :size 0}'));
});
