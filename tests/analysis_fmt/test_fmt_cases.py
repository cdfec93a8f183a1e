"""Formatting by example: the cases of format_cases.txt, trailing whitespace, the examples
shipped with the project, range formatting and on-type formatting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spell_lsp.analysis.formatting import (
    apply_edits, format_document, format_on_type, format_range,
)

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def load_cases(path: Path) -> list[tuple[str, str, str]]:
    """(name, input, expected) for every case of a cases file."""
    cases = []
    for block in re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        source, sep, rest = re.split(r"^(---(?: unchanged)?)\n?", body, maxsplit=1, flags=re.M)
        source = source.removesuffix("\n")
        expected = source if sep == "--- unchanged" else rest.strip("\n")
        cases.append((name.strip(), source, expected))
    return cases


CASES = load_cases(HERE / "format_cases.txt")


@pytest.mark.parametrize("name,source,expected", CASES, ids=[c[0] for c in CASES])
def test_format_case(name: str, source: str, expected: str) -> None:
    assert format_document(source) == expected


@pytest.mark.parametrize("name,source,expected", CASES, ids=[c[0] for c in CASES])
def test_format_case_is_a_fixed_point(name: str, source: str, expected: str) -> None:
    assert format_document(expected) == expected


@pytest.mark.parametrize("source,expected", [
    ("(do   \n  (a)\t\n  (b))  ", "(do\n  (a)\n  (b))"),
    ("(do\n   \n  (a))\n\t\n", "(do\n\n  (a))\n\n"),
    ("; note   \n(a)", "; note\n(a)"),
    ("(def s \"ends in spaces   \n  \")   ", "(def s \"ends in spaces   \n  \")"),
    ("(str \\ \n     \"x\")", "(str \\ \n     \"x\")"),  # `\ ` is the space character
    ("(str \\\t\n     \"x\")", "(str \\\t\n     \"x\")"),
    ("(a)\r\n  (b)  \r\n", "(a)\r\n(b)\r\n"),
    ("(a\r  b)", "(a\r b)"),
    ("(x \u00a0)", "(x \u00a0)"),  # a no-break space is part of a symbol, not whitespace
    ("\"open string   \n  ", "\"open string   \n  "),
])
def test_trailing_whitespace_outside_tokens_is_removed(source: str, expected: str) -> None:
    assert format_document(source) == expected


@pytest.mark.parametrize("path", sorted(ROOT.glob("examples/**/*.spell")),
                         ids=lambda p: p.name)
def test_shipped_examples_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_document(text) == text


def marked(text: str) -> tuple[str, list[int]]:
    """The text without its `|` markers, and the offsets of the markers."""
    offsets = [m.start() - i for i, m in enumerate(re.finditer(r"\|", text))]
    return text.replace("|", ""), offsets


@pytest.mark.parametrize("source,expected", [
    ("(do\n|(a)\n(b)|\n(c))", "(do\n  (a)\n  (b)\n(c))"),
    ("(do\n(a)\n|(b)\n|(c))", "(do\n(a)\n  (b)\n(c))"),  # a range ending at a line start
    ("(do\n(a\n|1)\n(b)|)", "(do\n(a\n 1)\n  (b))"),  # alignment uses lines as they are
])
def test_format_range(source: str, expected: str) -> None:
    text, (start, end) = marked(source)
    assert apply_edits(text, format_range(text, start, end)) == expected


@pytest.mark.parametrize("source,expected", [
    ("(defn f [x]\n|", "(defn f [x]\n  "),
    ("(defn f [x]\n    |", "(defn f [x]\n  "),
    ("(str \"a\"\n|", "(str \"a\"\n     "),
    ("(when x\n|\n  (y))", "(when x\n  \n  (y))"),
    ("(foo a\n|b)", "(foo a\n     b)"),
    ("[1 2\n|]", "[1 2\n]"),
    ("(def s \"abc\n|", "(def s \"abc\n"),  # inside a string: nothing to do
    ("(quine completion (eval (do\n|", "(quine completion (eval (do\n                          "),
])
def test_on_type_newline_indents_the_new_line(source: str, expected: str) -> None:
    text, (offset,) = marked(source)
    assert apply_edits(text, format_on_type(text, offset, "\n")) == expected


@pytest.mark.parametrize("source,expected", [
    ("(do\n(let [a 1]\n(+ a\n1)|", "(do\n(let [a 1]\n(+ a\n   1)"),
    ("(do\n(let [a 1]\n(+ a\n1))|", "(do\n(let [a 1]\n  (+ a\n     1))"),
    ("(do\n(a\nb)|)", "(do\n(a\n b))"),
    ("(a\n b)\n(c|", "(a\n b)\n(c"),  # no closer typed
    ("(a\n b]|", "(a\n b]"),  # an unmatched closer closes nothing
])
def test_on_type_closer_reindents_the_closed_form(source: str, expected: str) -> None:
    text, (offset,) = marked(source)
    assert apply_edits(text, format_on_type(text, offset, text[offset - 1])) == expected


def test_on_type_other_characters_change_nothing() -> None:
    assert format_on_type("(do\n(a b", 8, "b") == []
