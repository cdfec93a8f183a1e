"""Property tests: the reader never fails on any text, and `pr` output reads back."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.syntax.lenient import ReaderError, read_lenient, repair
from spell_lsp.syntax.lower import read_forms, read_one
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.reader import UNPARSED, Branch, iter_tokens, parse
from spell_lsp.syntax.values import (
    Char, Keyword, Regex, SList, SMap, SSet, SVector, Symbol, spell_eq,
)

PROPERTY = settings(max_examples=300, deadline=None)

# --- arbitrary text ---------------------------------------------------------------------------

_any_char = st.characters(exclude_categories=())  # surrogates included
_PIECES = ["(", ")", "[", "]", "{", "}", "#{", "#(", '"', "\\", "'", "`", "~", "~@", "@",
           "^", "#", "#_", "##", "#!", '#"', ";", "%", "%1", "%&", ":", "::", ",", " ", "\n",
           "\r", "\t", "\x00", "😀", "\ud800", "a", "x/y", "1", "0x", "1/0", "08", "1.5M",
           "nil", "\\u", "\\o", "\\n", "\\e", "\\u12", "/", "//", "*/"]
spellish_text = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
number_text = st.lists(st.sampled_from(list("0123456789+-./eEMNxXrRaZ ") + ["9" * 30]),
                       max_size=30).map("".join)
byte_text = st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape"))
any_text = st.one_of(st.text(_any_char, max_size=200), byte_text, spellish_text, number_text)


def _assert_tree_is_lossless(text: str) -> None:
    result = parse(text)
    assert result.tree.text() == text
    pos = 0
    for kind, start, end in iter_tokens(result.tree):
        assert kind != UNPARSED and start == pos and end >= start
        pos = end
    assert pos == len(text)
    for error in result.errors:
        assert 0 <= error.start <= error.end <= len(text)
    _assert_children_nest(result.tree)


def _assert_children_nest(node: Branch) -> None:
    stack = [node]
    while stack:
        branch = stack.pop()
        pos = branch.open_end
        for child in branch.children:
            assert pos <= child.start <= child.end <= branch.end
            pos = child.end
            if isinstance(child, Branch):
                stack.append(child)


@PROPERTY
@given(any_text)
def test_parse_never_raises_and_is_lossless(text):
    _assert_tree_is_lossless(text)


@PROPERTY
@given(any_text)
def test_strict_and_lenient_reads_fail_only_with_reader_errors(text):
    forms, errors = read_forms(text)
    assert isinstance(forms, list) and isinstance(errors, list)
    try:
        result = read_lenient(text)
    except ReaderError as error:
        assert 0 <= error.start <= error.end
    else:
        assert result.text == repair(text) or len(result.text) == len(repair(text)) - 1


@PROPERTY
@given(any_text)
def test_error_free_text_prints_to_text_that_reads_the_same(text):
    forms, errors = read_forms(text)
    if errors:
        return
    printed = " ".join(pr(f) for f in forms)
    again, errors_again = read_forms(printed)
    assert errors_again == []
    assert " ".join(pr(f) for f in again) == printed


# --- printable values -------------------------------------------------------------------------

_NAME = r"[a-zA-Z*+!?<>=_&$|-][a-zA-Z0-9*+!?<>=_&$|'#%.-]{0,8}"
_name = st.from_regex(rf"{_NAME}(/{_NAME})?", fullmatch=True)


def _is_symbol_text(name: str) -> bool:
    reserved = name in ("nil", "true", "false")
    number_like = name[0] in "+-" and len(name) > 1 and name[1].isdigit()
    return not reserved and not number_like


symbols = _name.filter(_is_symbol_text).map(Symbol)
keywords = _name.map(Keyword)
ratios = st.builds(Fraction, st.integers(-10 ** 30, 10 ** 30),
                   st.integers(1, 10 ** 20)).map(
    lambda r: r.numerator if r.denominator == 1 else r)
decimals = st.decimals(allow_nan=False, allow_infinity=False)
huge_ints = st.integers(1, 3).map(lambda k: (-7) ** (6000 * k))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), huge_ints, ratios,
    st.floats(allow_nan=False), decimals, st.text(_any_char, max_size=30),
    _any_char.map(Char), keywords, symbols,
)


def _collections(children):
    keys = st.one_of(scalars, st.lists(scalars, max_size=3).map(SVector))
    return st.one_of(
        st.lists(children, max_size=5).map(SList),
        st.lists(children, max_size=5).map(SVector),
        st.lists(st.tuples(keys, children), max_size=4).map(SMap),
        st.lists(keys, max_size=4).map(SSet),
    )


values = st.recursive(scalars, _collections, max_leaves=20)


@PROPERTY
@given(values)
def test_printed_values_read_back_equal(value):
    text = pr(value)
    back = read_one(text)
    assert spell_eq(back, value)
    assert pr(back) == text  # also tells lists from vectors and 0.0 from -0.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.floats(), values), max_size=3).map(SVector))
def test_printing_is_stable_with_nan_and_infinities(value):
    text = pr(value)
    assert pr(read_one(text)) == text


@PROPERTY
@given(st.from_regex(r"(?:[a-z\d+*.()\[\]|?^$\"]|\\[a-z\\.\"]){0,12}", fullmatch=True))
def test_regex_literals_keep_their_pattern(pattern):
    back = read_one(pr(Regex(pattern)))
    assert type(back) is Regex and back.source == _escape_bare_quotes(pattern)


def _escape_bare_quotes(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append('\\"' if pattern[i] == '"' else pattern[i])
            i += 1
    return "".join(out)


def test_decimal_and_ratio_edge_values_read_back():
    for value in (Decimal("-0"), Decimal("1E+999"), Decimal("0E-7"), Fraction(-1, 10 ** 40)):
        back = read_one(pr(value))
        assert spell_eq(back, value) and pr(back) == pr(value)
