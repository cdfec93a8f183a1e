"""Arithmetic, coercion, randomness, number parsing and numeric predicates (spec 3.2, 4.9)."""

from __future__ import annotations

import math
import random
import re
import uuid
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from typing import Any

from spell_lsp.syntax.printer import pr, str_of
from spell_lsp.syntax.values import Char, SVector, is_number

from .. import numbers as N
from ..errors import BuiltinError
from ..seqview import as_seq, describe
from ..table import builtin

# ---------------------------------------------------------------------------------------
# Arithmetic


@builtin("+", "0+", "Sum of the numbers; (+) is 0.", "arithmetic",
         signature="(+ x ...)", aliases=("+'",))
def plus(*args: Any) -> Any:
    if all(type(a) is int for a in args):
        return sum(args)
    return reduce(N.add, args[1:], N.expect_number(args[0]))


@builtin("*", "0+", "Product of the numbers; (*) is 1.", "arithmetic",
         signature="(* x ...)", aliases=("*'",))
def times(*args: Any) -> Any:
    if not args:
        return 1
    return reduce(N.mul, args[1:], N.expect_number(args[0]))


@builtin("-", "1+", "Subtract the rest from the first number; one argument negates it.",
         "arithmetic", signature="(- x y ...)", aliases=("-'",))
def minus(first: Any, *rest: Any) -> Any:
    if not rest:
        return N.neg(first)
    return reduce(N.sub, rest, first)


@builtin("/", "1+", "Divide the first number by the rest; exact division gives ratios.",
         "arithmetic", signature="(/ x y ...)")
def divide(first: Any, *rest: Any) -> Any:
    if not rest:
        return N.div(1, first)
    return reduce(N.div, rest, first)


@builtin("inc", 1, "The number plus one.", "arithmetic", signature="(inc x)",
         aliases=("inc'",))
def inc(x: Any) -> Any:
    return N.add(N.expect_number(x, "a number"), 1)


@builtin("dec", 1, "The number minus one.", "arithmetic", signature="(dec x)",
         aliases=("dec'",))
def dec(x: Any) -> Any:
    return N.sub(N.expect_number(x, "a number"), 1)


@builtin("quot", 2, "Quotient of the division, truncated toward zero.", "arithmetic",
         signature="(quot num div)")
def quot(a: Any, b: Any) -> Any:
    return N.quot(a, b)


@builtin("rem", 2, "Remainder of the division; takes the sign of the dividend.",
         "arithmetic", signature="(rem num div)")
def rem(a: Any, b: Any) -> Any:
    return N.rem(a, b)


@builtin("mod", 2, "Modulus of the division; takes the sign of the divisor.",
         "arithmetic", signature="(mod num div)")
def mod(a: Any, b: Any) -> Any:
    return N.mod(a, b)


@builtin("abs", 1, "Absolute value, in the number's own category.", "arithmetic",
         signature="(abs x)")
def absolute(x: Any) -> Any:
    return N.absolute(x)


def _extreme(args: tuple, better) -> Any:
    """The winning number (the later one on ties); NaN wins over everything."""
    best = N.expect_number(args[0])
    for x in args[1:]:
        N.expect_number(x)
        if N.is_nan(best):
            continue
        if N.is_nan(x) or not better(best, x):
            best = x
    return best


@builtin("max", "1+", "The greatest of the numbers.", "arithmetic", signature="(max x ...)")
def maximum(*args: Any) -> Any:
    return _extreme(args, lambda a, b: a > b)


@builtin("min", "1+", "The least of the numbers.", "arithmetic", signature="(min x ...)")
def minimum(*args: Any) -> Any:
    return _extreme(args, lambda a, b: a < b)


def _extreme_key(rt: Any, f: Any, xs: tuple, better) -> Any:
    """The element whose key wins (the later one on ties); one element needs no key."""
    best = xs[0]
    if len(xs) == 1:
        return best
    best_key = N.expect_number(rt.call(f, best))
    for x in xs[1:]:
        k = N.expect_number(rt.call(f, x))
        if not better(best_key, k):
            best, best_key = x, k
    return best


