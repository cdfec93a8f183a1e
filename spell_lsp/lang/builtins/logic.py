"""Comparison and logic (spec 3.1 equality, 3.2 `compare`, 4.9).

`compare` is exported for the builtins that sort (`sort`, `sorted-map`, ...).
"""

from __future__ import annotations

from typing import Any, Callable

from spell_lsp.syntax.values import (
    Char, Keyword, SList, SMap, SSet, SVector, Symbol, is_number, is_truthy, spell_eq,
)

from .. import numbers as N
from ..errors import BuiltinError
from ..seqview import describe
from ..table import builtin

# ---------------------------------------------------------------------------------------
# Ordering of numbers


def _chain(args: tuple, holds: Callable[[Any, Any], bool]) -> bool:
    """True when `holds` for every adjacent pair; every argument must be a number.

    Any NaN makes a chain of two or more false (and keeps decimals from comparing to it).
    """
    for x in args:
        N.expect_number(x)
    if len(args) > 1 and any(map(N.is_nan, args)):
        return False
    return all(holds(a, b) for a, b in zip(args, args[1:]))


@builtin("<", "1+", "True when the numbers strictly increase.", "comparison",
         signature="(< x y ...)")
def less(*args: Any) -> bool:
    return _chain(args, lambda a, b: a < b)


@builtin(">", "1+", "True when the numbers strictly decrease.", "comparison",
         signature="(> x y ...)")
def greater(*args: Any) -> bool:
    return _chain(args, lambda a, b: a > b)


@builtin("<=", "1+", "True when the numbers never decrease.", "comparison",
         signature="(<= x y ...)")
def less_equal(*args: Any) -> bool:
    return _chain(args, lambda a, b: a <= b)


@builtin(">=", "1+", "True when the numbers never increase.", "comparison",
         signature="(>= x y ...)")
def greater_equal(*args: Any) -> bool:
    return _chain(args, lambda a, b: a >= b)


# ---------------------------------------------------------------------------------------
# Equality and the total order of `compare`


@builtin("=", "1+", "True when all the values are equal (numbers only within a category).",
         "comparison", signature="(= x y ...)")
def equal(*args: Any) -> bool:
    return all(spell_eq(a, b) for a, b in zip(args, args[1:]))


@builtin("not=", "1+", "True when some of the values differ; the negation of =.",
         "comparison", signature="(not= x y ...)")
def not_equal(*args: Any) -> bool:
    return not equal(*args)


def _compare_named(a: Keyword | Symbol, b: Keyword | Symbol) -> int:
    """Namespace first (no namespace sorts first), then name."""
    na, nb = a.namespace, b.namespace
    if na != nb:
        if na is None or nb is None:
            return -1 if na is None else 1
        return (na > nb) - (na < nb)
    la, lb = _local(a), _local(b)
    return (la > lb) - (la < lb)


def _local(x: Keyword | Symbol) -> str:
    ns = x.namespace
    return x.name[len(ns) + 1:] if ns else x.name


def _compare_vectors(a: SVector, b: SVector) -> int:
    """Shorter vectors first, then element by element."""
    if len(a) != len(b):
        return -1 if len(a) < len(b) else 1
    for x, y in zip(a, b):
        c = compare(x, y)
        if c:
            return c
    return 0


def compare(a: Any, b: Any) -> int:
    """-1, 0 or 1: the total order of spec 3.2; unrelated kinds are a misuse error."""
    if a is None or b is None:
        return (b is None) - (a is None)
    ta, tb = type(a), type(b)
    if is_number(a) and is_number(b):
        return N.num_compare(a, b)
    if ta is tb:
        if ta is str or ta is bool:
            return (a > b) - (a < b)
        if ta is Char:
            return (a.ch > b.ch) - (a.ch < b.ch)
        if ta is Keyword or ta is Symbol:
            return _compare_named(a, b)
        if ta is SVector:
            return _compare_vectors(a, b)
    raise BuiltinError(f"cannot compare {describe(a)} with {describe(b)}")


@builtin("compare", 2, "-1, 0 or 1 as x sorts before, with or after y.", "comparison",
         signature="(compare x y)")
def compare_builtin(a: Any, b: Any) -> int:
    return compare(a, b)


# ---------------------------------------------------------------------------------------
# Logic and simple tests


@builtin("identity", 1, "Its argument, unchanged.", "comparison", signature="(identity x)")
def identity(x: Any) -> Any:
    return x


@builtin("not", 1, "True for nil and false, false for everything else.", "comparison",
         signature="(not x)")
def not_(x: Any) -> bool:
    return not is_truthy(x)


@builtin("nil?", 1, "True for nil.", "comparison", signature="(nil? x)")
def is_nil(x: Any) -> bool:
    return x is None


@builtin("some?", 1, "True for anything but nil.", "comparison", signature="(some? x)")
def is_some(x: Any) -> bool:
    return x is not None


@builtin("true?", 1, "True only for the value true.", "comparison", signature="(true? x)")
def is_true(x: Any) -> bool:
    return x is True


@builtin("false?", 1, "True only for the value false.", "comparison",
         signature="(false? x)")
def is_false(x: Any) -> bool:
    return x is False


@builtin("empty?", 1, "True for nil, an empty collection or an empty string.", "comparison",
         signature="(empty? coll)")
def is_empty(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, (str, SList, SVector, SMap, SSet)):
        return len(x) == 0
    raise BuiltinError(f"expected a collection or a string, got {describe(x)}")


@builtin("any?", 1, "Always true, whatever the argument.", "comparison",
         signature="(any? x)")
def is_any(x: Any) -> bool:
    return True


@builtin("boolean", 1, "The truthiness of the value, as true or false.", "comparison",
         signature="(boolean x)")
def boolean(x: Any) -> bool:
    return is_truthy(x)


@builtin("distinct?", "1+", "True when no two of the arguments are equal.", "comparison",
         signature="(distinct? x y ...)")
def is_distinct(*args: Any) -> bool:
    return len(SSet(args)) == len(args)
