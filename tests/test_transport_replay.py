"""Journal replay of model calls (spec 7.4.4)."""

from __future__ import annotations

import json

import pytest

from spell_lsp.harness.transports import make_transport
from spell_lsp.harness.transports.base import TransportError
from spell_lsp.harness.transports.replay import ReplayTransport, read_journal

P1 = '(quine completion (eval (do (quine prompt "Count the files.") \'(!extend) '
P2 = P1 + "(think \"List them.\") '(!call-now files (io/ls \".\")) (def files [\"a\" \"b\"]) "


def model_call(handle, turn, prefix, response, **extra):
    return {"type": "model_call", "t": "2026-01-01T00:00:00Z", "handle": handle, "turn": turn,
            "leaf": False, "transport": "anthropic", "model": "claude-sonnet-4-6",
            "prefix": prefix, "response": response, "input_tokens": 100, "output_tokens": 20,
            "cache_read_tokens": 50, "cache_write_tokens": 0, "reasoning_tokens": 0,
            "cost_usd": 0.0006, "duration_ms": 812.5, "retries": 1, **extra}


def leaf_call(prompt, response):
    return {"type": "model_call", "handle": "main", "turn": 1, "leaf": True,
            "transport": "anthropic", "model": "claude-sonnet-4-6", "prompt": prompt,
            "response": response, "input_tokens": 7, "output_tokens": 1, "cost_usd": 0.0}


RECORDS = [
    {"type": "run", "run_id": "r1", "transport": "anthropic:claude-sonnet-4-6"},
    {"type": "turn", "handle": "main", "turn": 0, "prefix": "", "response": ""},
    model_call("main", 1, P1, "(think \"List them.\") '(!call-now files (io/ls \".\")))))"),
    {"type": "effect", "handle": "main", "turn": 1, "seq": 1, "fn": "io/ls"},
    leaf_call("Is 91 prime?", "no"),
    leaf_call("Is 7 prime?", "yes"),
    model_call("worker", 1, P1, "w"),
    model_call("main", 2, P2, "(count files))))"),
]


def test_answers_come_from_the_journal_by_handle_and_turn():
    transport = ReplayTransport(RECORDS)
    assert transport.complete("worker", 1, P1, "any system").text == "w"
    second = transport.complete("main", 2, P2, "")
    assert second.text == "(count files))))"
    assert transport.complete(":main", 1, P1, "").text.startswith("(think")
    u = second.usage
    assert (u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cost_usd, u.retries,
            u.duration_ms) == (100, 20, 50, 0.0006, 1, 812.5)
    assert (transport.name, transport.model, transport.prefill) == (
        "replay", "claude-sonnet-4-6", False)


def test_a_different_prefix_stops_with_offset_and_diff():
    changed = P2.replace('"b"', '"c"')
    with pytest.raises(TransportError) as info:
        ReplayTransport(RECORDS).complete("main", 2, changed, "")
    message = str(info.value)
    offset = P2.index('"b"') + 1
    head, _, diff = message.partition("\n")
    assert head == f"replay diverged: main turn 2: prefix differs at offset {offset}"
    assert diff.startswith("--- journal (from offset ")
    removed = [l for l in diff.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in diff.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert removed and added
    assert '"b"' in "".join(removed) and '"c"' in "".join(added)


def test_the_diff_stays_short_for_a_long_one_line_prefix():
    long_prefix = P1 + " ".join(f"(def v{i} {i})" for i in range(2000)) + " "
    actual = long_prefix.replace("(def v1000 1000)", "(def v1000 1001)")
    records = [model_call("main", 1, long_prefix, "x")]
    with pytest.raises(TransportError) as info:
        ReplayTransport(records).complete("main", 1, actual, "")
    lines = str(info.value).splitlines()
    assert len(lines) < 20
    assert all(len(line) <= 80 for line in lines[1:])
    assert any("1001" in line for line in lines)


def test_a_longer_or_shorter_prefix_diverges_at_the_shorter_length():
    with pytest.raises(TransportError, match=f"prefix differs at offset {len(P1)}"):
        ReplayTransport(RECORDS).complete("main", 1, P1 + "(extra) ", "")
    with pytest.raises(TransportError, match=f"prefix differs at offset {len(P1) - 1}"):
        ReplayTransport(RECORDS).complete("main", 1, P1[:-1], "")


def test_a_call_the_journal_does_not_have_diverges():
    with pytest.raises(TransportError) as info:
        ReplayTransport(RECORDS).complete("main", 3, P2, "")
    assert str(info.value) == "replay diverged: main turn 3: the journal has no model call for it"


def test_leaf_calls_are_matched_by_prompt():
    transport = ReplayTransport(RECORDS)
    assert transport.complete_leaf("Is 7 prime?").text == "yes"
    assert transport.complete_leaf("Is 91 prime?").text == "no"
    with pytest.raises(TransportError) as info:
        transport.complete_leaf("Is 91 prime?")
    assert str(info.value) == ("replay diverged: leaf-llm call 3: the journal has no more "
                               "leaf-llm calls")


def test_an_unrecorded_leaf_prompt_diverges_with_a_diff():
    with pytest.raises(TransportError) as info:
        ReplayTransport(RECORDS).complete_leaf("Is 93 prime?")
    assert str(info.value).startswith("replay diverged: leaf-llm call 1: prompt differs at "
                                      "offset 4\n--- journal")


def test_a_prefill_run_replays_as_prefill():
    records = [model_call("main", 1, P1, "x", transport="anthropic-prefill")]
    assert ReplayTransport(records).prefill


def write_journal(path, records, tail=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, encoding="utf-8")


def test_read_journal_drops_a_truncated_last_line(tmp_path):
    path = tmp_path / "journal.jsonl"
    write_journal(path, RECORDS, tail='{"type": "model_call", "handle": "ma')
    assert read_journal(str(path)) == RECORDS


def test_read_journal_reports_a_bad_line_in_the_middle(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n{oops\n" + json.dumps(RECORDS[1]) + "\n")
    with pytest.raises(ValueError, match=r"journal\.jsonl:2: not a journal record"):
        read_journal(str(path))


def test_make_transport_replays_a_journal_file(tmp_path):
    """A journal written by the harness keeps each prefix in the turn record the model
    call produced; replay pairs them up again."""
    from spell_lsp.harness.journal import Journal
    path = tmp_path / ".spell" / "runs" / "r1" / "journal.jsonl"
    with Journal(path) as journal:
        journal.turn(handle=":main", turn=0, kind="initial", program=P1 + ")))")
        for turn, prefix, response in ((1, P1, "(think \"x\") '(!extend)))"),
                                       (2, P2, "(count files))))")):
            journal.model_call(handle=":main", turn=turn, transport="scripted", model="s",
                               response=response, usage={}, prefix=prefix)
            journal.turn(handle=":main", turn=turn, kind="self-call", program=prefix + response,
                         prefix=prefix)
    transport = make_transport("replay:.spell/runs/r1/journal.jsonl", workspace=tmp_path)
    assert transport.complete("main", 2, P2, "").text == "(count files))))"
    with pytest.raises(TransportError, match="replay diverged: main turn 1"):
        transport.complete("main", 1, P2, "")


def test_make_transport_uses_records_already_read():
    transport = make_transport("replay:unused.jsonl", journal_records=RECORDS)
    assert transport.complete("worker", 1, P1, "").text == "w"
