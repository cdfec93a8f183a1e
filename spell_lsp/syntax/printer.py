"""The canonical printer (`pr`) and `str` rendering of Spell values (spec 3.4, 3.5).

Output is readable by the strict reader, except builtin functions (`#<fn name>`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

from .values import (
    S_FIRST_LINE, Char, Keyword, Regex, SList, SMap, SSet, SVector, Symbol,
)

_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r",
                   "\f": "\\f", "\b": "\\b"}
_STRING_TABLE = str.maketrans(_STRING_ESCAPES)

CHAR_NAMES = {"\n": "newline", " ": "space", "\t": "tab", "\r": "return", "\b": "backspace",
              "\f": "formfeed"}

_SUGAR = {"quote": "'", "quasiquote": "`", "unquote": "~", "unquote-splicing": "~@"}


_STR_SAFE = 10 ** 4000  # `str(int)` refuses more than 4300 digits (Python's DoS guard)


def int_text(n: int) -> str:
    """The decimal digits of any integer, however long."""
    if -_STR_SAFE < n < _STR_SAFE:
        return str(n)
    if n < 0:
        return "-" + int_text(-n)
    half = int(n.bit_length() * 0.30103) // 2  # about half the number of digits
    high, low = divmod(n, 10 ** half)
    return int_text(high) + int_text(low).zfill(half)


def pr_string(s: str) -> str:
    """A string literal on one line: quotes, backslashes and control escapes escaped."""
    return '"' + s.translate(_STRING_TABLE) + '"'


_REGEX_QUOTE = re.compile(r'(\\[\s\S])|"')


def pr_regex(r: Regex) -> str:
    """`#"pattern"`; a bare `"` in the pattern is escaped (`\\"` matches the same)."""
    return '#"' + _REGEX_QUOTE.sub(lambda m: m.group(1) or '\\"', r.source) + '"'


def pr_float(x: float) -> str:
    if math.isnan(x):
        return "##NaN"
    if math.isinf(x):
        return "##Inf" if x > 0 else "##-Inf"
    text = repr(x)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if not e:
        return mantissa
    sign = "-" if exponent.startswith("-") else ""
    return f"{mantissa}E{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


def pr_char(c: Char) -> str:
    ch = c.ch
    name = CHAR_NAMES.get(ch)
    if name:
        return "\\" + name
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return "\\u%04X" % ord(ch)
    return "\\" + ch


def is_first_line_form(x: Any) -> bool:
    """(first-line n [...]): the list printed in the line-numbered layout."""
    return (type(x) is SList and len(x) == 3 and x[0] is S_FIRST_LINE
            and type(x[1]) is int and isinstance(x[2], SVector))


def first_line_layout(n: int, items: SVector, out: list[str],
                      render: Callable[[Any, list[str]], None] | None = None) -> None:
    """The line-numbered layout of `(first-line n [...])`; `render` writes one element
    (default: `pr`; source-preserving emission passes its own)."""
    if not items:
        out.append(f"(first-line {n} [])")
        return
    render = render or _pr
    width = len(str(n + len(items) - 1))
    out.append(f"(first-line {n} [\n")
    for i, item in enumerate(items):
        out.append(" ")
        render(item, out)
        out.append(f" ; {str(n + i).rjust(width)}\n")
    out.append("])")


def _pr_seq(items: Any, out: list[str]) -> None:
    first = True
    for item in items:
        if not first:
            out.append(" ")
        first = False
        _pr(item, out)


def _pr(x: Any, out: list[str]) -> None:
    t = type(x)
    if t is str:
        out.append(pr_string(x))
    elif x is None:
        out.append("nil")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif t is int:
        out.append(int_text(x))
    elif t is Symbol:
        out.append(x.name)
    elif t is Keyword:
        out.append(":" + x.name)
    elif t is SList:
        if len(x) == 2 and type(x[0]) is Symbol and x[0].name in _SUGAR:
            out.append(_SUGAR[x[0].name])
            _pr(x[1], out)
        elif is_first_line_form(x):
            first_line_layout(x[1], x[2], out)
        else:
            out.append("(")
            _pr_seq(x, out)
            out.append(")")
    elif t is SVector:
        out.append("[")
        _pr_seq(x, out)
        out.append("]")
    elif isinstance(x, SMap):
        out.append("{")
        first = True
        for k, v in x.items():
            if not first:
                out.append(", ")
            first = False
            _pr(k, out)
            out.append(" ")
            _pr(v, out)
        out.append("}")
    elif t is SSet:
        out.append("#{")
        _pr_seq(x, out)
        out.append("}")
    elif t is float:
        out.append(pr_float(x))
    elif t is Fraction:
        out.append(f"{int_text(x.numerator)}/{int_text(x.denominator)}")
    elif t is Decimal:
        out.append(str(x) + "M")
    elif t is Char:
        out.append(pr_char(x))
    elif t is Regex:
        out.append(pr_regex(x))
    else:
        out.append(repr(x))


def pr(x: Any) -> str:
    """The readable printed form of a value."""
    out: list[str] = []
    _pr(x, out)
    return "".join(out)


def str_of(x: Any) -> str:
    """What `(str x)` renders for one value (spec 3.5)."""
    t = type(x)
    if t is str:
        return x
    if x is None:
        return ""
    if t is Char:
        return x.ch
    if t is Regex:
        return x.source
    return pr(x)
