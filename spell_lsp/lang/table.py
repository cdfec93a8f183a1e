"""The one table of Spell names: special forms, built-in macros, builtins, effects.

Every special form, macro and builtin registers itself here (through the decorators below)
with its arity, kind and a one-line doc. The evaluator dispatches from this table; the
linter, completion, hover and generated docs read it, so they cannot drift apart.

Kinds:
- ``special``  a special form, handled by the evaluator;
- ``macro``    a built-in macro (expands, cannot be shadowed in call position);
- ``pure``     a builtin function, available everywhere;
- ``effect``   an effect builtin, resolvable only while the effect capability is held;
- ``turn``     a turn-producing form (effect builtin or macro that starts a model turn).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Arity:
    """Accepted argument counts: `min` to `max` (None: unbounded); `even` for pairs."""

    min: int
    max: int | None
    even: bool = False

    def accepts(self, n: int) -> bool:
        if n < self.min or (self.max is not None and n > self.max):
            return False
        return not self.even or n % 2 == 0

    def __str__(self) -> str:
        if self.max == self.min:
            return str(self.min)
        if self.max is None:
            return f"{self.min}+"
        return f"{self.min}-{self.max}"


def arity(spec: int | str | tuple[int, int | None]) -> Arity:
    """Parse an arity spec: 2, "1+", "0-1" or (1, None)."""
    if isinstance(spec, Arity):
        return spec
    if isinstance(spec, int):
        return Arity(spec, spec)
    if isinstance(spec, tuple):
        return Arity(spec[0], spec[1])
    if spec.endswith("+"):
        return Arity(int(spec[:-1]), None)
    lo, _, hi = spec.partition("-")
    return Arity(int(lo), int(hi) if hi else int(lo))


@dataclass
class Entry:
    """One name of the table."""

    name: str
    kind: str
    arity: Arity
    doc: str
    category: str
    signature: str = ""  # e.g. "(subs s start [end])"
    impl: Any = field(default=None, repr=False)


TABLE: dict[str, Entry] = {}

# Builtins whose result is not determined by their arguments: a program evaluation that
# calls one cannot be reused by incremental evaluation.
IMPURE = frozenset(("rand", "rand-int", "rand-nth", "random-sample", "random-uuid", "shuffle",
                    "gensym", "future*", "math/rand"))

# Core namespaces (strings, math, ...) by name. The namespace modules live in the layer
# above and register here when imported (the package root imports them), so the
# language layer never imports upward.
CORE_NAMESPACES: dict[str, Any] = {}


def register_namespace(name: str, value: Any) -> None:
    CORE_NAMESPACES[name] = value


class Builtin:
    """A builtin function value. `takes_rt` builtins receive a `Runtime` first, which lets
    them call Spell functions in the caller's environment."""

    __slots__ = ("name", "fn", "arity", "takes_rt", "impure")

    def __init__(self, name: str, fn: Callable, ar: Arity, takes_rt: bool = False) -> None:
        self.name = name
        self.fn = fn
        self.arity = ar
        self.takes_rt = takes_rt
        self.impure = name in IMPURE  # result not a function of the arguments

    def __repr__(self) -> str:
        return f"#<fn {self.name}>"


def register(name: str, kind: str, ar: Any, doc: str, category: str, signature: str = "",
             impl: Any = None) -> Entry:
    if name in TABLE:
        raise ValueError(f"duplicate table entry: {name}")
    entry = Entry(name, kind, arity(ar), doc, category, signature, impl)
    TABLE[name] = entry
    return entry


def builtin(name: str, ar: Any, doc: str, category: str, *, signature: str = "",
            rt: bool = False, kind: str = "pure", aliases: tuple[str, ...] = ()):
    """Decorator: register a Python function as a builtin (and its aliases)."""

    def deco(fn: Callable) -> Callable:
        for n in (name, *aliases):
            b = Builtin(n, fn, arity(ar), rt)
            register(n, kind, ar, doc if n == name else f"Alias of `{name}`. {doc}", category,
                     signature, b)
        return fn

    return deco


def entries(kind: str | None = None) -> list[Entry]:
    return [e for e in TABLE.values() if kind is None or e.kind == kind]
