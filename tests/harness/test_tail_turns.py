"""D7: tail self-calls iterate (10,000 turns do not grow the Python stack), forks nest and
return their values, and fork depth is limited."""

from __future__ import annotations

import sys

import pytest

from spell_lsp.harness.events import EventBus, ModelCallStarted, TurnStarted

from .conftest import first_prefix

P = first_prefix("P")


def string_prefix(text: str) -> str:
    """The prefix `(!llm-self "<text>")` sends (spec 5.5)."""
    return f'(quine completion (eval (do (quine prompt "{text}") '


def stack_depth() -> int:
    """Frames on the current thread's stack."""
    frame, depth = sys._getframe(), 0
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


def deepest(harness, script: list) -> tuple:
    """The outcome of a run and the deepest stack seen at a turn start or model call."""
    bus = EventBus()
    depths: list[int] = []
    bus.subscribe(lambda e: depths.append(stack_depth())
                  if isinstance(e, (TurnStarted, ModelCallStarted)) else None)
    return harness.run("P", script, bus=bus), max(depths)


def run_tail_chain(harness, turns: int):
    """A run of `turns` model turns of `(prune) '(!extend)`, then "done"."""
    return deepest(harness, [{"suffix": "(prune) '(!extend)", "repeat": turns - 1}, '"done"'])


def test_ten_thousand_tail_turns_do_not_grow_the_stack(harness_factory):
    short, short_depth = run_tail_chain(harness_factory(), 10)
    long, long_depth = run_tail_chain(harness_factory(), 10_000)
    assert short.result.value == long.result.value == "done"
    assert long.result.model_turns == 10_000
    assert len(long.prefixes) == 10_000 and set(long.prefixes) == {P}
    assert long_depth == short_depth


def test_tail_turns_inside_a_fork_iterate_too(harness_factory):
    def fork_with_tail_turns(n):
        return deepest(harness_factory(), [
            "'(!call-now a (!llm-self \"sub\"))",
            {"suffix": "(prune) '(!extend)", "repeat": n}, '"inner"', "a"])
    out, depth = fork_with_tail_turns(500)
    _, reference = fork_with_tail_turns(1)
    assert out.result.value == "inner"
    assert out.result.model_turns == 503
    assert depth == reference


def test_a_fork_inside_a_fork_returns_its_value(harness):
    out = harness.run("P", ["'(!call-now a (!llm-self \"inner\"))",
                            "'(!call-now b (!llm-self \"innermost\"))",
                            '"deep"', '(str b "!")', "a"])
    assert out.result.value == "deep!"
    assert [(t["turn"], t["kind"]) for t in out.reader.turns()] == [
        (0, "initial"), (1, "self-call"), (2, "fork"), (3, "fork"), (4, "self-call"),
        (5, "self-call")]
    inner = string_prefix("inner")
    assert out.prefixes == [
        P, inner, string_prefix("innermost"),
        inner + "'(!call-now b (!llm-self \"innermost\")) (def b \"deep\") ",
        P + "'(!call-now a (!llm-self \"inner\")) (def a \"deep!\") "]


def test_two_forks_in_one_trailing_expression_run_in_order(harness):
    out = harness.run("P", ["'(!call-now x (!llm-self \"one\") y (!llm-self \"two\"))",
                            "1", "2", "[x y]"])
    assert out.result.value is not None and list(out.result.value) == [1, 2]
    assert out.prefixes[1:3] == [string_prefix("one"), string_prefix("two")]


@pytest.mark.parametrize("limit,model_turns", [(3, 4), (None, 33)])
def test_fork_depth_limit(harness, limit, model_turns):
    """Every turn forks again; the fork past the limit is refused before its model call."""
    profile = {} if limit is None else {"max_fork_depth": limit}
    out = harness.run("P", [{"suffix": "'(!call-now a (!llm-self \"again\"))", "repeat": 99}],
                      **profile)
    assert out.result.error == "LLM recursion limit exceeded"
    assert (out.result.fatal, out.result.exit_code) == (True, 4)
    assert out.result.model_turns == model_turns
