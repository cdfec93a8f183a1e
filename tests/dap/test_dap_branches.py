"""Restarting a turn and forking a recorded run: new journals, the original untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from spell_lsp.harness.journal import JournalReader

from .test_dap_scenarios import scopes, variables

EXPECTED_END = "Second line of notes.txt: "


def self_edit_stop(dap, program: Path, turn: int) -> list[dict]:
    """Launch with the Self-edit filter and continue to turn `turn`'s edit; the stack."""
    dap.start({"program": str(program)}, filters=["selfEdit"])
    while f"in turn {turn}:" not in dap.stopped()["description"]:
        dap.ok("continue", {"threadId": 1})
    return dap.ok("stackTrace", {"threadId": 1})["stackFrames"]


def finish(dap) -> str:
    """Clear the filters, continue to the end; the run's printed value."""
    dap.ok("setExceptionBreakpoints", {"filters": []})
    dap.ok("continue", {"threadId": 1})
    assert dap.event("exited")["exitCode"] == 0
    dap.event("terminated")
    [value] = [e["output"] for e in dap.all_events("output") if e["output"].startswith("value:")]
    return value.splitlines()[0]


def turn_frame(frames: list[dict], turn: int) -> dict:
    return next(f for f in frames if f["name"] == f"turn {turn} of :main")


def branch_started(dap) -> tuple[Path, bytes]:
    """The branch's journal and the parent journal's bytes as the branch starts."""
    branch = dap.event("spell/branch")
    parent = Path(branch["parent"])
    assert Path(branch["journal"]) != parent
    return Path(branch["journal"]), parent.read_bytes()


def test_capabilities_announce_restart_and_set_expression(dap):
    caps = dap.ok("initialize", {"adapterID": "spell"})
    assert caps["supportsRestartFrame"] and caps["supportsSetExpression"]


def test_restart_frame_replays_the_turn_from_the_journal(dap, agent):
    program = agent("explore-files")
    frames = self_edit_stop(dap, program, 1)
    assert turn_frame(frames, 1)["canRestart"]
    (program.parent / "notes.txt").unlink()  # a live io/read-lines would fail now
    dap.ok("restartFrame", {"frameId": turn_frame(frames, 1)["id"]})
    new_journal, parent_bytes = branch_started(dap)
    stop = dap.stopped()
    assert stop["reason"] == "restart" and "turn 1 restarted" in stop["description"]
    top = dap.ok("stackTrace", {"threadId": 1})["stackFrames"][0]
    assert top["name"] == "turn 1 of :main"
    assert finish(dap) == f"value: \"{EXPECTED_END}beta\""
    parent = next(p for p in (program.parent / ".spell" / "runs").glob("*/journal.jsonl")
                  if p != new_journal)
    assert parent.read_bytes() == parent_bytes
    served = JournalReader(new_journal).of_type("effect")[0]
    recorded = JournalReader(parent).of_type("effect")[0]
    assert (served["fn"], served["result"]) == ("io/read-lines", recorded["result"])


def test_fork_with_a_new_effect_result_continues_as_a_branch(dap, agent):
    program = agent("explore-files")
    self_edit_stop(dap, program, 1)
    (program.parent / "notes.txt").unlink()
    dap.ok("spell/fork", {"turn": 1, "effect": {"seq": 1, "result": '["one" "two"]'}})
    new_journal, parent_bytes = branch_started(dap)
    stop = dap.stopped()
    assert stop["reason"] == "restart" and "effect 1 returns" in stop["description"]
    assert finish(dap) == f"value: \"{EXPECTED_END}two\""
    parent = next(p for p in (program.parent / ".spell" / "runs").glob("*/journal.jsonl")
                  if p != new_journal)
    assert parent.read_bytes() == parent_bytes
    record = JournalReader(new_journal).run_record
    assert record["options"]["branch"]["of"] == str(parent)


def test_fork_with_a_new_program_text_runs_it_live(dap, agent):
    program = agent("explore-files")
    frames = self_edit_stop(dap, program, 1)
    text = dap.ok("source", {"sourceReference":
                             turn_frame(frames, 1)["source"]["sourceReference"]})["content"]
    (program.parent / "more.txt").write_text("one\nthree\n")
    changed = text.replace('(io/read-lines "notes.txt")', '(io/read-lines "more.txt")')
    assert changed != text
    dap.ok("spell/fork", {"turn": 1, "program": changed})
    dap.stopped()
    assert finish(dap) == f"value: \"{EXPECTED_END}three\""


def test_set_expression_on_a_binding_forks_the_turn(dap, agent):
    program = agent("explore-files")
    frames = self_edit_stop(dap, program, 2)
    frame = turn_frame(frames, 2)
    binding = variables(dap, scopes(dap, frame["id"])["Bindings"])["xs"]
    assert binding["evaluateName"] == "xs"
    answer = dap.ok("setExpression", {"expression": "xs", "value": '["x" "y"]',
                                      "frameId": frame["id"]})
    assert answer["value"] == '["x" "y"]'
    assert "turn 2" in dap.stopped()["description"]
    assert finish(dap) == f"value: \"{EXPECTED_END}y\""


def test_set_expression_on_a_recorded_effect_result(dap, agent):
    program = agent("explore-files")
    frames = self_edit_stop(dap, program, 1)
    frame = turn_frame(frames, 1)
    [effect] = variables(dap, scopes(dap, frame["id"])["Effects"]).values()
    result = variables(dap, effect["variablesReference"])["result"]
    assert result["evaluateName"] == "(effect-result 1 1)"
    shown = dap.ok("evaluate", {"expression": result["evaluateName"], "frameId": frame["id"],
                                "context": "repl"})
    assert '"alpha"' in shown["result"] and '"beta"' in shown["result"]
    dap.ok("setExpression", {"expression": result["evaluateName"], "value": '["a" "b"]',
                             "frameId": frame["id"]})
    dap.stopped()
    assert finish(dap) == f"value: \"{EXPECTED_END}b\""


@pytest.mark.parametrize("arguments, message", [
    ({"turn": 7, "effect": {"seq": 1, "result": "1"}}, "turn 7 of :main is not in the journal"),
    ({"turn": 1, "effect": {"seq": 9, "result": "1"}}, "no recorded effect 9"),
    ({"turn": 1, "effect": {"seq": 1, "result": "(unclosed"}}, "not a Spell value"),
    ({"turn": 1, "program": "(quine other)"}, "must keep the text the model continued"),
    ({"turn": 1}, "one of 'program' or 'effect'"),
])
def test_wrong_forks_are_error_responses_and_the_run_stays_paused(dap, agent, arguments,
                                                                  message):
    self_edit_stop(dap, agent("explore-files"), 1)
    response = dap.request("spell/fork", arguments)
    assert not response["success"] and message in response["message"]
    assert dap.top_frame()["name"] == "turn 1 of :main"
    assert finish(dap) == f"value: \"{EXPECTED_END}beta\""
