"""The printer (`pr`, spec 3.4) and `str` rendering (spec 3.5)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from spell_lsp.lang.table import Builtin, arity
from spell_lsp.syntax.lower import read_one
from spell_lsp.syntax.printer import int_text, pr, str_of
from spell_lsp.syntax.values import (
    Char, Keyword, Regex, SList, SMap, SSet, SVector, Symbol, kw, sym, vector_with_line,
)


@pytest.mark.parametrize("value,text", [
    (None, "nil"), (True, "true"), (False, "false"),
    (0, "0"), (-42, "-42"), (2 ** 70, "1180591620717411303424"),
    (Fraction(-1, 2), "-1/2"), (Fraction(22, 7), "22/7"),
    (2.0, "2.0"), (1.5, "1.5"), (0.1, "0.1"), (-0.0, "-0.0"), (1e21, "1.0E21"),
    (1e7, "10000000.0"), (1e16, "1.0E16"), (1.5e-7, "1.5E-7"), (5e-324, "5.0E-324"),
    (float("inf"), "##Inf"), (float("-inf"), "##-Inf"), (float("nan"), "##NaN"),
    (Decimal("1.5"), "1.5M"), (Decimal("-1.50"), "-1.50M"), (Decimal("1E+3"), "1E+3M"),
    ("plain", '"plain"'), ('q"b\\s', '"q\\"b\\\\s"'),
    ("\n\t\r\f\b", '"\\n\\t\\r\\f\\b"'), ("\x00\x0b\u2028é😀", '"\x00\x0b\u2028é😀"'),
    (Char("a"), "\\a"), (Char("\n"), "\\newline"), (Char(" "), "\\space"),
    (Char("\t"), "\\tab"), (Char("\r"), "\\return"), (Char("\b"), "\\backspace"),
    (Char("\f"), "\\formfeed"), (Char("\x00"), "\\u0000"), (Char("\x7f"), "\\u007F"),
    (Char("("), "\\("), (Char("é"), "\\é"),
    (kw("k"), ":k"), (kw("ns/name"), ":ns/name"), (sym("io/ls"), "io/ls"), (sym("/"), "/"),
    (SList(), "()"), (SList([1, sym("a"), "s"]), '(1 a "s")'),
    (SVector([1, SVector([2])]), "[1 [2]]"),
    (SMap([(kw("a"), 1), (kw("b"), 2)]), "{:a 1, :b 2}"), (SMap(), "{}"),
    (SSet([3, 1, 2]), "#{3 1 2}"), (SSet(), "#{}"),
    (Regex("a\\d+"), '#"a\\d+"'),
])
def test_pr_table(value, text):
    assert pr(value) == text


@pytest.mark.parametrize("value,text", [
    (SList([sym("quote"), sym("x")]), "'x"),
    (SList([sym("quasiquote"), SList([sym("a"), SList([sym("unquote"), sym("b")])])]),
     "`(a ~b)"),
    (SList([sym("unquote-splicing"), sym("xs")]), "~@xs"),
    (SList([sym("quote"), SList([1, 2])]), "'(1 2)"),
    (SList([sym("quote")]), "(quote)"),
    (SList([sym("quote"), 1, 2]), "(quote 1 2)"),
    (SList([sym("deref"), sym("x")]), "(deref x)"),
])
def test_sugar(value, text):
    assert pr(value) == text


def test_first_line_layout():
    form = SList([sym("first-line"), 9, SVector(["def f(x):", "    return x", ""])])
    assert pr(form) == '(first-line 9 [\n "def f(x):" ;  9\n "    return x" ; 10\n "" ; 11\n])'
    assert read_one(pr(form)) == form
    assert pr(SList([sym("first-line"), 3, SVector()])) == "(first-line 3 [])"


def test_first_line_needs_the_exact_shape():
    assert pr(SList([sym("first-line"), "9", SVector(["a"])])) == '(first-line "9" ["a"])'
    assert pr(SList([sym("first-line"), 9, SList(["a"])])) == '(first-line 9 ("a"))'


def test_line_numbered_vector_value_prints_as_a_vector():
    assert pr(vector_with_line(["a", "b"], 4)) == '["a" "b"]'


def test_functions_print_as_their_map_and_builtins_opaquely():
    fn = SMap([(kw("spell/fn"), True), (kw("params"), SVector([sym("x")])),
               (kw("body"), SList([sym("x")]))])
    assert pr(fn) == "{:spell/fn true, :params [x], :body (x)}"
    assert pr(SVector([Builtin("inc", lambda x: x + 1, arity(1))])) == "[#<fn inc>]"


def test_huge_integers_print_all_their_digits():
    n = 3 ** 30_000
    text = pr(-n)
    assert text.startswith("-") and len(text) == 14_315 and read_one(text) == -n
    assert int_text(10 ** 9000) == "1" + "0" * 9000
    assert pr(Fraction(n, 2)) == f"{int_text(n)}/2"


@pytest.mark.parametrize("value,text", [
    (None, ""), ("s", "s"), (Char("c"), "c"), (Regex("a+"), "a+"), (kw("k"), ":k"),
    (1.5, "1.5"), (Fraction(1, 3), "1/3"), (SVector(["a"]), '["a"]'), (True, "true"),
])
def test_str_of(value, text):
    assert str_of(value) == text


def test_printed_keyword_and_symbol_read_back():
    for value in (Keyword("a.b/c-d?"), Symbol("!llm-self"), Symbol("a/b/c"), Symbol("+'")):
        assert read_one(pr(value)) is value
