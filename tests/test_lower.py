"""Lowering: forms carry `FormSyntax` records; strict `read_one` / `read_first`."""

from __future__ import annotations

import pytest

from spell_lsp.syntax.lower import (
    FormSyntax, ReaderError, lower, read_first, read_forms, read_one,
)
from spell_lsp.syntax.reader import parse
from spell_lsp.syntax.values import Keyword, SList, SMap, SSet, SVector, Symbol


def _syntax(form) -> tuple:
    s = form.syntax
    return (s.src, s.open, s.close_trivia, s.close, s.start, s.end, s.slots)


def test_list_syntax_record():
    (f,), _ = read_forms("  (a  b ; c\n 0x1F ) ")
    assert isinstance(f.syntax, FormSyntax)
    assert _syntax(f) == ("(a  b ; c\n 0x1F )", "(", " ", ")", 2, 19,
                          [("", "a"), ("  ", "b"), (" ; c\n ", "0x1F")])


def test_vector_map_and_set_records():
    (v, m, s), _ = read_forms("[1,2] {:a 1, :b [2]} #{:x}")
    assert _syntax(v) == ("[1,2]", "[", "", "]", 0, 5, [("", "1"), (",", "2")])
    assert _syntax(m)[:4] == ("{:a 1, :b [2]}", "{", "", "}")
    assert m.syntax.slots == [("", ":a"), (" ", "1"), (", ", ":b"), (" ", "[2]")]
    assert m.get(Keyword("b")).syntax.src == "[2]"
    assert _syntax(s) == ("#{:x}", "#{", "", "}", 21, 26, [("", ":x")])


def test_discards_and_comments_are_part_of_the_lead():
    (f,), _ = read_forms("(a #_(b c) ;; note\n d)")
    assert f.syntax.slots == [("", "a"), (" #_(b c) ;; note\n ", "d")]
    assert f == SList([Symbol("a"), Symbol("d")])


def test_quote_sugar_record_spans_the_sugar():
    (f,), _ = read_forms("'(1 2)")
    assert f == SList([Symbol("quote"), SList([1, 2])])
    assert _syntax(f) == ("'(1 2)", "'", "", "", 0, 6, [("", ""), ("", "(1 2)")])
    assert f[1].syntax.src == "(1 2)"


@pytest.mark.parametrize("text,open_", [
    ("`x", "`"), ("~x", "~"), ("~@x", "~@"), ("@x", "@"), ("' x", "'")])
def test_other_sugar_records(text, open_):
    (f,), _ = read_forms(text)
    assert f.syntax.src == text and f.syntax.open == open_
    assert f.syntax.slots[1][1] == "x"


def test_metadata_is_dropped_but_kept_in_the_parent_slot():
    (f,), _ = read_forms("[^:private [1] 2]")
    assert f == SVector([SVector([1]), 2])
    assert f.syntax.slots == [("", "^:private [1]"), (" ", "2")]
    assert f[0].syntax.src == "[1]"


def test_anonymous_function_record():
    (f,), _ = read_forms("#(+ % 1)")
    assert f.syntax.src == "#(+ % 1)" and f.syntax.open == "#(" and f.syntax.close == ")"
    assert f.syntax.slots == [("", "")] * 3
    assert f[1].syntax is None and f[2].syntax is None


def test_unclosed_container_has_empty_close():
    (f,), errors = read_forms("(a b ")
    assert [e.message for e in errors] == ["EOF while reading"]
    assert (f.syntax.close, f.syntax.close_trivia, f.syntax.end) == ("", " ", 5)


def test_atoms_and_built_forms_have_no_syntax():
    assert SList([1]).syntax is None and SMap().syntax is None and SSet().syntax is None
    (v,), _ = read_forms("[1]")
    assert v == SVector([1]) and hash(v) == hash(SVector([1]))


def test_syntax_position_uses_lines_and_columns():
    (_, f), _ = read_forms("x\n  (a\n b)")
    assert f.syntax.position() == (1, 2, 2, 3)


def test_lower_single_node():
    result = parse("x [1 {2 3}]")
    value = lower(result.forms[1])
    assert value == SVector([1, SMap([(2, 3)])]) and value[1].syntax.src == "{2 3}"


def test_read_one_returns_the_first_form_and_ignores_the_rest():
    assert read_one("(+ 1 2) ) ) 08") == SList([Symbol("+"), 1, 2])
    assert read_first("  [1] tail") == (SVector([1]), 5)
    assert read_one("#_skipped ;c\n :k") == Keyword("k")


@pytest.mark.parametrize("text,message,start,end", [
    ("", "EOF while reading", 0, 0),
    ("  ; only a comment", "EOF while reading", 18, 18),
    ("(a]", "Unmatched delimiter: ]", 2, 3),
    (") (a)", "Unmatched delimiter: )", 0, 1),
    ("(a b", "EOF while reading", 0, 1),
    ('"abc', "EOF while reading string", 0, 1),
    ("#{1 1} x", "Duplicate key: 1", 4, 5),
    ("#_08 x", "Invalid number: 08", 2, 4),
    ("(f \"\\e\")", "Unsupported escape character: \\e", 4, 6),
])
def test_read_one_errors(text, message, start, end):
    with pytest.raises(ReaderError) as info:
        read_one(text)
    assert (info.value.message, info.value.start, info.value.end) == (message, start, end)
    assert str(info.value) == message


def test_read_forms_returns_every_form_and_error():
    forms, errors = read_forms("1 (2 ] 3) 4")
    assert forms == [1, SList([2, 3]), 4]
    assert [(e.message, e.start) for e in errors] == [("Unmatched delimiter: ]", 5)]
