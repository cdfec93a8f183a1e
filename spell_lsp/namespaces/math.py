"""The `math` core namespace (spec 9.2): java.lang.Math's functions.

Float functions follow Java, not Python's `math` module: a domain error gives NaN or an
infinity instead of failing. Rounding functions return integers, computed exactly from
the argument's value (no detour through floats for exact numbers and decimals).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any, Callable

from ..lang import numbers as N
from ..lang.errors import BuiltinError
from ..lang.seqview import describe
from ..syntax.printer import pr
from .nsdef import NsFunction, build_namespace

_MAX_FACTORIAL = 100_000  # larger arguments would stall the evaluation


def _float_arg(x: Any) -> float:
    return N.to_float(N.expect_number(x, "a number"))


def _java(fn: Callable[[float], float], pole: float | None = None,
          odd: bool = False) -> Callable[[Any], float]:
    """A one-argument float function with Java's answers where Python raises:
    NaN outside the domain, -Inf at a logarithm's pole, an infinity on overflow
    (signed like the argument for odd functions)."""

    def call(x: Any) -> float:
        v = _float_arg(x)
        try:
            return fn(v)
        except ValueError:
            return -math.inf if v == pole else math.nan
        except OverflowError:
            return math.copysign(math.inf, v) if odd else math.inf

    return call


def cbrt(x: Any) -> float:
    """Cube root, exact on perfect cubes (Python's cbrt can be one ulp off)."""
    v = _float_arg(x)
    root = math.cbrt(v)
    if math.isfinite(root):
        whole = round(root)
        if whole ** 3 == v:
            return float(whole)
    return root


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == math.floor(y) and int(y) % 2 == 1


def power(x: Any, y: Any) -> float:
    """x to the power y with Java's special cases."""
    a, b = _float_arg(x), _float_arg(y)
    if b == 0:
        return 1.0
    if math.isnan(b) or (abs(a) == 1 and math.isinf(b)):
        return math.nan
    try:
        return math.pow(a, b)
    except ValueError:
        if a == 0:  # zero to a negative power
            negative = math.copysign(1.0, a) < 0 and _is_odd_integer(b)
            return -math.inf if negative else math.inf
        return math.nan
    except OverflowError:
        return -math.inf if a < 0 and _is_odd_integer(b) else math.inf


def atan2(y: Any, x: Any) -> float:
    return math.atan2(_float_arg(y), _float_arg(x))


def hypot(x: Any, y: Any) -> float:
    return math.hypot(_float_arg(x), _float_arg(y))


def absolute(x: Any) -> float:
    return abs(_float_arg(x))


def sign(x: Any) -> float:
    v = _float_arg(x)
    return v if v == 0 or math.isnan(v) else math.copysign(1.0, v)


def _exact_arg(x: Any) -> Any:
    """A finite number's exact value, for the rounding functions."""
    N.expect_number(x, "a number")
    if type(x) is float and not math.isfinite(x):
        raise BuiltinError(f"cannot round {pr(x)} to an integer")
    return x


def floor(x: Any) -> int:
    return math.floor(_exact_arg(x))


def ceil(x: Any) -> int:
    return math.ceil(_exact_arg(x))


def trunc(x: Any) -> int:
    return math.trunc(_exact_arg(x))


def round_half_up(x: Any) -> int:
    """floor(x + 1/2), computed exactly: 2.5 gives 3, -2.5 gives -2."""
    v = _exact_arg(x)
    return v if type(v) is int else math.floor(Fraction(v) + Fraction(1, 2))


def _integral(x: Any) -> int:
    """An integer argument; numbers with an integral value are accepted too."""
    N.expect_number(x, "an integer")
    if type(x) is not int:
        if (type(x) is float and not math.isfinite(x)) or x != math.floor(x):
            raise BuiltinError(f"expected an integer, got {describe(x)}")
    return int(x)


def factorial(n: Any) -> int:
    k = _integral(n)
    if k < 0:
        raise BuiltinError("factorial: negative argument")
    if k > _MAX_FACTORIAL:
        raise BuiltinError(f"factorial: argument {k} is too large")
    return math.factorial(k)


def gcd(a: Any, b: Any) -> int:
    return math.gcd(_integral(a), _integral(b))


def lcm(a: Any, b: Any) -> int:
    return math.lcm(_integral(a), _integral(b))


def rand() -> float:
    return random.random()


def is_nan(x: Any) -> bool:
    N.expect_number(x, "a number")
    return N.is_nan(x)


def is_infinite(x: Any) -> bool:
    N.expect_number(x, "a number")
    return type(x) is float and math.isinf(x)


def _float_fn(name: str, fn: Callable[[Any], float], doc: str) -> NsFunction:
    return NsFunction(name, f"(math/{name} x)", 1, doc, fn)


FUNCTIONS = (
    _float_fn("sqrt", _java(math.sqrt), "Square root (NaN for negative numbers)."),
    _float_fn("cbrt", cbrt, "Cube root; exact on perfect cubes."),
    _float_fn("exp", _java(math.exp), "e raised to the power x."),
    _float_fn("expm1", _java(math.expm1), "e^x - 1, accurate for x near zero."),
    _float_fn("log", _java(math.log, pole=0.0), "Natural logarithm (-Inf at 0)."),
    _float_fn("log10", _java(math.log10, pole=0.0), "Base-10 logarithm."),
    _float_fn("log2", _java(math.log2, pole=0.0), "Base-2 logarithm."),
    _float_fn("log1p", _java(math.log1p, pole=-1.0), "log(1 + x), accurate for x near 0."),
    _float_fn("sin", _java(math.sin), "Sine of an angle in radians."),
    _float_fn("cos", _java(math.cos), "Cosine of an angle in radians."),
    _float_fn("tan", _java(math.tan), "Tangent of an angle in radians."),
    _float_fn("asin", _java(math.asin), "Arc sine, in radians (NaN outside [-1, 1])."),
    _float_fn("acos", _java(math.acos), "Arc cosine, in radians (NaN outside [-1, 1])."),
    _float_fn("atan", _java(math.atan), "Arc tangent, in radians."),
    _float_fn("sinh", _java(math.sinh, odd=True), "Hyperbolic sine."),
    _float_fn("cosh", _java(math.cosh), "Hyperbolic cosine."),
    _float_fn("tanh", _java(math.tanh), "Hyperbolic tangent."),
    _float_fn("degrees", _java(math.degrees), "Radians converted to degrees."),
    _float_fn("radians", _java(math.radians), "Degrees converted to radians."),
    NsFunction("pow", "(math/pow x y)", 2, "x raised to the power y, as a float.", power),
    NsFunction("atan2", "(math/atan2 y x)", 2, "Angle of the point (x, y), in radians.",
               atan2),
    NsFunction("hypot", "(math/hypot x y)", 2, "sqrt(x^2 + y^2) without overflow.", hypot),
    _float_fn("abs", absolute, "Absolute value, as a float."),
    _float_fn("sign", sign, "-1.0, 0.0 or 1.0 by the sign of x."),
    NsFunction("floor", "(math/floor x)", 1, "Largest integer not above x.", floor),
    NsFunction("ceil", "(math/ceil x)", 1, "Smallest integer not below x.", ceil),
    NsFunction("trunc", "(math/trunc x)", 1, "x with its fraction dropped, as an integer.",
               trunc),
    NsFunction("round", "(math/round x)", 1, "Nearest integer, halves rounded up.",
               round_half_up),
    NsFunction("factorial", "(math/factorial n)", 1, "n! as an integer.", factorial),
    NsFunction("gcd", "(math/gcd a b)", 2, "Greatest common divisor (non-negative).", gcd),
    NsFunction("lcm", "(math/lcm a b)", 2, "Least common multiple; 0 if either is 0.", lcm),
    NsFunction("rand", "(math/rand)", 0, "Random float in [0, 1).", rand),
    NsFunction("NaN?", "(math/NaN? x)", 1, "True when x is NaN.", is_nan),
    NsFunction("infinite?", "(math/infinite? x)", 1, "True when x is an infinity.",
               is_infinite),
)

CONSTANTS = (
    ("PI", math.pi),
    ("E", math.e),
    ("INF", math.inf),
    ("NEG-INF", -math.inf),
    ("NaN", math.nan),
)

SHORT_DOCS = "Numeric functions mirroring java.lang.Math (sqrt, pow, round, gcd, ...)."

GUIDE = """MATH — Mirrors java.lang.Math: float functions, rounding and integer helpers.

  (math/sqrt x)        — square root
  (math/cbrt x)        — cube root, exact on perfect cubes
  (math/pow x y)       — x to the power y
  (math/exp x)         — e^x
  (math/expm1 x)       — e^x - 1
  (math/log x)         — natural logarithm
  (math/log10 x)       — base-10 logarithm
  (math/log2 x)        — base-2 logarithm
  (math/log1p x)       — log(1 + x)
  (math/sin x)         — sine (radians); likewise cos, tan
  (math/cos x)         — cosine
  (math/tan x)         — tangent
  (math/asin x)        — arc sine; likewise acos, atan
  (math/acos x)        — arc cosine
  (math/atan x)        — arc tangent
  (math/atan2 y x)     — angle of the point (x, y)
  (math/sinh x)        — hyperbolic sine; likewise cosh, tanh
  (math/cosh x)        — hyperbolic cosine
  (math/tanh x)        — hyperbolic tangent
  (math/degrees r)     — radians to degrees
  (math/radians d)     — degrees to radians
  (math/hypot x y)     — sqrt(x^2 + y^2)
  (math/abs x)         — absolute value, as a float
  (math/sign x)        — -1.0, 0.0 or 1.0
  (math/floor x)       — integer at or below x
  (math/ceil x)        — integer at or above x
  (math/trunc x)       — integer part of x
  (math/round x)       — nearest integer, halves up: 2.5 gives 3, -2.5 gives -2
  (math/factorial n)   — n! as an integer
  (math/gcd a b)       — greatest common divisor
  (math/lcm a b)       — least common multiple (0 when either is 0)
  (math/rand)          — random float in [0, 1)
  (math/NaN? x)        — true for ##NaN
  (math/infinite? x)   — true for ##Inf and ##-Inf
  math/PI math/E math/INF math/NEG-INF math/NaN — constants

Float functions never fail on a bad domain: (math/sqrt -4) is ##NaN, (math/log 0) is
##-Inf. floor, ceil, trunc, round, factorial, gcd and lcm return integers; the rest
return floats, even for integer arguments: (math/sqrt 16) is 4.0.
Related builtins (no prefix): + - * / quot rem mod abs max min int float rationalize.
Details of one function: (!describe math :round).

Common mistakes:

1. Comparing a float result with an integer: (= 4 (math/sqrt 16)) is false because 4 and
   4.0 are different numbers in Spell; round first: (= 4 (math/round (math/sqrt 16))).
2. Expecting an error from a bad argument: the float functions answer ##NaN or an
   infinity; test with math/NaN? or math/infinite? before using the result.
3. Writing math/+ or math/max: arithmetic lives in the builtins, written + and max.

In examples, | marks the cursor: the text before it is the prefix, the text after it is
what you write. Never type the |. A ... before the cursor stands for earlier program text.

Recommended usage pattern: Write a function, bind its result, inspect it next turn.
A computed number is only useful once you have looked at it.

1. Define the computation and bind its result with !call-now.
  ...|(defn perfect-square? [n] (let [r (math/round (math/sqrt n))] (= (* r r) n)))
  '(!call-now squares (filter perfect-square? (range 1 50)))

2. Next turn: the result is in the program; check it before building on it.
  ...(def squares [1 4 9 16 25 36 49])
  |(persist square-count (count squares))
  '(!extend)

Antipattern: returning a computed value as the answer without ever looking at it.
"""

DETAIL = {
    "round": """(math/round x)

Returns the integer floor(x + 1/2): halves round up, toward positive infinity.

Example:
  (math/round 2.5)    ;; => 3
  (math/round -2.5)   ;; => -2
  (math/round 7/2)    ;; => 4""",
    "pow": """(math/pow x y)

Returns x to the power y as a float, with java.lang.Math's special cases.

Example:
  (math/pow 2 10)     ;; => 1024.0
  (math/pow 0 -1)     ;; => ##Inf
  (math/pow -8 1/3)   ;; => ##NaN""",
    "factorial": """(math/factorial n)

Returns n! as an integer (no overflow). A negative n is an error.

Example:
  (math/factorial 6)    ;; => 720
  (math/factorial 25)   ;; => 15511210043330985984000000""",
}

NAMESPACE = build_namespace("math", SHORT_DOCS, GUIDE, FUNCTIONS, DETAIL, CONSTANTS)
