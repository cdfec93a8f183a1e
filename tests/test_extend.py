"""Reading only the new end of a grown program equals reading the whole text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from spell_lsp.lang.edits import serialize_prefix
from spell_lsp.syntax.extend import extend_program
from spell_lsp.syntax.lenient import read_lenient
from spell_lsp.syntax.printer import pr

PROGRAM = ("(quine completion (eval (do (quine prompt \"p\") ; a note\n"
           "  (def a [1 2]) '(!extend))))")

FORMS = st.sampled_from([
    "(def b 2)", "'(!extend)", "(think \"x\" (def c 3))", "\"str\\\\q\"", "[1 2",
    "(prune)", "{:k 1}", "; comment\n", "  ", "\n// a foreign comment\n", "\"\\equiv\"",
    "#_(skip me)", "(str a", "0x1F", "'(f))", ")", "(def d \"))\")",
])


def read(text: str):
    return read_lenient(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(FORMS, max_size=6), st.sampled_from(["", ")", "))", ")))", "))))", "))) x"]))
def test_extension_reads_like_the_full_text(parts, closers):
    previous = read(PROGRAM).form
    text = serialize_prefix(previous) + " ".join(parts) + closers
    fast = extend_program(previous, text)
    if fast is None:
        return  # unusual text: the caller reads it in full
    full = read(text)
    assert fast.text == full.text
    assert pr(fast.form) == pr(full.form)
    assert fast.form == full.form
    assert fast.warnings == full.warnings


def test_earlier_body_forms_are_reused_as_the_same_objects():
    previous = read(PROGRAM).form
    fast = extend_program(previous, serialize_prefix(previous) + "(def b 2) '(!extend))))")
    assert fast is not None
    old_body, new_body = previous[-1][1], fast.form[-1][1]
    assert all(a is b for a, b in zip(old_body[1:], new_body[1:]))
    assert len(new_body) == len(old_body) + 2


def test_an_edited_prefix_is_left_to_the_full_reader():
    previous = read(PROGRAM).form
    edited = serialize_prefix(previous).replace("[1 2]", "[1 3]") + "'(!extend))))"
    assert extend_program(previous, edited) is None
