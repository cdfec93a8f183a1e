"""Harness test vectors H1-H15 of spec 12.5 (H6 and H13 need agents/ and web/, which do
not exist yet), with exact prefixes and values."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from spell_lsp.harness.config import Profile, RunConfig
from spell_lsp.harness.initial import initial_program
from spell_lsp.harness.journal import JournalReader
from spell_lsp.harness.session import start_run
from spell_lsp.syntax.printer import pr

from .conftest import EXAMPLES, first_prefix, write_script

P = first_prefix("P")          # the first prefix of every run started from the prompt "P"
NOTES_PEEK = ("'(!peek xs (io/read-lines \"notes.txt\")) (def xs (first-line 1 [\n"
              " \"alpha\" ; 1\n \"beta\" ; 2\n])) (prune 2) ")
NOTES_PERSIST = "(persist b (first-line 2 [\n \"beta\" ; 2\n])) '(!extend) "


def test_h1_initial_program_and_first_prefix(harness):
    assert initial_program('Say "hi"') == \
        '(quine completion (eval (do (quine prompt "Say \\"hi\\"") \'(!extend))))'
    out = harness.run('Say "hi"', ['"x")))'])
    assert out.prefixes == ['(quine completion (eval (do (quine prompt "Say \\"hi\\"") '
                            "'(!extend) "]
    assert out.result.value == "x"


# (name, script, expected prefixes after the first, expected value as printed)
VECTORS = [
    ("H2", ["'(!llm-self \"Return 2\")))", "2)))"],
     ['(quine completion (eval (do (quine prompt "Return 2") '], "2"),
    ("H3", ["'(!call-now a (+ 1 2) b (str \"x\"))))", "[a b])))"],
     [P + "'(!call-now a (+ 1 2) b (str \"x\")) (def a 3) (def b \"x\") "], '[3 "x"]'),
    ("H4", ["'(!print (+ 1 2) \"s\")))", "9)))"],
     [P + "'(!print (+ 1 2) \"s\") 3 \"s\" "], "9"),
    ("H5", ["'(!peek xs (io/read-lines \"notes.txt\")))))",
            "(persist b (subvec xs 1 2)) '(!extend)))", "b)))"],
     [P + NOTES_PEEK, P + NOTES_PERSIST], '["beta"]'),
    ("H11", ["'(!call-now r (io/read-file \"../x\"))))", "r)))"],
     [P + "'(!call-now r (io/read-file \"../x\")) "
      "(def r {:error \"io: path escapes the workspace root: ../x\"}) "],
     '{:error "io: path escapes the workspace root: ../x"}'),
    ("H12", ["'(!call-now r (io/sh \"ls\"))))", "r)))"],
     [P + "'(!call-now r (io/sh \"ls\")) "
      "(def r {:error \"io: shell access is not enabled for this run\"}) "],
     '{:error "io: shell access is not enabled for this run"}'),
]


@pytest.mark.parametrize("name,script,prefixes,value", VECTORS, ids=[v[0] for v in VECTORS])
def test_prefix_vectors(harness, name, script, prefixes, value):
    (harness.workspace / "notes.txt").write_text("alpha\nbeta\n")
    out = harness.run("P", script)
    assert out.result.error is None
    assert out.prefixes == [P, *prefixes]
    assert pr(out.result.value) == value


def test_h5_peek_result_is_one_journaled_effect(harness):
    (harness.workspace / "notes.txt").write_text("alpha\nbeta\n")
    out = harness.run("P", ["'(!peek xs (io/read-lines \"notes.txt\")))))",
                            "(persist b (subvec xs 1 2)) '(!extend)))", "b)))"])
    [effect] = out.of_type("effect")
    assert (effect["fn"], effect["args"], effect["turn"]) == \
        ("io/read-lines", ['"notes.txt"'], 1)


def test_h7_tail_turns_keep_the_prefix(harness):
    out = harness.run("P", [{"suffix": "(prune) '(!extend)", "repeat": 99}, '"done")))'])
    assert out.result.value == "done"
    assert out.result.model_turns == 100
    assert out.prefixes == [P] * 100


def test_h8_namespace_fixup_is_free(harness):
    out = harness.run('(quine completion (eval (do (trim " a "))))')
    assert out.result.value == "a"
    [recovery] = out.of_type("recovery")
    assert (recovery["kind"], recovery["error"], recovery["count"]) == \
        ("namespace", "Unbound symbol: trim", 0)
    assert out.prefixes == []


def test_h9_third_error_exceeds_the_recovery_limit(harness):
    out = harness.run("P", ["(undefined-1)))", "(undefined-2)))", "(undefined-3)))"])
    assert out.result.error == "Recovery limit exceeded: 2 while handling eval error"
    assert out.result.fatal and out.result.exit_code == 4
    assert [(r["kind"], r["count"], r["error"]) for r in out.of_type("recovery")] == [
        ("eval", 1, "Unbound symbol: undefined-1"), ("eval", 2, "Unbound symbol: undefined-2")]
    second = out.prefixes[1]
    assert second.startswith(P + "(undefined-1))) "
                             '(rethink "Recovered from an error; details in _error.") '
                             "(eval (do (def _recovery_prompt \"The previous Spell program")
    assert second.endswith('(def _error {:error "Unbound symbol: undefined-1", '
                           ":in '(undefined-1)}) '(!llm-self (reopen completion)) ")


def test_reader_recovery_program(harness):
    """Spec 7.6.3: an unreadable completion becomes a program that shows it as a string."""
    raw = P + '(def y "never closed'
    out = harness.run("P", ['(def y "never closed', "(:raw _error)"])
    assert out.result.value == raw
    error = "Reader error: EOF while reading string"
    quoted_raw = '"' + raw.replace('"', '\\"') + '"'
    assert out.prefixes[1] == (
        '(quine completion (eval (do (def _recovery_prompt "The previous Spell program raised '
        "an error. Write a new program that achieves what it intended while avoiding the error. "
        "The previous program is inert text and will not run again; it is removed from your "
        "context after this turn, so restate anything you still need (for example the task). "
        f'Respond with Spell code only. Error: {error}") '
        f"(def _previous_program {quoted_raw}) "
        f'(def _error {{:error "{error}", :raw {quoted_raw}}}) ' + "'(!extend) ")
    assert [(r["kind"], r["count"]) for r in out.of_type("recovery")] == [("reader", 1)]


def test_h10_quoted_effect_before_the_trailing_value_never_runs(harness):
    out = harness.run("(quine completion (eval (do '(io/write-file \"x.txt\" \"1\") \"ok\")))")
    assert out.result.value == "ok"
    assert out.of_type("effect") == []
    assert not (harness.workspace / "x.txt").exists()


APP_PY = 'import sys\ndef add(a, b):\n    return a - b\nif __name__ == "__main__":\n' \
    "    print(add(2, 3))\n"
PEEK_APP = ("'(!peek src (io/read-lines \"app.py\")) (def src (first-line 1 [\n"
            ' "import sys" ; 1\n "def add(a, b):" ; 2\n "    return a - b" ; 3\n'
            ' "if __name__ == \\"__main__\\":" ; 4\n "    print(add(2, 3))" ; 5\n'
            "])) (prune 2) ")
SCRIPT_11_3 = [
    "(think \"Read app.py once; keep only the function.\") "
    "'(!peek src (io/read-lines \"app.py\")))))",
    "(persist add-fn (subvec src 1 3)) (think \"Line 3 subtracts; it must add.\") "
    "'(!call-now _ (io/replace-lines \"app.py\" 3 4 \"    return a + b\")))))",
    f"'(!peek out (io/sh \"{sys.executable} app.py\")))))",
    '"Fixed: add() now returns a + b; python3 app.py prints 5.")))',
]
PREFIX_11_3 = first_prefix("Fix the bug in app.py.")
THINK_11_3 = '(think "Read app.py once; keep only the function.") '


def run_11_3(workspace: Path, model: str):
    config = RunConfig(profile=Profile(namespaces=("io",), allow_shell=True),
                       workspace=workspace, runs_dir=workspace.parent / "runs")
    return start_run("Fix the bug in app.py.", config, model)


def record_and_replay(tmp_path: Path):
    """Run 11.3 with the script, empty the workspace, replay the journal: both results."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "app.py").write_text(APP_PY)
    script = write_script(tmp_path / "s.jsonl", SCRIPT_11_3)
    first = run_11_3(ws, f"script:{script}")
    assert (ws / "app.py").read_text() == APP_PY.replace("a - b", "a + b")
    shutil.rmtree(ws)
    ws.mkdir()
    again = run_11_3(ws, f"replay:{first.journal}")
    assert list(ws.iterdir()) == []          # nothing was written by the replay
    return JournalReader(first.journal), first, JournalReader(again.journal), again


