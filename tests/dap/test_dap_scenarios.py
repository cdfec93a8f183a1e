"""Whole debug sessions against `spell dap` on the offline example agents."""

from __future__ import annotations

import time
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
    info = dap.ok("exceptionInfo", {"threadId": 1})  # what an editor's stop widget shows
    assert info["exceptionId"] == "Self-edit" and info["breakMode"] == "always"
    assert info["description"] == stop["description"]
    assert "after:" in info["details"]["stackTrace"]
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
    diff = dap.ok("spell/programDiff")
    assert diff["turn"] == 1 and diff["after"].startswith(diff["before"])
    assert "(def xs" in diff["after"][len(diff["before"]):]
    dap.ok("stepBack", {"threadId": 1})
    description = dap.stopped()["description"]
    while "recorded form" in description:  # back through this turn's forms first
        dap.ok("stepBack", {"threadId": 1})
        description = dap.stopped()["description"]
    assert "recorded turn 0" in description
    # a frame of an earlier stop (VS Code may still ask for it) has no scopes, no error
    assert dap.ok("scopes", {"frameId": frames[0]["id"]})["scopes"] == []
    back = dap.ok("stackTrace", {"threadId": 1})["stackFrames"]
    assert [f["name"] for f in back] == ["turn 0 of :main"]
    assert variables(dap, scopes(dap, back[0]["id"])["Effects"]) == {}
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0
    dap.event("terminated")
    assert dap.all_events("spell/agent") == [{"handle": ":main", "threadId": 1}]
    assert dap.ok("threads")["threads"] == [{"id": 1, "name": "agent :main"}]
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
    # the first !llm-self call is turn 0's `(!extend)`; the second is the fork
    dap.start({"program": str(agent("hello-fork"))},
              functions=[{"name": "!llm-self", "hitCondition": "2"}])
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
    dap.start({"program": str(spin_program(tmp_path))})
    dap.event("spell/turn")
    time.sleep(0.5)  # let the loop spin before pausing it
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
    # announced when the run began, so editors can read it while the run is live
    assert [e["journal"] for e in dap.all_events("spell/run")] == [str(journal.path)]
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


COUNT = (
    '; counting\n'
    '(quine completion (eval (do (quine prompt "count")\n'
    '  (def total (reduce (fn [acc i]\n'
    '    (+ acc i)) 0 (range 5)))\n'
    '  total)))\n')


def counting_program(tmp_path: Path) -> Path:
    program = tmp_path / "count.spell"
    program.write_text(COUNT)
    (tmp_path / "count.script.jsonl").write_text("")
    return program


@pytest.mark.parametrize("spec, stops, logged", [
    ({"line": 4}, 5, []),
    ({"line": 4, "condition": "(= i 3)"}, 1, []),
    ({"line": 4, "hitCondition": ">=4"}, 2, []),
    ({"line": 4, "hitCondition": "%2"}, 2, []),
    ({"line": 4, "logMessage": "i={i} acc={acc}"}, 0,
     ["i=0 acc=0", "i=1 acc=0", "i=2 acc=1", "i=3 acc=3", "i=4 acc=6"]),
])
def test_breakpoint_conditions_hit_counts_and_logpoints(dap, tmp_path, spec, stops, logged):
    program = counting_program(tmp_path)
    dap.start({"program": str(program)}, breakpoints={program: [spec]})
    tops = run_to_end(dap)
    assert len(tops) == stops and all(t["name"] == "(+ acc i)" for t in tops)
    lines = [o["output"].strip() for o in dap.all_events("output")]
    assert [line for line in lines if line.startswith("i=")] == logged


def test_condition_stop_shows_the_frame_bindings(dap, tmp_path):
    program = counting_program(tmp_path)
    dap.start({"program": str(program)},
              breakpoints={program: [{"line": 4, "condition": "(= i 3)"}]})
    assert dap.stopped()["reason"] == "breakpoint"
    frame = dap.top_frame()
    assert (frame["line"], frame["column"]) == (4, 5)
    bindings = variables(dap, scopes(dap, frame["id"])["Bindings"])
    assert bindings["i"]["value"] == "3" and bindings["acc"]["value"] == "3"
    assert dap.ok("evaluate", {"expression": "(* acc i)", "frameId": frame["id"],
                               "context": "repl"})["result"] == "9"


