"""String and regex builtins: str, pr-str, subs, format, read-string, re-find/matches/seq."""

from decimal import Decimal as D
from fractions import Fraction as F
import math

import pytest
from hypothesis import given, settings, strategies as st

import spell_lsp.lang.builtins  # noqa: F401  (registers the builtins)
from spell_lsp.lang.errors import BuiltinError
from spell_lsp.lang.table import TABLE
from spell_lsp.syntax.values import (
    Char, Regex, SList, SMap, SSet, SVector, kw, sym,
)


def call(name, *args):
    return TABLE[name].impl.fn(*args)


def detail(name, *args):
    with pytest.raises(BuiltinError) as info:
        call(name, *args)
    return info.value.detail


# ---------------------------------------------------------------------------------------
# str, pr-str, subs


@pytest.mark.parametrize("args,expected", [
    ((None, "a", 1, kw("k"), SVector([1, "b"])), 'a1:k[1 "b"]'),
    ((), ""),
    ((None,), ""),
    ((Char("x"), "y"), "xy"),
    ((sym("ns/s"), F(1, 2), 1.5, D("2.50")), "ns/s1/21.52.50M"),
    ((1e21, 1e-7, math.inf, math.nan), "1.0E211.0E-7##Inf##NaN"),
    ((SVector(["a"]),), '["a"]'),
    ((SMap([(kw("a"), None)]), SSet([1]), SList()), "{:a nil}#{1}()"),
    ((Regex("a\\d"),), "a\\d"),
    ((True, False), "truefalse"),
])
def test_str(args, expected):
    assert call("str", *args) == expected
    assert call("cat", *args) == expected


@pytest.mark.parametrize("args,expected", [
    ((SMap([(kw("a"), "x")]), None), '{:a "x"} nil'),
    ((), ""),
    (("a\nb", Char("c"), Char(" ")), '"a\\nb" \\c \\space'),
    ((SList([sym("quote"), sym("x")]),), "'x"),
    ((1, 2.0, F(1, 3)), "1 2.0 1/3"),
])
def test_pr_str(args, expected):
    assert call("pr-str", *args) == expected


@pytest.mark.parametrize("args,expected", [
    (("hello", 1), "ello"), (("hello", 1, 3), "el"), (("hello", 5), ""), (("hello", 0, 0), ""),
    (("héllo", 1, 2), "é"),
])
def test_subs(args, expected):
    assert call("subs", *args) == expected


@pytest.mark.parametrize("args,expected", [
    (("hello", 4, 9), "range 4..9 is outside a string of length 5"),
    (("hello", 3, 2), "range 3..2 is outside a string of length 5"),
    (("hello", -1), "range -1..5 is outside a string of length 5"),
    (("hello", 1.0), "expected an integer index, got number 1.0"),
    ((None, 0), "expected a string, got nil"),
])
def test_subs_misuse(args, expected):
    assert detail("subs", *args) == expected


# ---------------------------------------------------------------------------------------
# format


FORMAT = [
    ("%s and %s", ("a", 1), "a and 1"),
    ("%s|%s|%s", (None, kw("k"), SVector(["q"])), '|:k|["q"]'),
    ("%d", (42,), "42"),
    ("%d", (-(10 ** 25),), "-10000000000000000000000000"),
    ("%5d|%-5d|%05d", (42, 42, -42), "   42|42   |-0042"),
    ("%+d % d %+d", (5, 5, -5), "+5  5 -5"),
    ("%,d %,d", (1234567, -1000), "1,234,567 -1,000"),
    ("%f", (3.14159,), "3.141590"),
    ("%.2f", (3.14159,), "3.14"),
    ("%.1f %.2f %.0f %.0f", (0.25, 1.005, 2.5, -2.5), "0.3 1.01 3 -3"),
    ("%.3f %.2f %.1f", (F(1, 3), D("2.675"), 7), "0.333 2.68 7.0"),
    ("%8.3f|%-8.2f|%08.2f", (3.14159, 2.5, -3.14159), "   3.142|2.50    |-0003.14"),
    ("%,.2f", (1234567.891,), "1,234,567.89"),
    ("%+.1f", (2.0,), "+2.0"),
    ("%.1f", (-0.04,), "-0.0"),
    ("%f %f %f", (math.inf, -math.inf, math.nan), "Infinity -Infinity NaN"),
    ("%e", (12345.678,), "1.234568e+04"),
    ("%.2e %.0e %E", (0.0, 9.5, 1e-10), "0.00e+00 1e+01 1.000000E-10"),
    ("%.3e", (-0.00012345,), "-1.235e-04"),
    ("%.2e", (9.999,), "1.00e+01"),
    ("%x %X %o", (255, 255, 8), "ff FF 10"),
    ("%x %o", (-1, -8), "ffffffffffffffff 1777777777777777777770"),
    ("%x", (-(2 ** 70),), "-400000000000000000"),
    ("%04x", (10,), "000a"),
    ("%c%c%c", (Char("a"), 66, 0x1F600), "aB\U0001F600"),
    ("%b %b %b %b", (None, False, 0, ""), "false false true true"),
    ("%B", (True,), "TRUE"),
    ("%S", ("abc",), "ABC"),
    ("%.3s|%5s|%-5s|", ("abcdef", "ab", "ab"), "abc|   ab|ab   |"),
    ("a%nb%%c", (), "a\nb%c"),
    ("%2$s %1$s %s", ("a", "b"), "b a a"),
    ("no specifiers", (1, 2), "no specifiers"),
    ("100%%", (), "100%"),
]


