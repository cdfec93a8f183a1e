"""From syntax trees to forms: Spell values that remember the text they came from.

Every list, vector, map and set read from text carries `.syntax`, a `FormSyntax` view of
its node (spec 2.5, 3.6). The record stores only the node; every field is computed when
asked, so lowering a multi-megabyte program costs one small object per collection.
"""

from __future__ import annotations

from typing import Any

from .reader import (
    EOF_WHILE_READING, FN, SUGAR_HEADS, TOO_DEEP, Branch, ParseResult, ReadError,
    child_values, gc_paused, node_value, parse,
)


class ReaderError(Exception):
    """A strict read failed (`read-string`, `read_one`): the message and its span."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end

    @classmethod
    def of(cls, error: ReadError) -> "ReaderError":
        return cls(error.message, error.start, error.end)

    def __str__(self) -> str:
        return self.message


class FormSyntax:
    """Where a form read from text came from.

    `src` is the exact text (sugar included: `'x` for `(quote x)`), `open` the opening
    text (`(`, `[`, `{`, `#{`, `#(`, `'`, `~@`...), `close` the closing delimiter (`""` when
    missing or for sugar), `close_trivia` the text between the last element and `close`.
    `slots` has one `(lead, src)` pair per element of the value, in value order; elements
    the text does not spell out (the `quote` of `'x`, the `fn*`, parameters and body of
    `#(...)`) get `("", "")`.
    """

    __slots__ = ("node", "_slots", "_forms")

    def __init__(self, node: Branch, forms: list | None = None) -> None:
        self.node = node
        self._slots: list[tuple[str, str]] | None = None
        self._forms = forms  # the node's form children, when the caller already has them

    @property
    def src(self) -> str:
        return self.node.src

    @property
    def open(self) -> str:
        return self.node.open

    @property
    def close(self) -> str:
        return self.node.close

    @property
    def close_trivia(self) -> str:
        return self.node.close_trivia

    @property
    def start(self) -> int:
        return self.node.start

    @property
    def end(self) -> int:
        return self.node.end

    @property
    def slots(self) -> list[tuple[str, str]]:
        if self._slots is None:
            self._slots = self._compute_slots()
        return self._slots

    def _compute_slots(self) -> list[tuple[str, str]]:
        node = self.node
        if node.kind == FN:
            return [("", "")] * 3
        slots = [(lead, child.src) for lead, child in node.slots()]
        if node.kind in SUGAR_HEADS:
            slots.insert(0, ("", ""))
        return slots

    def form_nodes(self) -> list:
        if self._forms is None:
            self._forms = self.node.forms()
        return self._forms

    def segment(self, count: int) -> str | None:
        """The text of the first `count` elements with their leads (from just after the
        opening delimiter), as one slice; None for sugar and `#()` records."""
        node = self.node
        if node.kind == FN or node.kind in SUGAR_HEADS or count <= 0:
            return None
        return node.source.text[node.open_end:self.form_nodes()[count - 1].end]

    def slot(self, index: int) -> tuple[str, str]:
        """`slots[index]` without computing the others (plain containers)."""
        return self.lead(index), self.slots[index][1] if self._plain_slots() else \
            self.form_nodes()[index].src

    def lead(self, index: int) -> str:
        """`slots[index][0]`: the text before element `index` (no copy of the element)."""
        if self._plain_slots():
            return self.slots[index][0]
        node = self.node
        forms = self.form_nodes()
        start = forms[index - 1].end if index else node.open_end
        return node.source.text[start:forms[index].start]

    def _plain_slots(self) -> bool:
        """True when `slots` must be used (sugar, `#()`) or is already computed."""
        node = self.node
        return node.kind == FN or node.kind in SUGAR_HEADS or self._slots is not None

    def position(self) -> tuple[int, int, int, int]:
        """0-based (line, col, end_line, end_col) of the form."""
        source = self.node.source
        return (*source.position(self.node.start), *source.position(self.node.end))

    def __repr__(self) -> str:
        return f"FormSyntax({self.node.kind} [{self.node.start},{self.node.end}))"


def lower(node: Any) -> Any:
    """The value of a form node, with `FormSyntax` on every collection built from text."""
    with gc_paused():
        return node_value(node, FormSyntax)


def lower_document(result: ParseResult) -> list[Any]:
    """The values of all top-level forms (none when nesting is too deep to build)."""
    if any(error.message == TOO_DEEP for error in result.errors):
        return []
    with gc_paused():
        return child_values(result.tree, FormSyntax)


def read_forms(text: str) -> tuple[list[Any], list[ReadError]]:
    """Strict read of every top-level form: (forms, errors). Forms are best effort when
    there are errors; the errors are those of `parse`."""
    result = parse(text)
    return lower_document(result), result.errors


def read_first(text: str) -> tuple[Any, int]:
    """Strict read of the first form: (form, end offset of its text).

    Text after the first form is not looked at (as Clojure's `read-string`); an error
    in or before the first form, or no form at all, raises `ReaderError`."""
    result = parse(text)
    forms = result.tree.forms()
    limit = forms[0].end if forms else len(text) + 1
    for error in result.errors:
        if error.start < limit:
            raise ReaderError.of(error)
    if not forms:
        raise ReaderError(EOF_WHILE_READING, len(text), len(text))
    return lower(forms[0]), forms[0].end


def read_one(text: str) -> Any:
    """Strict read of the first form (`read-string`); raises `ReaderError`."""
    return read_first(text)[0]