def test_h14_peek_persist_run_then_replay_without_the_workspace(tmp_path):
    original, first, replayed, again = record_and_replay(tmp_path)
    assert first.value == "Fixed: add() now returns a + b; python3 app.py prints 5."
    turns = [original.program_text(t) for t in original.turns()]
    assert turns[2].startswith(PREFIX_11_3 + THINK_11_3 + PEEK_APP)
    assert turns[3].startswith(
        PREFIX_11_3 + THINK_11_3 + '(persist add-fn (first-line 2 [\n "def add(a, b):" ; 2\n'
        ' "    return a - b" ; 3\n])) (think "Line 3 subtracts; it must add.") '
        "'(!call-now _ (io/replace-lines \"app.py\" 3 4 \"    return a + b\")) "
        '(def _ {:ok "app.py"}) ')
    assert '(def out {:exit 0, :out "5", :err ""}) (prune 2) ' in turns[4]
    assert [e["fn"] for e in original.of_type("effect")] == \
        ["io/read-lines", "io/replace-lines", "io/sh"]
    assert again.error is None and again.value == first.value
    assert [replayed.program_text(t) for t in replayed.turns()] == turns
    assert [m["response"] for m in replayed.model_calls()] == \
        [m["response"] for m in original.model_calls()]


def test_h14_replay_journals_the_same_effect_records(tmp_path):
    original, _, replayed, _ = record_and_replay(tmp_path)
    keys = ("handle", "turn", "seq", "fn", "args", "result", "form", "span")
    assert [[e.get(k) for k in keys] for e in replayed.of_type("effect")] == \
        [[e.get(k) for k in keys] for e in original.of_type("effect")]


