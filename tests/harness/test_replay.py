"""Replay from a run journal (spec 7.8, D6): offline, with the workspace gone, a replay
reproduces the run's value and every program version; a changed run stops with
`replay diverged: ...`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.harness.config import Profile, RunConfig
from spell_lsp.harness.journal import JournalReader
from spell_lsp.harness.session import start_run

from .conftest import EXAMPLES, write_script

# run_deep raises the recursion limit during the first run; hypothesis notes that.
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def config(workspace: Path) -> RunConfig:
    return RunConfig(profile=Profile(namespaces=("io",)), workspace=workspace,
                     runs_dir=workspace.parent / "runs")


def empty(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def programs(journal: str) -> list[tuple]:
    """Every turn's handle, number, kind, prefix and program text."""
    reader = JournalReader(journal)
    return [(t["handle"], t["turn"], t["kind"], reader.text(t, "prefix"),
             reader.program_text(t)) for t in reader.turns()]


def record(tmp_path: Path, name: str):
    """Run example `name` in a copy of its folder; (workspace, source, result)."""
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLES / name, workspace)
    source = (workspace / f"{name}.spell").read_text()
    result = start_run(source, config(workspace), f"script:{workspace / name}.script.jsonl")
    assert result.error is None
    return workspace, source, result


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_replaying_an_example_reproduces_value_and_programs(tmp_path, name):
    workspace, source, original = record(tmp_path, name)
    empty(workspace)
    replayed = start_run(source, config(workspace), f"replay:{original.journal}")
    assert replayed.error is None
    assert replayed.value == original.value
    assert programs(replayed.journal) == programs(original.journal)
    assert list(workspace.iterdir()) == []


def test_a_changed_program_diverges(tmp_path):
    workspace, source, original = record(tmp_path, "explore-files")
    changed = source.replace("second line", "2nd line")
    result = start_run(changed, config(workspace), f"replay:{original.journal}")
    assert result.fatal and result.exit_code == 4
    assert result.error.startswith("replay diverged: main turn 1: prefix differs at offset ")


def test_a_changed_model_answer_diverges_at_the_next_turn(tmp_path):
    workspace, source, original = record(tmp_path, "hello-fork")
    edited = tmp_path / "edited.jsonl"
    lines = []
    for line in Path(original.journal).read_text().splitlines():
        rec = json.loads(line)
        if rec["type"] == "model_call" and rec["turn"] == 1:
            rec["response"] = rec["response"].replace("A sub-turn", "One sub-turn")
        lines.append(json.dumps(rec))
    edited.write_text("\n".join(lines) + "\n")
    result = start_run(source, config(workspace), f"replay:{edited}")
    assert result.error.startswith("replay diverged: main turn 3: prefix differs at offset ")
    assert "-" in result.error and "+" in result.error      # the diff is shown


def test_a_changed_effect_argument_diverges(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "a.txt").write_text("A")
    program = "(quine completion (eval (do '(!call-now r (io/slurp \"{}\")))))"
    script = write_script(tmp_path / "s.jsonl", ["(:ok r)"])
    original = start_run(program.format("a.txt"), config(workspace), f"script:{script}")
    assert original.value == "A"
    result = start_run(program.format("b.txt"), config(workspace), f"replay:{original.journal}")
    assert result.fatal
    assert result.error == ('replay diverged: :main turn 0 effect 1: expected io/slurp '
                            '[\'"a.txt"\'], got io/slurp [\'"b.txt"\']')


def test_replay_serves_recorded_effect_results(tmp_path):
    """The replay returns what the journal says, not what the workspace holds now."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "a.txt").write_text("then")
    program = "(quine completion (eval (do '(!call-now r (io/slurp \"a.txt\")))))"
    script = write_script(tmp_path / "s.jsonl", ["(:ok r)"])
    original = start_run(program, config(workspace), f"script:{script}")
    (workspace / "a.txt").write_text("now")
    replayed = start_run(program, config(workspace), f"replay:{original.journal}")
    assert (original.value, replayed.value) == ("then", "then")


def test_replay_rebuilds_stored_values(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "n.txt").write_text("\n".join(map(str, range(3000))))
    script = write_script(tmp_path / "s.jsonl", [
        "'(!call-now xs (io/read-lines \"n.txt\"))", "(think \"sum\") '(!extend)",
        "(reduce + (map (fn [s] (count s)) xs))"])
    source = "Sum the line lengths."
    original = start_run(source, config(workspace), f"script:{script}")
    assert original.error is None
    assert '(def xs (stored "ref-1"))' in programs(original.journal)[-1][-1]
    empty(workspace)
    replayed = start_run(source, config(workspace), f"replay:{original.journal}")
    assert (replayed.error, replayed.value) == (None, original.value)
    assert programs(replayed.journal) == programs(original.journal)


def test_replay_of_leaf_calls_and_forks(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    script = write_script(tmp_path / "s.jsonl", [
        {"leaf": True, "response": "yes"},
        "'(!call-now v (leaf-llm \"Is 7 prime?\") w (!llm-self \"Say no.\"))", '"no"',
        "[v w]"])
    source = "Ask twice."
    original = start_run(source, config(workspace), f"script:{script}")
    assert original.error is None and list(original.value) == ["yes", "no"]
    replayed = start_run(source, config(workspace), f"replay:{original.journal}")
    assert (replayed.error, replayed.value) == (None, original.value)
    assert programs(replayed.journal) == programs(original.journal)


STEPS = [
    ["'(!call-now w (io/spit \"log.txt\" \"x\" {:append true}))"],
    ["'(!peek-now r (io/read-lines \"log.txt\"))"],
    ["(rethink \"r\") '(!extend)"], ["(prune) '(!extend)"],
    ["(persist k (str completion)) '(!extend)"],
    ["'(!call-now s (!llm-self \"sub\"))", "'(!call-now f (io/exists? \"log.txt\"))", "f"],
    ["(undefined-x) '(!extend)"],
]


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(st.sampled_from(range(len(STEPS))), max_size=8))
def test_replay_of_generated_runs(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("replay")
    workspace = root / "ws"
    workspace.mkdir()
    (workspace / "log.txt").write_text("")
    suffixes = [s for i in steps for s in STEPS[i]] + ["(count completion)"]
    script = write_script(root / "s.jsonl", suffixes)
    original = start_run("Log.", config(workspace), f"script:{script}")
    empty(workspace)
    replayed = start_run("Log.", config(workspace), f"replay:{original.journal}")
    assert (replayed.error, replayed.value) == (original.error, original.value)
    assert programs(replayed.journal) == programs(original.journal)
    assert list(workspace.iterdir()) == []
