import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TurnDoc, decodeDoc, docPath, encodeDoc, journalFromOutput, journalWorkspace, runFolder, runTime, sortJournals } from "../../src/turnDocs";

test("document addresses round-trip and carry readable titles", () => {
  const docs: TurnDoc[] = [
    { what: "program", handle: ":main", turn: 3, sourceReference: 7, sessionId: "s" },
    { what: "edit", side: "after", handle: ":main", turn: 2, index: 0, journal: "/w/j.jsonl" },
    { what: "effect", handle: ":w", turn: 1, seq: 4, sessionId: "s" },
    { what: "prompt", file: "/w/a.spell", profile: "reader", cwd: "/w" },
  ];
  for (const doc of docs) {
    assert.deepEqual(decodeDoc(encodeDoc(doc)), doc);
  }
  assert.deepEqual(docs.map(docPath), ["/main · turn 3.spell", "/main · turn 2 · edit 1 after.spell",
    "/w · turn 1 · effect 4.spell", "/system prompt (reader).md"]);
  assert.throws(() => decodeDoc('{"what": "nothing"}'), /not a Spell document address/);
});

test("journals are listed newest first, each once", () => {
  const a = { path: "/w/.spell/runs/20261120T100000Z-aaaaaa/journal.jsonl", mtimeMs: 1000 };
  const b = { path: "/w/.spell/runs/20261122T090000Z-bbbbbb/journal.jsonl", mtimeMs: 3000 };
  const c = { path: "/w/x/.spell/runs/20261121T090000Z-cccccc/journal.jsonl", mtimeMs: 2000 };
  assert.deepEqual(sortJournals([a, b, c, a]).map((j) => j.path), [b.path, c.path, a.path]);
  assert.equal(runFolder(b.path), "20261122T090000Z-bbbbbb");
  assert.equal(runTime(runFolder(b.path)), "2026-11-22 09:00:00 UTC");
  assert.equal(runTime("my-run"), "my-run");
  assert.equal(journalWorkspace(c.path), "/w/x");
});

test("the journal path is read from the adapter's output", () => {
  const recorded = JSON.parse(readFileSync(join(__dirname, "..", "..", "test", "unit", "fixtures", "recorded-runs.json"), "utf8"));
  const journal = journalFromOutput(recorded["explore-files"].output);
  assert.match(journal!, /^\/home\/user\/agents\/explore-files\/\.spell\/runs\/[^/]+\/journal\.jsonl$/);
  assert.equal(journalFromOutput("turn 1 :main\nvalue: 2\n"), undefined);
});
