"""Selection ranges: token, form contents, form, enclosing forms... up to the document."""

from __future__ import annotations

from ..syntax.reader import Branch, Token
from .document import Document


def selection_range(doc: Document, offset: int) -> list[tuple[int, int]]:
    """Spans around `offset`, innermost first, each strictly containing the previous."""
    tree = doc.parsed
    path = tree.node_at(offset)
    if offset > 0 and (not path or type(path[-1]) is not Token):
        before = tree.node_at(offset - 1)
        if before and type(before[-1]) is Token:
            path = before  # a cursor just after a token selects the token
    spans: list[tuple[int, int]] = []
    for node in reversed(path):
        if isinstance(node, Branch) and node.close_start > node.open_end:
            add_span(spans, (node.open_end, node.close_start))
        add_span(spans, (node.start, node.end))
    add_span(spans, (0, len(tree.text)))
    return spans or [(offset, offset)]


def add_span(spans: list[tuple[int, int]], span: tuple[int, int]) -> None:
    """Append `span` when it grows the selection."""
    if span[1] <= span[0]:
        return
    if not spans or (span[0] <= spans[-1][0] and span[1] >= spans[-1][1] and span != spans[-1]):
        spans.append(span)
