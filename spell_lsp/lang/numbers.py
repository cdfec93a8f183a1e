"""The numeric tower of Spell (spec 3.2): categories, mixed arithmetic and comparison.

Three categories: *exact* (`int` and `Fraction`), *float* and *decimal*. Exact operands
stay exact, any float operand makes the result a float, a decimal combined with exact
numbers gives a decimal. Ratios whose denominator is 1 are always normalised to `int`.
Decimal arithmetic is exact (no 28-digit rounding): +, - and * use an unlimited context,
and a division whose decimal expansion does not terminate is an error, as on the JVM.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import is_number, number_category

from .errors import BuiltinError
from .seqview import describe

DIVIDE_BY_ZERO = "Divide by zero"

# Unlimited precision: decimal +, - and * are exact, as with Java's BigDecimal.
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX,
                         Emin=decimal.MIN_EMIN)


def norm(x: Any) -> Any:
    """A ratio with denominator 1 as an `int`; everything else unchanged."""
    if type(x) is Fraction and x.denominator == 1:
        return x.numerator
    return x


def expect_number(x: Any, what: str = "numbers") -> Any:
    """`x` if it is a number (booleans are not), else a misuse error."""
    if not is_number(x):
        raise BuiltinError(f"expected {what}, got {describe(x)}")
    return x


def expect_integer(x: Any) -> int:
    """`x` if it is an integer (booleans are not), else a misuse error."""
    if type(x) is not int:
        raise BuiltinError(f"expected an integer, got {describe(x)}")
    return x


def is_nan(x: Any) -> bool:
    return type(x) is float and x != x


def to_float(x: Any) -> float:
    """Any number as a float; magnitudes beyond the float range become infinities."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def to_decimal(x: Any) -> Decimal:
    """An exact number as a decimal; ratios must have a terminating expansion."""
    if type(x) is Decimal:
        return x
    if type(x) is int:
        return Decimal(x)
    num, den = x.numerator, x.denominator
    twos, fives = _factor_out(den, 2), _factor_out(den, 5)
    if 2 ** twos * 5 ** fives != den:
        raise BuiltinError(f"{pr(x)} has no exact decimal representation")
    places = max(twos, fives)
    return Decimal(num * (10 ** places // den)).scaleb(-places)


def _factor_out(n: int, p: int) -> int:
    """How many times the prime `p` divides `n`."""
    count = 0
    while n % p == 0:
        n //= p
        count += 1
    return count


def unify(a: Any, b: Any) -> tuple[Any, Any, str]:
    """Both numbers converted to their common category, and that category's name."""
    ca, cb = number_category(a), number_category(b)
    if ca is None:
        expect_number(a)
    if cb is None:
        expect_number(b)
    if ca == cb:
        return a, b, ca
    if ca == "float" or cb == "float":
        return to_float(a), to_float(b), "float"
    return to_decimal(a), to_decimal(b), "decimal"


def add(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a + b
    a, b, cat = unify(a, b)
    if cat == "decimal":
        return _EXACT.add(a, b)
    return norm(a + b)


def sub(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a - b
    a, b, cat = unify(a, b)
    if cat == "decimal":
        return _EXACT.subtract(a, b)
    return norm(a - b)


def mul(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a * b
    a, b, cat = unify(a, b)
    if cat == "decimal":
        return _EXACT.multiply(a, b)
    return norm(a * b)


def div(a: Any, b: Any) -> Any:
    """Division; a zero divisor is an error in every category (no IEEE infinities)."""
    a, b, cat = unify(a, b)
    if b == 0:
        raise BuiltinError(DIVIDE_BY_ZERO)
    if cat == "exact":
        return norm(Fraction(a) / b)
    if cat == "float":
        return a / b
    return _decimal_div(a, b)


def _decimal_div(a: Decimal, b: Decimal) -> Decimal:
    exact = Fraction(a) / Fraction(b)
    to_decimal(exact)  # raises when the expansion does not terminate
    # Enough digits for the exact quotient, so the context keeps its natural scale.
    digits = len(str(abs(exact.numerator))) + len(str(exact.denominator)) * 4 + 2
    return decimal.Context(prec=digits, Emax=decimal.MAX_EMAX,
                           Emin=decimal.MIN_EMIN).divide(a, b)


def neg(x: Any) -> Any:
    expect_number(x, "a number")
    return x.copy_negate() if type(x) is Decimal else -x


def absolute(x: Any) -> Any:
    """Absolute value, keeping the category."""
    expect_number(x, "a number")
    return x.copy_abs() if type(x) is Decimal else abs(x)


def quot(a: Any, b: Any) -> Any:
    """Quotient truncated toward zero, in the operands' common category."""
    a, b, cat = unify(a, b)
    if b == 0:
        raise BuiltinError(DIVIDE_BY_ZERO)
    if cat == "exact":
        return int(Fraction(a) / b)
    if cat == "float":
        q = a / b
        return float(math.trunc(q)) if math.isfinite(q) else q
    return _EXACT.divide_int(a, b)


def rem(a: Any, b: Any) -> Any:
    """Remainder with the sign of the dividend."""
    a, b, cat = unify(a, b)
    if b == 0:
        raise BuiltinError(DIVIDE_BY_ZERO)
    if cat == "exact":
        return norm(a - int(Fraction(a) / b) * b)
    if cat == "float":
        return math.fmod(a, b) if math.isfinite(a) else math.nan
    return _EXACT.remainder(a, b)


def mod(a: Any, b: Any) -> Any:
    """Modulus with the sign of the divisor."""
    r = rem(a, b)
    if r != 0 and (r < 0) != (b < 0):
        return add(r, b)
    return r


def num_compare(a: Any, b: Any) -> int:
    """-1, 0 or 1 comparing two numbers by value across categories.

    NaN is a total-order citizen here (greater than every other number, equal to
    itself) so that sorting data that contains it is deterministic.
    """
    na, nb = is_nan(a), is_nan(b)
    if na or nb:
        return (na and not nb) - (nb and not na)
    return (a > b) - (a < b)
