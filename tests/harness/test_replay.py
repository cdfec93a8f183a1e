"""Replay from a run journal (spec 7.8, D6): offline, with the workspace gone, a replay
reproduces the run's value and every program version; a changed run stops with
`replay diverged: ...`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spell_lsp.harness.config import Profile, RunConfig
from spell_lsp.harness.journal import JournalReader
from spell_lsp.harness.session import start_run

from .conftest import EXAMPLES, write_script

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def config(workspace: Path) -> RunConfig:
    return RunConfig(profile=Profile(namespaces=("io",)), workspace=workspace,
                     runs_dir=workspace.parent / "runs")


def empty(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def programs(journal: str) -> list[tuple[str, int, str, str]]:
    reader = JournalReader(journal)
    return [(t["handle"], t["turn"], t["kind"], reader.program_text(t)) for t in reader.turns()]


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
