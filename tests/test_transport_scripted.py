"""The scripted transport (spec 7.4.3, JSON Lines scripts) and make_transport."""

from __future__ import annotations

import json

import pytest

from spell_lsp.harness.transports import make_transport
from spell_lsp.harness.transports.base import TransportError, Usage
from spell_lsp.harness.transports.scripted import ScriptedTransport

PREFIX = "(quine completion (eval (do (quine prompt \"List files.\") '(!extend) "


def script(tmp_path, *entries, name="task.script.jsonl") -> str:
    """Write entries (dicts, or raw strings for malformed lines) as a script file."""
    path = tmp_path / name
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n"
                            for e in entries), encoding="utf-8")
    return str(path)


def answers(transport, calls) -> list[str]:
    return [transport.complete(handle, turn, PREFIX, "").text for handle, turn in calls]


def test_each_agent_takes_its_own_entries_in_file_order(tmp_path):
    path = script(tmp_path, {"suffix": "m1"}, {"agent": "worker", "suffix": "w1"},
                  {"agent": "main", "suffix": "m2"}, {"agent": "worker", "suffix": "w2"})
    transport = ScriptedTransport(path)
    calls = [("worker", 1), ("main", 1), ("main", 2), ("worker", 2)]
    assert answers(transport, calls) == ["w1", "m1", "m2", "w2"]


def test_suffix_lines_repeat_and_usage(tmp_path):
    path = script(tmp_path, {"suffix": ["(count fs)", ")))"]},
                  {"suffix": "(prune) '(!extend)", "repeat": 3}, {"suffix": "\"done\")))"})
    transport = ScriptedTransport(path)
    responses = [transport.complete("main", t, PREFIX, "") for t in range(1, 6)]
    assert [r.text for r in responses] == ["(count fs)\n)))"] + ["(prune) '(!extend)"] * 3 \
        + ['"done")))']
    assert all(r.usage == Usage() for r in responses)
    assert (transport.name, transport.prefill) == ("scripted", False)


def test_handles_may_carry_a_colon(tmp_path):
    transport = ScriptedTransport(script(tmp_path, {"agent": ":calc", "suffix": "42"}))
    assert transport.complete(":calc", 1, PREFIX, "").text == "42"


def test_expect_checks_the_prefix(tmp_path):
    path = script(tmp_path, {"expect": "(quine prompt", "suffix": "a"},
                  {"expect": "(def fs ", "suffix": "b"})
    transport = ScriptedTransport(path)
    assert transport.complete("main", 1, PREFIX, "").text == "a"
    with pytest.raises(TransportError) as info:
        transport.complete("main", 2, PREFIX, "")
    assert str(info.value) == ('scripted transport: prefix for agent main turn 2 does not '
                               'contain "(def fs " (expected by script line 2)')


def test_running_out_names_the_agent_and_call(tmp_path):
    transport = ScriptedTransport(script(tmp_path, {"suffix": "a"},
                                         {"agent": "w", "suffix": "b"}))
    transport.complete("main", 1, PREFIX, "")
    with pytest.raises(TransportError) as info:
        transport.complete("main", 2, PREFIX, "")
    assert str(info.value) == "scripted transport: no completion left for agent main (call 2)"
    with pytest.raises(TransportError, match=r"no completion left for agent other \(call 1\)"):
        transport.complete("other", 1, PREFIX, "")


def test_leaf_entries_answer_leaf_calls_in_order(tmp_path):
    path = script(tmp_path, {"leaf": True, "response": "yes"}, {"suffix": "model"},
                  {"leaf": True, "suffix": ["no", "really"]},
                  {"leaf": True, "expect": "prime", "response": "maybe"})
    transport = ScriptedTransport(path)
    assert transport.complete_leaf("Is 91 prime?").text == "yes"
    assert transport.complete("main", 1, PREFIX, "").text == "model"
    assert transport.complete_leaf("q").text == "no\nreally"
    with pytest.raises(TransportError, match=r'leaf-llm prompt \(call 3\) does not contain '
                                             r'"prime" \(expected by script line 4\)'):
        transport.complete_leaf("Is it even?")
    with pytest.raises(TransportError) as info:
        transport.complete_leaf("q")
    assert str(info.value) == "scripted transport: no leaf-llm answer left (call 4)"


