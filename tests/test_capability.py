"""The effect capability (D5): effects run only under the wrapper's outer eval, for the
dynamic extent of the trailing expression, and never through macros or other evals."""

from __future__ import annotations

import pytest

from spell_lsp.lang import SpellError, evaluate_text
from spell_lsp.lang.table import Builtin, arity
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import Keyword, SMap, SVector

GATED = "io/ls: io/ is an effect namespace - use it in the trailing expression via eval"


class Recorder:
    """A fake `io` effect namespace whose `ls` records every call it really runs."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def ls(self, path: str) -> SVector:
        self.calls.append(path)
        return SVector(["a.txt", "b.txt"])

    def profile(self) -> dict:
        ns = SMap([(Keyword("ls"), Builtin("io/ls", self.ls, arity(1)))])
        return {"effect_namespaces": {"io": ns}}


def run(source: str, recorder: Recorder):
    return evaluate_text(source, profile=recorder.profile())


def test_effect_in_trailing_expression_runs_once():
    rec = Recorder()
    value = run("(quine completion (eval (do '(io/ls \".\"))))", rec)
    assert pr(value) == '["a.txt" "b.txt"]'
    assert rec.calls == ["."]


def test_function_defined_in_do_block_called_from_trailing_expression_may_use_effects():
    rec = Recorder()
    value = run("(quine completion (eval (do (defn here [] (io/ls \".\")) '(here))))", rec)
    assert pr(value) == '["a.txt" "b.txt"]'
    assert rec.calls == ["."]


@pytest.mark.parametrize("source", [
    # directly in the do-block
    "(quine completion (eval (do (io/ls \".\") :done)))",
    # through let
    "(quine completion (eval (do (let [x (io/ls \".\")] x) :done)))",
    # through a function called from the do-block
    "(quine completion (eval (do (defn f [] (io/ls \".\")) (f) :done)))",
    # an eval in a non-trailing position (the replay hole D5 closes)
    "(quine completion (eval (do (def r (eval '(io/ls \".\"))) r)))",
    # a macro expanding to an effect, used in the do-block
    "(quine completion (eval (do (defmacro m [] '(io/ls \".\")) (m) :done)))",
    # a plain program without the wrapper
    "(io/ls \".\")",
    # an eval inside a function called from a def
    "(quine completion (eval (do (defn g [] (eval '(io/ls \".\"))) (def x (g)) :done)))",
])
def test_effects_outside_the_trailing_expression_are_refused(source):
    rec = Recorder()
    with pytest.raises(SpellError) as err:
        run(source, rec)
    assert err.value.message.endswith(GATED)
    assert rec.calls == []


@pytest.mark.parametrize("source", [
    "(quine completion (eval (do '(io/ls \".\") :done)))",      # history: not trailing
    "(quine completion (eval (do `(io/ls \".\") :done)))",      # quasiquoted history
    "(quine completion (eval (do '(quote (io/ls \".\")))))",    # quoted inside the trailing
    "(quine completion '(io/ls \".\") (eval (do :done)))",      # an inert quine argument
])
def test_quoted_effects_are_data(source):
    rec = Recorder()
    run(source, rec)
    assert rec.calls == []


def test_macro_expansion_has_no_capability_even_in_the_trailing_expression():
    rec = Recorder()
    source = ("(quine completion (eval (do (defmacro m [] (io/ls \".\") 'x) '(m))))")
    with pytest.raises(SpellError) as err:
        run(source, rec)
    assert "Macro expansion of m failed" in err.value.message
    assert rec.calls == []


def test_effect_builtins_are_unbound_without_capability():
    with pytest.raises(SpellError) as err:
        evaluate_text("(quine completion (eval (do (!llm-self \"No\"))))")
    assert err.value.message == "Unbound symbol: !llm-self"
    assert pr(err.value.containing_form) == '(!llm-self "No")'


def test_effect_builtin_inside_trailing_expression_needs_an_agent():
    with pytest.raises(SpellError) as err:
        evaluate_text("(quine completion (eval (do '(!llm-self \"Yes\"))))")
    assert err.value.message == ("Function call failed: !llm-self: "
                                 "!llm-self requires an active agent handle")


def test_unsafe_upstream_eval_restores_the_replay_hole_when_asked():
    from spell_lsp.lang.core import context_for
    rec = Recorder()
    ctx = context_for(rec.profile())
    ctx.unsafe_upstream_eval = True
    value = evaluate_text("(quine completion (eval (do (def r (eval '(io/ls \".\"))) 'r)))",
                          ctx=ctx)
    assert pr(value) == '["a.txt" "b.txt"]'
    assert rec.calls == ["."]