def test_large_values_are_paged_and_truncated(dap, tmp_path):
    program = counting_program(tmp_path)
    dap.start({"program": str(program), "stopOnEntry": True})
    dap.stopped()
    frame = dap.top_frame()
    big = dap.ok("evaluate", {"expression": "(vec (range 100))", "frameId": frame["id"],
                              "context": "watch"})
    assert big["indexedVariables"] == 100
    page = variables(dap, big["variablesReference"], start=10, count=5)
    assert list(page) == ["10", "11", "12", "13", "14"] and page["12"]["value"] == "12"
    text = '(apply str (repeat 500 "a"))'
    watch = dap.ok("evaluate", {"expression": text, "frameId": frame["id"], "context": "watch"})
    assert len(watch["result"]) == 200 and watch["result"].endswith("…")
    repl = dap.ok("evaluate", {"expression": text, "frameId": frame["id"], "context": "repl"})
    assert repl["result"] == '"' + "a" * 500 + '"'


def test_breakpoint_set_in_a_program_version_follows_its_form(dap, agent):
    dap.start({"program": str(agent("explore-files"))}, filters=["selfEdit"])
    dap.stopped()
    source = dap.top_frame()["source"]
    text = dap.ok("source", {"sourceReference": source["sourceReference"]})["content"]
    column = text.index('(think "Read') + 1
    placed = dap.ok("setBreakpoints", {"source": source,
                                       "breakpoints": [{"line": 1, "column": column}]})
    assert placed["breakpoints"][0]["verified"]
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    tops = run_to_end(dap)
    assert [(t["source"]["name"], t["name"][:6]) for t in tops] == [
        ("main · turn 3", "(think"), ("main · turn 4", "(think")]


@pytest.mark.parametrize("name, program, filters, description", [
    ("recovery", None, ["error"], "Recovered eval error (attempt 1)"),
    ("explore-files", None, ["modelCall"], "Model call: model call for turn 1 of :main"),
    ("bad", '(quine completion (eval (do (quine prompt "x") (first 1 2 3))))', ["uncaught"],
     "Uncaught error: scripted transport: no completion left for agent main (call 1)"),
])
def test_exception_filters_stop_with_a_description(dap, agent, tmp_path, name, program,
                                                   filters, description):
    if program is None:
        path = agent(name)
    else:
        path = tmp_path / f"{name}.spell"
        path.write_text(program)
        (tmp_path / f"{name}.script.jsonl").write_text("")
    dap.start({"program": str(path)}, filters=filters)
    stop = dap.stopped()
    assert (stop["reason"], stop["description"]) == ("exception", description)
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")


def spin_program(tmp_path: Path) -> Path:
    program = tmp_path / "spin.spell"
    program.write_text(SPIN)
    (tmp_path / "spin.script.jsonl").write_text("")
    return program


def test_disconnect_before_the_run_starts(dap, tmp_path):
    dap.ok("initialize", {"adapterID": "spell"})
    assert dap.request("launch", {"program": str(spin_program(tmp_path))})["success"]
    dap.request("disconnect", {})
    assert dap.proc.wait(timeout=10) == 0
    assert not (tmp_path / ".spell").exists()  # configurationDone never came: no run


def test_disconnect_while_an_endless_loop_runs(dap, tmp_path):
    dap.start({"program": str(spin_program(tmp_path))})
    dap.event("spell/turn")
    dap.request("disconnect", {})
    assert dap.proc.wait(timeout=10) == 0
    assert [t["turn"] for t in journal_of(tmp_path).turns()] == [0]


def test_terminate_ends_the_run_with_a_terminated_event(dap, tmp_path):
    dap.start({"program": str(spin_program(tmp_path))})
    dap.event("spell/turn")
    dap.ok("terminate")
    dap.event("terminated")
    assert not any(e["event"] == "exited" for e in dap.events)


