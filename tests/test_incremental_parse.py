"""Re-reading after an edit (syntax/incremental.py) equals reading the new text in full,
and reuses the parts the edit did not touch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.syntax.incremental import reparse
from spell_lsp.syntax.positions import LineIndex
from spell_lsp.syntax.reader import Branch, ErrorToken, FnLiteral, Node, Token, parse

PIECES = ["(", ")", "[", "]", "{", "}", "#{", "#(", '"', "\\", "'", "`", "~", "~@", "@",
          "^", "#", "#_", "##", "#!", '#"', ";", "%", "%1", ":", ",", " ", "\n", "\t",
          "😀", "\ud800", "\x00", "a", "io/read-lines", "1", "0x", "1/0", "nil", "\\u", "\\n",
          ":k", "(def x 1)", "'(!extend)", "{:a 1 :a 2}", "#{1 1}", "#(+ % 1)", '"s"']
BASE = ('(quine completion (eval (do (quine prompt "Fix it.")\n'
        '  ;; history\n  (def xs [1 2 {:a "b"}])\n  (think "plan" (def n (count xs)))\n'
        '  #(+ %1 %2) #{:x :y} #_(gone) ^:meta (defn f [a] (str a "))"))\n'
        "  '(!call-now out (io/read-lines \"a.txt\")))))\n; tail\n")

texts = st.one_of(st.just(BASE), st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
inserts = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)


def shape(node: Node, text: str) -> tuple:
    """Everything a node says, for comparing trees (and that it reads the new text)."""
    assert node.source.text == text
    base = (type(node).__name__, node.kind, node.start, node.end)
    if type(node) is Token:
        return base + (repr(node.value),)
    if type(node) is ErrorToken:
        return base + (node.message,)
    assert isinstance(node, Branch)
    extra = (node.max_arg, node.rest) if type(node) is FnLiteral else ()
    return base + (node.open_end, node.close_start, node.need, *extra,
                   tuple(shape(c, text) for c in node.children))


def assert_same_as_full_read(text: str, start: int, end: int, insert: str) -> None:
    old = parse(text)
    new = reparse(old, start, end, insert)
    new_text = text[:start] + insert + text[end:]
    full = parse(new_text)
    assert new.text == new_text
    assert shape(new.tree, new_text) == shape(full.tree, new_text)
    assert new.errors == full.errors


@settings(max_examples=600, deadline=None)
@given(texts, st.data(), inserts)
def test_an_edit_reads_like_the_whole_new_text(text, data, insert):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 6)))
    assert_same_as_full_read(text, start, end, insert)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_sequence_of_edits_stays_equal_to_full_reads(data):
    text = BASE
    result = parse(text)
    for _ in range(8):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 4)))
        insert = data.draw(inserts)
        result = reparse(result, start, end, insert)
        text = text[:start] + insert + text[end:]
        full = parse(text)
        assert shape(result.tree, text) == shape(full.tree, text)
        assert result.errors == full.errors


def test_forms_before_the_edit_are_reused_and_only_touched_ones_reread():
    old = parse(BASE)
    where = BASE.index("(think")
    new = reparse(old, where + 1, where + 6, "do")
    old_body = old.tree.children[0].children[-1].children[-1].children
    new_body = new.tree.children[0].children[-1].children[-1].children
    assert new_body[1] is old_body[1] and new_body[2] is old_body[2]  # before the edit
    assert new_body[3] is not old_body[3] and new_body[3].src.startswith("(do \"plan\"")
    assert [c.src for c in new_body[4:]] == [c.src for c in old_body[4:]]


def test_typing_a_string_quote_rereads_until_the_text_agrees():
    text = '(do (a) (b "x") (c))'
    assert_same_as_full_read(text, text.index("(a)") + 2, text.index("(a)") + 2, '"')
    assert_same_as_full_read(text, text.index("(b") + 1, text.index("(b") + 1, ";")


def test_old_versions_stay_readable_after_a_new_one_is_built():
    old = parse(BASE)
    before = shape(old.tree, BASE)
    reparse(old, 10, 10, "(x")
    assert shape(old.tree, BASE) == before


@settings(max_examples=600, deadline=None)
@given(st.text(st.sampled_from("ab\r\n\x0c"), max_size=30), st.data(),
       st.text(st.sampled_from("x\r\n"), max_size=4))
def test_line_index_after_an_edit_equals_a_fresh_one(text, data, insert):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    new_text = text[:start] + insert + text[end:]
    assert LineIndex(text).edited(start, end, insert, new_text).starts == \
        LineIndex(new_text).starts
