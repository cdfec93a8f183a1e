"""No replay (spec 5.4, D5, D6): every effect of a run executes exactly once, whatever the
program does around it, and an effect placed anywhere but the trailing expression never
executes. Effects append one line to a counter file, so the file counts real executions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# run_deep raises the recursion limit during the first run; hypothesis notes that.
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

SPIT = '(io/spit "counter.txt" "x\\n" {:append true})'


def counted(workspace) -> int:
    """Lines in the counter file: how many spit effects really ran."""
    path = workspace / "counter.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


# name -> (suffixes, spits the trailing expressions issue, recovery attempts they cost);
# a step is one model turn, or two when it forks (the parent's turn, then the fork's).
STEPS = {
    "call": (f"'(!call-now _ {SPIT})", 1, 0),
    "call-two": (f"'(!call-now a {SPIT} b {SPIT})", 2, 0),
    "fn-from-trailing": (f"(defn bump [] {SPIT}) '(!call-now _ (bump))", 1, 0),
    "do-then-extend": (f"'(do {SPIT} (!extend))", 1, 0),
    "peek": (f"'(!peek-now p {SPIT})", 1, 0),
    "print": (f"'(!print {SPIT})", 1, 0),
    "rethink": ("(rethink \"shorter\") '(!extend)", 0, 0),
    "prune": ("(prune) '(!extend)", 0, 0),
    "persist": ("(persist k (* 6 7)) '(!extend)", 0, 0),
    "namespace-fixup": ("'(!call-now _ (spit \"counter.txt\" \"x\\n\" {:append true}))", 1, 0),
    "unquoted-effect": (f"{SPIT} '(!extend)", 0, 1),
    "error-after-effect": (f"'(do {SPIT} (undefined-fn))", 1, 1),
    "fixup-after-effect": (f"'(do {SPIT} (trim \" a \") (!extend))", 1, 1),
    "reader-error": ('(def y "never closed', 0, 1),
    "fork": (("'(!call-now s (!llm-self \"sub\"))", f"'(do {SPIT} \"child\")"), 1, 0),
    "fork-with-effect-after": ((f"'(!call-now s (!llm-self \"sub\") t {SPIT})",
                                f"'(do {SPIT} \"child\")"), 2, 0),
}


def suffixes(steps: list[str]) -> list[str]:
    """The script of a run: every step's model answers, then the final value."""
    out = []
    for name in steps:
        answer = STEPS[name][0]
        out.extend([answer] if isinstance(answer, str) else answer)
    return out + ['"done"']


RECOVERING = [name for name, (_, _, rec) in STEPS.items() if rec]
CALM = [name for name, (_, _, rec) in STEPS.items() if not rec]


@st.composite
def scripts(draw) -> list[str]:
    """Step names for one run: any calm steps and at most two recovering ones (a chain
    has a recovery budget of 2)."""
    steps = draw(st.lists(st.sampled_from(CALM), max_size=8))
    for name in draw(st.lists(st.sampled_from(RECOVERING), max_size=2)):
        steps.insert(draw(st.integers(0, len(steps))), name)
    return steps


@settings(max_examples=50, deadline=None)
@given(steps=scripts())
def test_every_trailing_effect_runs_exactly_once(harness_factory, steps):
    harness = harness_factory()
    out = harness.run("Count.", suffixes(steps))
    assert out.result.error is None and out.result.value == "done"
    issued = sum(STEPS[s][1] for s in steps)
    assert counted(out.workspace) == issued
    assert len(out.of_type("effect")) == issued
    assert all(e["fn"] == "io/spit" and e.get("error") is None for e in out.of_type("effect"))
    assert len(out.of_type("recovery")) == sum(1 for s in steps if STEPS[s][2]) + \
        steps.count("namespace-fixup")


