"""The command-line views the VS Code extension reads outside a debug session:
`spell trace turns --json`, `spell trace program`, `spell trace edit` and `spell prompt`,
run as subprocesses on journals that real `spell run`s of the examples wrote."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spell_lsp.harness.prompt import system_prompt
from spell_lsp.harness.session import namespace_infos

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "agents"


def spell(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spell_lsp", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})


def run_example(root: Path, name: str) -> tuple[Path, Path]:
    """(workspace, journal) of a fresh `spell run` of an example (scripted model)."""
    folder = root / name
    shutil.copytree(EXAMPLES / name, folder, ignore=shutil.ignore_patterns(".spell"))
    done = spell("run", f"{name}.spell", "--quiet", cwd=folder)
    assert done.returncode == 0, done.stderr
    [journal] = re.findall(r"^journal: (.+)$", done.stderr, re.M)
    return folder, Path(journal)


@pytest.fixture(scope="module")
def hello(tmp_path_factory) -> tuple[Path, Path]:
    return run_example(tmp_path_factory.mktemp("runs"), "hello-fork")


@pytest.fixture(scope="module")
def explore(tmp_path_factory) -> tuple[Path, Path]:
    return run_example(tmp_path_factory.mktemp("runs"), "explore-files")


def summary_of(journal: Path, cwd: Path) -> dict:
    done = spell("trace", "turns", str(journal), "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- spell trace turns --------------------------------------------------------------------

def test_turns_json_lists_agents_turns_and_self_edits(hello):
    folder, journal = hello
    summary = summary_of(journal, folder)
    assert summary["run"]["outcome"] == 'value "Hello World"'
    assert summary["run"]["program"] == str((folder / "hello-fork.spell").resolve())
    [agent] = summary["agents"]
    assert agent["handle"] == ":main"
    assert [(t["turn"], t["kind"]) for t in agent["turns"]] == \
        [(0, "initial"), (1, "self-call"), (2, "fork"), (3, "self-call")]
    assert agent["turns"][0]["chars"] == len((folder / "hello-fork.spell").read_text())
    [edit] = agent["turns"][1]["edits"]
    assert (edit["kind"], edit["summary"]) == ("extend", '+(def w "World")')
    assert edit["after_chars"] - edit["before_chars"] == len('(def w "World") ')
    assert all(t["effects"] == [] for t in agent["turns"])


def test_turns_json_carries_effects_with_results_and_rewrites(explore):
    folder, journal = explore
    turns = summary_of(journal, folder)["agents"][0]["turns"]
    [read] = turns[1]["effects"]
    assert (read["seq"], read["fn"], read["form"]) == \
        (1, "io/read-lines", '(io/read-lines "notes.txt")')
    assert '"beta"' in read["result"] and "error" not in read
    assert read["args"] == ['"notes.txt"']
    [rewrite] = turns[2]["edits"]
    assert rewrite["kind"] == "rewrite"
    assert rewrite["summary"] == (f"program rewritten ({rewrite['before_chars']:,} -> "
                                  f"{rewrite['after_chars']:,} characters)")


def test_turns_without_json_prints_one_line_per_turn(hello):
    folder, journal = hello
    done = spell("trace", "turns", str(journal), cwd=folder)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4
    assert lines[1].startswith(":main turn 1 (self-call): ")
    assert lines[1].endswith("0 effects, 1 self-edits")


def test_turns_refuses_a_file_that_is_not_a_journal(tmp_path):
    (tmp_path / "notes.jsonl").write_text("hello\n")
    done = spell("trace", "turns", "notes.jsonl", "--json", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and "not a Spell run journal" in done.stderr


# -- spell trace program ------------------------------------------------------------------

def test_program_at_turn_zero_is_the_file(hello):
    folder, journal = hello
    done = spell("trace", "program", str(journal), "--turn", "0", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (folder / "hello-fork.spell").read_text()


def test_program_of_a_fork_turn_and_later_turns(hello):
    folder, journal = hello
    fork = spell("trace", "program", str(journal), "--turn", "2", "--agent", "main", cwd=folder)
    assert fork.stdout == ('(quine completion (eval (do (quine prompt "Reply with the string '
                           'World.") "World")))')
    last = spell("trace", "program", str(journal), "--turn", "3", "--agent", ":main", cwd=folder)
    assert last.returncode == 0, last.stderr
    assert last.stdout.endswith('(def w "World") (str "Hello " w))))')


def test_program_of_a_missing_turn_names_the_turns_there_are(hello):
    folder, journal = hello
    done = spell("trace", "program", str(journal), "--turn", "9", cwd=folder)
    assert done.returncode == 1 and done.stdout == ""
    assert "error: no turn 9 of :main" in done.stderr
    assert "(its turns: 0, 1, 2, 3)" in done.stderr
    other = spell("trace", "program", str(journal), "--turn", "0", "--agent", "w", cwd=folder)
    assert other.returncode == 1 and "(its turns: none)" in other.stderr


# -- spell trace edit ---------------------------------------------------------------------

def test_edit_gives_the_program_before_and_after(hello):
    folder, journal = hello
    done = spell("trace", "edit", str(journal), "--turn", "1", cwd=folder)
    assert done.returncode == 0, done.stderr
    edit = json.loads(done.stdout)
    assert (edit["handle"], edit["turn"], edit["index"], edit["kind"]) == (":main", 1, 0, "extend")
    assert edit["after"] == edit["before"] + '(def w "World") '
    assert edit["before"].startswith((folder / "hello-fork.spell").read_text().splitlines()[1][:40])
    first = spell("trace", "edit", str(journal), "--turn", "1", "--index", "0", cwd=folder)
    assert json.loads(first.stdout) == edit


def test_edit_of_a_rewrite_shrinks_the_program(explore):
    folder, journal = explore
    edit = json.loads(spell("trace", "edit", str(journal), "--turn", "3", cwd=folder).stdout)
    assert edit["kind"] == "rewrite"
    assert len(edit["after"]) < len(edit["before"])


def test_edit_of_a_turn_without_edits_is_an_error(hello):
    folder, journal = hello
    done = spell("trace", "edit", str(journal), "--turn", "0", cwd=folder)
    assert done.returncode == 1
    assert "error: turn 0 of :main has 0 self-edit(s)" in done.stderr


# -- spell prompt -------------------------------------------------------------------------

def test_prompt_is_what_a_run_of_the_file_sends(hello):
    folder, _ = hello
    done = spell("prompt", "hello-fork.spell", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout == system_prompt(namespace_infos(("io",)), prefill=False)
    assert "spell_suffix" in done.stdout and "\n  read-lines: " in done.stdout


PROFILES = """
[profile]
model = "script:task.jsonl"
namespaces = ["io"]