@builtin("max-key", "2+", "The argument for which (f x) is greatest.", "arithmetic",
         signature="(max-key f x ...)", rt=True)
def max_key(rt: Any, f: Any, *xs: Any) -> Any:
    return _extreme_key(rt, f, xs, lambda a, b: a > b)


@builtin("min-key", "2+", "The argument for which (f x) is least.", "arithmetic",
         signature="(min-key f x ...)", rt=True)
def min_key(rt: Any, f: Any, *xs: Any) -> Any:
    return _extreme_key(rt, f, xs, lambda a, b: a < b)


# ---------------------------------------------------------------------------------------
# Coercion


def _truncate(x: Any) -> int:
    """A number truncated toward zero; infinities and NaN have no integer value."""
    if type(x) is float and not math.isfinite(x):
        raise BuiltinError(f"cannot convert {pr(x)} to an integer")
    return math.trunc(x)


@builtin("int", 1, "Truncate a number toward zero; a character gives its code point.",
         "coercion", signature="(int x)", aliases=("long",))
def to_int(x: Any) -> int:
    if type(x) is Char:
        return ord(x.ch)
    if not is_number(x):
        raise BuiltinError(f"expected a number or a character, got {describe(x)}")
    return _truncate(x)


@builtin("float", 1, "The number as a float.", "coercion", signature="(float x)",
         aliases=("double",))
def to_float(x: Any) -> float:
    return N.to_float(N.expect_number(x, "a number"))


_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@builtin("bigint", 1, "The number (or integer text) as an integer, truncated toward zero.",
         "coercion", signature="(bigint x)")
def to_bigint(x: Any) -> int:
    if type(x) is str:
        if not _INTEGER_TEXT.fullmatch(x):
            raise BuiltinError(f"cannot read {pr(x)} as an integer")
        return int(x)
    if not is_number(x):
        raise BuiltinError(f"expected a number or a string, got {describe(x)}")
    return _truncate(x)


@builtin("bigdec", 1, "The number (or decimal text) as a decimal; floats convert through "
         "their shortest printed form.", "coercion", signature="(bigdec x)")
def to_bigdec(x: Any) -> Decimal:
    if type(x) is str:
        if not _DECIMAL_TEXT.fullmatch(x):
            raise BuiltinError(f"cannot read {pr(x)} as a decimal")
        return Decimal(x)
    N.expect_number(x, "a number or a string")
    if type(x) is float:
        if not math.isfinite(x):
            raise BuiltinError(f"cannot convert {pr(x)} to a decimal")
        return Decimal(repr(x))
    return N.to_decimal(x)


@builtin("rationalize", 1, "The number as an exact ratio; floats convert through their "
         "shortest printed form.", "coercion", signature="(rationalize x)")
def rationalize(x: Any) -> Any:
    N.expect_number(x, "a number")
    if type(x) is float:
        if not math.isfinite(x):
            raise BuiltinError(f"cannot convert {pr(x)} to a ratio")
        return N.norm(Fraction(repr(x)))
    return N.norm(Fraction(x))


@builtin("numerator", 1, "Numerator of a ratio (an integer is its own numerator).",
         "coercion", signature="(numerator r)")
def numerator(x: Any) -> int:
    return _rational(x).numerator


@builtin("denominator", 1, "Denominator of a ratio (1 for an integer).", "coercion",
         signature="(denominator r)")
def denominator(x: Any) -> int:
    return _rational(x).denominator


def _rational(x: Any) -> int | Fraction:
    if type(x) is not int and type(x) is not Fraction:
        raise BuiltinError(f"expected a ratio or an integer, got {describe(x)}")
    return x


_NUMBER_IN_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@builtin("parse-number", 1, "The first number written in the text (integer or float), "
         "or nil.", "coercion", signature="(parse-number s)")
