"""One document version: its text, its syntax tree (parsed once), positions, and the
analyses built on it (computed on first use and cached with the document).

Offsets are Python string indices; positions are 0-based (line, column in code points).
The server keeps one `Document` per (uri, version) and converts positions to UTF-16.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Iterable

from ..syntax.incremental import reparse
from ..syntax.reader import SYMBOL, Branch, Node, ParseResult, ReadError, Token, parse

if TYPE_CHECKING:
    from .program import Program
    from .scopes import ScopeIndex


class Document:
    """A document's text and everything derived from it, computed at most once."""

    def __init__(self, text: str, uri: str | None = None, version: int | None = None,
                 parsed: ParseResult | None = None) -> None:
        self.text = text
        self.uri = uri
        self.version = version
        self.parsed: ParseResult = parsed if parsed is not None else parse(text)
        self.previous: Document | None = None  # an analysed earlier version (`edited`)

    def edited(self, edits: Iterable[tuple[int, int, str]], text: str,
               version: int | None = None) -> "Document":
        """The document after `edits` ((start, end, inserted), each in the coordinates of
        the text before it), re-reading only what they touch; `text` is the result."""
        parsed = self.parsed
        for start, end, inserted in edits:
            parsed = reparse(parsed, start, end, inserted)
        if parsed.text != text:
            return Document(text, self.uri, version)
        doc = Document(text, self.uri, version, parsed)
        if "scopes" in self.__dict__:  # analysed: the new version's analysis resumes it
            doc.previous = self
        return doc

    @property
    def tree(self) -> Branch:
        """The document node (its children are the top-level forms and errors)."""
        return self.parsed.tree

    @property
    def errors(self) -> list[ReadError]:
        """Reader errors in detection order."""
        return self.parsed.errors

    # -- positions ------------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, col) of an offset (clamped to the text)."""
        return self.parsed.source.position(offset)

    def offset(self, line: int, col: int) -> int:
        """The offset of a 0-based (line, col); the column is clamped to the line."""
        return self.parsed.source.lines.offset(line, col)

    def range(self, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """((line, col), (line, col)) of an offset span."""
        return self.position(start), self.position(end)

    # -- nodes ----------------------------------------------------------------------------

    def node_at(self, offset: int) -> list[Node]:
        """The nodes containing `offset` (start <= offset < end), outermost first."""
        return self.parsed.node_at(offset)

    def symbol_at(self, offset: int) -> Token | None:
        """The symbol token under the cursor: containing `offset`, or ending at it (a
        cursor placed right after a name still means that name)."""
        for probe in (offset, offset - 1):
            if probe < 0:
                continue
            path = self.parsed.node_at(probe)
            if path and type(path[-1]) is Token and path[-1].kind == SYMBOL:
                return path[-1]
        return None

    # -- analyses -------------------------------------------------------------------------

    @cached_property
    def program(self) -> "Program":
        """The wrapper, its do-body and trailing expression (see `program.py`)."""
        from .program import recognise
        return recognise(self)

    @cached_property
    def scopes(self) -> "ScopeIndex":
        """Bindings, references and call facts of the evaluated code (see `scopes.py`)."""
        from .scopes import analyse
        previous, self.previous = self.previous, None  # one version back at most
        return analyse(self, previous)
