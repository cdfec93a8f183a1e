"""Code actions: each case marks the diagnostic's span with `|...|` and lists the actions
offered as (title, text after applying the action, preferred)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from spell_lsp.analysis.code_actions import code_actions
from spell_lsp.analysis.diagnostics import diagnostics
from spell_lsp.analysis.document import Document
from spell_lsp.analysis.formatting import apply_edits

from fmt_strategies import texts


@dataclass
class Diag:
    """The shape code_actions accepts (the analysis `Diagnostic` has these fields too)."""

    code: str
    start: int
    end: int
    data: dict[str, Any] | None = None


def diagnosed(source: str, code: str, data: dict | None = None) -> tuple[str, Diag]:
    """The text without markers and a diagnostic on the span between the two `|`."""
    start = source.index("|")
    end = source.index("|", start + 1) - 1
    return source.replace("|", ""), Diag(code, start, end, data)


def offered(source: str, code: str, data: dict | None = None,
            **kwargs: Any) -> list[tuple[str, str, bool]]:
    text, diag = diagnosed(source, code, data)
    actions = code_actions(text, [diag], diag.start, diag.end, **kwargs)
    for action in actions:
        assert action.kind == "quickfix" and action.diagnostic_codes == (code,)
        assert action.diagnostics == (diag,)
    return [(a.title, apply_edits(text, a.edits), a.is_preferred) for a in actions]


TRANSCRIPT = """(quine completion
  (eval
    (do
      (quine prompt "List the files.")
      {stmt}
      '(!extend))))"""


@pytest.mark.parametrize("source,expected", [
    ('(quine completion (eval (do (quine prompt "x") |(+ 1 2)|)))',
     '(quine completion (eval (do (quine prompt "x") \'(+ 1 2))))'),
    ('(quine completion (eval (do |"done"|)))', '(quine completion (eval (do \'"done")))'),
])
def test_quote_the_trailing_expression(source: str, expected: str) -> None:
    assert offered(source, "trailing-not-quoted") == [
        ("Quote the trailing expression", expected, True)]


def test_no_quote_action_when_the_trailing_expression_is_quoted() -> None:
    assert offered("(quine completion (eval (do |'(+ 1 2)|)))", "trailing-not-quoted") == []


@pytest.mark.parametrize("stmt,name,trailing", [
    ('(def files |(io/ls ".")|)', "files", '(io/ls ".")'),
    ('(def files "the listing" |(io/ls ".")|)', "files", '(io/ls ".")'),
    ('(count (|io/read-lines| "a.txt"))', "read-lines-result",
     '(count (io/read-lines "a.txt"))'),
    ('|(!llm-self "again")|', "llm-self-result", '(!llm-self "again")'),
    ('|(io/exists? "a.txt")|', "exists-result", '(io/exists? "a.txt")'),
])
def test_move_an_effect_statement_into_the_trailing_expression(
        stmt: str, name: str, trailing: str) -> None:
    expected = """(quine completion
  (eval
    (do
      (quine prompt "List the files.")
      '(!extend)
      '(!call-now {name} {trailing}))))""".format(name=name, trailing=trailing)
    assert offered(TRANSCRIPT.format(stmt=stmt), "effect-outside-trailing") == [
        (f"Move into the trailing expression as (!call-now {name} …)", expected, True)]


def test_move_keeps_the_rest_of_a_shared_line() -> None:
    source = "(quine completion (eval (do (def a 1) |(io/ls \".\")| (def b 2) '(!extend))))"
    [(_, text, _)] = offered(source, "effect-outside-trailing")
    assert text == ("(quine completion (eval (do (def a 1) (def b 2) '(!extend)"
                    " '(!call-now ls-result (io/ls \".\")))))")


def test_move_picks_a_fresh_name() -> None:
    source = "(quine completion (eval (do (def ls-result 1) |(io/ls \".\")| '(!extend))))"
    [(_, text, _)] = offered(source, "effect-outside-trailing")
    assert "'(!call-now ls-result-2 (io/ls \".\"))" in text


def test_an_unquoted_trailing_effect_is_quoted_in_place() -> None:
    source = '(quine completion (eval (do (quine prompt "x") (def files |(io/ls ".")|))))'
    [(_, text, _)] = offered(source, "effect-outside-trailing")
    assert text == ('(quine completion (eval (do (quine prompt "x") '
                    '\'(!call-now files (io/ls ".")))))')


@pytest.mark.parametrize("source", [
    "(quine completion (eval (do (defn here [] |(io/ls \".\")|) '(!extend))))",
    "(quine completion (eval (do (think \"look\" |(io/ls \".\")|) '(!extend))))",
    "(def files |(io/ls \".\")|)",  # no wrapper: nowhere to move it
    "(quine completion (eval (do (map |io/ls| [\".\"]) '(!extend))))",  # not a call
])
def test_no_move_where_wrapping_would_change_the_statement(source: str) -> None:
    assert offered(source, "effect-outside-trailing") == []


def test_namespace_prefix_for_a_member_of_exactly_one_namespace() -> None:
    source = "(quine completion (eval (do '(|upper-case| \"a\"))))"
    data = {"suggestions": ["lower-case", "strings/upper-case"]}
    assert offered(source, "unbound-symbol", data) == [
        ("Use strings/upper-case", "(quine completion (eval (do '(strings/upper-case \"a\"))))",
         True),
        ("Change to lower-case", "(quine completion (eval (do '(lower-case \"a\"))))", False),
    ]


def test_namespace_prefix_uses_the_given_namespaces() -> None:
    source = "(quine completion (eval (do '(|read-lines| \"a\"))))"
    spaces = {"io": {"read-lines", "ls"}, "web": {"fetch"}}
    assert [t for t, _, _ in offered(source, "unbound-symbol", namespaces=spaces)] == [
        "Use io/read-lines"]
    spaces["other"] = {"read-lines"}
    assert offered(source, "unbound-symbol", namespaces=spaces) == []


@pytest.mark.parametrize("suggestions", [["upper-case", "trim"],
                                         ["strings/upper-case", "strings/trim"]])
def test_did_you_mean_for_an_unknown_member(suggestions: list[str]) -> None:
    source = "(quine completion (eval (do '(|strings/uper-case| \"a\"))))"
    assert offered(source, "unknown-namespace-member", {"suggestions": suggestions}) == [
        ("Change to strings/upper-case",
         "(quine completion (eval (do '(strings/upper-case \"a\"))))", True),
        ("Change to strings/trim", "(quine completion (eval (do '(strings/trim \"a\"))))", False),
    ]


def test_did_you_mean_when_the_diagnostic_marks_only_the_member() -> None:
    source = "(quine completion (eval (do '(strings/|uper-case| \"a\"))))"
    titles = [t for t, _, _ in offered(source, "unknown-namespace-member",
                                       {"suggestions": ["upper-case"]})]
    assert titles == ["Change to strings/upper-case"]


def test_only_diagnostics_touching_the_range_are_fixed() -> None:
    text, diag = diagnosed("(quine completion (eval (do |(+ 1 2)|)))", "trailing-not-quoted")
    assert code_actions(text, [diag], 0, diag.start - 1) == []
    assert len(code_actions(text, [diag], diag.end, diag.end)) == 1


def test_other_diagnostics_have_no_actions() -> None:
    assert offered("(quine completion (eval (do '|(foo)|)))", "unbound-symbol") == []
    assert offered("(|foo| 1)", "wrong-arity", {"suggestions": ["bar"]}) == []


@pytest.mark.parametrize("trailing,merged", [
    ("'(!call-now a (io/ls \"src\"))", "'(!call-now a (io/ls \"src\") files (io/ls \".\"))"),
    ("'(!peek-now a (f) b (g))", "'(!peek-now a (f) b (g) files (io/ls \".\"))"),
])
def test_move_joins_a_trailing_call_now(trailing: str, merged: str) -> None:
    source = f"(quine completion (eval (do (def files |(io/ls \".\")|)\n{trailing})))"
    assert offered(source, "effect-outside-trailing") == [
        ("Bind files in the trailing (!call-now …)",
         f"(quine completion (eval (do\n{merged})))", True)]


def test_move_does_not_join_a_call_now_with_a_limit() -> None:
    source = "(quine completion (eval (do (def files |(io/ls \".\")|) '(!call-now a (f) 100))))"
    [(_, text, _)] = offered(source, "effect-outside-trailing")
    assert text.endswith("'(!call-now a (f) 100) '(!call-now files (io/ls \".\")))))")


CODES = ["trailing-not-quoted", "effect-outside-trailing", "unbound-symbol",
         "unknown-namespace-member", "other"]


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_actions_on_any_text_and_span_stay_inside_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    code = data.draw(st.sampled_from(CODES))
    suggestions = data.draw(st.lists(st.sampled_from(["io/ls", "ls", "x", ""]), max_size=2))
    diag = Diag(code, start, end, {"suggestions": suggestions})
    for action in code_actions(text, [diag], start, end):
        spans = sorted((s, e) for s, e, _ in action.edits)
        assert all(0 <= s <= e <= len(text) for s, e in spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_a_suggestion_replaces_only_the_part_the_diagnostic_marks() -> None:
    source = "(quine completion (eval (do '(|stringz|/trim \"a\"))))"
    assert offered(source, "unbound-symbol", {"suggestions": ["strings"]}) == [
        ("Change to strings/trim", "(quine completion (eval (do '(strings/trim \"a\"))))", True)]


@pytest.mark.parametrize("source,title,fixed", [
    ("(quine completion (eval (do (def files (io/ls \".\")) '(!extend))))",
     "Move into the trailing expression as (!call-now files …)",
     "(quine completion (eval (do '(!extend) '(!call-now files (io/ls \".\")))))"),
    ("(quine completion (eval (do (io/ls \".\"))))", "Quote the trailing expression",
     "(quine completion (eval (do '(io/ls \".\"))))"),
    ("(quine completion (eval (do '(io/reed-lines \"a\"))))", "Change to io/read-lines",
     "(quine completion (eval (do '(io/read-lines \"a\"))))"),
])
def test_fixes_for_the_analysis_diagnostics(source: str, title: str, fixed: str) -> None:
    doc = Document(source)
    found = diagnostics(doc)
    preferred = [a for a in code_actions(doc, found, 0, len(source)) if a.is_preferred]
    assert [(a.title, apply_edits(source, a.edits)) for a in preferred] == [(title, fixed)]
