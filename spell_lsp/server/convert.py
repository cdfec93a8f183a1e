"""Offsets (Python string indices) to LSP positions and back, in the negotiated encoding.

Line breaks are those of LSP (`\\n`, `\\r\\n`, `\\r`), as in the reader's line index; pygls'
own text documents split lines with `str.splitlines`, which also breaks at form feeds and
U+2028, so the server keeps its own texts and converts here.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ..syntax.positions import LineIndex

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def units(segment: str, encoding: str) -> int:
    """Length of `segment` in the encoding's code units."""
    if encoding == types.PositionEncodingKind.Utf32 or segment.isascii():
        return len(segment)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(segment.encode("utf-8", "surrogatepass"))
    return len(segment) + len(_ASTRAL.findall(segment))


def is_simple(text: str, encoding: str) -> bool:
    """Do the encoding's code units equal code points everywhere in `text`?"""
    return (encoding == types.PositionEncodingKind.Utf32 or text.isascii()
            or (encoding == types.PositionEncodingKind.Utf16 and _ASTRAL.search(text) is None))


class Positions:
    """Converts between offsets and LSP positions for one text."""

    __slots__ = ("text", "lines", "encoding", "simple")

    def __init__(self, text: str, lines: LineIndex, encoding: str,
                 simple: bool | None = None) -> None:
        self.text = text
        self.lines = lines
        self.encoding = encoding
        # Units equal code points: no conversion needed anywhere in the text.
        self.simple = is_simple(text, encoding) if simple is None else simple

    def edited(self, start: int, end: int, inserted: str, text: str) -> "Positions":
        """The conversion for `text`, this text with [start, end) replaced by `inserted`
        (the line index is updated around the edit, not rebuilt)."""
        simple = self.simple and is_simple(inserted, self.encoding) or None
        return Positions(text, self.lines.edited(start, end, inserted, text), self.encoding,
                         simple)

    def position(self, offset: int) -> types.Position:
        line, col = self.lines.position(offset)
        if not self.simple:
            start = self.lines.starts[line]
            col = units(self.text[start:start + col], self.encoding)
        return types.Position(line=line, character=col)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of a position (clamped to its line; inside a character: its start)."""
        line, want = position.line, position.character
        if self.simple or line < 0 or line >= len(self.lines.starts):
            return self.lines.offset(line, want)
        start = self.lines.starts[line]
        end = self.lines.offset(line, len(self.text))
        count = 0
        for i in range(start, end):
            if count >= want:
                return i
            count += units(self.text[i], self.encoding)
        return end