def test_data_breakpoint_stops_where_a_turn_defines_the_binding(dap, agent):
    dap.ok("initialize", {"adapterID": "spell"})
    dap.ok("launch", {"program": str(agent("explore-files"))})
    info = dap.ok("dataBreakpointInfo", {"name": "xs"})
    dap.ok("setDataBreakpoints", {"breakpoints": [{"dataId": info["dataId"]}]})
    dap.ok("configurationDone")
    stop = dap.stopped()
    assert (stop["reason"], stop["description"]) == ("data breakpoint", "def xs")
    top = dap.top_frame()
    assert top["source"]["name"] == "main · turn 2" and top["name"].startswith("(def xs")
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")  # the later turns pruned the definition away


def test_unusable_breakpoints_are_answered_unverified(dap, tmp_path):
    program = counting_program(tmp_path)
    dap.ok("initialize", {"adapterID": "spell"})
    answers = dap.ok("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [
        {"line": 1}, {"line": 4, "hitCondition": "often"}, {"line": 4}]})["breakpoints"]
    assert [a["verified"] for a in answers] == [False, False, True]
    assert "no Spell form" in answers[0]["message"] and "often" in answers[1]["message"]
    named = dap.ok("setFunctionBreakpoints", {"breakpoints": [
        {"name": "+", "hitCondition": ">x"}]})["breakpoints"]
    assert not named[0]["verified"]


def test_step_in_enters_a_user_function_and_step_out_ends_the_turn(dap, tmp_path):
    dap.start({"program": str(counting_program(tmp_path)), "stopOnEntry": True})
    dap.stopped()
    for command in ("next", "next", "stepIn", "stepIn", "stepIn", "stepIn"):
        dap.ok(command, {"threadId": 1})
        dap.stopped()
    names = [f["name"] for f in dap.ok("stackTrace", {"threadId": 1})["stackFrames"]]
    assert names[0] == "(+ acc i)" and names[-1] == "turn 0 of :main"
    assert [n.split(" ")[0] for n in names[1:-1]] == ["(reduce", "(def"]
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    assert dap.top_frame()["name"] == "(+ acc i)"  # the next call of the function
    dap.ok("stepOut", {"threadId": 1})
    assert dap.stopped()["description"] == "end of turn 0 of :main"
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0


def test_a_prompt_runs_with_every_turn_served_as_a_source(dap, tmp_path):
    script = tmp_path / "answer.script.jsonl"
    script.write_text('{"suffix": "\\"done\\")))"}\n')
    dap.start({"prompt": "Say done.", "model": f"script:{script}", "workspace": str(tmp_path),
               "stopOnEntry": True})
    dap.stopped()
    source = dap.top_frame()["source"]
    assert source["name"] == "main · turn 0"
    text = dap.ok("source", {"sourceReference": source["sourceReference"]})["content"]
    assert '(quine prompt "Say done.")' in text
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
    assert 'value: "done"' in "".join(o["output"] for o in dap.all_events("output"))


def test_responses_precede_the_events_they_cause(dap, agent):
    dap.start({"program": str(agent("explore-files")), "stopOnEntry": True})
    dap.stopped()
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    kinds = [(m["type"], m.get("command") or m.get("event")) for m in dap.order]
    assert kinds.index(("event", "initialized")) > kinds.index(("response", "initialize"))
    first_stop = kinds.index(("event", "stopped"))
    assert first_stop > kinds.index(("response", "configurationDone"))
    assert kinds.index(("event", "stopped"), first_stop + 1) > kinds.index(("response", "next"))


def test_a_replayed_run_serves_recorded_effects(dap, agent):
    program = agent("explore-files")
    first = type(dap)()
    try:
        first.start({"program": str(program)})
        first.event("terminated")
    finally:
        first.close()
    journal = next((program.parent / ".spell" / "runs").glob("*/journal.jsonl"))
    (program.parent / "notes.txt").unlink()  # nothing is read again in a replay
    dap.start({"program": str(program), "model": f"replay:{journal}"}, filters=["selfEdit"])
    dap.stopped()
    effects = variables(dap, scopes(dap, dap.top_frame()["id"])["Effects"])
    [effect] = effects.values()
    assert effect["value"] == '["alpha" "beta"]'  # from the journal: notes.txt is gone
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0


