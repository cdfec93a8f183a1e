"""Binding patterns for let, loop, for and function parameters (spec 4.3.1)."""

from __future__ import annotations

from typing import Any

from ..syntax.printer import pr
from ..syntax.values import Char, Keyword, SList, SMap, SSet, SVector, Symbol
from .errors import SpellError

S_AMP = Symbol("&")
K_AS = Keyword("as")
K_KEYS = Keyword("keys")
K_STRS = Keyword("strs")
K_SYMS = Keyword("syms")
K_OR = Keyword("or")


def as_pattern_seq(v: Any) -> list:
    """The value seen by a vector pattern: a sequence, or [v] for a scalar."""
    t = type(v)
    if t is SVector or t is SList:
        return v
    if v is None:
        return []
    if t is str:
        return [Char(c) for c in v]
    if isinstance(v, SMap):
        return [SVector((k, val)) for k, val in v.items()]
    if t is SSet:
        return list(v)
    return [v]


def bind(interp: Any, pattern: Any, value: Any, scope: dict) -> None:
    """Bind `pattern` to `value` in `scope` (mutating it)."""
    t = type(pattern)
    if t is Symbol:
        scope[pattern] = value
    elif t is SVector:
        bind_vector(interp, pattern, value, scope)
    elif t is SMap:
        bind_map(interp, pattern, value, scope)
    else:
        raise SpellError(f"Invalid destructuring pattern: {pr(pattern)}", pattern)


def bind_vector(interp: Any, pattern: SVector, value: Any, scope: dict) -> None:
    items = as_pattern_seq(value)
    n = len(pattern)
    i = 0
    pos = 0
    while i < n:
        p = pattern[i]
        if p is S_AMP and i + 1 < n:
            bind(interp, pattern[i + 1], SVector(items[pos:]), scope)
            i += 2
        elif p is K_AS and i + 1 < n:
            bind(interp, pattern[i + 1], value, scope)
            i += 2
        else:
            bind(interp, p, items[pos] if pos < len(items) else None, scope)
            pos += 1
            i += 1


def map_get(value: Any, key: Any) -> Any:
    from .evaluator import get_key
    return get_key(value, key)


def bind_map(interp: Any, pattern: SMap, value: Any, scope: dict) -> None:
    defaults = pattern.get(K_OR)
    bound: list[Symbol] = []
    for k, p in pattern.items():
        if k is K_KEYS or k is K_STRS or k is K_SYMS:
            for name in p if isinstance(p, (SVector, SList)) else ():
                s = name if type(name) is Symbol else Symbol(getattr(name, "name", str(name)))
                local = Symbol(s.name.rpartition("/")[2])
                key = (Keyword(s.name) if k is K_KEYS else s.name if k is K_STRS else s)
                scope[local] = map_get(value, key)
                bound.append(local)
        elif k is K_AS:
            bind(interp, p, value, scope)
        elif k is K_OR:
            continue
        else:
            bind(interp, k, map_get(value, p), scope)
            if type(k) is Symbol:
                bound.append(k)
    if isinstance(defaults, SMap):
        for name, default in defaults.items():
            if type(name) is Symbol and scope.get(name) is None and name in bound:
                scope[name] = interp.ev(default, scope)
