"""Spell values as DAP variables (paged children, truncated text) and pure evaluation."""

from __future__ import annotations

from typing import Any, Callable

from ..syntax.printer import pr
from ..syntax.values import SList, SMap, SSet, Symbol, SVector

MAX_VALUE = 200       # characters of a value shown inline; the rest through `evaluate`
INDEXED = (SList, SVector, SSet, list, tuple)


class EffectRefused(Exception):
    """An expression that would run an effect while the agent is paused."""


def short(text: str, limit: int = MAX_VALUE) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def show(value: Any) -> str:
    """The inline text of a value: printed Spell, truncated."""
    return short(pr(value))


def spell_type(value: Any) -> str:
    """The `(type x)` name of a value."""
    from ..lang.evaluator import type_name
    return str(type_name(value))


def children(value: Any) -> list[tuple[str, Any]] | None:
    """Named children of a structured value; None for atoms."""
    if isinstance(value, SMap):
        return [(pr(k), v) for k, v in value.items()]
    if isinstance(value, INDEXED):
        return [(str(i), v) for i, v in enumerate(value)]
    return None


def counts(value: Any) -> dict[str, int]:
    """`indexedVariables`/`namedVariables` hints so clients page large values."""
    if isinstance(value, INDEXED):
        return {"indexedVariables": len(value)}
    if isinstance(value, SMap):
        return {"namedVariables": len(value)}
    return {}


class References:
    """variablesReference -> a function listing children; cleared when the agent resumes."""

    def __init__(self) -> None:
        self.table: dict[int, Callable[[], list[tuple[str, Any]]]] = {}

    def clear(self) -> None:
        self.table.clear()

    def add(self, producer: Callable[[], list[tuple[str, Any]]]) -> int:
        ref = len(self.table) + 1
        self.table[ref] = producer
        return ref

    def variable(self, name: str, value: Any) -> dict[str, Any]:
        """A DAP Variable; non-empty collections get a reference to their children,
        listed only when the client asks."""
        nested = isinstance(value, (SMap, *INDEXED)) and len(value) > 0
        ref = self.add(lambda: children(value) or []) if nested else 0
        return {"name": name, "value": show(value), "type": spell_type(value),
                "variablesReference": ref, **(counts(value) if nested else {})}

    def variables(self, ref: int, start: int = 0, count: int = 0) -> list[dict[str, Any]]:
        producer = self.table.get(ref)
        if producer is None:
            return []
        items = producer()
        window = items[start:start + count] if count else items[start:]
        return [item if isinstance(item, dict) else self.variable(*item) for item in window]


def effect_names(scope: dict, namespaces: tuple[str, ...]) -> list[str]:
    """Names in `scope` bound to effect functions (wrapped by the harness's recorder)."""
    from ..lang.table import Builtin
    return [s.name for s, v in scope.items()
            if type(v) is Builtin and v.name.split("/", 1)[0] in namespaces]


def effects_in(form: Any, scope: dict, namespaces: tuple[str, ...]) -> list[str]:
    """Effect calls an expression names: `!`-builtins, effect namespaces, bound effects."""
    from ..lang.core import effect_builtins
    effects = effect_builtins()
    bound = set(effect_names(scope, namespaces))
    found: list[str] = []

    def walk(x: Any) -> None:
        if type(x) is Symbol:
            root = x.name.split("/", 1)[0]
            if x in effects or root in namespaces or x.name in bound:
                found.append(x.name)
        elif isinstance(x, (SList, SVector, SSet, tuple, list)):
            for item in x:
                walk(item)
        elif isinstance(x, SMap):
            for k, v in x.items():
                walk(k)
                walk(v)
    walk(form)
    return found


def evaluate_pure(text: str, scope: dict, namespaces: tuple[str, ...] = ("io",)) -> Any:
    """The value of `text` in a copy of `scope`, with no capability and no agent; an
    expression naming an effect is refused before anything runs."""
    from ..lang.context import Context, Limits
    from ..lang.core import run_deep
    from ..lang.evaluator import Interp
    from ..syntax.lower import read_one
    form = read_one(text)
    named = effects_in(form, scope, namespaces)
    if named:
        raise EffectRefused(f"not evaluated: {named[0]} is an effect, and evaluation while "
                            "debugging is pure (no effect runs)")
    interp = Interp(Context(limits=Limits(max_steps=1_000_000, max_depth=5_000)))
    return run_deep(lambda: interp.ev(form, dict(scope)))