# Effects reached outside the trailing expression; each placement runs in the do-block,
# guarded by try so that the turn carries on to a legitimate trailing effect.
PLACEMENTS = {
    "let": f"(let [r {SPIT}] r)",
    "fn-body": f"((fn [] {SPIT}))",
    "defn-called": f"(do (defn leak [] (let [v {SPIT}] v)) (leak))",
    "eval": f"(eval '{SPIT})",
    "eval-in-def": "(def r (eval (list 'io/spit \"counter.txt\" \"x\\n\" {:append true})))",
    "eval-in-fn": f"((fn [] (eval '{SPIT})))",
    "macro": f"(do (defmacro leak-m [] '{SPIT}) (leak-m))",
    "macro-call-now": f"(do (defmacro fire [] '(!call-now _ {SPIT})) (fire))",
    "quasiquote-unquote": f"`(a ~{SPIT})",
    "llm-self": "(!llm-self \"x\")",
}
# Placements that evaluate to data and so need no guard.
INERT = {
    "quoted": f"'{SPIT}",
    "quoted-call-now": f"'(!call-now _ {SPIT})",
    "quasiquoted": f"`{SPIT}",
    "quasiquoted-nested": f"`(do {SPIT} ~(+ 1 2))",
    "unused-fn": f"(defn never [] {SPIT})",
    "unused-macro": f"(defmacro never-m [] '{SPIT})",
}


def guarded(form: str) -> str:
    return f"(def caught (try {form} (catch e (:message e))))"


ADVERSARIAL = {**{k: guarded(v) for k, v in PLACEMENTS.items()}, **INERT}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_a_misplaced_effect_does_not_run(harness, name):
    program = f"(quine completion (eval (do {ADVERSARIAL[name]} \"end\")))"
    out = harness.run(program, recover=False)
    assert out.result.error is None and out.result.value == "end"
    assert counted(out.workspace) == 0
    assert out.of_type("effect") == []


@pytest.mark.parametrize("name", sorted(PLACEMENTS))
def test_an_unguarded_misplaced_effect_fails_without_running(harness, name):
    program = f"(quine completion (eval (do {PLACEMENTS[name]} \"end\")))"
    out = harness.run(program, recover=False)
    assert out.result.exit_code == 1
    assert ("effect namespace" in out.result.error or "Unbound symbol: !" in out.result.error)
    assert counted(out.workspace) == 0


@settings(max_examples=40, deadline=None)
@given(turns=st.lists(st.lists(st.sampled_from(sorted(ADVERSARIAL)), max_size=3),
                      min_size=1, max_size=5))
def test_misplaced_effects_around_real_ones_never_add_executions(harness_factory, turns):
    """Each turn writes adversarial forms and then one real trailing effect; later turns
    re-evaluate all earlier forms. Only the real effects ever run, once each."""
    harness = harness_factory()
    suffixes = [" ".join(ADVERSARIAL[n] for n in names) + f" '(!call-now _ {SPIT})"
                for names in turns]
    out = harness.run("Count.", suffixes + ['"done"'], recover=False)
    assert out.result.error is None and out.result.value == "done"
    assert counted(out.workspace) == len(turns)
    assert len(out.of_type("effect")) == len(turns)


def test_effect_in_a_function_called_from_the_trailing_expression_runs(harness):
    program = (f"(quine completion (eval (do (defn bump [] (let [r {SPIT}] r)) "
               f"'(do (bump) (bump) \"end\"))))")
    out = harness.run(program, recover=False)
    assert out.result.value == "end"
    assert counted(out.workspace) == 2


UNSAFE_SCRIPT = [f"(def r (eval '{SPIT})) '(!extend)", "(prune) '(!extend)", '"done"']


@pytest.mark.parametrize("incremental", [False, True])
def test_unsafe_upstream_eval_reopens_the_replay_hole(harness, incremental):
    """The counter detects re-execution: with upstream's eval, a non-trailing eval runs
    its effect again on every turn, and the journal marks those effects unsafe."""
    out = harness.run("Count.", UNSAFE_SCRIPT, unsafe_upstream_eval=True, recover=False,
                      incremental=incremental)
    assert out.result.value == "done"
    assert counted(out.workspace) == 3
    assert [(e["turn"], e["unsafe"]) for e in out.of_type("effect")] == \
        [(1, True), (2, True), (3, True)]


def test_namespace_fixup_is_skipped_once_an_effect_ran(harness):
    """Spec 7.6.1: re-running the fixed program would run the spit again."""
    out = harness.run("Count.", [f"'(do {SPIT} (trim \" a \"))", "(:error _error)"])
    assert out.result.value == "Unbound symbol: trim"
    assert counted(out.workspace) == 1
    assert [(r["kind"], r["error"]) for r in out.of_type("recovery")] == \
        [("eval", "Unbound symbol: trim")]