[profiles.reader]
namespaces = ["io-read"]
system_prompt = "You only read files."

[profiles.claude]
model = "anthropic-prefill:claude-test"
namespaces = ["io"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spell.toml").write_text(PROFILES)
    (tmp_path / "task.spell").write_text("(quine completion (eval (do '(!extend))))")
    return tmp_path


def test_prompt_follows_the_profile(project):
    reader = spell("prompt", "task.spell", "--profile", "reader", cwd=project)
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.startswith("You only read files.")
    assert "\n  read-lines: " in reader.stdout and "\n  spit: " not in reader.stdout
    default = spell("prompt", "task.spell", cwd=project).stdout
    assert "\n  spit: " in default and "spell_suffix" in default


def test_prompt_of_a_prefill_model_uses_the_prefill_channel(project):
    by_profile = spell("prompt", "task.spell", "--profile", "claude", cwd=project)
    by_option = spell("prompt", "--model", "anthropic-prefill:m", cwd=project)
    for done in (by_profile, by_option):
        assert done.returncode == 0, done.stderr
        assert "continues the program text" in done.stdout and "spell_suffix" not in done.stdout


def test_prompt_with_an_unknown_profile_is_an_error(project):
    done = spell("prompt", "task.spell", "--profile", "nobody", cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert "error:" in done.stderr and "nobody" in done.stderr
