"""Offsets to 0-based (line, column) positions, columns in code points.

Line breaks are `\\n`, `\\r\\n` and a lone `\\r` (the three the Language Server Protocol
recognises). The line-start table is built on first use, once per text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_LINE_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Converts between string offsets and (line, col) pairs for one text."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Offset of the first character of every line."""
        starts = self._starts
        if starts is None:
            # built completely before it is published: the language server reads one
            # index from its event loop and its analysis thread at once
            starts = [0]
            starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
            self._starts = starts
        return starts

    def edited(self, start: int, end: int, inserted: str, text: str) -> "LineIndex":
        """The index of `text`, which is this text with [start, end) replaced by
        `inserted`: line starts before the edit are kept, those after it shifted, and only
        the edited stretch is scanned (one character either side, for CR LF pairs)."""
        starts = self.starts
        delta = len(text) - len(self.text)
        kept = starts[:bisect_left(starts, start)] or [0]
        stop = end + 1 + delta  # breaks ending after this lie wholly after the edit
        for m in _LINE_BREAK.finditer(text, max(0, start - 1)):
            if m.end() > stop:
                break
            if m.end() > kept[-1]:
                kept.append(m.end())
        first_after = bisect_right(starts, end + 1)
        kept.extend(s + delta for s in starts[first_after:])
        index = LineIndex(text)
        index._starts = kept
        return index

    def position(self, offset: int) -> tuple[int, int]:
        """(line, col) of `offset`, clamped to the text."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.starts
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def offset(self, line: int, col: int) -> int:
        """The offset of (line, col); the column is clamped to the line's content."""
        starts = self.starts
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        if line + 1 < len(starts):
            end = starts[line + 1]
            end -= 2 if self.text[end - 2:end] == "\r\n" else 1
        else:
            end = len(self.text)
        return min(starts[line] + max(col, 0), end)
