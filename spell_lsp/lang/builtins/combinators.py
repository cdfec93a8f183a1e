"""Function combinators (spec 4.9, "Function combinators").

Each returns a builtin function value (printed `#<fn comp>` and so on) that accepts any
number of arguments. The returned builtins take the runtime of their *call* site, so the
functions they wrap run in the caller's environment, as every Spell call does.
"""

from __future__ import annotations

from typing import Any, Callable

from spell_lsp.syntax.values import SVector, is_truthy

from ..table import Arity, Builtin, builtin

CAT = "combinators"
_ANY = Arity(0, None)


def _fn(name: str, impl: Callable[..., Any], ar: Arity = _ANY) -> Builtin:
    """A builtin function value whose implementation receives the caller's runtime."""
    return Builtin(name, impl, ar, takes_rt=True)


def _identity(rt: Any, x: Any) -> Any:
    return x


@builtin("comp", "0+", "Compose functions right to left; the rightmost takes all the "
         "arguments; (comp) is identity.", CAT, signature="(comp f ...)")
def comp(*fns: Any) -> Builtin:
    if not fns:
        return _fn("comp", _identity, Arity(1, 1))
    *outer, inner = fns

    def composed(rt: Any, *args: Any) -> Any:
        value = rt.call(inner, *args)
        for f in reversed(outer):
            value = rt.call(f, value)
        return value

    return _fn("comp", composed)


@builtin("partial", "1+", "f with its first arguments supplied.", CAT,
         signature="(partial f x ...)")
def partial(f: Any, *bound: Any) -> Builtin:
    def applied(rt: Any, *more: Any) -> Any:
        return rt.call(f, *bound, *more)

    return _fn("partial", applied)


@builtin("juxt", "1+", "A function returning the vector of each function's result on its "
         "arguments.", CAT, signature="(juxt f ...)")
def juxt(*fns: Any) -> Builtin:
    def each(rt: Any, *args: Any) -> SVector:
        return SVector([rt.call(f, *args) for f in fns])

    return _fn("juxt", each)


@builtin("complement", "1", "A function returning the logical opposite of f.", CAT,
         signature="(complement f)")
def complement(f: Any) -> Builtin:
    def negated(rt: Any, *args: Any) -> bool:
        return not is_truthy(rt.call(f, *args))

    return _fn("complement", negated)


@builtin("constantly", "1", "A function that ignores its arguments and returns x.", CAT,
         signature="(constantly x)")
def constantly(x: Any) -> Builtin:
    def fixed(rt: Any, *args: Any) -> Any:
        return x

    return _fn("constantly", fixed)


@builtin("every-pred", "1+", "A function telling whether every predicate holds for every "
         "argument.", CAT, signature="(every-pred pred ...)")
def every_pred(*preds: Any) -> Builtin:
    def all_hold(rt: Any, *args: Any) -> bool:
        return all(is_truthy(rt.call(p, x)) for p in preds for x in args)

    return _fn("every-pred", all_hold)


@builtin("some-fn", "1+", "A function returning the first truthy result of a predicate on an "
         "argument, else nil.", CAT, signature="(some-fn pred ...)")
def some_fn(*preds: Any) -> Builtin:
    def first_truthy(rt: Any, *args: Any) -> Any:
        for p in preds:
            for x in args:
                result = rt.call(p, x)
                if is_truthy(result):
                    return result
        return None

    return _fn("some-fn", first_truthy)


@builtin("fnil", "2+", "f with nil arguments replaced by defaults, position by position.",
         CAT, signature="(fnil f default ...)")
def fnil(f: Any, *defaults: Any) -> Builtin:
    def patched(rt: Any, *args: Any) -> Any:
        fixed = [defaults[i] if x is None and i < len(defaults) else x
                 for i, x in enumerate(args)]
        return rt.call(f, *fixed)

    return _fn("fnil", patched)
