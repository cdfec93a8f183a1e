"""Whole debug sessions against `spell dap` on the offline example agents."""

from __future__ import annotations

from pathlib import Path

import pytest

from spell_lsp.harness.journal import JournalReader

SPIN = ('; spins forever\n(quine completion (eval (do (quine prompt "spin")\n'
        '  (loop [] (recur)))))\n')


def variables(dap, ref: int, **paging) -> dict[str, dict]:
    found = dap.ok("variables", {"variablesReference": ref, **paging})["variables"]
    return {v["name"]: v for v in found}


def scopes(dap, frame_id: int) -> dict[str, int]:
    found = dap.ok("scopes", {"frameId": frame_id})["scopes"]
    return {s["name"]: s["variablesReference"] for s in found}


def run_to_end(dap, limit: int = 40) -> list[dict]:
    """Continue through every stop until the session terminates; the stops' top frames."""
    tops = []
    for _ in range(limit):
        dap.drain(0.2)
        if any(e["event"] == "terminated" for e in dap.events[dap.cursor:]):
            break
        if any(e["event"] == "stopped" for e in dap.events[dap.cursor:]):
            dap.stopped()
            tops.append(dap.top_frame())
            dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
    return tops


def journal_of(folder: Path) -> JournalReader:
    [path] = list((folder / ".spell" / "runs").glob("*/journal.jsonl"))
    return JournalReader(str(path))


def test_self_edit_stop_shows_effects_then_runs_to_the_end(dap, agent):
    program = agent("explore-files")
    dap.start({"program": str(program)}, filters=["selfEdit"])
    stop = dap.stopped()
    assert stop["reason"] == "exception" and "Self-edit (extend) in turn 1" in stop["description"]
    assert "after:" in stop["text"]
    frames = dap.ok("stackTrace", {"threadId": 1})["stackFrames"]
    assert [f["name"] for f in frames] == ["turn 1 of :main", "turn 0 of :main"]
    assert frames[0]["source"]["name"] == "main · turn 1"
    assert frames[1]["source"]["path"] == str(program.resolve())
    found = scopes(dap, frames[0]["id"])
    effects = variables(dap, found["Effects"])
    [(name, effect)] = effects.items()
    assert name == "#1 io/read-lines (:main turn 1)" and effect["value"] == '["alpha" "beta"]'
    fields = variables(dap, effect["variablesReference"])
    assert fields["fn"]["value"] == '"io/read-lines"'
    assert fields["args"]["value"] == '["notes.txt"]'
    program_forms = variables(dap, found["Program"])
    assert list(program_forms)[-1] == "3 trailing (live)"
    text = dap.ok("source", {"sourceReference": frames[0]["source"]["sourceReference"]})
    assert "(io/read-lines \"notes.txt\")" in text["content"]
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0
    dap.event("terminated")
    loaded = [e["source"]["name"] for e in dap.all_events("loadedSource")]
    assert loaded == [f"main · turn {n}" for n in range(1, 5)]


def test_evaluate_is_pure_and_refuses_effects(dap, agent):
    dap.start({"program": str(agent("explore-files"))}, filters=["effect"])
    assert dap.stopped()["description"].startswith("Effect: (io/read-lines")
    frame = dap.top_frame()
    assert frame["name"] == '(io/read-lines "notes.txt")'
    answer = dap.ok("evaluate", {"expression": "(count (str prompt))", "frameId": frame["id"],
                                 "context": "watch"})
    assert int(answer["result"]) > 10
    for expression in ('(io/slurp "notes.txt")', '(!llm-self "x")'):
        refused = dap.request("evaluate", {"expression": expression, "frameId": frame["id"],
                                           "context": "hover"})
        assert not refused["success"] and "is an effect" in refused["message"]
    assert len(dap.all_events("spell/effect")) == 0  # still paused before the effect ran


def test_entry_and_next_walk_the_top_level_forms(dap, agent):
    program = agent("explore-files")
    dap.start({"program": str(program), "stopOnEntry": True})
    assert dap.stopped()["reason"] == "entry"
    assert dap.top_frame()["name"] == "turn 0 of :main"
    dap.ok("next", {"threadId": 1})
    assert dap.stopped()["reason"] == "step"
    first = dap.top_frame()
    assert first["name"].startswith("(quine prompt") and (first["line"], first["column"]) == (2, 29)
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    assert dap.top_frame()["name"] == "'(!extend)"
    dap.ok("stepIn", {"threadId": 1})
    dap.stopped()
    assert dap.top_frame()["name"] == "(!extend)"