def test_forms_of_futures_do_not_disturb_the_turn_stack(dap, tmp_path):
    program = tmp_path / "fut.spell"
    program.write_text('(quine completion (eval (do (quine prompt "f")\n'
                       '  (def f (future (loop [i 0] (if (< i 300) (recur (inc i)) i))))\n'
                       '  (def g (+ 1 2))\n  g)))\n')
    (tmp_path / "fut.script.jsonl").write_text("")
    dap.start({"program": str(program), "stopOnEntry": True})
    dap.stopped()
    for command in ("next", "next", "next", "stepIn"):
        dap.ok(command, {"threadId": 1})
        dap.stopped()
    assert [f["name"] for f in dap.ok("stackTrace", {"threadId": 1})["stackFrames"]] == [
        "(+ 1 2)", "(def g (+ 1 2))", "turn 0 of :main"]
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0


def test_breakpoint_locations_are_the_forms_starting_on_a_line(dap, tmp_path):
    program = counting_program(tmp_path)
    dap.ok("initialize", {"adapterID": "spell"})
    locations = [dap.ok("breakpointLocations", {"source": {"path": str(program)},
                                                "line": line})["breakpoints"]
                 for line in (1, 2, 3, 4)]
    assert locations == [[], [{"line": 2, "column": 29}],
                         [{"line": 3, "column": 3}, {"line": 3, "column": 14},
                          {"line": 3, "column": 22}],
                         [{"line": 4, "column": 5}, {"line": 4, "column": 18}]]


def test_messages_scope_lists_received_messages_and_threads_exit_at_the_end(dap, tmp_path):
    program = tmp_path / "inbox.spell"
    program.write_text("(quine completion (eval (do (def msg-0 {:from :user, :body \"hi\"})\n"
                       "  (def other 1) '(:body msg-0))))\n", encoding="utf-8")
    (tmp_path / "inbox.script.jsonl").write_text("", encoding="utf-8")  # no model call
    assert dap.start({"program": str(program), "stopOnEntry": True})["success"]
    dap.stopped()
    for _ in range(2):  # past (def msg-0 ...) and (def other 1)
        dap.ok("next", {"threadId": 1})
        dap.stopped()
    found = scopes(dap, dap.top_frame()["id"])
    assert list(found) == ["Bindings", "Program", "Effects", "Messages", "Globals", "Run"]
    assert list(variables(dap, found["Messages"])) == ["msg-0"]
    assert variables(dap, found["Globals"]) == {}
    dap.ok("continue", {"threadId": 1})
    assert dap.event("thread", lambda body: body["reason"] == "exited")["threadId"] == 1
    dap.event("terminated")


def test_step_back_walks_the_forms_of_the_turn_with_their_bindings(dap, tmp_path):
    program = tmp_path / "steps.spell"
    program.write_text("(quine completion (eval (do (def a 1)\n  (def b 2)\n  (def c 3)\n"
                       "  '(+ a b c))))\n", encoding="utf-8")
    (tmp_path / "steps.script.jsonl").write_text("", encoding="utf-8")
    assert dap.start({"program": str(program), "stopOnEntry": True})["success"]
    dap.stopped()
    for _ in range(3):  # to (def c 3): a and b are bound
        dap.ok("next", {"threadId": 1})
        dap.stopped()
    assert dap.top_frame()["name"] == "(def c 3)"
    dap.ok("stepBack", {"threadId": 1})
    assert "recorded form" in dap.stopped()["description"]
    top = dap.top_frame()
    assert top["name"] == "(def b 2)"
    assert set(variables(dap, scopes(dap, top["id"])["Bindings"])) >= {"a"}
    assert "b" not in variables(dap, scopes(dap, top["id"])["Bindings"])
    dap.ok("next", {"threadId": 1})  # forward again through the recorded forms
    dap.stopped()
    assert dap.top_frame()["name"] == "(def c 3)"
    dap.ok("continue", {"threadId": 1})
    dap.event("terminated")