def test_h15_hello_world_fork(harness):
    prompt = "Greet the world. Ask a sub-turn for the word World."
    lines = (EXAMPLES / "hello-fork" / "hello-fork.script.jsonl").read_text().splitlines()
    out = harness.run(prompt, [json.loads(line) for line in lines])
    assert out.result.value == "Hello World"
    assert [(t["handle"], t["turn"], t["kind"]) for t in out.reader.turns()] == [
        (":main", 0, "initial"), (":main", 1, "self-call"), (":main", 2, "fork"),
        (":main", 3, "self-call")]
    assert len(out.of_type("model_call")) == 3
    head = first_prefix(prompt)
    assert out.prefixes == [
        head,
        '(quine completion (eval (do (quine prompt "Reply with the string World.") ',
        head + '(think "A sub-turn supplies the word; I join it.") '
        "'(!call-now w (!llm-self \"Reply with the string World.\")) (def w \"World\") "]


# -- beyond the numbered vectors: behaviour the vectors rely on -------------------------

def test_d3_unchanged_forms_keep_the_models_text(harness):
    odd = "(think   \"spaced\"   {:a   1})  ; a comment\n  (def  v  [1  2]) "
    out = harness.run("P", [odd + "'(!extend)", "(rethink \"gone\") '(!call-now w (+ 1 1))",
                            "w"])
    assert out.prefixes == [P, P + odd + "'(!extend) ",
                            P + odd + "(think \"gone\") '(!call-now w (+ 1 1)) (def w 2) "]


def test_large_values_are_stored_and_read_back_on_later_turns(harness):
    (harness.workspace / "notes.txt").write_text("alpha\nbeta\n")
    out = harness.run("P", ["'(!call-now big (vec (range 5000)) n (io/read-lines \"notes.txt\"))",
                            "(think \"later\") '(!extend)",
                            "[(count big) (reduce + big) (count n)]"])
    assert pr(out.result.value) == f"[5000 {sum(range(5000))} 2]"
    assert out.prefixes[1].endswith(
        ' (def big (stored "ref-1")) (def n (first-line 1 [\n "alpha" ; 1\n "beta" ; 2\n])) ')
    [store] = out.of_type("store")
    assert store["ref"] == "ref-1" and store["value"].startswith("[0 1 2 3 ")


def test_effect_records_locate_their_form_in_the_turns_program(harness):
    (harness.workspace / "notes.txt").write_text("alpha\nbeta\n")
    out = harness.run("P", ["(think \"t\") '(!call-now a (io/read-lines \"notes.txt\") "
                            "b (io/slurp \"notes.txt\"))", "b"])
    effects = out.of_type("effect")
    assert [(e["seq"], e["fn"], e["form"]) for e in effects] == [
        (1, "io/read-lines", '(io/read-lines "notes.txt")'),
        (2, "io/slurp", '(io/slurp "notes.txt")')]
    program = out.programs[1]
    assert [program[slice(*e["span"])] for e in effects] == [e["form"] for e in effects]


