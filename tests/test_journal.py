"""The run journal (spec 7.8, D6): append-only writing, crash tolerance, secrets, program
text deltas, and `spell trace show`."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.harness.journal import (
    Journal, JournalError, JournalReader, format_trace, new_run, read_journal,
)
from spell_lsp.harness.trace_cli import trace_show
from spell_lsp.lang.edits import ValueStore, serialize
from spell_lsp.syntax.values import Keyword, SList, SMap, SVector, Symbol

REPO = Path(__file__).resolve().parents[1]
FAKE_KEY = "sk-ant-api03-FAKEFAKE0123456789abcdef"
WRAPPER = '(quine completion (eval (do (quine prompt "List the files and count them.") '


def lines_of(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:  # a separate handle from the writer's
        return f.read().splitlines()


# -- writing -------------------------------------------------------------------------------

def test_every_record_is_in_the_file_as_soon_as_it_is_written(tmp_path):
    path = tmp_path / "runs" / "r1" / "journal.jsonl"
    with Journal(path) as j:
        for i in range(5):
            rec = j.record("effect", handle=":main", turn=1, seq=i + 1, fn="io/ls")
            lines = lines_of(path)
            assert len(lines) == i + 1
            assert json.loads(lines[-1]) == rec
    assert list(rec)[:2] == ["type", "t"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rec["t"])


def test_reopening_a_journal_appends(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as j:
        j.record("run", run_id="a")
        j.record("turn", handle=":main", turn=0)
    before = path.read_bytes()
    with Journal(path) as j:
        j.record("run_end", value="nil")
    assert path.read_bytes().startswith(before)
    assert [r["type"] for r in read_journal(path)] == ["run", "turn", "run_end"]


def test_closed_journal_refuses_records(tmp_path):
    j = Journal(tmp_path / "j.jsonl")
    j.close()
    with pytest.raises(ValueError, match="closed"):
        j.record("run")


def test_non_json_field_is_named_in_the_error(tmp_path):
    with Journal(tmp_path / "j.jsonl") as j:
        with pytest.raises(TypeError, match="'args'"):
            j.record("effect", fn="io/ls", args=[object()])
        with pytest.raises(ValueError):
            j.record("effect", t="now")
    assert read_journal(tmp_path / "j.jsonl") == []


def test_concurrent_writers_never_interleave_lines(tmp_path):
    path = tmp_path / "j.jsonl"
    with Journal(path) as j:
        def write(handle):
            for i in range(200):
                j.record("effect", handle=handle, seq=i, payload=handle * 500)
        threads = [threading.Thread(target=write, args=(f":a{n}",)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    reader = JournalReader(path)
    assert len(reader.records) == 800 and not reader.truncated
    for handle in reader.handles():
        assert [r["seq"] for r in reader.records if r["handle"] == handle] == list(range(200))


def test_record_methods_store_spell_values_as_literals(tmp_path):
    path = tmp_path / "j.jsonl"
    with Journal(path) as j:
        j.effect(handle=":main", turn=1, seq=1, fn="io/ls", args=["."],
                 form='(io/ls ".")', span=(40, 50), result=SVector(["a.txt", "b.txt"]),
                 duration_ms=2.5)
        j.effect(handle=":main", turn=1, seq=2, fn="io/read", args=["nope"],
                 error="io/read: no such file: nope")
        j.lifecycle(handle=":worker", event="completed", value=SList([Symbol("a"), 1]))
        j.run_end(value=SMap([(Keyword("n"), 2)]), cost_usd=0.5, turns=3)
    ok, failed, life, end = read_journal(path)
    assert ok["args"] == ['"."'] and ok["result"] == '["a.txt" "b.txt"]'
    assert ok["span"] == [40, 50] and "error" not in ok
    assert failed["error"] == "io/read: no such file: nope" and "result" not in failed
    assert life["value"] == "'(a 1)"
    assert end == {"type": "run_end", "t": end["t"], "value": "{:n 2}", "fatal": False,
                   "cost_usd": 0.5, "turns": 3}


def test_value_store_entries_are_journaled(tmp_path):
    path = tmp_path / "j.jsonl"
    with Journal(path) as j:
        store = ValueStore(on_put=j.store)
        big = SVector(SVector([i, str(i) * 20]) for i in range(2000))
        assert serialize(big, 100, store) == '(stored "ref-1")'
    (ref, value), = JournalReader(path).store_entries()
    assert ref == "ref-1" and value == serialize(big, -1)


def test_new_run_makes_a_fresh_folder_per_run(tmp_path):
    first = new_run(tmp_path / "runs")
    second = new_run(tmp_path / "runs")
    assert first[0] != second[0]
    for run_id, path in (first, second):
        assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", run_id)
        assert path == tmp_path / "runs" / run_id / "journal.jsonl" and path.parent.is_dir()


# -- crashes and truncation ----------------------------------------------------------------

WRITER = """
import sys
from spell_lsp.harness.journal import Journal
j = Journal(sys.argv[1])
i = 0
while True:
    j.record("effect", handle=":main", turn=1, seq=i, result="x" * (i * 37 % 20000))
    i += 1
