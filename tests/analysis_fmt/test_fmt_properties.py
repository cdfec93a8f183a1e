"""Properties of the formatter on generated Spell-ish text: it never raises, is idempotent,
only changes spaces and tabs, and never changes what the text reads as."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from spell_lsp.analysis.formatting import (
    apply_edits, format_document, format_on_type, format_range,
)
from spell_lsp.syntax.lower import read_forms
from spell_lsp.syntax.printer import pr

from fmt_strategies import programs, texts

SETTINGS = settings(max_examples=200, deadline=None)


def reading(text: str) -> tuple[list[str], list[str]]:
    """What a text reads as: the printed forms and the reader error messages."""
    values, errors = read_forms(text)
    return [pr(v) for v in values], [e.message for e in errors]


def assert_only_indentation_changed(before: str, after: str) -> None:
    assert re.sub(r"[ \t]", "", before) == re.sub(r"[ \t]", "", after)
    assert reading(before) == reading(after)


@SETTINGS
@given(texts)
def test_formatting_keeps_meaning_and_changes_only_spaces(text: str) -> None:
    assert_only_indentation_changed(text, format_document(text))


@SETTINGS
@given(texts)
def test_formatting_is_idempotent(text: str) -> None:
    once = format_document(text)
    assert format_document(once) == once


@SETTINGS
@given(texts)
def test_formatting_the_whole_range_formats_the_document(text: str) -> None:
    assert apply_edits(text, format_range(text, 0, len(text))) == format_document(text)


@SETTINGS
@given(texts, st.data())
def test_range_formatting_keeps_meaning(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    edits = format_range(text, start, end)
    assert all(0 <= s <= e <= len(text) for s, e, _ in edits)
    assert_only_indentation_changed(text, apply_edits(text, edits))


@SETTINGS
@given(texts, st.data())
def test_on_type_formatting_keeps_meaning(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    ch = data.draw(st.sampled_from(["\n", ")", "]", "}", "a", ""]))
    edits = format_on_type(text, offset, ch)
    assert all(0 <= s <= e <= len(text) for s, e, _ in edits)
    assert_only_indentation_changed(text, apply_edits(text, edits))


@SETTINGS
@given(programs)
def test_first_line_rows_and_strings_keep_their_bytes(text: str) -> None:
    rows = re.findall(r'^ "[^"\n]*" ; \d+$', text, flags=re.M)
    formatted = format_document(text)
    assert rows == re.findall(r'^ "[^"\n]*" ; \d+$', formatted, flags=re.M)
