"""Conservative formatting: canonical Lisp indentation and no trailing whitespace.

Programs are agent transcripts whose bytes matter (D3, prompt caching), so the formatter
only ever changes two things, both outside every token:

- the leading spaces and tabs of a line, replaced by the canonical indentation (cljfmt
  style): the body forms of special forms and macros (`do`, `let`, `defn`, `quine`,
  `think`...) indent 2 columns from the opening parenthesis, the arguments of a call
  align with the first argument, or indent 1 column when the first argument starts a
  line; elements of vectors, maps and sets align just after the opener; a line
  starting with a closing delimiter aligns with its opening delimiter;
- spaces and tabs at the end of a line (blank lines become empty).

Lines are never joined or split. The text of strings, regexes and character literals is
never touched (a line starting inside a multi-line string keeps its bytes), nor is
anything inside a `(first-line n [...])` layout. With delimiter errors (an unclosed or
unmatched delimiter) the nesting after the first such error is a guess, so lines from
there on keep their indentation. Offsets are character indices into the text; an edit
is `(start, end, new_text)` on the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable

from ..syntax.reader import (
    DOCUMENT, EOF_REGEX, EOF_STRING, EOF_WHILE_READING, FN, LIST, MAP, SET, SYMBOL, UNMATCHED,
    VECTOR, Branch, Node, ParseResult, Token, parse,
)

Edit = tuple[int, int, str]

INNER, BLOCK = "inner", "block"
# Indentation rules by head symbol (cljfmt's vocabulary): (INNER, 0) indents every
# argument as body; (BLOCK, n) does so when the argument after the first n starts a line.
RULES: dict[str, tuple[str, int]] = {
    **dict.fromkeys(("def", "defn", "defn-", "defmacro", "define", "persist", "fn", "fn*"),
                    (INNER, 0)),
    **dict.fromkeys(("do", "eval", "try", "cond", "future", "comment"), (BLOCK, 0)),
    **dict.fromkeys(("let", "loop", "for", "if", "if-let", "if-some", "if-not", "when",
                     "when-let", "when-some", "when-not", "case", "catch", "quine", "think",
                     "rethink", "reopen", "cond->", "cond->>", "blocking/plet", "!call-now",
                     "!peek-now", "!peek"), (BLOCK, 1)),
    "as->": (BLOCK, 2),
}
_DEF_PREFIX = (INNER, 0)  # any other `def...` head (user defining macros)
_CONTAINERS = (LIST, VECTOR, MAP, SET, FN)
_BREAK = re.compile(r"\r\n?|\n")


def format_document(text: str, parsed: ParseResult | None = None) -> str:
    """The whole text formatted (unchanged when nothing needs formatting). `parsed` is the
    text's parse when the caller has it (the server parses each version once)."""
    result = parsed or parse(text)
    indenter = _Indenter(result, _structural_limit(result))
    return apply_edits(text, indenter.edits(range(len(indenter.line_starts))))


def format_range(text: str, start: int, end: int,
                 parsed: ParseResult | None = None) -> list[Edit]:
    """Edits formatting the lines that overlap [start, end)."""
    result = parsed or parse(text)
    indenter = _Indenter(result, _structural_limit(result))
    first = indenter.line_of(start)
    last = indenter.line_of(max(start, end - 1)) if end > start else first
    return indenter.edits(range(first, last + 1))