"""


def test_a_run_killed_with_sigkill_reads_back_to_its_last_complete_record(tmp_path):
    path = tmp_path / "journal.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        give_up = time.monotonic() + 60
        while (not path.exists() or path.stat().st_size < 2_000_000) and proc.poll() is None \
                and time.monotonic() < give_up:
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    data = path.read_bytes()
    reader = JournalReader(path)
    assert [r["seq"] for r in reader.records] == list(range(data.count(b"\n")))
    assert reader.truncated == (not data.endswith(b"\n"))


def small_journal(path: Path) -> bytes:
    with Journal(path) as j:
        j.record("run", run_id="r")
        j.record("turn", handle=":main", turn=0)
        j.record("effect", handle=":main", turn=0, seq=1, result='"' + "é" * 40 + '"')
    return path.read_bytes()


def test_every_cut_inside_the_last_record_is_ignored_and_flagged(tmp_path):
    path = tmp_path / "journal.jsonl"
    data = small_journal(path)
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    for cut in range(last_start + 1, len(data) - 1):
        path.write_bytes(data[:cut])
        reader = JournalReader(path)
        assert [r["type"] for r in reader.records] == ["run", "turn"], cut
        assert reader.truncated, cut
    path.write_bytes(data[:last_start])
    reader = JournalReader(path)
    assert len(reader.records) == 2 and not reader.truncated


def test_a_complete_last_record_without_newline_is_kept(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_bytes(small_journal(path).rstrip(b"\n"))
    reader = JournalReader(path)
    assert len(reader.records) == 3 and not reader.truncated


def test_an_empty_journal_has_no_records(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text("")
    reader = JournalReader(path)
    assert reader.records == [] and reader.run_record is None and reader.end_record is None
    assert "unfinished" in format_trace(reader)


@pytest.mark.parametrize("content, message", [
    ("hello world\n", "is not a Spell run journal"),
    ("[1, 2, 3]\n", "is not a Spell run journal"),
    ('{"no_type": 1}\n', "is not a Spell run journal"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a Spell run journal"),
    ('{"type": "run"}\nnot json\n{"type": "run_end"}\n', "line 2 is not a journal record"),
])
def test_files_that_are_not_journals_are_refused(tmp_path, content, message):
    path = tmp_path / "journal.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(JournalError, match=message):
        read_journal(path)


# -- secrets -------------------------------------------------------------------------------

def test_secrets_never_reach_the_file(tmp_path):
    path = tmp_path / "journal.jsonl"
    other_key = "a-different-credential-98765"
    with Journal(path, secrets=[FAKE_KEY]) as j:
        j.run(run_id="r", profile="io", transport="anthropic-tc", model="m", workspace="/w",
              options={"api_key": other_key, "headers": {"X-Api-Key": FAKE_KEY},
                       "note": f"key is {FAKE_KEY}", "max_tokens": 8192},
              spell_version="0.1.0")
        program = WRAPPER + f'(def k "{FAKE_KEY}") \'(!extend))))'
        j.turn(handle=":main", turn=1, kind="self-call", prefix=WRAPPER, program=program)
        j.effect(handle=":main", turn=1, seq=1, fn="io/read", args=[".env"],
                 result=f"ANTHROPIC_API_KEY={FAKE_KEY}\n")
        j.error(handle=":main", turn=1, phase="transport", fatal=True,
                error=f"transport error: 401 invalid x-api-key {FAKE_KEY}")
    data = path.read_bytes()
    assert FAKE_KEY.encode() not in data and other_key.encode() not in data
    reader = JournalReader(path)
    run, turn, effect, error = reader.records
    assert run["options"]["api_key"] == "<redacted>"
    assert run["options"]["headers"]["X-Api-Key"] == "<redacted>"
    assert run["options"]["max_tokens"] == 8192
    assert reader.program_text(turn) == program.replace(FAKE_KEY, "<redacted>")
    assert "<redacted>" in effect["result"] and "<redacted>" in error["error"]


# -- program texts -------------------------------------------------------------------------

def turn_texts(n: int) -> list[str]:
    """Programs of a run that extends, prunes and restarts, like real turns do."""
    texts, program = [], WRAPPER
    for i in range(n):
        program = program + f"(think \"step {i}\") '(!call-now x{i} (io/ls \".\")) "
        texts.append(program + "))))")
        if i % 3 == 2:
            program = WRAPPER + f"(def summary {i}) "  # a prune drops the history
    return texts


def test_program_texts_round_trip_and_are_stored_as_deltas(tmp_path):
    path = tmp_path / "journal.jsonl"
    texts = {":main": turn_texts(12), ":worker": turn_texts(7)[::-1]}
    with Journal(path) as j:
        for i in range(12):
            for handle, programs in texts.items():
                if i < len(programs):
                    j.turn(handle=handle, turn=i, kind="self-call", prefix=programs[i][:-4],
                           program=programs[i])
        j.turn(handle=":main", turn=11, kind="wake", program=texts[":main"][-1])
        j.edit(handle=":main", turn=11, kind="extend", before=texts[":main"][-1], after=WRAPPER)
    reader = JournalReader(path)
    for handle, programs in texts.items():
        turns = [t for t in reader.turns(handle) if t["kind"] == "self-call"]
        assert [reader.program_text(t) for t in turns] == programs
        assert [reader.text(t, "prefix") for t in turns] == [p[:-4] for p in programs]
    wake = reader.turns(":main")[-1]
    assert reader.program_text(wake) == texts[":main"][-1]
    assert wake["program"] == {"base": ":main#11", "append": ""}
    edit, = reader.of_type("edit")
    assert (reader.text(edit, "before"), reader.text(edit, "after")) == \
        (texts[":main"][-1], WRAPPER)
    stored = sum(len(json.dumps(t["program"])) for t in reader.turns())
    assert stored < sum(map(len, texts[":main"] + texts[":worker"])) / 3


def test_a_delta_with_an_unknown_base_is_refused(tmp_path):
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps({"type": "turn", "handle": ":main", "turn": 3,
                                "program": {"base": ":main#2", "append": ")"}}) + "\n")
    with pytest.raises(JournalError, match="bad text field"):
        JournalReader(path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([":main", ":w"]),
                          st.sampled_from(["extend", "cut", "fresh", "same"]),
                          st.integers(0, 300), st.text(max_size=120)), max_size=12))
def test_any_sequence_of_texts_round_trips(tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("j") / "journal.jsonl"
    last = {":main": "", ":w": ""}
    expected = []
    with Journal(path) as j:
        for turn, (handle, op, cut, piece) in enumerate(steps):
            base = last[handle]
            text = {"extend": base + piece, "cut": base[:cut] + piece, "fresh": piece,
                    "same": base}[op]
            if op == "extend" and len(text) < 100:
                text = text + "x" * 100
            last[handle] = text
            j.turn(handle=handle, turn=turn // 2, kind="self-call", program=text)
            expected.append(text)
    reader = JournalReader(path)
    assert [reader.program_text(t) for t in reader.turns()] == expected


# -- the trace summary ---------------------------------------------------------------------

def realistic_journal(path: Path) -> Path:
    """A hand-written two-agent run: a listing effect, a leaf call, a recovery, a spawn."""
    p0 = WRAPPER + "'(!extend)"
    p1 = WRAPPER + "'(!extend) (think \"List files.\") '(!call-now fs (io/ls \".\"))))))"
    records = [
        {"type": "run", "t": "2026-11-22T00:00:00.000Z", "run_id": "20261122T000000Z-abc123",
         "profile": "io", "transport": "anthropic-tc", "model": "claude-test",
         "workspace": "/w", "options": {"budget_usd": 1.0}, "spell_version": "0.1.0"},
        {"type": "turn", "t": "…", "handle": ":main", "turn": 0, "kind": "initial",
         "prefix": None, "program": {"text": p0}, "warnings": []},
        {"type": "model_call", "t": "…", "handle": ":main", "turn": 1, "leaf": False,
         "transport": "anthropic-tc", "model": "claude-test", "prefix_sha256": "0" * 64,
         "prefix_len": len(p0),
         "response": "(think \"List files.\")\n'(!call-now fs (io/ls \".\"))",
         "input_tokens": 1200, "cache_read_tokens": 800, "cache_write_tokens": 0,
         "output_tokens": 40, "reasoning_tokens": 0, "cost_usd": 0.0031,
         "duration_ms": 1500, "retries": 0},
        {"type": "turn", "t": "…", "handle": ":main", "turn": 1, "kind": "self-call",
         "prefix": {"text": p0}, "program": {"base": ":main#1", "keep": len(p0),
                                             "append": p1[len(p0):]},
         "warnings": ["ignored text after the program: )"]},
        {"type": "effect", "t": "…", "handle": ":main", "turn": 1, "seq": 1, "future": None,
         "fn": "io/ls", "form": "(io/ls \".\")", "span": [120, 130], "args": ['"."'],
         "result": '["notes.txt" "main.py"]', "duration_ms": 3, "unsafe": False},
        {"type": "edit", "t": "…", "handle": ":main", "turn": 1, "kind": "call-now",
         "before": {"base": ":main#1", "append": ""}, "after": {"text": "(quine x)"}},
        {"type": "model_call", "t": "…", "handle": ":main", "turn": 1, "leaf": True,
         "transport": "anthropic-tc", "model": "claude-test", "prompt": "Is 91 prime?",
         "response": "No.", "input_tokens": 20, "cache_read_tokens": 0,
         "cache_write_tokens": 0, "output_tokens": 2, "reasoning_tokens": 0,
         "cost_usd": 0.0001, "duration_ms": 300, "retries": 1},
        {"type": "error", "t": "…", "handle": ":main", "turn": 2, "phase": "eval",
         "error": "Unbound symbol: foo", "fatal": False},
        {"type": "recovery", "t": "…", "handle": ":main", "turn": 2, "kind": "eval",
         "error": "Unbound symbol: foo", "count": 1},
        {"type": "lifecycle", "t": "…", "handle": ":worker", "event": "spawned",
         "parent": ":main"},
        {"type": "message", "t": "…", "name": "msg-1", "from": ":main", "to": ":worker",
         "value": '{:task "count"}', "sender_turn": 2},
        {"type": "effect", "t": "…", "handle": ":worker", "turn": 1, "seq": 1, "future": None,
         "fn": "io/read-lines", "form": "(io/read-lines \"notes.txt\")", "span": [5, 30],
         "args": ['"notes.txt"'], "error": "io/read-lines: " + "very long reason " * 20,
         "duration_ms": 1, "unsafe": False},
        {"type": "lifecycle", "t": "…", "handle": ":worker", "event": "completed",
         "parent": ":main", "value": "2"},
        {"type": "run_end", "t": "…", "value": '{:files 2}', "fatal": False,
         "cost_usd": 0.0032, "turns": 2},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_format_trace_summarises_a_run(tmp_path):
    text = format_trace(JournalReader(realistic_journal(tmp_path / "journal.jsonl")))
    lines = text.splitlines()
    assert lines[0].startswith("run 20261122T000000Z-abc123")
    assert "model claude-test via anthropic-tc" in lines[1] and "workspace /w" in lines[1]
    assert "outcome: value {:files 2}" in lines
    assert "totals: 2 turns, 2 model calls, 2,020 input / 42 output tokens, $0.0032" in lines
    main, worker = lines.index("== :main =="), lines.index("== :worker ==")
    assert main < worker
    assert lines[main + 1] == f"turn 0 (initial, {len(WRAPPER) + 10:,} chars)"
    assert lines[main + 2].startswith("turn 1 (self-call, ")
    assert ("  model: 2,000 in (800 cached) / 40 out, $0.0031, 1.50 s | "
            "(think \"List files.\") ...") in lines
    assert "  warning: ignored text after the program: )" in lines
    assert '  effect 1: (io/ls ".") -> ["notes.txt" "main.py"]  (3 ms)' in lines
    assert any(l.startswith("  self-edit (call-now): ") and l.endswith("-> 9 chars")
               for l in lines)
    assert "  leaf-llm: 20 in / 2 out, $0.0001, 0.30 s, 1 retries: Is 91 prime? => No." in lines
    assert "turn 2" in lines
    assert "  error (eval): Unbound symbol: foo" in lines
    assert "  recovery (eval, attempt 1): Unbound symbol: foo" in lines
    assert '  message msg-1 -> :worker: {:task "count"}' in lines
    effect = next(l for l in lines if l.startswith("  effect 1: (io/read-lines"))
    assert "error: io/read-lines: very long" in effect and "..." in effect
    assert "\n" not in effect and len(effect) < 160
    assert lines[worker + 1] == "turn 1"
    assert lines[worker - 2:worker] == ["value {:files 2}", ""]
    assert lines[-2:] == ["spawned by :main", "completed: value 2"]
    assert "\x1b[" not in text


def test_format_trace_reports_errors_and_truncation(tmp_path):
    path = tmp_path / "journal.jsonl"
    with Journal(path) as j:
        j.run(run_id="r", profile=None, transport="scripted", model=None, workspace="/w",
              options={}, spell_version="0.1.0")
        j.run_end(error="Budget exceeded: spent $1.02 of $1.00", fatal=True)
    with open(path, "a") as f:
        f.write('{"type": "effe')
    text = format_trace(JournalReader(path))
    assert "outcome: fatal error: Budget exceeded: spent $1.02 of $1.00" in text
    assert "incomplete record" in text


def test_trace_show_prints_the_summary(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert trace_show(realistic_journal(tmp_path / "journal.jsonl"), out, err) == 0
    assert "== :main ==" in out.getvalue() and err.getvalue() == ""


@pytest.mark.parametrize("name, content, message", [
    ("missing.jsonl", None, "cannot read"),
    ("garbage.jsonl", "this is not a journal\n", "is not a Spell run journal"),
    ("odd.jsonl", '{"type": "model_call", "handle": ":main", "input_tokens": "many"}\n',
     "malformed journal record"),
])
def test_trace_show_reports_unreadable_journals(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    out, err = io.StringIO(), io.StringIO()
    assert trace_show(path, out, err) == 1
    assert err.getvalue().startswith("error: ") and message in err.getvalue()
    assert out.getvalue() == ""


def test_prefix_hashes_equal_full_hashes_when_prefixes_grow(tmp_path):
    from spell_lsp.harness.journal import Journal, read_journal, sha256
    prefixes = ["(quine completion (eval (do ", "(quine completion (eval (do (def a 1) ",
                "(quine completion (eval (do (def b 2) ", "(quine completion (eval (do (def b 2) x "]
    with Journal(tmp_path / "j.jsonl") as journal:
        for turn, prefix in enumerate(prefixes, 1):
            journal.model_call(handle=":main", turn=turn, transport="s", model="m",
                               response="", usage={}, prefix=prefix)
    hashes = [r["prefix_sha256"] for r in read_journal(tmp_path / "j.jsonl")]
    assert hashes == [sha256(p) for p in prefixes]
