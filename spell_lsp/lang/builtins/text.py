"""Strings and regexes: `str`, `pr-str`, `subs`, `format`, `read-string`, `re-*` (spec 4.9).

Regex arguments are pattern strings or regex values, written in Java syntax (compiled with
the `regex` package, which reads Java's named groups, `\\p{..}` classes and possessive
quantifiers).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

import regex

from spell_lsp.syntax.printer import pr, str_of
from spell_lsp.syntax.values import Char, Regex, SVector, compile_java_regex, is_number

from ..errors import BuiltinError
from ..seqview import describe
from ..table import builtin


def _expect_string(x: Any) -> str:
    if type(x) is not str:
        raise BuiltinError(f"expected a string, got {describe(x)}")
    return x


@builtin("str", "0+", "Concatenate the arguments as text; nil adds nothing.", "strings",
         signature="(str x ...)", aliases=("cat",))
def str_(*args: Any) -> str:
    return "".join(map(str_of, args))


@builtin("pr-str", "0+", "The readable printed forms of the arguments, space-separated.",
         "strings", signature="(pr-str x ...)")
def pr_str(*args: Any) -> str:
    return " ".join(map(pr, args))


@builtin("subs", "2-3", "The substring from start (inclusive) to end (exclusive, default "
         "the end of s).", "strings", signature="(subs s start [end])")
def subs(s: Any, start: Any, end: Any = None) -> str:
    _expect_string(s)
    stop = len(s) if end is None else end
    for index in (start, stop):
        if type(index) is not int:
            raise BuiltinError(f"expected an integer index, got {describe(index)}")
    if not 0 <= start <= stop <= len(s):
        raise BuiltinError(f"range {start}..{stop} is outside a string of length {len(s)}")
    return s[start:stop]


@builtin("read-string", 1, "Read the first form of the text as data (strict reader).",
         "strings", signature="(read-string s)")
def read_string(s: Any) -> Any:
    from spell_lsp.syntax.lower import ReaderError, read_one  # the reader loads lazily
    try:
        return read_one(_expect_string(s))
    except ReaderError as e:
        raise BuiltinError(e.args[0]) from None


# ---------------------------------------------------------------------------------------
# Regexes


@lru_cache(maxsize=256)
def _compile(source: str) -> Any:
    try:
        return compile_java_regex(source)
    except regex.error as e:
        raise BuiltinError(f"invalid regex {pr(source)}: {e}") from None


def compile_pattern(p: Any) -> Any:
    """The compiled pattern of a regex value or a pattern string."""
    if type(p) is str:
        return _compile(p)
    if type(p) is Regex:
        return _compile(p.source)
    raise BuiltinError(f"expected a regex or a pattern string, got {describe(p)}")


def match_value(m: Any) -> Any:
    """A match as Spell sees it: the matched text, or [whole g1 ...] when there are groups."""
    if m.re.groups == 0:
        return m.group()
    return SVector((m.group(), *m.groups()))


@builtin("re-find", 2, "The first match of the pattern in s, or nil.", "strings",
         signature="(re-find pattern s)")
def re_find(p: Any, s: Any) -> Any:
    m = compile_pattern(p).search(_expect_string(s))
    return None if m is None else match_value(m)


@builtin("re-matches", 2, "The match of the pattern against the whole of s, or nil.",
         "strings", signature="(re-matches pattern s)")
def re_matches(p: Any, s: Any) -> Any:
    m = compile_pattern(p).fullmatch(_expect_string(s))
    return None if m is None else match_value(m)


@builtin("re-seq", 2, "Vector of every match of the pattern in s.", "strings",
         signature="(re-seq pattern s)")
def re_seq(p: Any, s: Any) -> SVector:
    return SVector(map(match_value, compile_pattern(p).finditer(_expect_string(s))))


# ---------------------------------------------------------------------------------------
# format: Java's Formatter, for the conversions models actually use


_SPEC = re.compile(r"%(?:(\d+)\$)?([-+ 0,]*)(\d+)?(?:\.(\d+))?([a-zA-Z%]?)")
_UPPER_OK = frozenset("SBCXE")
_INT64 = 1 << 64


@builtin("format", "1+", "Java-style formatting: %s %d %f %.2f %e %x %o %c %b %n %%, flags "
         "-0+ , and width.", "strings", signature="(format fmt arg ...)")
def format_(fmt: Any, *args: Any) -> str:
    _expect_string(fmt)
    out: list[str] = []
    pos = 0
    next_arg = 0
    for m in _SPEC.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        index, flags, width, precision, conv = m.groups()
        if not conv:
            raise BuiltinError(f"incomplete format specifier {pr(m.group())}")
        if conv in "n%":
            text = "\n" if conv == "n" else "%"
        else:
            if index is not None:
                at = int(index) - 1
            else:
                at, next_arg = next_arg, next_arg + 1
            if not 0 <= at < len(args):
                raise BuiltinError(f"no argument left for {m.group()}")
            text = _convert(conv, args[at], flags, None if precision is None
                            else int(precision), m.group())
        out.append(_pad(text, flags, int(width) if width else 0, conv))
    out.append(fmt[pos:])
    return "".join(out)


def _convert(conv: str, x: Any, flags: str, precision: int | None, spec: str) -> str:
    """The text of one conversion, before padding to the width."""
    lower = conv.lower()
    if conv != lower and conv not in _UPPER_OK:
        raise BuiltinError(f"unknown conversion {spec}")
    if lower == "s":
        text = str_of(x)
    elif lower == "b":
        text = "true" if x is not None and x is not False else "false"
    elif lower == "c":
        text = _char_text(x, spec)
    elif lower in "dxo":
        text = _integer_text(lower, x, flags, spec)
    elif lower in "fe":
        text = _real_text(lower, x, flags, 6 if precision is None else precision, spec)
    else:
        raise BuiltinError(f"unknown conversion {spec}")
    if lower in "sb" and precision is not None:
        text = text[:precision]
    return text.upper() if conv != lower else text


def _char_text(x: Any, spec: str) -> str:
    if type(x) is Char:
        return x.ch
    if type(x) is int and 0 <= x <= 0x10FFFF:
        return chr(x)
    raise BuiltinError(f"{spec} needs a character, got {describe(x)}")


def _sign(negative: bool, flags: str) -> str:
    if negative:
        return "-"
    return "+" if "+" in flags else " " if " " in flags else ""


def _integer_text(conv: str, x: Any, flags: str, spec: str) -> str:
    if type(x) is not int:
        raise BuiltinError(f"{spec} needs an integer, got {describe(x)}")
    if conv == "d":
        digits = f"{abs(x):,}" if "," in flags else str(abs(x))
        return _sign(x < 0, flags) + digits
    # Like Java's long: negative values in the 64-bit range print as two's complement.
    if -(_INT64 >> 1) <= x < 0:
        x += _INT64
    digits = format(abs(x), "x" if conv == "x" else "o")
    return ("-" if x < 0 else "") + digits


def _real_text(conv: str, x: Any, flags: str, precision: int, spec: str) -> str:
    if not is_number(x):
        raise BuiltinError(f"{spec} needs a number, got {describe(x)}")
    if type(x) is float and not math.isfinite(x):
        return "NaN" if x != x else _sign(x < 0, flags) + "Infinity"
    negative = x < 0 or (type(x) is float and math.copysign(1.0, x) < 0)
    # Java rounds half up from the shortest decimal form of a float, not its binary value.
    value = abs(Fraction(repr(x)) if type(x) is float else Fraction(x))
    if conv == "f":
        body = _fixed(value, precision, "," in flags)
    else:
        body = _scientific(value, precision)
    return _sign(negative, flags) + body


def _round_half_up(value: Fraction, places: int) -> int:
    """`value` scaled by 10**places and rounded half up (value is non-negative)."""
    return math.floor(value * 10 ** places + Fraction(1, 2))


def _fixed(value: Fraction, precision: int, grouping: bool) -> str:
    digits = str(_round_half_up(value, precision)).rjust(precision + 1, "0")
    whole, frac = digits[:len(digits) - precision], digits[len(digits) - precision:]
    if grouping:
        whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if precision else whole


def _scientific(value: Fraction, precision: int) -> str:
    exponent = _decimal_exponent(value)
    mantissa = _round_half_up(value / Fraction(10) ** exponent, precision)
    if mantissa >= 10 ** (precision + 1):  # rounding carried into a new digit
        exponent += 1
        mantissa //= 10
    digits = str(mantissa).rjust(precision + 1, "0")  # zero has a single digit
    body = f"{digits[0]}.{digits[1:]}" if precision else digits
    return f"{body}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _decimal_exponent(value: Fraction) -> int:
    """The exponent e with 1 <= value / 10**e < 10 (0 for zero)."""
    if value == 0:
        return 0
    e = len(str(value.numerator)) - len(str(value.denominator))
    while value >= Fraction(10) ** (e + 1):
        e += 1
    while value < Fraction(10) ** e:
        e -= 1
    return e


def _pad(text: str, flags: str, width: int, conv: str) -> str:
    """Pad to the width: left-justified with `-`, zero-filled after the sign with `0`."""
    if len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    finite_number = conv.lower() in "dxofe" and not text.endswith(("NaN", "Infinity"))
    if "0" in flags and finite_number:
        sign = text[0] if text[0] in "+- " else ""
        return sign + text[len(sign):].rjust(width - len(sign), "0")
    return text.rjust(width)