@pytest.mark.parametrize("fmt,args,expected", FORMAT)
def test_format(fmt, args, expected):
    assert call("format", fmt, *args) == expected


@pytest.mark.parametrize("fmt,args,expected", [
    ("%s %s", ("a",), "no argument left for %s"),
    ("%q", (1,), "unknown conversion %q"),
    ("%D", (1,), "unknown conversion %D"),
    ("%d", (1.5,), "%d needs an integer, got number 1.5"),
    ("%x", ("1",), '%x needs an integer, got string "1"'),
    ("%.2f", ("3.1",), '%.2f needs a number, got string "3.1"'),
    ("%c", ("ab",), '%c needs a character, got string "ab"'),
    ("50%", (), 'incomplete format specifier "%"'),
    ("%3$s", ("a",), "no argument left for %3$s"),
])
def test_format_misuse(fmt, args, expected):
    assert detail("format", fmt, *args) == expected


def test_format_needs_a_string():
    assert detail("format", kw("f")) == "expected a string, got keyword :f"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10 ** 40), max_value=10 ** 40), st.integers(0, 30))
def test_format_d_agrees_with_python(n, width):
    assert call("format", f"%{width}d|%,d", n, n) == f"{n:{width}d}|{n:,d}"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10 ** 12), max_value=10 ** 12), st.integers(0, 6))
def test_format_f_on_exact_numbers_is_exact(cents, places):
    value = F(cents, 100)
    text = call("format", f"%.{places}f", value)
    assert abs(F(text) - value) <= F(1, 2 * 10 ** places)


# ---------------------------------------------------------------------------------------
# Regexes


REGEX = [
    ("re-find", "\\d+", "ab12cd34", "12"),
    ("re-find", Regex("\\d+"), "ab12cd34", "12"),
    ("re-find", "(\\w)(\\d)", "ab12", SVector(["b1", "b", "1"])),
    ("re-find", "(a)|(b)", "b", SVector(["b", None, "b"])),
    ("re-find", "z", "abc", None),
    ("re-find", "(?<year>\\d{4})-(?<month>\\d\\d)", "on 2024-05-01",
     SVector(["2024-05", "2024", "05"])),
    ("re-find", "(?i)ABC", "xabcx", "abc"),
    ("re-matches", "\\d+", "12a", None),
    ("re-matches", "\\d+", "123", "123"),
    ("re-matches", "(\\d+)([a-z])", "12a", SVector(["12a", "12", "a"])),
    ("re-matches", "a|ab", "ab", "ab"),
    ("re-seq", "\\d", "a1b2", SVector(["1", "2"])),
    ("re-seq", "(\\w)=(\\d)", "a=1, b=2", SVector([SVector(["a=1", "a", "1"]),
                                                   SVector(["b=2", "b", "2"])])),
    ("re-seq", "x", "abc", SVector()),
    ("re-seq", "\\d*", "a1", SVector(["", "1", ""])),
]


@pytest.mark.parametrize("name,pattern,s,expected", REGEX)
def test_regexes(name, pattern, s, expected):
    result = call(name, pattern, s)
    assert result == expected and type(result) is type(expected)


def test_re_seq_returns_a_vector():
    assert type(call("re-seq", "a", "aa")) is SVector


@pytest.mark.parametrize("name,args,expected", [
    ("re-find", ("(", "x"), 'invalid regex "(": missing ) at position 1'),
    ("re-find", (1, "x"), "expected a regex or a pattern string, got number 1"),
    ("re-matches", ("a", None), "expected a string, got nil"),
    ("re-seq", ("a", kw("a")), "expected a string, got keyword :a"),
])
def test_regex_misuse(name, args, expected):
    assert detail(name, *args) == expected


def test_java_regex_syntax_models_write_is_understood():
    assert call("re-find", r"\p{L}+", "héllo1") == "héllo"
    assert call("re-find", r"(?<year>\d{4})-", "in 2024-") == SVector(["2024-", "2024"])
    assert call("re-seq", "a++", "aab aa") == SVector(["aa", "aa"])


# ---------------------------------------------------------------------------------------
# read-string (the strict reader lives in the syntax layer)


def test_read_string_reads_the_first_form():
    assert call("read-string", "(+ 1 2)") == SList([sym("+"), 1, 2])
    assert call("read-string", '{:a [1 "x"]}') == SMap([(kw("a"), SVector([1, "x"]))])
    assert call("read-string", "42") == 42


def test_read_string_reports_reader_errors():
    assert detail("read-string", "(a]") == "Unmatched delimiter: ]"
    assert detail("read-string", 5) == "expected a string, got number 5"
