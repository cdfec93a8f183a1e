"""Reading model-written text: the robustness pipeline of spec 2.6.

Each step is a named function so the harness can run, journal and test them one by one:

1. `strip_code_fences`, `strip_echoed_prefix` — transport clean-up of a raw response,
   applied before the prefix is attached (spec 7.4.5);
2. `repair_comment_markers` — `//`, `/*`, `*/` starting a line become `;` comments;
3. `repair_string_escapes` — invalid escapes inside strings get their backslash doubled;
4. `balance_delimiters` — missing closers are appended;
5. `read_lenient` — steps 2-4, then the first form (text after it is a warning), with
   one retry that drops a trailing unmatched closer.

All scanning uses the reader's own lexer, so strings, comments, character literals and
regexes are recognised exactly as the reader will recognise them.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .lower import ReaderError, read_first
from .reader import (
    G_CLOSE, G_END, G_OPEN, G_REGEX, G_REGEX_END, G_STRING, G_STRING_END,
    G_SYMBOL, TOKEN_RE, UNMATCHED, VALID_ESCAPE,
)

_FENCE = "```"
_MARKER_LINE_RE = re.compile(r"^[ \t]*(?://|/\*|\*/)", re.M)
_MARKERS = ("//", "/*", "*/")
_ESCAPE_OR_BACKSLASH_RE = re.compile(rf"(\\(?:{VALID_ESCAPE}))|\\")
_INVALID_ESCAPE_RE = re.compile(rf"[^\\]*+(?:\\(?:{VALID_ESCAPE})[^\\]*+)*+\\")
_LINE_BREAK_RE = re.compile(r"[\n\r]")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_SPELL_WHITESPACE = " \t\r\n\f,"
_TRIVIA_ONLY_RE = re.compile(r"(?:[ \t\r\n\f,]++|;[^\n\r]*+|#![^\n\r]*+)*+")


class LenientResult(NamedTuple):
    """A lenient read: the form, the repaired text its spans refer to, and warnings."""

    form: Any
    text: str
    warnings: list[str]


def strip_code_fences(response: str) -> str:
    """A response fenced in triple backticks loses the first line and everything from the
    last triple backtick on, then is trimmed; any other response is returned as is."""
    trimmed = response.strip()
    if not trimmed.startswith(_FENCE):
        return response
    _, newline, body = trimmed.partition("\n")
    if not newline:
        return ""
    last = body.rfind(_FENCE)
    return (body[:last] if last >= 0 else body).strip()


def strip_echoed_prefix(response: str, prefix: str) -> str:
    """Drop a prefix the model echoed back (with or without its trailing whitespace)."""
    trimmed = response.lstrip()
    for echo in (prefix, prefix.rstrip()):
        if echo and trimmed.startswith(echo):
            return trimmed[len(echo):]
    return response


def repair_comment_markers(text: str) -> str:
    """Outside strings, a line starting with `//`, `/*` or `*/` (after spaces and tabs)
    becomes a `;` comment: its first character is replaced (`// note` -> `;/ note`)."""
    if not any(marker in text for marker in _MARKERS) or not _MARKER_LINE_RE.search(text):
        return text
    out, copied, pos = [], 0, 0
    while True:  # not finditer: after a repaired marker, lexing resumes at the line's end
        m = TOKEN_RE.match(text, pos)
        g = m.lastindex
        if g == G_END:
            break
        s, pos = m.span(g)
        if g == G_SYMBOL and text.startswith(_MARKERS, s) and _starts_line(text, s):
            out += [text[copied:s], ";"]
            copied = s + 1
            pos = _line_end(text, s)
    out.append(text[copied:])
    return "".join(out)


def _starts_line(text: str, pos: int) -> bool:
    """Only spaces and tabs between the start of the line and `pos`?"""
    line_start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
    return not text[line_start:pos].strip(" \t")


def _line_end(text: str, pos: int) -> int:
    m = _LINE_BREAK_RE.search(text, pos)
    return m.start() if m else len(text)


def repair_string_escapes(text: str) -> str:
    """Inside string literals (not regexes), double every backslash that does not start a
    valid escape, so `"\\equiv"` reads as the six characters `\\equiv`."""
    if "\\" not in text:
        return text
    out, copied = [], 0
    for m in TOKEN_RE.finditer(text):
        if m.lastindex != G_STRING:
            continue
        s, e = m.span(G_STRING)
        if _INVALID_ESCAPE_RE.match(text, s + 1, e) is None:
            continue
        end = e - 1 if m.start(G_STRING_END) >= 0 else e
        out += [text[copied:s + 1], _ESCAPE_OR_BACKSLASH_RE.sub(_double_invalid, text[s + 1:end])]
        copied = end
    out.append(text[copied:])
    return "".join(out)


def _double_invalid(m: re.Match) -> str:
    return m.group(1) or "\\\\"


def balance_delimiters(text: str) -> str:
    """Append the closers of every `(`, `[`, `{` still open at the end, innermost first.

    Strings, comments and character literals are skipped; a closer that does not match
    the innermost open delimiter stays and pops nothing; surplus closers stay. A text
    that ends inside a string (or regex) literal gets nothing appended."""
    stack: list[str] = []
    for m in TOKEN_RE.finditer(text):
        g = m.lastindex
        if g == G_OPEN:
            stack.append(_CLOSERS[text[m.end(g) - 1]])
        elif g == G_CLOSE:
            if stack and stack[-1] == text[m.start(g)]:
                stack.pop()
        elif g == G_STRING and m.start(G_STRING_END) < 0:
            return text
        elif g == G_REGEX and m.start(G_REGEX_END) < 0:
            return text
    return text + "".join(reversed(stack))


def repair(text: str) -> str:
    """Steps 2-4 of the pipeline: comment markers, string escapes, delimiters."""
    return balance_delimiters(repair_string_escapes(repair_comment_markers(text)))


def read_lenient(text: str) -> LenientResult:
    """Repair `text`, then read its first form (spec 2.6 steps 2-5).

    Raises `ReaderError` when the repaired text still does not read."""
    repaired = repair(text)
    warnings: list[str] = []
    try:
        form, end = read_first(repaired)
    except ReaderError as error:
        retry = _without_trailing_closer(repaired, error)
        if retry is None:
            raise
        warnings.append("dropped an unmatched closing delimiter at the end: "
                        + repaired[error.start])
        repaired = retry
        form, end = read_first(repaired)
    rest = repaired[end:]
    if not _TRIVIA_ONLY_RE.fullmatch(rest):
        warnings.append("ignored text after the first form: " + rest.strip(_SPELL_WHITESPACE))
    return LenientResult(form, repaired, warnings)


def _without_trailing_closer(text: str, error: ReaderError) -> str | None:
    """The text without the unmatched closer `error` reports, if that closer is the last
    non-whitespace character; else None."""
    last = len(text.rstrip(_SPELL_WHITESPACE)) - 1
    if not error.message.startswith(UNMATCHED) or error.start != last:
        return None
    return text[:last] + text[last + 1:]