def parse_number(x: Any) -> Any:
    m = _NUMBER_IN_TEXT.search(str_of(x))
    if m is None:
        return None
    return float(m.group()) if m.group(1) else int(m.group())


# ---------------------------------------------------------------------------------------
# Randomness


@builtin("rand", "0-1", "A random float in [0, n); n defaults to 1.", "coercion",
         signature="(rand [n])")
def rand(n: Any = 1) -> float:
    return N.to_float(N.mul(random.random(), N.expect_number(n, "a number")))


@builtin("rand-int", 1, "A random integer in [0, n).", "coercion", signature="(rand-int n)")
def rand_int(n: Any) -> int:
    N.expect_number(n, "a number")
    if type(n) is int and n > 0:
        return random.randrange(n)
    return _truncate(N.mul(random.random(), n))


@builtin("rand-nth", 1, "A random element of the collection.", "coercion",
         signature="(rand-nth coll)")
def rand_nth(coll: Any) -> Any:
    items = as_seq(coll)
    if not items:
        raise BuiltinError("cannot pick from an empty collection")
    return random.choice(items)


@builtin("random-sample", 2, "Vector of the elements, each kept with probability p.",
         "coercion", signature="(random-sample p coll)")
def random_sample(p: Any, coll: Any) -> SVector:
    N.expect_number(p, "a probability")
    return SVector(x for x in as_seq(coll) if random.random() < p)


@builtin("random-uuid", 0, "A random UUID, as a string.", "coercion",
         signature="(random-uuid)")
def random_uuid() -> str:
    return str(uuid.uuid4())


@builtin("shuffle", 1, "Vector of the elements in random order.", "coercion",
         signature="(shuffle coll)")
def shuffle(coll: Any) -> SVector:
    items = list(as_seq(coll))
    random.shuffle(items)
    return SVector(items)


# ---------------------------------------------------------------------------------------
# Numeric predicates


@builtin("even?", 1, "True for an even integer.", "predicates", signature="(even? n)")
def is_even(n: Any) -> bool:
    return N.expect_integer(n) % 2 == 0


@builtin("odd?", 1, "True for an odd integer.", "predicates", signature="(odd? n)")
def is_odd(n: Any) -> bool:
    return N.expect_integer(n) % 2 == 1


@builtin("pos?", 1, "True for a number greater than zero.", "predicates",
         signature="(pos? x)")
def is_pos(x: Any) -> bool:
    return N.expect_number(x, "a number") > 0


@builtin("neg?", 1, "True for a number less than zero.", "predicates", signature="(neg? x)")
def is_neg(x: Any) -> bool:
    return N.expect_number(x, "a number") < 0


@builtin("zero?", 1, "True for a number equal to zero.", "predicates",
         signature="(zero? x)")
def is_zero(x: Any) -> bool:
    return N.expect_number(x, "a number") == 0


@builtin("integer?", 1, "True for an integer.", "predicates", signature="(integer? x)",
         aliases=("int?",))
def is_integer(x: Any) -> bool:
    return type(x) is int


@builtin("ratio?", 1, "True for a ratio (a non-integral exact number).", "predicates",
         signature="(ratio? x)")
def is_ratio(x: Any) -> bool:
    return type(x) is Fraction


@builtin("rational?", 1, "True for an integer, a ratio or a decimal.", "predicates",
         signature="(rational? x)")
def is_rational(x: Any) -> bool:
    return type(x) in (int, Fraction, Decimal)


@builtin("pos-int?", 1, "True for an integer greater than zero.", "predicates",
         signature="(pos-int? x)")
def is_pos_int(x: Any) -> bool:
    return type(x) is int and x > 0


@builtin("neg-int?", 1, "True for an integer less than zero.", "predicates",
         signature="(neg-int? x)")
def is_neg_int(x: Any) -> bool:
    return type(x) is int and x < 0
