"""End-to-end tests of `spell eval` and `spell check`, run as subprocesses (spec 7.9)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
AGENT_ERROR = "Function call failed: !llm-self: !llm-self requires an active agent handle"


def spell(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m spell_lsp ARGS...` with the repository importable."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "spell_lsp", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=cwd or REPO, timeout=60)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- spell eval: sources ---------------------------------------------------------------------

def test_expression_value_is_printed_with_pr():
    done = spell("eval", "-e", '(str "a" 1)')
    assert (done.returncode, done.stdout, done.stderr) == (0, '"a1"\n', "")


@pytest.mark.parametrize("source, printed", [
    ("(+ 1 2)", "3"),
    ("[1 :k nil \"s\" 1/2 1.5]", '[1 :k nil "s" 1/2 1.5]'),
    ("{:a (+ 1 1)}", "{:a 2}"),
    ("(fn [x] x)", "{:spell/fn true, :params [x], :body (x)}"),
    ("(quine completion (eval (do (def x 5) '(* x 2))))", "10"),
])
def test_values(source, printed):
    done = spell("eval", "-e", source)
    assert done.returncode == 0, done.stderr
    assert done.stdout == printed + "\n"


def test_file_argument(tmp_path):
    program = tmp_path / "prog.spell"
    program.write_text("(do (defn sq [x] (* x x))\n    (sq 7))\n", encoding="utf-8")
    done = spell("eval", str(program))
    assert (done.returncode, done.stdout) == (0, "49\n")


def test_spl_file_argument(tmp_path):
    program = tmp_path / "prog.spl"
    program.write_text('(strings/upper-case "ok")', encoding="utf-8")
    assert spell("eval", str(program)).stdout == '"OK"\n'


def test_stdin_dash():
    done = spell("eval", "-", stdin="(reduce + (range 5))")
    assert (done.returncode, done.stdout) == (0, "10\n")


def test_unicode_round_trip():
    done = spell("eval", "-e", '(str "é" \\λ)')
    assert done.stdout == '"éλ"\n'


# -- spell eval: lenient reading -------------------------------------------------------------

def test_missing_closers_are_balanced():
    done = spell("eval", "-e", "(* 2 (+ 1 3)")
    assert (done.returncode, done.stdout) == (0, "8\n")


def test_missing_closers_in_a_wrapper():
    done = spell("eval", "-e", "(quine completion (eval (do (def n 4) '(* n n)")
    assert (done.returncode, done.stdout) == (0, "16\n")


def test_trailing_text_is_ignored_with_a_warning():
    done = spell("eval", "-e", "(+ 1 2))")
    assert (done.returncode, done.stdout) == (0, "3\n")
    assert "warning" in done.stderr.lower()


def test_forms_after_the_first_are_not_evaluated():
    done = spell("eval", "-e", "(+ 1 2) (undefined-later)")
    assert (done.returncode, done.stdout) == (0, "3\n")
    assert "warning" in done.stderr.lower()


def test_clean_program_has_no_warning():
    assert spell("eval", "-e", "(+ 1 2)").stderr == ""


def test_invalid_escape_is_repaired():
    done = spell("eval", "-e", '(count "\\equiv")')
    assert done.stdout == "6\n"


# -- spell eval: errors and exit codes -------------------------------------------------------

def test_error_goes_to_stderr_with_exit_1():
    done = spell("eval", "-e", "(undefined-thing 1)")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip().splitlines()[-1] == "error: Unbound symbol: undefined-thing"


def test_builtin_error_message():
    done = spell("eval", "-e", "(/ 1 0)")
    assert done.returncode == 1
    assert "error: Function call failed: /: Divide by zero" in done.stderr


def test_thrown_value_message():
    done = spell("eval", "-e", '(throw (ex-info "no such user" {:id 7}))')
    assert done.returncode == 1
    assert done.stderr.strip() == "error: no such user"


def test_reader_error_exits_1():
    done = spell("eval", "-e", "#{1 1}")
    assert done.returncode == 1
    assert "error: Duplicate key: 1" in done.stderr


def test_effects_are_refused_outside_the_trailing_expression():
    done = spell("eval", "-e", "(!llm-self \"x\")")
    assert (done.returncode, done.stderr.strip()) == (1, "error: Unbound symbol: !llm-self")


def test_trailing_self_call_without_an_agent():
    done = spell("eval", "-e", "(quine completion (eval (do '(!extend))))")
    assert (done.returncode, done.stderr.strip()) == (1, f"error: {AGENT_ERROR}")


def test_missing_file_is_an_error(tmp_path):
    done = spell("eval", str(tmp_path / "absent.spell"))
    assert done.returncode == 1
    assert done.stderr.startswith("error:")


# -- spell eval --json -----------------------------------------------------------------------

def test_json_value():
    done = spell("eval", "--json", "-e", '[1 "a"]')
    assert done.returncode == 0
    assert json.loads(done.stdout) == {"value": '[1 "a"]'}


def test_json_error():
    done = spell("eval", "--json", "-e", "(nth [1] 5)")
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "error": "Function call failed: nth: index out of bounds"}


# -- spell eval --batch ----------------------------------------------------------------------

def batch(*requests: dict) -> list[dict]:
    done = spell("eval", "--batch", stdin="".join(json.dumps(r) + "\n" for r in requests))
    assert done.returncode == 0, done.stderr
    return json_lines(done.stdout)


def test_batch_answers_each_line_in_order():
    assert batch({"id": 1, "source": "(+ 1 2)"}, {"id": "b", "source": "(str :k)"}) == [
        {"id": 1, "value": "3"}, {"id": "b", "value": '":k"'}]


def test_batch_error_line():
    assert batch({"id": 7, "source": "(undefined-b)"}) == [
        {"id": 7, "error": "Unbound symbol: undefined-b"}]


def test_batch_items_run_in_fresh_environments():
    answers = batch({"id": 1, "source": "(def x 1)"}, {"id": 2, "source": "x"},
                    {"id": 3, "source": "(do (def x 5) x)"})
    assert answers == [{"id": 1, "value": "1"}, {"id": 2, "error": "Unbound symbol: x"},
                       {"id": 3, "value": "5"}]


def test_batch_reads_leniently():
    assert batch({"id": "l", "source": "(* 2 (+ 1 3)"}) == [{"id": "l", "value": "8"}]


def test_batch_keeps_going_after_an_error():
    answers = batch({"id": 1, "source": "(/ 1 0)"}, {"id": 2, "source": "(inc 1)"})
    assert answers[1] == {"id": 2, "value": "2"}


# -- spell check -----------------------------------------------------------------------------

DIAGNOSTIC = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
                        r"(?P<message>.+) \[(?P<code>[a-z-]+)\]$")


def diagnostics(stdout: str, code: str = "read-error") -> list[dict]:
    """The diagnostics `spell check` printed with the given code."""
    found = []
    for line in stdout.splitlines():
        match = DIAGNOSTIC.match(line)
        assert match, f"not a diagnostic line: {line!r}"
        if match["code"] == code:
            found.append(match.groupdict())
    return found


def test_check_clean_file(tmp_path):
    good = tmp_path / "good.spell"
    good.write_text("(quine completion (eval (do (def x 1) '(+ x 1))))\n", encoding="utf-8")
    done = spell("check", str(good))
    assert (done.returncode, done.stdout) == (0, "")


def test_check_reports_every_reader_error(tmp_path):
    bad = tmp_path / "bad.spell"
    bad.write_text('(str "\\q")\n\n(str]\n', encoding="utf-8")
    done = spell("check", str(bad))
    assert done.returncode == 1
    found = diagnostics(done.stdout)
    assert {d["path"] for d in found} == {str(bad)}
    messages = [(d["line"], d["message"]) for d in found]
    assert ("1", "Unsupported escape character: \\q") in messages
    assert ("3", "Unmatched delimiter: ]") in messages


def test_check_positions_are_one_based(tmp_path):
    bad = tmp_path / "bad.spell"
    bad.write_text("(+ 08)\n", encoding="utf-8")
    found = diagnostics(spell("check", str(bad)).stdout)
    assert [(d["line"], d["col"], d["message"]) for d in found] == [
        ("1", "4", "Invalid number: 08")]


def test_check_reads_strictly(tmp_path):
    unbalanced = tmp_path / "open.spell"
    unbalanced.write_text("(+ 1 2", encoding="utf-8")
    done = spell("check", str(unbalanced))
    assert done.returncode == 1
    assert [d["message"] for d in diagnostics(done.stdout)] == ["EOF while reading"]


def test_check_several_files(tmp_path):
    good = tmp_path / "good.spell"
    good.write_text("(+ 1 2)", encoding="utf-8")
    bad = tmp_path / "bad.spl"
    bad.write_text("(str {:a})", encoding="utf-8")
    done = spell("check", str(good), str(bad))
    assert done.returncode == 1
    assert [(d["path"], d["message"]) for d in diagnostics(done.stdout)] == [
        (str(bad), "Map literal must contain an even number of forms")]
