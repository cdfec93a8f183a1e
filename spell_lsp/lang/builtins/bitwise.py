"""Bitwise operations on integers (spec 4.9).

Integers are unbounded, so every operation works on the two's-complement value of any
size; only `unsigned-bit-shift-right` fixes a width, 64 bits, as on the JVM.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from .. import numbers as N
from ..errors import BuiltinError
from ..table import builtin

_MASK64 = (1 << 64) - 1
_MAX_BITS = 1 << 20  # guards against building absurdly large integers


def _ints(args: tuple) -> tuple:
    for x in args:
        N.expect_integer(x)
    return args


def _bit_index(n: Any) -> int:
    if N.expect_integer(n) < 0:
        raise BuiltinError(f"bit index must not be negative, got {n}")
    if n > _MAX_BITS:
        raise BuiltinError(f"bit index {n} is too large")
    return n


@builtin("bit-and", "2+", "Bitwise and of the integers.", "bitwise",
         signature="(bit-and x y ...)")
def bit_and(*args: Any) -> int:
    return reduce(lambda a, b: a & b, _ints(args))


@builtin("bit-or", "2+", "Bitwise or of the integers.", "bitwise",
         signature="(bit-or x y ...)")
def bit_or(*args: Any) -> int:
    return reduce(lambda a, b: a | b, _ints(args))


@builtin("bit-xor", "2+", "Bitwise exclusive or of the integers.", "bitwise",
         signature="(bit-xor x y ...)")
def bit_xor(*args: Any) -> int:
    return reduce(lambda a, b: a ^ b, _ints(args))


@builtin("bit-and-not", "2+", "x with every bit set in the other integers cleared.",
         "bitwise", signature="(bit-and-not x y ...)")
def bit_and_not(*args: Any) -> int:
    return reduce(lambda a, b: a & ~b, _ints(args))


@builtin("bit-not", 1, "Bitwise complement (-x - 1).", "bitwise", signature="(bit-not x)")
def bit_not(x: Any) -> int:
    return ~N.expect_integer(x)


@builtin("bit-shift-left", 2, "x shifted left by n bits.", "bitwise",
         signature="(bit-shift-left x n)")
def bit_shift_left(x: Any, n: Any) -> int:
    return N.expect_integer(x) << _bit_index(n)


@builtin("bit-shift-right", 2, "x shifted right by n bits, keeping the sign.", "bitwise",
         signature="(bit-shift-right x n)")
def bit_shift_right(x: Any, n: Any) -> int:
    if N.expect_integer(n) < 0:
        raise BuiltinError(f"shift must not be negative, got {n}")
    return N.expect_integer(x) >> n


@builtin("unsigned-bit-shift-right", 2, "x taken as a 64-bit unsigned value, shifted right "
         "by n bits (n modulo 64), filling with zeros.", "bitwise",
         signature="(unsigned-bit-shift-right x n)")
def unsigned_bit_shift_right(x: Any, n: Any) -> int:
    return (N.expect_integer(x) & _MASK64) >> (N.expect_integer(n) & 63)


@builtin("bit-set", 2, "x with bit n set.", "bitwise", signature="(bit-set x n)")
def bit_set(x: Any, n: Any) -> int:
    return N.expect_integer(x) | (1 << _bit_index(n))


@builtin("bit-clear", 2, "x with bit n cleared.", "bitwise", signature="(bit-clear x n)")
def bit_clear(x: Any, n: Any) -> int:
    return N.expect_integer(x) & ~(1 << _bit_index(n))


@builtin("bit-flip", 2, "x with bit n inverted.", "bitwise", signature="(bit-flip x n)")
def bit_flip(x: Any, n: Any) -> int:
    return N.expect_integer(x) ^ (1 << _bit_index(n))


@builtin("bit-test", 2, "True when bit n of x is set.", "bitwise",
         signature="(bit-test x n)")
def bit_test(x: Any, n: Any) -> bool:
    return bool(N.expect_integer(x) >> _bit_index(n) & 1)
