"""The lenient pipeline for model text (spec 2.6), vectors R13-R18 and each step."""

from __future__ import annotations

import pytest

from spell_lsp.syntax.lenient import (
    balance_delimiters, read_lenient, repair, repair_comment_markers, repair_string_escapes,
    strip_code_fences, strip_echoed_prefix,
)
from spell_lsp.syntax.lower import ReaderError, read_one
from spell_lsp.syntax.values import SList, SVector, Symbol

# --- spec 12.1, R13-R18 ---------------------------------------------------------------------


def test_r13_missing_closers_are_appended():
    result = read_lenient("(do (think \"x\") '(!extend")
    assert result.text == "(do (think \"x\") '(!extend))"
    assert result.form == read_one(result.text)
    assert result.warnings == []


def test_r14_delimiters_inside_strings_do_not_count():
    result = read_lenient('(str "(" [1 2')
    assert result.text == '(str "(" [1 2])'
    assert result.form == SList([Symbol("str"), "(", SVector([1, 2])])


def test_r15_invalid_escape_lenient_and_strict():
    result = read_lenient('(f "\\equiv")')
    assert result.form[1] == "\\equiv" and len(result.form[1]) == 6
    with pytest.raises(ReaderError, match=r"Unsupported escape character: \\e"):
        read_one('(f "\\equiv")')


def test_r16_text_after_the_first_form_is_a_warning():
    result = read_lenient("(+ 1 2))")
    assert result.form == SList([Symbol("+"), 1, 2])
    assert result.warnings == ["ignored text after the first form: )"]


def test_r17_foreign_comment_marker():
    assert repair_comment_markers("  // see below") == "  ;/ see below"
    result = read_lenient("(do 1\n  // see below\n 2)")
    assert result.form == SList([Symbol("do"), 1, 2])


def test_r18_code_fences():
    assert strip_code_fences("```clojure\n(x)\n```") == "(x)"


# --- transport clean-up ---------------------------------------------------------------------


@pytest.mark.parametrize("response,expected", [
    ("  ```\n(a)\n(b)\n```  \n", "(a)\n(b)"),
    ("```spell\n(a \"```\")\n```\ntrailing words", '(a "```")'),
    ("```\n(a \"```\")", '(a "'),
    ("```", ""),
    ("```\n(a)", "(a)"),
    ("(a) ```not a fence```", "(a) ```not a fence```"),
    ("  (a)  ", "  (a)  "),
])
def test_strip_code_fences(response, expected):
    assert strip_code_fences(response) == expected


@pytest.mark.parametrize("response,prefix,expected", [
    ("(quine c (eval (do (x)))", "(quine c (eval (do ", "(x)))"),
    ("  (quine c (eval (do(x)))", "(quine c (eval (do ", "(x)))"),
    ("(x)))", "(quine c (eval (do ", "(x)))"),
    ("(x)", "", "(x)"),
])
def test_strip_echoed_prefix(response, prefix, expected):
    assert strip_echoed_prefix(response, prefix) == expected


# --- repair steps ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("// a\n(x)\n/* b\n */ c", ";/ a\n(x)\n;* b\n ;/ c"),
    ("\t//x", "\t;/x"),
    ('(a "\n// not a comment\n")', '(a "\n// not a comment\n")'),
    ("(a) // trailing", "(a) // trailing"),
    ('// has "a quote\n(b "c")', ';/ has "a quote\n(b "c")'),
    ("(a\n  //x \"y\n  // z)", "(a\n  ;/x \"y\n  ;/ z)"),
    ("x;\n// y", "x;\n;/ y"),
    ("a/b\n/c", "a/b\n/c"),
])
def test_repair_comment_markers(text, expected):
    assert repair_comment_markers(text) == expected


@pytest.mark.parametrize("text,expected", [
    ('"\\equiv"', '"\\\\equiv"'),
    ('"a\\nb\\t\\\\c\\"d\\u0041\\101"', '"a\\nb\\t\\\\c\\"d\\u0041\\101"'),
    ('"\\\\e"', '"\\\\e"'),
    ('"\\q\\w"', '"\\\\q\\\\w"'),
    ('"\\u12" "\\400"', '"\\\\u12" "\\\\400"'),
    ('#"\\d+" \\a "\\d"', '#"\\d+" \\a "\\\\d"'),
    ('; "\\e"\n"\\e"', '; "\\e"\n"\\\\e"'),
    ('"unterminated \\e', '"unterminated \\\\e'),
])
def test_repair_string_escapes(text, expected):
    assert repair_string_escapes(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("(a [b {c", "(a [b {c}])"),
    ("#{1 #(f %", "#{1 #(f %)}"),
    ("(a ; (((\n", "(a ; (((\n)"),
    ("(a \\( \\[", "(a \\( \\[)"),
    ('(a "unterminated (', '(a "unterminated ('),
    ("(a]", "(a])"),
    ("(a))]", "(a))]"),
    ("[(a] b", "[(a] b)]"),
    ('(a #"[" #! ((\n', '(a #"[" #! ((\n)'),
    ("", ""),
])
def test_balance_delimiters(text, expected):
    assert balance_delimiters(text) == expected


def test_repair_runs_steps_in_order():
    text = '(do\n  // plan\n  (f "\\equiv" [1'
    assert repair(text) == '(do\n  ;/ plan\n  (f "\\\\equiv" [1]))'


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [") ", "(a ')", "#_x)"])
def test_trailing_unmatched_closer_is_dropped_and_read_again(text):
    # Balancing runs first, so the retry cannot rescue these texts, but it must happen:
    # the error comes from reading the text without its last closer.
    with pytest.raises(ReaderError, match="^EOF while reading$"):
        read_lenient(text)


def test_unmatched_closer_not_at_the_end_is_not_dropped():
    with pytest.raises(ReaderError, match=r"Unmatched delimiter: \]"):
        read_lenient("(do (f x)]")


def test_failing_text_raises_reader_error():
    with pytest.raises(ReaderError, match="EOF while reading string"):
        read_lenient('(a "b')
    with pytest.raises(ReaderError, match="Invalid number: 08"):
        read_lenient("(a 08)")


def test_trailing_comments_are_not_ignored_text():
    assert read_lenient("(a) ; done\n").warnings == []
    assert read_lenient("(a) (b)").warnings == ["ignored text after the first form: (b)"]


def test_spans_refer_to_the_repaired_text():
    result = read_lenient("(a [1")
    assert result.text == "(a [1])"
    assert result.form.syntax.src == "(a [1])" and result.form[1].syntax.src == "[1]"
