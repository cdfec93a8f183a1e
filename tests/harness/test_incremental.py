"""Incremental evaluation (re-reading and re-evaluating only what changed) gives exactly the
results of full re-evaluation: same value or error, same prefixes sent to the model, same
programs, same effect and recovery records (timings aside)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.syntax.printer import pr

# run_deep raises the recursion limit during the first run; hypothesis notes that.
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

# Suffix templates; {i} is the step's position, so names differ between steps.
CALM = [
    "(def v{i} (+ {i} 1)) '(!extend)",
    "(defn f{i} [x] (* x {i})) '(!call-now r{i} (f{i} 3))",
    "(persist p{i} (count (str completion))) '(!extend)",
    "(def c{i} (count (str completion))) '(!call-now seen{i} c{i})",
    "'(!call-now n{i} (count completion) m{i} (str \"m\" {i}))",
    "(think \"step {i}\" (def t{i} [{i} (quote s{i})])) '(!extend)",
    "(rethink \"r{i}\") '(!extend)",
    "(rethink 2 \"r{i}\" (def w{i} {i})) '(!extend)",
    "(prune) '(!extend)",
    "(prune 2) '(!extend)",
    "'(!peek-now q{i} (+ 1 {i}))",
    "'(!print (str \"x\" {i}) {{:k {i}}})",
    "(persist big{i} (vec (range 50))) '(!extend)",
    "'(!call-now s{i} (io/spit \"out.txt\" (str {i})))",
]
RECOVERING = [
    "(undefined-{i}) '(!extend)",
    "(def y{i} \"never closed",
    "(trim \" {i} \") '(!extend)",
]
FINAL = "[(count (str completion)) (count completion)]"


@st.composite
def scripts(draw) -> list[str]:
    """Suffixes of one run: calm steps with up to two recovering ones mixed in."""
    picks = draw(st.lists(st.sampled_from(CALM), max_size=10))
    for template in draw(st.lists(st.sampled_from(RECOVERING), max_size=2)):
        picks.insert(draw(st.integers(0, len(picks))), template)
    return [t.format(i=i) for i, t in enumerate(picks)] + [FINAL]


TIMING = {"t", "duration_ms"}


def observed(out) -> dict:
    """Everything a run shows that must not depend on how it was evaluated."""
    def records(type_: str) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in out.of_type(type_)]
    return {"value": pr(out.result.value), "error": out.result.error,
            "exit": out.result.exit_code, "prefixes": out.prefixes,
            "programs": out.programs, "effects": records("effect"),
            "recoveries": records("recovery"), "store": records("store"),
            "workspace": sorted((p.name, p.read_text()) for p in out.workspace.iterdir()
                                if p.is_file())}


@settings(max_examples=50, deadline=None)
@given(script=scripts())
def test_incremental_equals_full_reevaluation(harness_factory, script):
    incremental = harness_factory().run("Build.", script, incremental=True)
    full = harness_factory().run("Build.", script, incremental=False)
    assert observed(incremental) == observed(full)
    assert incremental.result.model_turns == len(script)


def test_a_long_growing_program_agrees(harness_factory):
    """Many extensions without edits: the incremental path extends its cached program."""
    script = [f"(def v{i} (+ {i} (count (str completion)))) '(!extend)" for i in range(40)]
    script.append("(reduce + [" + " ".join(f"v{i}" for i in range(40)) + "])")
    incremental = harness_factory().run("Grow.", script, incremental=True)
    full = harness_factory().run("Grow.", script, incremental=False)
    assert incremental.result.error is None
    assert observed(incremental) == observed(full)


def test_incremental_equals_full_reevaluation_with_unsafe_upstream_eval(harness_factory):
    script = ["(def r (eval '(io/spit \"n.txt\" \"x\" {:append true}))) '(!extend)",
              "(prune) '(!extend)", '"done"']
    incremental = harness_factory().run("Count.", script, unsafe_upstream_eval=True,
                                        incremental=True)
    full = harness_factory().run("Count.", script, unsafe_upstream_eval=True,
                                 incremental=False)
    assert observed(incremental) == observed(full)
