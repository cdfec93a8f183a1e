"""The Spell reader: a lossless concrete syntax tree with every error reported (spec 2).

`parse(text)` never raises. It returns a `ParseResult` whose `tree` covers the text exactly:
tokens are leaves (`Token`, `ErrorToken`), delimited forms and reader macros are `Branch`
nodes, and the gaps between a branch's tokens and children are trivia (whitespace, commas,
`;` and `#!` comments); `#_` discards are `Discard` branches. `tree.text() == text` holds
for any input. Errors are collected in detection order and parsing always recovers, so one
error never hides the next.

Lexing uses one compiled master regex: every match is the leading trivia plus one token,
and string literals are single tokens, so large strings are scanned at C speed. Atom
values (numbers, strings, characters, symbols, keywords, regexes) are computed while
lexing because validating them is most of the work; `node_value` builds the values of
collections on demand (the lowering in `lower.py` adds syntax records).
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Callable, Iterator, NamedTuple

from .positions import LineIndex
from .printer import pr
from .values import (
    S_AMP, S_DEREF, S_FN_STAR, S_QUASIQUOTE, S_QUOTE, S_UNQUOTE, S_UNQUOTE_SPLICING, Char,
    Keyword, Regex, SList, SMap, SSet, SVector, Symbol, spell_eq, spell_hash,
)

# ---------------------------------------------------------------------------------------
# Node kinds

SYMBOL, KEYWORD, NUMBER, STRING, CHAR, REGEX, NIL, BOOLEAN = (
    "symbol", "keyword", "number", "string", "char", "regex", "nil", "boolean")
ERROR = "error"
LIST, VECTOR, MAP, SET, FN = "list", "vector", "map", "set", "fn"
QUOTE, SYNTAX_QUOTE, UNQUOTE, UNQUOTE_SPLICING, DEREF, META = (
    "quote", "syntax-quote", "unquote", "unquote-splicing", "deref", "meta")
DISCARD, DOCUMENT = "discard", "document"
WHITESPACE, COMMENT = "whitespace", "comment"  # trivia kinds reported by `iter_tokens`
UNPARSED = "unparsed"  # a gap that is not trivia: never produced by a correct tree

SUGAR_HEADS = {QUOTE: S_QUOTE, SYNTAX_QUOTE: S_QUASIQUOTE, UNQUOTE: S_UNQUOTE,
               UNQUOTE_SPLICING: S_UNQUOTE_SPLICING, DEREF: S_DEREF}

_OPENERS = {"(": LIST, "[": VECTOR, "{": MAP, "#{": SET, "#(": FN}
_CLOSER_OF = {LIST: ")", VECTOR: "]", MAP: "}", SET: "}", FN: ")"}
_MACROS = {"'": (QUOTE, 1), "`": (SYNTAX_QUOTE, 1), "~": (UNQUOTE, 1),
           "~@": (UNQUOTE_SPLICING, 1), "@": (DEREF, 1), "^": (META, 2), "#_": (DISCARD, 1)}

MAX_DEPTH = 256  # deeper nesting is an error: lowering, printing and evaluating recurse
MAX_FN_PARAMS = 20  # highest `%n` in `#()` (as in Clojure); a bigger n is an invalid token

# ---------------------------------------------------------------------------------------
# Error messages (spec 2.7, plus the character, regex and depth cases it leaves open)

EOF_WHILE_READING = "EOF while reading"
EOF_STRING = "EOF while reading string"
EOF_REGEX = "EOF while reading regex"
EOF_CHARACTER = "EOF while reading character"
UNMATCHED = "Unmatched delimiter: "
UNSUPPORTED_ESCAPE = "Unsupported escape character: \\"
INVALID_UNICODE_ESCAPE = "Invalid unicode escape: \\"
OCTAL_RANGE = "Octal escape sequence must be in range [0, 377]"
INVALID_NUMBER = "Invalid number: "
INVALID_TOKEN = "Invalid token: "
UNSUPPORTED_CHARACTER = "Unsupported character: \\"
ODD_MAP = "Map literal must contain an even number of forms"
DUPLICATE_KEY = "Duplicate key: "
UNSUPPORTED_DISPATCH = "Unsupported dispatch macro: #"
NESTED_FN = "Nested #()s are not allowed"
DIVIDE_BY_ZERO = "Divide by zero"
TOO_DEEP = f"Nesting too deep (more than {MAX_DEPTH} levels)"


class ReadError(NamedTuple):
    """One reader error: its message and the span [start, end) where it was detected."""

    message: str
    start: int
    end: int


# ---------------------------------------------------------------------------------------
# Lexer

_D = r" \t\r\n\f,()\[\]{}\";@^~\\`"  # characters that end a token (spec 2.1)
_TRIVIA = r"(?:[ \t\r\n\f,]++|;[^\n\r]*+|\#![^\n\r]*+)*+"
_STRING_BODY = r'[^"\\]*+(?:\\.[^"\\]*+)*+(?:(")|\\?\Z)'

TOKEN_RE = re.compile(rf"""{_TRIVIA}(?:
      ( [(\[{{] | \#[{{(] )          # 1 opening delimiter
    | ( [)\]}}] )                    # 2 closing delimiter
    | ( "{_STRING_BODY} )            # 3 string (4: its closing quote)
    | ( [+-]?[0-9][^{_D}]*+ )        # 5 number
    | ( :[^{_D}]*+ )                 # 6 keyword
    | ( [^{_D}'\#][^{_D}]*+ )        # 7 symbol, nil, true, false
    | ( ~@ | [~'`@^] )               # 8 reader macro
    | ( \\(?:.[^{_D}]*+)? )          # 9 character
    | ( \#_ )                        # 10 discard
    | ( \#\#[^{_D}]*+ )              # 11 symbolic value (##Inf)
    | ( \#"{_STRING_BODY} )          # 12 regex (13: its closing quote)
    | ( \#[^{_D}]*+ )                # 14 unsupported dispatch
    | ( \Z )                         # 15 end of text
    )""", re.X | re.S)

(G_OPEN, G_CLOSE, G_STRING, G_STRING_END, G_NUMBER, G_KEYWORD, G_SYMBOL, G_MACRO,
 G_CHAR, G_DISCARD, G_SYMBOLIC, G_REGEX, G_REGEX_END, G_DISPATCH, G_END) = range(1, 16)

_TRIVIA_PIECE_RE = re.compile(r"[ \t\r\n\f,]+|;[^\n\r]*|#![^\n\r]*")

# ---------------------------------------------------------------------------------------
# Atoms

_INT_RE = re.compile(
    r"([-+]?)(?:(0)|([1-9][0-9]*)|0[xX]([0-9A-Fa-f]+)|0([0-7]+)|([1-9][0-9]?)[rR]([0-9A-Za-z]+)"
    r"|(0[0-9]+))N?")
_FLOAT_RE = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?(M)?")
_RATIO_RE = re.compile(r"([-+]?[0-9]+)/([0-9]+)")

_SYMBOLIC = {"##Inf": float("inf"), "##-Inf": float("-inf"), "##NaN": float("nan")}
_CONSTANTS = {"nil": (NIL, None), "true": (BOOLEAN, True), "false": (BOOLEAN, False)}
CHAR_NAMES = {"newline": "\n", "space": " ", "tab": "\t", "return": "\r",
              "backspace": "\b", "formfeed": "\f"}

VALID_ESCAPE = r'[tbnrf\\"]|u[0-9A-Fa-f]{4}|[0-3][0-7]{0,2}|[4-7][0-7]?(?![0-7])'
_ESCAPE_RE = re.compile(rf"\\(?:({VALID_ESCAPE})|(u[0-9A-Fa-f]{{0,3}}|[0-7]+|[\s\S])|\Z)")
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"'}
# matches when some escape is not one of the simple ones above (or a backslash ends the text)
_UNUSUAL_ESCAPE_RE = re.compile(r'[^\\]*+(?:\\[tbnrf\\"][^\\]*+)*+\\')

def parse_int(digits: str, base: int = 10) -> int:
    """`int(digits, base)` without Python's limit on the length of decimal strings."""
    if len(digits) <= 4000:
        return int(digits, base)
    if digits[0] in "+-":
        value = parse_int(digits[1:], base)
        return -value if digits[0] == "-" else value
    half = len(digits) // 2
    return parse_int(digits[:half], base) * base ** (len(digits) - half) + parse_int(
        digits[half:], base)


def read_number(tok: str) -> tuple[Any, str | None]:
    """(value, None) for a number token, or (None, error message)."""
    m = _INT_RE.fullmatch(tok)
    if m is not None:
        sign, zero, dec, hexa, octal, radix, radix_digits, bad_octal = m.groups()
        if bad_octal is not None:
            return None, INVALID_NUMBER + tok
        if zero is not None:
            return 0, None
        if dec is not None:
            value = parse_int(dec)
        elif hexa is not None:
            value = int(hexa, 16)
        elif octal is not None:
            value = int(octal, 8)
        else:
            base = int(radix)
            try:
                value = parse_int(radix_digits, base) if 2 <= base <= 36 else None
            except ValueError:
                value = None
            if value is None:
                return None, INVALID_NUMBER + tok
        return (-value if sign == "-" else value), None
    m = _FLOAT_RE.fullmatch(tok)
    if m is not None:
        if not m.group(1):
            return float(tok), None
        try:
            return Decimal(tok[:-1]), None
        except InvalidOperation:  # exponent beyond what Decimal represents
            return None, INVALID_NUMBER + tok
    m = _RATIO_RE.fullmatch(tok)
    if m is not None:
        num, den = parse_int(m.group(1)), parse_int(m.group(2))
        if den == 0:
            return None, DIVIDE_BY_ZERO
        ratio = Fraction(num, den)
        return (ratio.numerator if ratio.denominator == 1 else ratio), None
    return None, INVALID_NUMBER + tok


def read_char(name: str) -> str | None:
    """The character a literal `\\<name>` denotes, or None when it is not one."""
    if len(name) == 1:
        return name
    named = CHAR_NAMES.get(name)
    if named is not None:
        return named
    if len(name) == 5 and name[0] == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", name[1:]):
        return chr(int(name[1:], 16))
    if 2 <= len(name) <= 4 and name[0] == "o" and re.fullmatch(r"[0-7]+", name[1:]):
        code = int(name[1:], 8)
        return chr(code) if code <= 0o377 else None
    return None


def _simple_unescape(part: str) -> str:
    """Unescape a part holding only simple escapes other than a doubled backslash."""
    if "\\" not in part:
        return part
    return (part.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
            .replace("\\r", "\r").replace("\\f", "\f").replace("\\b", "\b"))


def decode_string(body: str, offset: int, errors: list[ReadError]) -> str:
    """Process the escapes of a string literal's body (which starts at `offset`).

    An invalid escape is reported and kept as written, so the string still reads."""
    if _UNUSUAL_ESCAPE_RE.match(body) is None:
        return "\\".join(map(_simple_unescape, body.split("\\\\")))

    def escape(m: re.Match) -> str:
        valid = m.group(1)
        if valid is not None:
            simple = _SIMPLE_ESCAPES.get(valid)
            if simple is not None:
                return simple
            return chr(int(valid[1:], 16) if valid[0] == "u" else int(valid, 8))
        bad = m.group(2)  # None: a backslash ending an unterminated string (reported)
        if bad is not None:
            errors.append(ReadError(_escape_error(bad), offset + m.start(), offset + m.end()))
        return m.group()

    return _ESCAPE_RE.sub(escape, body)


def _escape_error(bad: str) -> str:
    """The message for an invalid escape `\\<bad>`."""
    if bad[0] == "u":
        return INVALID_UNICODE_ESCAPE + bad
    if bad[0] in "01234567":
        return OCTAL_RANGE
    return UNSUPPORTED_ESCAPE + bad


# ---------------------------------------------------------------------------------------
# Nodes


class Source:
    """The text a tree was read from, with its (lazily built) line index."""

    __slots__ = ("text", "_lines")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def share_lines(self, lines: LineIndex) -> None:
        """Use an index of the same text built elsewhere (unless one exists already)."""
        if self._lines is None and lines.text is self.text:
            self._lines = lines

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, col) of an offset, columns in code points."""
        return self.lines.position(offset)


class Node:
    """A node of the syntax tree: `kind` and the half-open span [start, end)."""

    __slots__ = ("kind", "start", "end", "source")

    @property
    def src(self) -> str:
        """The exact text of the node."""
        return self.source.text[self.start:self.end]

    @property
    def line(self) -> int:
        return self.source.position(self.start)[0]

    @property
    def col(self) -> int:
        return self.source.position(self.start)[1]

    @property
    def end_line(self) -> int:
        return self.source.position(self.end)[0]

    @property
    def end_col(self) -> int:
        return self.source.position(self.end)[1]

    def text(self) -> str:
        """The node's text rebuilt from its tokens and trivia (equals `src`)."""
        source = self.source.text
        return "".join(source[start:end] for _, start, end in iter_tokens(self))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind} [{self.start},{self.end})>"


class Token(Node):
    """A leaf that reads as a value: symbol, keyword, number, string, char, regex..."""

    __slots__ = ("value",)

    def __init__(self, kind: str, start: int, end: int, source: Source, value: Any) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.source = source
        self.value = value


class ErrorToken(Node):
    """A leaf that reads as nothing: a bad token or a stray closing delimiter."""

    __slots__ = ("message",)

    def __init__(self, start: int, end: int, source: Source, message: str) -> None:
        self.kind = ERROR
        self.start = start
        self.end = end
        self.source = source
        self.message = message


class Branch(Node):
    """A delimited form, a reader macro or the document.

    `open_end` ends the opening token (`(`, `#{`, `'`, `^`...); `close_start` starts the
    closing delimiter (-1 when it is missing; equal to `end` for reader macros). A reader
    macro still waiting for forms has `need > 0`.
    """

    __slots__ = ("children", "open_end", "close_start", "need")

    def __init__(self, kind: str, start: int, open_end: int, source: Source,
                 need: int = 0) -> None:
        self.kind = kind
        self.start = start
        self.end = open_end
        self.source = source
        self.children: list[Node] = []
        self.open_end = open_end
        self.close_start = -1
        self.need = need

    def forms(self) -> list[Node]:
        """The children that read as values (not discards, errors or unfinished macros)."""
        return [c for c in self.children if is_form(c)]

    def slots(self) -> list[tuple[str, Node]]:
        """(lead, node) for every form child; `lead` is the text since the previous form."""
        text = self.source.text
        out, pos = [], self.open_end
        for child in self.children:
            if is_form(child):
                out.append((text[pos:child.start], child))
                pos = child.end
        return out

    @property
    def open(self) -> str:
        return self.source.text[self.start:self.open_end]

    @property
    def close(self) -> str:
        return self.source.text[self.close_start:self.end] if self.close_start >= 0 else ""

    @property
    def close_trivia(self) -> str:
        """Text between the last form child (or the opening token) and the closer."""
        pos = self.open_end
        for child in self.children:
            if is_form(child):
                pos = child.end
        stop = self.close_start if self.close_start >= 0 else self.end
        return self.source.text[pos:stop]


class FnLiteral(Branch):
    """`#(...)`: also records the highest `%n` used and whether `%&` is used."""

    __slots__ = ("max_arg", "rest")

    def __init__(self, start: int, open_end: int, source: Source) -> None:
        super().__init__(FN, start, open_end, source)
        self.max_arg = 0
        self.rest = False


class Discard(Branch):
    """`#_ form`: the form is kept in the tree but reads as nothing."""

    __slots__ = ()


class Document(Branch):
    """The root: all top-level forms of a text."""

    __slots__ = ()

    def __init__(self, source: Source) -> None:
        super().__init__(DOCUMENT, 0, 0, source)
        self.end = self.close_start = len(source.text)


def is_form(node: Node) -> bool:
    """Does this child read as a value?"""
    t = type(node)
    return t is Token or ((t is Branch or t is FnLiteral) and node.need == 0)


def iter_tokens(node: Node) -> Iterator[tuple[str, int, int]]:
    """Every lexical piece of a node in order, trivia included: (kind, start, end).

    Kinds: a token's kind, `open`/`close` for delimiters and reader-macro tokens,
    `whitespace` (also commas) and `comment`. The pieces tile the node's span exactly.
    """
    text = node.source.text
    stack: list[tuple[Node, int, int]] = [(node, 0, node.start)]
    while stack:
        current, index, pos = stack.pop()
        if not isinstance(current, Branch):
            yield current.kind, current.start, current.end
            continue
        if index == 0:
            if current.open_end > current.start:
                yield "open", current.start, current.open_end
            pos = current.open_end
        if index < len(current.children):
            child = current.children[index]
            yield from _trivia_pieces(text, pos, child.start)
            stack.append((current, index + 1, child.end))
            stack.append((child, 0, child.start))
            continue
        stop = current.close_start if current.close_start >= 0 else current.end
        yield from _trivia_pieces(text, pos, stop)
        if current.close_start >= 0 and current.end > current.close_start:
            yield "close", current.close_start, current.end


def _trivia_pieces(text: str, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """Whitespace and comment pieces of the trivia text[start:end]."""
    pos = start
    while pos < end:
        m = _TRIVIA_PIECE_RE.match(text, pos, end)
        if m is None:  # a bug in the tree: show it rather than hide it
            yield UNPARSED, pos, end
            return
        kind = WHITESPACE if text[pos] in " \t\r\n\f," else COMMENT
        yield kind, pos, m.end()
        pos = m.end()


# ---------------------------------------------------------------------------------------
# Parse result


class ParseResult:
    """The tree of a text, its errors in detection order, and position helpers."""

    __slots__ = ("source", "tree", "errors")

    def __init__(self, source: Source, tree: Document, errors: list[ReadError]) -> None:
        self.source = source
        self.tree = tree
        self.errors = errors

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def forms(self) -> list[Node]:
        """The top-level form nodes."""
        return self.tree.forms()

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, col) of an offset."""
        return self.source.position(offset)

    def tokens(self) -> Iterator[tuple[str, int, int]]:
        """All lexical pieces of the text, trivia included (see `iter_tokens`)."""
        return iter_tokens(self.tree)

    @property
    def comments(self) -> list[tuple[int, int]]:
        """Spans of all `;` and `#!` comments, in order."""
        return [(s, e) for kind, s, e in iter_tokens(self.tree) if kind == COMMENT]

    def node_at(self, offset: int) -> list[Node]:
        """The nodes containing `offset`, outermost first (the document excluded)."""
        path: list[Node] = []
        node: Node = self.tree
        while isinstance(node, Branch):
            for child in node.children:
                if child.start <= offset < child.end:
                    path.append(child)
                    node = child
                    break
            else:
                break
        return path


# ---------------------------------------------------------------------------------------
# Parser


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building trees and forms.

    They contain no reference cycles (reference counting frees them), and collections
    triggered by allocating tens of thousands of nodes would cost as much as the parse."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(text: str, start: int = 0) -> ParseResult:
    """Read `text` into a lossless tree. Never raises; errors are in `.errors`.

    With `start`, only `text[start:]` is read (offsets stay absolute): the harness reads
    just the new end of a program whose beginning it already holds as forms."""
    with gc_paused():
        return _parse(text, start)


def _parse(text: str, start: int = 0) -> ParseResult:
    """Read the whole text (from `start`) and close what is still open at its end."""
    source = Source(text)
    doc = Document(source)
    errors: list[ReadError] = []
    stack: list[Branch] = [doc]
    read_tokens(source, stack, errors, start, len(text))
    _close_at_eof(stack, len(text), errors)
    return ParseResult(source, doc, errors)


def read_tokens(source: Source, stack: list[Branch], errors: list[ReadError], start: int,
                stop: int) -> int:
    """The parser proper: one pass over the master regex's matches in text[start:stop],
    with a stack of the open branches (containers and reader macros waiting for forms).
    Nodes are added to the branches of `stack`; what is open at `stop` stays on it.
    Returns the offset where the last token ends (trivia may follow up to `stop`)."""
    text = source.text
    top: Branch = stack[-1]
    kids = top.children
    need = top.need  # forms the innermost reader macro still needs; 0 for a container
    seen = dict(_CONSTANTS)  # symbol or keyword token -> (kind, value), once read
    for m in TOKEN_RE.finditer(text, start, stop):
        g = m.lastindex
        if g == G_SYMBOL:
            s, e = m.span(g)
            tok = text[s:e]
            node: Node
            hit = seen.get(tok)
            if hit is not None:
                node = Token(hit[0], s, e, source, hit[1])
            elif tok[-1] == ":" or "::" in tok:
                node = _error_token(s, e, source, INVALID_TOKEN + tok, errors)
            elif tok[0] == "%":
                node = _percent_symbol(stack, tok, s, e, source, errors)
            else:
                hit = seen[tok] = (SYMBOL, Symbol(tok))
                node = Token(SYMBOL, s, e, source, hit[1])
        elif g == G_CLOSE:
            s = m.start(g)
            if not need and _CLOSER_OF.get(top.kind) == text[s]:
                top.close_start = s
                top.end = s + 1
                node = top
                stack.pop()
                top = stack[-1]
                kids = top.children
                need = top.need
                if node.kind == MAP or node.kind == SET:
                    _check_collection(node, errors)
            else:
                top, kids, need = _stray_closer(stack, s, source, errors)
                continue
        elif g == G_OPEN:
            s, e = m.span(g)
            kind = _OPENERS[text[s:e]]
            if kind == FN:
                if any(b.kind == FN for b in stack):
                    errors.append(ReadError(NESTED_FN, s, e))
                top = FnLiteral(s, e, source)
            else:
                top = Branch(kind, s, e, source)
            if len(stack) == MAX_DEPTH:
                errors.append(ReadError(TOO_DEEP, s, e))
            stack.append(top)
            kids = top.children
            need = 0
            continue
        elif g == G_STRING:
            s, e = m.span(g)
            if m.start(G_STRING_END) < 0:
                errors.append(ReadError(EOF_STRING, s, s + 1))
                body = text[s + 1:e]
            else:
                body = text[s + 1:e - 1]
            if "\\" in body:
                body = decode_string(body, s + 1, errors)
            node = Token(STRING, s, e, source, body)
        elif g == G_KEYWORD:
            s, e = m.span(g)
            tok = text[s:e]
            hit = seen.get(tok)
            if hit is not None:
                node = Token(KEYWORD, s, e, source, hit[1])
            elif tok[-1] == ":" or "::" in tok:
                node = _error_token(s, e, source, INVALID_TOKEN + tok, errors)
            else:
                hit = seen[tok] = (KEYWORD, Keyword(tok[1:]))
                node = Token(KEYWORD, s, e, source, hit[1])
        elif g == G_NUMBER:
            s, e = m.span(g)
            tok = text[s:e]
            if tok.isdigit() and tok.isascii() and (tok[0] != "0" or e - s == 1) and e - s < 4000:
                node = Token(NUMBER, s, e, source, int(tok))
            else:
                value, problem = read_number(tok)
                if problem is None:
                    node = Token(NUMBER, s, e, source, value)
                else:
                    node = _error_token(s, e, source, problem, errors)
        elif g == G_MACRO or g == G_DISCARD:
            s, e = m.span(g)
            kind, need = _MACROS[text[s:e]]
            top = (Discard if kind == DISCARD else Branch)(kind, s, e, source, need)
            if len(stack) == MAX_DEPTH:  # nesting beyond this is an error (once per crossing)
                errors.append(ReadError(TOO_DEEP, s, e))
            stack.append(top)
            kids = top.children
            continue
        elif g == G_END:
            return m.start()
        else:
            node = _read_rare(m, g, source, errors)
        kids.append(node)
        if need and type(node) is not ErrorToken:
            top, kids, need = _settle(stack, node)
    return stop  # not reached: the last match is always the end of the text


def _error_token(s: int, e: int, source: Source, message: str,
                 errors: list[ReadError]) -> ErrorToken:
    errors.append(ReadError(message, s, e))
    return ErrorToken(s, e, source, message)


def _read_rare(m: re.Match, g: int, source: Source, errors: list[ReadError]) -> Node:
    """Characters, regexes, `##` values and `#` dispatch errors."""
    s, e = m.span(g)
    text = source.text
    if g == G_CHAR:
        if e - s == 1:
            return _error_token(s, e, source, EOF_CHARACTER, errors)
        ch = read_char(text[s + 1:e])
        if ch is None:
            return _error_token(s, e, source, UNSUPPORTED_CHARACTER + text[s + 1:e], errors)
        return Token(CHAR, s, e, source, Char(ch))
    if g == G_REGEX:
        if m.start(G_REGEX_END) < 0:
            errors.append(ReadError(EOF_REGEX, s, s + 2))
            return Token(REGEX, s, e, source, Regex(text[s + 2:e]))
        return Token(REGEX, s, e, source, Regex(text[s + 2:e - 1]))
    if g == G_SYMBOLIC:
        tok = text[s:e]
        if tok in _SYMBOLIC:
            return Token(NUMBER, s, e, source, _SYMBOLIC[tok])
        return _error_token(s, e, source, INVALID_TOKEN + tok, errors)
    # G_DISPATCH: `#` followed by a character no dispatch macro uses
    if e - s > 1:
        return _error_token(s, e, source, UNSUPPORTED_DISPATCH + text[s + 1], errors)
    if e == len(text):
        return _error_token(s, e, source, EOF_WHILE_READING, errors)
    return _error_token(s, e, source, UNSUPPORTED_DISPATCH + text[e], errors)


def _percent_symbol(stack: list[Branch], tok: str, s: int, e: int, source: Source,
                    errors: list[ReadError]) -> Node:
    """A symbol starting with `%`: inside `#()` possibly a parameter (`%` is `%1`)."""
    is_param = _fn_arg(stack, tok)
    if is_param is None:
        return _error_token(s, e, source, INVALID_TOKEN + tok, errors)
    return Token(SYMBOL, s, e, source, Symbol("%1" if is_param and tok == "%" else tok))


def _fn_arg(stack: list[Branch], tok: str) -> bool | None:
    """Note a `%`, `%n` or `%&` used inside `#()`: True if `tok` is such a parameter, False
    for any other symbol, None for a parameter number above MAX_FN_PARAMS."""
    for branch in reversed(stack):
        if type(branch) is FnLiteral:
            break
    else:
        return False
    if tok == "%&":
        branch.rest = True
        return True
    digits = tok[1:] or "1"
    if not (digits.isdigit() and digits.isascii() and digits[0] != "0"):
        return False
    if len(digits) > 2 or int(digits) > MAX_FN_PARAMS:
        return None
    branch.max_arg = max(branch.max_arg, int(digits))
    return True


def _settle(stack: list[Branch], node: Node) -> tuple[Branch, list[Node], int]:
    """`node` (a form) was added to the innermost reader macro: complete the macros it
    satisfies. Returns the new (top, top.children, need)."""
    top = stack[-1]
    while top.need:
        top.need -= 1
        if top.need:
            break
        top.end = top.close_start = node.end
        stack.pop()
        parent = stack[-1]
        parent.children.append(top)
        if type(top) is Discard:  # a discarded form does not count for the parent
            top = parent
            break
        node, top = top, parent
    return top, top.children, top.need


def _stray_closer(stack: list[Branch], s: int, source: Source,
                  errors: list[ReadError]) -> tuple[Branch, list[Node], int]:
    """A closer that does not close the innermost open branch.

    If reader macros wait for a form and the closer matches the container around them,
    it is reported (as the Clojure reader does), the macros are left unfinished and the
    container closes. Otherwise the closer closes nothing and becomes an error token.
    """
    ch = source.text[s]
    errors.append(ReadError(UNMATCHED + ch, s, s + 1))
    depth = len(stack) - 1
    while stack[depth].need:
        depth -= 1
    container = stack[depth]
    if depth < len(stack) - 1 and _CLOSER_OF.get(container.kind) == ch:
        while len(stack) - 1 > depth:
            macro = stack.pop()
            macro.end = macro.close_start = (
                macro.children[-1].end if macro.children else macro.open_end)
            stack[-1].children.append(macro)
        container.close_start = s
        container.end = s + 1
        stack.pop()
        if container.kind == MAP or container.kind == SET:
            _check_collection(container, errors)
        stack[-1].children.append(container)
        if stack[-1].need:
            return _settle(stack, container)
    else:
        stack[-1].children.append(ErrorToken(s, s + 1, source, UNMATCHED + ch))
    top = stack[-1]
    return top, top.children, top.need


def _close_at_eof(stack: list[Branch], n: int, errors: list[ReadError]) -> None:
    """Report every branch still open at the end of the text and close it there."""
    while len(stack) > 1:
        node = stack.pop()
        errors.append(ReadError(EOF_WHILE_READING, node.start, node.open_end))
        node.end = n
        if node.need:
            node.close_start = node.children[-1].end if node.children else node.open_end
            node.end = node.close_start
        if node.kind == MAP or node.kind == SET:
            _check_collection(node, errors)
        stack[-1].children.append(node)
        if not node.need and stack[-1].need:
            _settle(stack, node)


def _check_collection(node: Branch, errors: list[ReadError]) -> None:
    """Odd map forms and duplicate keys or set elements (spec 2.3)."""
    if any(error.message == TOO_DEEP for error in errors):
        return  # keys may be too deep to build
    forms = node.forms()
    if node.kind == MAP:
        if len(forms) % 2:
            last = forms[-1]
            errors.append(ReadError(ODD_MAP, last.start, last.end))
        keys = forms[0::2]
    else:
        keys = forms
    if len(keys) < 2:
        return
    if all(type(k) is Token and k.kind == KEYWORD for k in keys):
        if len({k.value for k in keys}) == len(keys):  # keywords are interned
            return
    buckets: dict[int, list[Any]] = {}
    for key in keys:
        value = node_value(key)
        bucket = buckets.setdefault(spell_hash(value), [])
        if any(spell_eq(value, other) for other in bucket):
            errors.append(ReadError(DUPLICATE_KEY + pr(value), key.start, key.end))
        else:
            bucket.append(value)


# ---------------------------------------------------------------------------------------
# Values of form nodes

MakeSyntax = Callable[[Branch], Any]


def node_value(node: Node, syntax: MakeSyntax | None = None) -> Any:
    """The value a form node reads as. With `syntax`, every list, vector, map and set
    built from a branch gets `.syntax = syntax(branch)` (the lowering's records)."""
    if type(node) is Token:
        return node.value
    return _BRANCH_VALUE[node.kind](node, syntax)


def child_values(node: Branch, syntax: MakeSyntax | None) -> list[Any]:
    """Values of a branch's form children, in order."""
    out = []
    for c in node.children:
        t = type(c)
        if t is Token:
            out.append(c.value)
        elif (t is Branch or t is FnLiteral) and not c.need:
            out.append(_BRANCH_VALUE[c.kind](c, syntax))
    return out


def _list_value(node: Branch, syntax: MakeSyntax | None) -> SList:
    value = SList(child_values(node, syntax))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _vector_value(node: Branch, syntax: MakeSyntax | None) -> SVector:
    value = SVector(child_values(node, syntax))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _map_value(node: Branch, syntax: MakeSyntax | None) -> SMap:
    items = child_values(node, syntax)
    value = SMap(zip(items[0::2], items[1::2]))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _set_value(node: Branch, syntax: MakeSyntax | None) -> SSet:
    value = SSet(child_values(node, syntax))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _fn_value(node: FnLiteral, syntax: MakeSyntax | None) -> SList:
    """`#(...)` reads as `(fn* [%1 .. %n & %&] (...))`; only the outer list has syntax."""
    params = [Symbol(f"%{i}") for i in range(1, node.max_arg + 1)]
    if node.rest:
        params += [S_AMP, Symbol("%&")]
    value = SList((S_FN_STAR, SVector(params), SList(child_values(node, syntax))))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _sugar_value(node: Branch, syntax: MakeSyntax | None) -> SList:
    value = SList((SUGAR_HEADS[node.kind], *child_values(node, syntax)))
    if syntax is not None:
        value.syntax = syntax(node)
    return value


def _meta_value(node: Branch, syntax: MakeSyntax | None) -> Any:
    """`^meta x` reads as x: the metadata is read and dropped."""
    return child_values(node, syntax)[-1]


_BRANCH_VALUE: dict[str, Callable[[Any, MakeSyntax | None], Any]] = {
    LIST: _list_value, VECTOR: _vector_value, MAP: _map_value, SET: _set_value,
    FN: _fn_value, META: _meta_value,
    **{kind: _sugar_value for kind in SUGAR_HEADS},
}