def format_on_type(text: str, offset: int, ch: str,
                   parsed: ParseResult | None = None) -> list[Edit]:
    """Edits after typing `ch`, `offset` being the position just after it.

    A newline indents the new line (a blank one gets the indentation of the next element,
    where the cursor is); a closing delimiter re-indents the lines of the form it closed
    after the form's first line. Other characters change nothing."""
    result = parsed or parse(text)
    if ch == "\n":
        indenter = _Indenter(result, len(text) + 1)
        line = indenter.line_of(offset)
        return indenter.edits([line], keep_blank=True)
    if ch in (")", "]", "}"):
        closed = _closed_at(result, offset - 1)
        if closed is None or _structural_limit(result, closed.start, closed.end) < closed.end:
            return []
        indenter = _Indenter(result, len(text) + 1)
        first, last = indenter.line_of(closed.start), indenter.line_of(closed.close_start)
        return indenter.edits(range(first + 1, last + 1))
    return []


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with non-overlapping edits applied (offsets refer to the original text)."""
    parts, pos = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        parts += [text[pos:start], new]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _structural_limit(result: ParseResult, start: int = 0, end: int | None = None) -> int:
    """The first offset (in [start, end)) where nesting is uncertain: an unclosed or
    unmatched delimiter; past the end of the text when there is none."""
    end = len(result.text) + 1 if end is None else end
    limits = [e.start for e in result.errors
              if (e.message == EOF_WHILE_READING or e.message.startswith(UNMATCHED))
              and start <= e.start < end]
    return min(limits, default=len(result.text) + 1)


def _closed_at(result: ParseResult, offset: int) -> Branch | None:
    """The container whose closing delimiter is at `offset`."""
    if offset < 0:
        return None
    for node in reversed(result.node_at(offset)):
        if isinstance(node, Branch) and node.kind in _CONTAINERS:
            return node if node.close_start == offset else None
    return None


@dataclass
class _Spot:
    """Where an offset lies: the innermost branch around it, whether it is strictly inside
    a token, and whether it is inside a `first-line` layout."""

    container: Branch
    in_token: bool
    verbatim: bool


class _Indenter:
    """Computes the edits for a set of lines, top to bottom, remembering how far each
    re-indented line moved so that alignment uses the new columns."""

    def __init__(self, result: ParseResult, limit: int) -> None:
        self.text = result.text
        self.tree = result.tree
        self.lines = result.source.lines
        self.line_starts = self.lines.starts
        self.limit = limit
        self.shift: dict[int, int] = {}
        self.starts: dict[int, tuple[list[Node], list[int]]] = {}
        self.unterminated = {e.start for e in result.errors
                             if e.message in (EOF_STRING, EOF_REGEX)}

    def line_of(self, offset: int) -> int:
        return self.lines.position(offset)[0]

    def column(self, offset: int) -> int:
        """The column of `offset` after the re-indentation done so far."""
        line, col = self.lines.position(offset)
        return col + self.shift.get(line, 0)

    def edits(self, lines: Iterable[int], keep_blank: bool = False) -> list[Edit]:
        """Edits for the given lines (ascending). `keep_blank` indents blank lines instead
        of emptying them (on-type formatting, where the cursor sits on the blank line)."""
        out: list[Edit] = []
        for line in lines:
            out += self._line_edits(line, keep_blank)
        return out

    def _line_edits(self, line: int, keep_blank: bool) -> list[Edit]:
        """The edits of one line: its indentation, then its trailing whitespace."""
        text = self.text
        start = self.line_starts[line]
        m = _BREAK.search(text, start)
        end = m.start() if m else len(text)
        lead = start
        while lead < end and text[lead] in " \t":
            lead += 1
        # the first non-blank character shows where the line starts (no token starts
        # with a space or a tab)
        spot = self._find(lead)
        if spot.verbatim:
            return []
        if spot.in_token:  # the line continues a string: only its end may be trimmed
            return self._trim(start, end)
        if lead == end and not keep_blank:
            return [(start, end, "")] if end > start else []
        out = []
        if lead < self.limit:
            indent = self._indent(spot.container, lead)
            self.shift[line] = indent - (lead - start)
            if text[start:lead] != " " * indent:
                out.append((start, lead, " " * indent))
        return out + self._trim(lead, end)

    def _trim(self, lead: int, end: int) -> list[Edit]:
        """The edit removing the spaces and tabs before `end` that follow `lead` and lie
        outside every token (a string's own spaces, or `\\ `, stay)."""
        trail = end
        while trail > lead and self.text[trail - 1] in " \t":
            trail -= 1
        if lead < trail < end:
            spot = self._find(trail)
            if not (spot.in_token or spot.verbatim):
                return [(trail, end, "")]
        return []

    def _find(self, p: int) -> _Spot:
        """Descend from the document to the innermost branch around offset `p`."""
        node: Branch = self.tree
        verbatim = False
        while True:
            kids, starts = self._children(node)
            i = bisect_right(starts, p) - 1
            if i < 0:
                return _Spot(node, False, verbatim)
            child = kids[i]
            if child.start == p or not (
                    p < child.end or (p == child.end and self._open_at_end(child))):
                return _Spot(node, False, verbatim)
            if not isinstance(child, Branch):
                return _Spot(node, True, verbatim)
            verbatim = verbatim or self._is_first_line(child)
            node = child

    def _open_at_end(self, node: Node) -> bool:
        """Does `node` run to the end of the text unclosed (so the end is inside it)?"""
        if node.end != len(self.text):
            return False
        if isinstance(node, Branch):
            return node.close_start < 0
        return node.start in self.unterminated

    def _is_first_line(self, node: Branch) -> bool:
        """Is this a `(first-line n [...])` layout, kept byte for byte?"""
        if node.kind != LIST or not node.children:
            return False
        head = node.children[0]
        return type(head) is Token and self.text[head.start:head.end] == "first-line"

    def _indent(self, box: Branch, p: int) -> int:
        """The canonical indentation of a line whose first character, at `p`, lies
        directly in `box`."""
        if box.kind == DOCUMENT:
            return 0
        if box.kind in _CONTAINERS and p == box.close_start:
            return self.column(box.start)
        if box.kind in (VECTOR, MAP, SET):
            return self.column(box.open_end)
        if box.kind in (LIST, FN):
            return self._list_indent(box, p)
        return self.column(box.start)  # after a reader macro such as `'` or `#_`

    def _list_indent(self, box: Branch, p: int) -> int:
        """Body indentation by the head's rule, else argument alignment. Every child
        counts as an element, a discarded `#_` form too: it takes its place on the line."""
        kids, starts = self._children(box)
        index = bisect_left(starts, p)
        rule = self._rule(kids[0]) if kids and index >= 1 else None
        if rule is not None:
            kind, n = rule
            if kind == INNER or (index > n and (len(kids) <= n + 1
                                                or self._starts_line(kids[n + 1]))):
                return self.column(box.start) + 2
        if index > 1:
            return self.column(kids[1].start)
        return self.column(box.open_end)

    def _children(self, box: Branch) -> tuple[list[Node], list[int]]:
        """The children of a branch and their offsets (cached: do-blocks are long)."""
        cached = self.starts.get(id(box))
        if cached is None:
            cached = self.starts[id(box)] = (box.children, [c.start for c in box.children])
        return cached

    def _rule(self, head: Node) -> tuple[str, int] | None:
        """The indentation rule of a head symbol, if it has one."""
        if head.kind != SYMBOL:
            return None
        name = self.text[head.start:head.end]
        rule = RULES.get(name)
        if rule is None and name.startswith("def"):
            return _DEF_PREFIX
        return rule

    def _starts_line(self, node: Node) -> bool:
        """Is `node` the first thing on its line (indentation and commas aside)?"""
        line_start = self.line_starts[self.line_of(node.start)]
        return not self.text[line_start:node.start].strip(" \t,")