def test_leaf_entries_are_not_model_turns(tmp_path):
    transport = ScriptedTransport(script(tmp_path, {"leaf": True, "response": "yes"}))
    with pytest.raises(TransportError, match="no completion left for agent main"):
        transport.complete("main", 1, PREFIX, "")


@pytest.mark.parametrize("line, problem", [
    ('{"suffix": "a"', "invalid JSON: Expecting ',' delimiter (column 15)"),
    ('["a"]', "expected a JSON object"),
    ('{"suffix": "a", "handel": "main"}', "unknown key 'handel' (known: agent, expect, "
                                          "handle, leaf, repeat, response, suffix)"),
    ('{"agent": "main"}', 'missing "suffix"'),
    ('{"leaf": true}', 'missing "response"'),
    ('{"response": "a"}', '"response" is for leaf entries; model turns use "suffix"'),
    ('{"leaf": true, "response": "a", "suffix": "b"}',
     'give either "response" or "suffix", not both'),
    ('{"suffix": 3}', '"suffix" must be a string or a list of strings'),
    ('{"suffix": ["a", 1]}', '"suffix" must be a string or a list of strings'),
    ('{"suffix": "a", "repeat": 0}', '"repeat" must be a positive integer'),
    ('{"suffix": "a", "repeat": true}', '"repeat" must be a positive integer'),
    ('{"suffix": "a", "expect": 1}', '"expect" must be a string'),
    ('{"suffix": "a", "agent": 7}', '"agent" must be a handle name such as "main"'),
    ('{"leaf": "yes", "response": "a"}', '"leaf" must be true or false'),
    ('{"leaf": true, "agent": "w", "response": "a"}',
     'leaf entries answer leaf-llm calls of any agent; remove "agent"'),
])
def test_a_malformed_line_is_reported_when_the_script_is_loaded(tmp_path, line, problem):
    path = script(tmp_path, {"suffix": "fine"}, "", line, {"suffix": "also fine"})
    with pytest.raises(TransportError) as info:
        ScriptedTransport(path)
    assert str(info.value) == f"scripted transport: {path}:3: {problem}"


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(TransportError, match=r"scripted transport: cannot read .*nope\.jsonl"):
        ScriptedTransport(str(tmp_path / "nope.jsonl"))


def test_the_spec_whole_file_form_is_read(tmp_path):
    path = tmp_path / "task.script.json"
    path.write_text(json.dumps({"spell_script": 1, "turns": [
        {"handle": ":main", "suffix": "m1"},
        {"handle": ":main", "expect": "(quine", "suffix": ["a", "b"]},
        {"leaf": True, "response": "yes"},
        {"suffix": "any", "repeat": 2},
    ]}, indent=2), encoding="utf-8")
    transport = ScriptedTransport(str(path))
    calls = [("main", 1), ("worker", 1), ("main", 2), ("main", 3)]
    assert answers(transport, calls) == ["m1", "any", "a\nb", "any"]
    assert transport.complete_leaf("q").text == "yes"


def test_the_spec_form_reports_the_bad_turn(tmp_path):
    path = tmp_path / "bad.script.json"
    path.write_text(json.dumps({"spell_script": 1, "turns": [{"suffix": "a"}, {}]}))
    with pytest.raises(TransportError) as info:
        ScriptedTransport(str(path))
    assert str(info.value) == f'scripted transport: {path}: turn 2: missing "suffix"'


@pytest.mark.parametrize("kind", ["script", "scripted"])
def test_make_transport_finds_a_script_in_the_workspace(tmp_path, monkeypatch, kind):
    script(tmp_path, {"suffix": "from workspace"}, name="w.jsonl")
    monkeypatch.chdir(tmp_path.parent)
    transport = make_transport(f"{kind}:w.jsonl", workspace=tmp_path, max_tokens=5)
    assert transport.complete("main", 1, PREFIX, "").text == "from workspace"


@pytest.mark.parametrize("spec, message", [
    ("openai:gpt", "unknown transport 'openai:gpt' (expected script:FILE, anthropic:MODEL, "
                   "anthropic-prefill:MODEL or replay:JOURNAL)"),
    ("script:", "transport 'script:' needs a file name after the colon"),
])
def test_make_transport_refuses_bad_specs(spec, message):
    with pytest.raises(ValueError) as info:
        make_transport(spec)
    assert str(info.value) == message