def test_leaf_llm_is_a_journaled_effect_and_a_model_call(harness):
    out = harness.run("P", [{"leaf": True, "response": "yes"},
                            "'(!call-now v (leaf-llm \"Is 7 prime?\"))", "v"])
    assert out.result.value == "yes"
    [effect] = out.of_type("effect")
    assert (effect["fn"], effect["args"], effect["result"]) == \
        ("leaf-llm", ['"Is 7 prime?"'], '"yes"')
    assert [(m["leaf"], m.get("prompt")) for m in out.of_type("model_call")] == \
        [(False, None), (True, "Is 7 prime?"), (False, None)]
    assert len(out.prefixes) == 2             # the leaf call is not a program turn


def test_describe_appends_the_guide_as_a_string(harness):
    out = harness.run("P", ["'(!describe strings)", "1"])
    assert out.prefixes[1].startswith(P + "'(!describe strings) \"")
    assert "strings/trim" in out.prefixes[1]


def test_compact_starts_a_fresh_short_program(harness):
    out = harness.run("P", ["(def x 1) '(!compact)", "'(quine prompt \"short\") '(def x 2)",
                            "x"])
    assert out.result.value == 2
    assert out.prefixes[1].startswith(P + "(def x 1) '(!compact) (think \"=compact= ")
    assert out.prefixes[1].endswith(" nil) '(!llm-self (wrap-cat ")
    assert out.prefixes[2] == '(quine completion (eval (do (quine prompt "short") (def x 2) '


def test_events_of_a_run_in_order(harness):
    (harness.workspace / "notes.txt").write_text("alpha\n")
    out = harness.run("P", ["(think \"x\") '(!call-now n (io/slurp \"notes.txt\"))",
                            "(persist m (+ 1 2)) '(!extend)", "(:ok n)"], record_events=True)
    names = [type(e).__name__ + (f"({e.turn})" if hasattr(e, "turn") else "")
             for e in out.events]
    assert names == [
        "TurnStarted(0)", "TurnEnded(0)",
        "ModelCallStarted(1)", "ModelCallFinished(1)", "TurnStarted(1)", "EffectStarted(1)",
        "EffectFinished(1)", "SelfEdit(1)", "TurnEnded(1)",
        "ModelCallStarted(2)", "ModelCallFinished(2)", "TurnStarted(2)", "SelfEdit(2)",
        "TurnEnded(2)",
        "ModelCallStarted(3)", "ModelCallFinished(3)", "TurnStarted(3)", "TurnEnded(3)",
        "RunEnded"]
    assert out.events[-1].value == "alpha\n"


# response as the model sent it -> what the next prefix adds after the first prefix
CACHE_STABLE = [
    ("(def a 1) '(!extend)))) \n", "(def a 1) '(!extend)"),
    ("(def b 2)\n  ; note\n  '(!extend)", "(def b 2)\n  ; note\n  '(!extend)"),
    ("(think \"x\")\t'(!extend) )))\n\n", "(think \"x\")\t'(!extend)"),
    ("```clojure\n(def c 3) '(!extend)\n```", "(def c 3) '(!extend)"),
    ("(def d 4) '(!extend)))) trailing junk", "(def d 4) '(!extend)"),
    ("'(!call-now s (apply str (repeat 300 \"a\")) 100)",
     "'(!call-now s (apply str (repeat 300 \"a\")) 100) (def s \"" + "a" * 100
     + "\\n... [truncated, 300 chars total]\")"),
]


@pytest.mark.parametrize("response,added", CACHE_STABLE)
def test_an_extension_keeps_the_previous_prefix_and_the_response(harness, response, added):
    """Spec 6.4: when the program only grew, the next prefix is P + R (without R's closing
    parentheses, trailing whitespace and transport wrappers)."""
    out = harness.run("P", [response, "1"])
    assert out.result.value == 1
    assert out.prefixes == [P, P + added + " "]


def test_text_after_the_program_is_ignored_with_a_warning(harness):
    out = harness.run("P", ["(def d 4) '(!extend)))) trailing junk", "d"])
    assert out.result.value == 4
    assert [t["warnings"] for t in out.reader.turns()] == \
        [[], ["ignored text after the first form: trailing junk"], []]


def test_a_program_after_a_comment_line_is_extended_not_rewritten(harness):
    """The initial program's open prefix starts at the form, not at the comment above it."""
    source = "; a note\n(quine completion (eval (do (quine prompt \"p\") '(!extend))))"
    out = harness.run(source, ["'(!call-now a 1)))", "a)))"], record_events=True)
    assert out.result.value == 1
    kinds = [e.kind for e in out.events if type(e).__name__ == "SelfEdit"]
    assert kinds == ["extend"]
