"""`spell run` and `spell trace show` as a user runs them: subprocesses on copies of the
examples, a `--prompt` run, and profile selection from spell.toml."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, REPO

# example -> final value as printed, and the number of model turns it takes
EXAMPLES_EXPECTED = {
    "compact": ('"Two greek letters: alpha and beta."', 4),
    "explore-files": ('"Second line of notes.txt: beta"', 4),
    "fix-bug": ('"Fixed: line 3 now reads return a + b"', 4),
    "hello-fork": ('"Hello World"', 3),
    "recovery": ("2", 3),
}


def spell(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spell_lsp", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})


def journal_path(stderr: str) -> Path:
    [path] = re.findall(r"^journal: (.+)$", stderr, re.M)
    return Path(path)


def test_every_example_is_covered():
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == \
        sorted(EXAMPLES_EXPECTED)


@pytest.mark.parametrize("name", sorted(EXAMPLES_EXPECTED))
def test_spell_run_on_an_example(tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(EXAMPLES / name, folder)
    value, turns = EXAMPLES_EXPECTED[name]
    done = spell("run", f"{name}.spell", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == value + "\n"
    assert re.search(r"^turn 0 :main \(initial\)$", done.stderr, re.M)
    assert len(re.findall(r"^  model: ", done.stderr, re.M)) == turns
    assert "run finished" in done.stderr
    assert "\x1b[" not in done.stderr                # plain lines when not a terminal
    journal = journal_path(done.stderr)
    assert journal.is_file() and journal.is_relative_to(folder / ".spell" / "runs")

    trace = spell("trace", "show", str(journal), cwd=folder)
    assert trace.returncode == 0, trace.stderr
    assert f"outcome: value {value}" in trace.stdout
    assert f"totals: {turns} turns, {turns} model calls" in trace.stdout
    assert [int(n) for n in re.findall(r"^turn (\d+) ", trace.stdout, re.M)] == \
        list(range(turns + 1))


def test_trace_show_refuses_a_file_that_is_not_a_journal(tmp_path):
    (tmp_path / "notes.txt").write_text("not json\n")
    done = spell("trace", "show", "notes.txt", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "error: notes.txt: is not a Spell run journal\n"


def test_spell_run_prompt_mode_and_quiet(tmp_path):
    (tmp_path / "s.jsonl").write_text(json.dumps({"suffix": "'(!call-now x (* 6 7))"}) + "\n"
                                      + json.dumps({"suffix": "(inc x)"}) + "\n")
    done = spell("run", "--prompt", "Compute.", "--model", "script:s.jsonl", "--quiet",
                 cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "43\n")
    assert done.stderr.startswith("journal: ")       # --quiet: no progress lines
    trace = spell("trace", "show", str(journal_path(done.stderr)), cwd=tmp_path)
    assert "outcome: value 43" in trace.stdout
    assert "'(!call-now x (* 6 7))" in trace.stdout


SPELL_TOML = """
[profile]
model = "script:default.jsonl"
namespaces = ["io"]

[profiles.reader]
model = "script:reader.jsonl"
namespaces = ["io-read"]
max_turns = 1
"""


def script_lines(*suffixes: str) -> str:
    return "".join(json.dumps({"suffix": s}) + "\n" for s in suffixes)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose default profile may write and whose reader profile may only read;
    both scripts try to write copy.txt, then read notes.txt."""
    (tmp_path / "spell.toml").write_text(SPELL_TOML)
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "task.spell").write_text(
        "(quine completion (eval (do (quine prompt \"Copy notes.\") '(!extend))))")
    (tmp_path / "default.jsonl").write_text(script_lines(
        "'(!call-now w (io/spit \"copy.txt\" \"c\"))", "w"))
    (tmp_path / "reader.jsonl").write_text(script_lines(
        "'(!call-now w (io/spit \"copy.txt\" \"c\"))",
        "'(!call-now n (io/slurp \"notes.txt\"))", "(:ok n)"))
    return tmp_path


def run_records(stderr: str) -> list[dict]:
    return [json.loads(line) for line in journal_path(stderr).read_text().splitlines()]


def test_spell_toml_default_profile(project):
    done = spell("run", "task.spell", "--quiet", cwd=project)
    assert (done.returncode, done.stdout) == (0, '{:ok "copy.txt"}\n')
    assert (project / "copy.txt").read_text() == "c"
    assert run_records(done.stderr)[0]["profile"] == "default"


def test_spell_toml_named_profile_limits_namespaces_and_turns(project):
    done = spell("run", "task.spell", "--profile", "reader", "--quiet", cwd=project)
    assert done.returncode == 3
    assert "error: Turn limit exceeded: 1" in done.stderr
    assert not (project / "copy.txt").exists()
    records = run_records(done.stderr)
    assert (records[0]["profile"], records[0]["options"]["namespaces"]) == \
        ("reader", ["io-read"])
    assert [r["error"] for r in records if r["type"] == "recovery"] == \
        ["Namespace lookup failed: io/spit"]


def test_command_line_overrides_the_profile(project):
    done = spell("run", "task.spell", "--profile", "reader", "--max-turns", "5", "--quiet",
                 cwd=project)
    assert (done.returncode, done.stdout) == (0, '"hello"\n')
    assert not (project / "copy.txt").exists()
    assert run_records(done.stderr)[0]["options"]["max_turns"] == 5
