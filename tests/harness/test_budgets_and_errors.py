"""How runs end (spec 7.6.4, 7.7): budgets, recovery limit, Spell errors and configuration
errors each give their message and exit code; API keys never leak into journals or output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_anthropic import FakeAnthropic, error, tool_call, usage
from spell_lsp.cli import main
from spell_lsp.harness.config import RunConfig
from spell_lsp.harness.run import EXIT_BUDGET, EXIT_CONFIG, EXIT_FATAL, EXIT_SPELL_ERROR
from spell_lsp.harness.session import start_run

EXTEND = {"suffix": "(prune) '(!extend)", "repeat": 50}

# (id, source, script, profile, error, exit code, model turns)
ENDINGS = [
    ("max-turns", "P", [EXTEND], {"max_turns": 3}, "Turn limit exceeded: 3", EXIT_BUDGET, 3),
    ("token-budget", "P", [EXTEND], {"max_total_tokens": 0},
     "Token budget exceeded: used 0 of 0", EXIT_BUDGET, 0),
    ("time-budget", "P", [EXTEND], {"max_seconds": 0}, "Time budget exceeded: 0 s",
     EXIT_BUDGET, 0),
    ("recovery-limit", "P", ["(undefined-1)", "(undefined-2)", "(undefined-3)"], {},
     "Recovery limit exceeded: 2 while handling eval error", EXIT_FATAL, 3),
    ("reader-recovery-limit", "P", ['(def a "x', '(def b "y', '(def c "z'], {},
     "Recovery limit exceeded: 2 while handling reader error", EXIT_FATAL, 3),
    ("spell-error-without-recovery", "P", ["(undefined-1)"], {"recover": False},
     "Unbound symbol: undefined-1", EXIT_SPELL_ERROR, 1),
    ("script-runs-out", "P", ["'(!extend)"], {},
     "scripted transport: no completion left for agent main (call 2)", EXIT_FATAL, 2),
]


@pytest.mark.parametrize("source,script,profile,message,code,turns",
                         [e[1:] for e in ENDINGS], ids=[e[0] for e in ENDINGS])
def test_how_a_run_ends(harness, source, script, profile, message, code, turns):
    out = harness.run(source, script, **profile)
    assert (out.result.error, out.result.exit_code) == (message, code)
    assert out.result.fatal == (code != EXIT_SPELL_ERROR)
    assert out.result.model_turns == turns
    end = out.reader.end_record
    assert (end["error"], end["fatal"], end["turns"]) == (message, out.result.fatal, turns)


def test_recovery_count_is_per_chain_and_a_fork_copies_it(harness):
    """Main spends one recovery, its fork spends the second of its copy; back in main one
    attempt is still left, and the next error in the fork would have been fatal."""
    script = ["(undefined-a)", "'(!call-now s (!llm-self \"sub\"))", "(undefined-b)",
              '"sub-value"', "(undefined-c)", "(:error _error)"]
    out = harness.run("P", script)
    assert out.result.value == "Unbound symbol: undefined-c"
    assert [(r["turn"], r["count"]) for r in out.of_type("recovery")] == [(1, 1), (3, 2), (5, 2)]
    assert [t["kind"] for t in out.reader.turns()] == [
        "initial", "self-call", "self-call", "fork", "self-call", "self-call", "self-call"]
    fatal = harness.run("P", script[:3] + ["(undefined-d)"])
    assert fatal.result.error == "Recovery limit exceeded: 2 while handling eval error"


def test_nested_fork_error_without_recovery_is_reported_once(harness):
    out = harness.run("P", ["'(!call-now a (!llm-self \"sub\"))",
                            "'(!call-now b (!llm-self \"sub2\"))", "(undefined-1)"],
                      recover=False)
    assert out.result.exit_code == EXIT_SPELL_ERROR
    assert out.result.error == "Function call failed: !llm-self: Unbound symbol: undefined-1"


def test_a_forks_error_without_recovery_reaches_its_caller_as_a_call_failure(harness):
    out = harness.run("P", ["'(!call-now a (try (!llm-self \"sub\") (catch e (:message e))))",
                            "(undefined-1)", "a"], recover=False)
    assert out.result.value == "Function call failed: !llm-self: Unbound symbol: undefined-1"


MODEL = "claude-sonnet-4-6"
KEY = "sk-ant-api03-RECOGNISABLE-FAKE-KEY-0123456789"


@pytest.fixture
def api(monkeypatch):
    with FakeAnthropic() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        yield server


def test_dollar_budget_stops_before_the_next_model_call(api, tmp_path, capsys):
    # Sonnet 4.6 input costs $3 per million tokens: 10,000 tokens = $0.03
    api.reply(tool_call("'(!extend)", usage_=usage(input_tokens=10_000, output_tokens=0)),
              tool_call('"never"'))
    code = main(["run", "--prompt", "Spend.", "--model", f"anthropic:{MODEL}", "--budget",
                 "0.01", "--workspace", str(tmp_path), "--quiet"])
    _, err = capsys.readouterr()
    assert code == EXIT_BUDGET
    assert "error: Budget exceeded: spent $0.0300 of $0.01" in err
    assert len(api.requests) == 1
    [journal] = (tmp_path / ".spell" / "runs").glob("*/journal.jsonl")
    end = json.loads(journal.read_text().splitlines()[-1])
    assert (end["type"], end["turns"], end["cost_usd"]) == ("run_end", 1, pytest.approx(0.03))


def test_max_turns_on_the_command_line(tmp_path, capsys):
    script = write(tmp_path / "s.jsonl", json.dumps({"suffix": "'(!extend)", "repeat": 9}))
    code = main(["run", "--prompt", "Loop.", "--model", f"script:{script}", "--max-turns", "2",
                 "--workspace", str(tmp_path), "--quiet"])
    out, err = capsys.readouterr()
    assert (code, out) == (EXIT_BUDGET, "")
    assert err.startswith("error: Turn limit exceeded: 2\njournal: ")


def test_paid_runs_have_a_one_dollar_default_budget(api, tmp_path):
    costly = usage(input_tokens=200_000, output_tokens=0)        # $0.60 each
    api.reply(tool_call("'(!extend)", usage_=costly), tool_call("'(!extend)", usage_=costly),
              tool_call('"never"'))
    config = RunConfig(workspace=tmp_path, runs_dir=tmp_path / "runs")
    result = start_run("Spend.", config, f"anthropic:{MODEL}")
    assert result.error == "Budget exceeded: spent $1.2000 of $1.00"
    assert len(api.requests) == 2


def test_api_key_never_reaches_journal_or_output(api, tmp_path, capsys):
    api.reply(tool_call("(think \"key?\") '(!call-now k (+ 1 2))"),
              error(401, "authentication_error", "invalid x-api-key {api_key}"))
    code = main(["run", "--prompt", "Add 1 and 2.", "--model", f"anthropic:{MODEL}",
                 "--workspace", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == EXIT_FATAL
    assert "error: transport error:" in err and "[redacted]" in err   # echoed, then hidden
    sent = api.requests[0].headers
    assert KEY in (sent.get("x-api-key"), sent.get("authorization", "").removeprefix("Bearer "))
    [journal] = (tmp_path / ".spell" / "runs").glob("*/journal.jsonl")
    assert KEY.encode() not in journal.read_bytes()
    assert KEY[8:30] not in out + err and KEY[8:30].encode() not in journal.read_bytes()


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


CONFIG_ERRORS = [
    ("unknown-model", {}, ["--model", "gpt:4"], "unknown transport 'gpt:4'"),
    ("missing-script", {}, ["--model", "script:nowhere.jsonl"], "nowhere.jsonl"),
    ("no-model", {}, [], "no model given"),
    ("bad-toml-key", {"spell.toml": "[profile]\nmax_turn = 3\n"}, ["--model", "script:s.jsonl"],
     "unknown key(s) in profile 'default': max_turn"),
    ("unknown-profile", {"spell.toml": "[profile]\n"}, ["--profile", "fast"],
     "no profile named 'fast'"),
    ("bad-namespace", {"spell.toml": "[profile]\nnamespaces = [\"net\"]\n"}, [],
     "unknown namespace(s): net"),
]


@pytest.mark.parametrize("files,args,message", [c[1:] for c in CONFIG_ERRORS],
                         ids=[c[0] for c in CONFIG_ERRORS])
def test_configuration_errors_exit_2(tmp_path, capsys, monkeypatch, files, args, message):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        write(tmp_path / name, text)
    write(tmp_path / "s.jsonl", '{"suffix": "1"}\n')
    program = write(tmp_path / "task.spell", "(quine completion (eval (do '(!extend))))")
    code = main(["run", str(program), "--quiet", *args])
    out, err = capsys.readouterr()
    assert code == EXIT_CONFIG
    assert err.startswith("error: ") and message in err
    assert out == ""


def test_tools_cannot_read_the_api_key(tmp_path, capsys, monkeypatch):
    """Neither io/env nor a shell command hands the key to the program."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    script = write(tmp_path / "s.jsonl", "".join(json.dumps({"suffix": s}) + "\n" for s in [
        "'(!call-now k (io/sh \"echo key=$ANTHROPIC_API_KEY\") e (io/env \"ANTHROPIC_API_KEY\") "
        "all (io/env))", "[(:out k) e (get all \"ANTHROPIC_API_KEY\")]"]))
    code = main(["run", "--prompt", "Find the key.", "--model", f"script:{script}",
                 "--workspace", str(tmp_path), "--allow-shell"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == '["key=" "<redacted>" "<redacted>"]\n'
    [journal] = (tmp_path / ".spell" / "runs").glob("*/journal.jsonl")
    assert KEY not in err and KEY.encode() not in journal.read_bytes()