def test_line_breakpoint_keeps_its_form_through_a_rethink(dap, agent):
    program = agent("explore-files")
    bp = {"line": 2, "column": 29}
    dap.start({"program": str(program)}, breakpoints={program: [bp]})
    tops = run_to_end(dap)
    where = [(t["source"].get("name"), t["line"], t["column"]) for t in tops]
    # turns 0, 1, 3 (rewritten by prune) and 4 (rewritten by rethink) evaluate the form;
    # turn 2 only extends turn 1, so its earlier forms are not evaluated again
    assert where == [("explore-files.spell", 2, 29), ("main · turn 1", 1, 29),
                     ("main · turn 3", 1, 29), ("main · turn 4", 1, 29)]
    moved = dap.all_events("breakpoint")
    assert moved and moved[0]["breakpoint"]["line"] == 1
    assert all(m["breakpoint"]["verified"] for m in moved)


def test_fork_is_stepped_into_and_out_of(dap, agent):
    dap.start({"program": str(agent("hello-fork"))}, functions=["!llm-self"])
    stop = dap.stopped()
    assert stop["reason"] == "function breakpoint"
    assert dap.top_frame()["name"] == '(!llm-self "Reply with the string World.")'
    dap.ok("stepIn", {"threadId": 1})
    assert dap.stopped()["description"] == "into turn 2 (fork)"
    names = [f["name"] for f in dap.ok("stackTrace", {"threadId": 1})["stackFrames"]]
    assert names[0] == "turn 2 of :main" and "turn 1 of :main" in names[1:]
    dap.ok("stepOut", {"threadId": 1})
    assert dap.stopped()["description"] == "end of turn 2 of :main"
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    back = dap.top_frame()
    assert back["source"]["name"] == "main · turn 1"
    dap.ok("setFunctionBreakpoints", {"breakpoints": []})
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
    assert "Hello World" in "".join(o["output"] for o in dap.all_events("output"))


def test_pause_inside_an_endless_loop_then_disconnect(dap, tmp_path):
    program = tmp_path / "spin.spell"
    program.write_text(SPIN)
    (tmp_path / "spin.script.jsonl").write_text("")
    dap.start({"program": str(program)})
    dap.event("output", lambda b: "turn 0" in b["output"])
    dap.ok("pause", {"threadId": 1})
    assert dap.stopped()["reason"] == "pause"
    top = dap.top_frame()
    assert top["name"] in ("(recur)", "(loop [] (recur))") and top["line"] == 3
    dap.request("disconnect", {})
    assert dap.proc.wait(timeout=10) == 0
    journal = journal_of(tmp_path)
    assert [t["turn"] for t in journal.turns()] == [0]


def test_disconnect_mid_run_leaves_a_readable_journal(dap, agent):
    program = agent("explore-files")
    dap.start({"program": str(program)}, filters=["effect"])
    dap.stopped()
    dap.ok("continue", {"threadId": 1})
    dap.stopped()  # the second effect, in turn 2
    dap.request("disconnect", {})
    assert dap.proc.wait(timeout=10) == 0
    journal = journal_of(program.parent)
    assert [t["turn"] for t in journal.turns()] == [0, 1, 2]
    assert [e["fn"] for e in journal.of_type("effect")] == ["io/read-lines"]


@pytest.mark.parametrize("launch, field", [
    ({}, "program"),
    ({"program": "notes.txt"}, "program"),
    ({"program": "missing.spell"}, "program"),
    ({"prompt": "hi", "model": "gpt:4"}, "model"),
    ({"prompt": "hi", "model": "script:x.jsonl", "maxTurns": "3"}, "maxTurns"),
    ({"prompt": "hi", "model": "script:x.jsonl", "stopOnEntry": "yes"}, "stopOnEntry"),
    ({"prompt": "hi", "model": "script:x.jsonl", "budget": -1}, "budget"),
    ({"prompt": "hi", "model": "script:x.jsonl", "workspace": "/no/such/dir"}, "workspace"),
    ({"prompt": "hi", "model": "script:x.jsonl", "profile": "nope"}, "profile"),
])
def test_wrong_launch_config_is_an_error_response(dap, tmp_path, launch, field):
    launch = dict(launch)
    if "program" in launch:
        launch["program"] = str(tmp_path / launch["program"])
    launch.setdefault("workspace", str(tmp_path))
    response = dap.start(launch)
    assert not response["success"] and f"'{field}'" in response["message"]
    assert dap.ok("threads")["threads"] == [{"id": 1, "name": "agent :main"}]
