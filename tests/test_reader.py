"""Reader: data-driven cases (tests/data/reader_cases.txt), spec vectors R1-R12, the tree."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from spell_lsp.syntax.lower import read_forms
from spell_lsp.syntax.positions import LineIndex
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.reader import (
    COMMENT, ERROR, MAX_DEPTH, TOO_DEEP, UNPARSED, WHITESPACE, Branch, ErrorToken, Token,
    iter_tokens, parse,
)
from spell_lsp.syntax.values import Char, Keyword, SList, SMap, SSet, SVector, Symbol

CASES_FILE = Path(__file__).parent / "data" / "reader_cases.txt"
_SPECIALS = {"⏎": "\n", "⇥": "\t", "␀": "\0"}


def _unescape(text: str) -> str:
    return re.sub("[⏎⇥␀]", lambda m: _SPECIALS[m.group()], text)


def _load_cases() -> list[tuple[str, str | None, list[tuple[str, int, int]] | None]]:
    """(source, expected printed forms or None, expected errors or None) per case line."""
    cases = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("//"):
            continue
        head, *error_parts = line.split(" ⊢ ")
        m = re.fullmatch(r"(.*?) ?⇒ ?(.*)", head)
        source, expected = (m.group(1), m.group(2)) if m else (head, None)
        errors = []
        for part in error_parts:
            em = re.fullmatch(r"(.*) @ (\d+)-(\d+)", part)
            assert em, f"bad error spec in {line!r}"
            errors.append((_unescape(em.group(1)), int(em.group(2)), int(em.group(3))))
        cases.append((_unescape(source), None if expected is None else _unescape(expected),
                      errors))
    return cases


CASES = _load_cases()


@pytest.mark.parametrize("source,expected,errors", CASES, ids=[c[0] for c in CASES])
def test_reader_case(source, expected, errors):
    forms, found = read_forms(source)
    assert [(e.message, e.start, e.end) for e in found] == errors
    if expected is not None:
        assert " ".join(pr(f) for f in forms) == expected


def test_case_file_covers_every_error_message():
    messages = {message for _, _, errors in CASES for message, _, _ in errors}
    prefixes = [
        "EOF while reading", "EOF while reading string", "EOF while reading regex",
        "EOF while reading character", "Unmatched delimiter: ", "Unsupported escape character: ",
        "Invalid unicode escape: ", "Octal escape sequence must be in range [0, 377]",
        "Invalid number: ", "Invalid token: ", "Unsupported character: ",
        "Map literal must contain an even number of forms", "Duplicate key: ",
        "Unsupported dispatch macro: #", "Nested #()s are not allowed", "Divide by zero",
    ]
    for prefix in prefixes:
        assert any(m.startswith(prefix) for m in messages), prefix


# --- spec 12.1, R1-R12 -----------------------------------------------------------------


def test_r1_spans_and_lead():
    result = parse("(a b  c)")
    assert result.errors == []
    (lst,) = result.forms
    assert (lst.kind, lst.start, lst.end) == ("list", 0, 8)
    assert [(n.src, n.start, n.end) for n in lst.forms()] == [
        ("a", 1, 2), ("b", 3, 4), ("c", 6, 7)]
    assert [lead for lead, _ in lst.slots()] == ["", " ", "  "]


def test_r2_quote_is_one_node():
    result = parse("'x")
    (node,) = result.forms
    assert (node.kind, node.start, node.end) == ("quote", 0, 2)
    (inner,) = node.forms()
    assert (inner.src, inner.start, inner.end) == ("x", 1, 2)
    forms, _ = read_forms("'x")
    assert forms == [SList([Symbol("quote"), Symbol("x")])]


def test_r3_vector_of_literals():
    (v,), errors = read_forms('[1 -2 3.5 1/2 "s" :k nil true \\a]')
    assert errors == []
    assert type(v) is SVector
    expected = [1, -2, 3.5, Fraction(1, 2), "s", Keyword("k"), None, True, Char("a")]
    assert list(v) == expected
    assert [type(x) for x in v] == [type(x) for x in expected]


def test_r4_map():
    (m,), _ = read_forms("{:a 1, :b 2}")
    assert type(m) is SMap and m == SMap([(Keyword("a"), 1), (Keyword("b"), 2)])
    assert pr(m) == "{:a 1, :b 2}"


def test_r5_duplicate_set_element():
    _, errors = read_forms("#{1 1}")
    assert [e.message for e in errors] == ["Duplicate key: 1"]


def test_r6_string_escapes():
    (s,), _ = read_forms(r'"a\nb\t\"q\""')
    assert s == 'a\nb\t"q"' and len(s) == 7


def test_r7_leading_comment_is_the_lead():
    result = parse("; note\n(+ 1 2) ; tail")
    assert result.errors == []
    ((lead, node),) = result.tree.slots()
    assert lead == "; note\n" and node.src == "(+ 1 2)"
    assert result.tree.close_trivia == " ; tail"


def test_r8_anonymous_function():
    (f,), _ = read_forms("#(+ % %2)")
    p1, p2 = Symbol("%1"), Symbol("%2")
    assert f == SList([Symbol("fn*"), SVector([p1, p2]), SList([Symbol("+"), p1, p2])])


def test_r9_quasiquote():
    (f,), _ = read_forms("`(a ~b ~@c)")
    q, uq, uqs = Symbol("quasiquote"), Symbol("unquote"), Symbol("unquote-splicing")
    a, b, c = Symbol("a"), Symbol("b"), Symbol("c")
    assert f == SList([q, SList([a, SList([uq, b]), SList([uqs, c])])])


def test_r10_number_syntaxes():
    forms, errors = read_forms("0x1F 017 2r101 4/2 1.5M")
    assert errors == []
    assert forms == [31, 15, 5, 2, Decimal("1.5")]
    assert [type(x) for x in forms] == [int, int, int, int, Decimal]


def test_r11_invalid_octal():
    assert [e.message for e in parse("08").errors] == ["Invalid number: 08"]


def test_r12_mismatched_closer():
    assert parse("(a]").errors[0].message == "Unmatched delimiter: ]"


# --- the tree -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "", "   ", "(a b  c)", "; c\n(x [1 2] {:a #{3}}) ; t\n", "'x `(a ~b ~@c) @d ^:m e",
    "#_ #_ a b c", "(a]", ")", '"abc', "#(f %)", "(foo ')", "[a {b", "#'x #) #",
    "\\", "x #!rest\ny", "\x00(\ud800) 😀",
])
def test_tree_text_is_the_input(text):
    result = parse(text)
    assert result.tree.text() == text
    pieces = list(iter_tokens(result.tree))
    assert "".join(text[s:e] for _, s, e in pieces) == text
    assert all(kind != UNPARSED for kind, _, _ in pieces)


def test_tokens_classify_trivia_and_comments():
    text = "(a ; one\n #! two\n, b)"
    result = parse(text)
    kinds = [(kind, text[s:e]) for kind, s, e in result.tokens()]
    assert kinds == [("open", "("), ("symbol", "a"), (WHITESPACE, " "), (COMMENT, "; one"),
                     (WHITESPACE, "\n "), (COMMENT, "#! two"), (WHITESPACE, "\n, "),
                     ("symbol", "b"), ("close", ")")]
    assert [text[s:e] for s, e in result.comments] == ["; one", "#! two"]


def test_node_kinds_and_values():
    result = parse('x :k 1 "s" \\c #"r" nil true')
    assert [(n.kind, type(n)) for n in result.forms] == [
        ("symbol", Token), ("keyword", Token), ("number", Token), ("string", Token),
        ("char", Token), ("regex", Token), ("nil", Token), ("boolean", Token)]


def test_error_nodes_keep_the_text_and_read_as_nothing():
    result = parse("(a ] 08 b)")
    (lst,) = result.forms
    errors = [c for c in lst.children if type(c) is ErrorToken]
    assert [(e.kind, e.src, e.message) for e in errors] == [
        (ERROR, "]", "Unmatched delimiter: ]"), (ERROR, "08", "Invalid number: 08")]
    assert [n.src for n in lst.forms()] == ["a", "b"]


def test_branch_open_close_and_close_trivia():
    result = parse("#{1 2 ;c\n}")
    (s,) = result.forms
    assert (s.open, s.close, s.close_trivia) == ("#{", "}", " ;c\n")
    (unclosed,) = parse("[1 2 ").forms
    assert (unclosed.open, unclosed.close, unclosed.close_trivia) == ("[", "", " ")
    assert unclosed.end == 5


def test_line_and_column_positions():
    text = "(a\r\n  b)\n\u00e9 c\rd"
    result = parse(text)
    b = result.forms[0].forms()[1]
    assert (b.src, b.line, b.col, b.end_line, b.end_col) == ("b", 1, 2, 1, 3)
    c = result.forms[2]
    assert (c.src, c.line, c.col) == ("c", 2, 2)
    d = result.forms[3]
    assert (d.line, d.col) == (3, 0)
    assert result.position(len(text)) == (3, 1)


def test_node_at_returns_the_enclosing_path():
    result = parse("(a [b c] d)")
    path = result.node_at(4)
    assert [n.src for n in path] == ["(a [b c] d)", "[b c]", "b"]
    assert result.node_at(100) == []


def test_every_error_in_a_text_is_reported():
    text = '(def x 08)\n(str "\\q")\n{:a}\n#{1 1}\n::k\n]\n(unclosed'
    messages = [e.message for e in parse(text).errors]
    assert messages == [
        "Invalid number: 08", "Unsupported escape character: \\q",
        "Map literal must contain an even number of forms", "Duplicate key: 1",
        "Invalid token: ::k", "Unmatched delimiter: ]", "EOF while reading"]


def test_reading_continues_after_an_unterminated_string_only_to_eof():
    result = parse('(a "b c) (d)')
    assert [e.message for e in result.errors] == ["EOF while reading string",
                                                  "EOF while reading"]
    assert result.tree.text() == '(a "b c) (d)'


def test_nesting_limit_is_an_error_not_a_crash():
    deep = "(" * (MAX_DEPTH + 10) + ")" * (MAX_DEPTH + 10)
    result = parse(deep)
    assert [e.message for e in result.errors] == [TOO_DEEP]
    assert result.errors[0].start == MAX_DEPTH - 1
    assert result.tree.text() == deep
    forms, errors = read_forms(deep)
    assert forms == [] and errors == result.errors
    ok = "(" * (MAX_DEPTH - 1) + ")" * (MAX_DEPTH - 1)
    assert parse(ok).errors == [] and len(read_forms(ok)[0]) == 1


def test_deep_quotes_and_maps_are_limited_too():
    assert [e.message for e in parse("'" * 1000 + "x").errors] == [TOO_DEEP]
    deep_key = "#{" + "[" * 600 + "]" * 600 + " 1}"
    assert [e.message for e in parse(deep_key).errors] == [TOO_DEEP]


def test_odd_inputs_never_raise():
    for text in ["\x00", "\ud800\udfff", "#", "\\", "^", "#_", "~@", "#(", "#{", '#"',
                 '"\\', "\\u", "(" * 5000, ")" * 5000, "[" + "]" * 3, "\x00" * 1000]:
        result = parse(text)
        assert result.tree.text() == text


def test_big_string_literal_is_one_token():
    body = ("line with \\\"quotes\\\" and \\\\ backslash\\n" * 50_000)
    text = f'(def out "{body}")'
    result = parse(text)
    assert result.errors == []
    string = result.forms[0].forms()[2]
    assert (string.kind, string.start, string.end) == ("string", 9, len(text) - 1)
    assert string.value == 'line with "quotes" and \\ backslash\n' * 50_000


def test_big_integers_read_exactly():
    digits = "9" * 10_000
    forms, errors = read_forms(f"{digits} -{digits} {digits}N 0x{'F' * 5000}")
    n = 10 ** 10_000 - 1
    assert errors == [] and forms == [n, -n, n, 16 ** 5000 - 1]


def test_symbols_are_interned_and_keywords_hold_their_name():
    a, b, k = read_forms("foo foo :ns/k")[0]
    assert a is b is Symbol("foo")
    assert k is Keyword("ns/k") and k.namespace == "ns" and k.local_name == "k"


def test_set_and_map_values():
    (s, m), _ = read_forms("#{1 :a} {[1] {}}")
    assert type(s) is SSet and s == SSet([1, Keyword("a")])
    assert m.get(SVector([1])) == SMap()


def test_incomplete_branch_is_not_a_form():
    result = parse("(a ')")
    (lst,) = result.forms
    (quote,) = [c for c in lst.children if isinstance(c, Branch)]
    assert quote.need == 1 and lst.forms()[-1].src == "a"


def test_line_index_converts_both_ways():
    index = LineIndex("ab\r\ncd\re\n")
    assert index.starts == [0, 4, 7, 9]
    assert [index.position(o) for o in (0, 2, 4, 6, 7, 9, 99)] == [
        (0, 0), (0, 2), (1, 0), (1, 2), (2, 0), (3, 0), (3, 0)]
    assert [index.offset(line, col) for line, col in ((0, 1), (0, 9), (1, 1), (2, 5), (3, 0),
                                                      (7, 0), (-1, 3))] == [1, 2, 5, 8, 9, 9, 0]
