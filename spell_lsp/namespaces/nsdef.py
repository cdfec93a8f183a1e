"""Declaring a core namespace: its functions as Python records, built into the Spell map.

A namespace value (spec 9.0) is a plain map: `:short-docs`, `:docs` (the guide plus one
line per function), `:detail` (long per-function docs), then the callables as `Builtin`
values named `ns/fn`, then any constants. The records stay available to Python code
(documentation, completion, hover) as each namespace module's `FUNCTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..lang.table import Builtin, arity
from ..syntax.values import SMap, kw


@dataclass(frozen=True)
class NsFunction:
    """One callable of a namespace: key, call signature, arity, one-line doc, Python impl."""

    name: str
    signature: str
    arity: Any
    doc: str
    fn: Callable[..., Any]


@dataclass(frozen=True)
class NamespaceInfo:
    """What tools (completion, hover, docs, the system prompt) know of a namespace."""

    name: str
    tier: str                       # "core", "effect" or "docs"
    short_docs: str
    guide: str
    functions: tuple[NsFunction, ...]
    detail: dict[str, str]
    constants: tuple[str, ...] = ()


REGISTRY: dict[str, NamespaceInfo] = {}


def build_namespace(ns: str, short_docs: str, guide: str, functions: Iterable[NsFunction],
                    detail: dict[str, str], constants: Iterable[tuple[str, Any]] = (),
                    tier: str = "core") -> SMap:
    """The namespace map of spec 9.0 (also recorded in `REGISTRY` for tools)."""
    functions = tuple(functions)
    constants = tuple(constants)
    REGISTRY[ns] = NamespaceInfo(ns, tier, short_docs, guide, functions, dict(detail),
                                 tuple(name for name, _ in constants))
    docs = [(kw("guide"), guide)] + [(kw(f.name), f.doc) for f in functions]
    entries = [
        (kw("short-docs"), short_docs),
        (kw("docs"), SMap(docs)),
        (kw("detail"), SMap((kw(k), text) for k, text in detail.items())),
    ]
    entries += [(kw(f.name), Builtin(f"{ns}/{f.name}", f.fn, arity(f.arity)))
                for f in functions]
    entries += [(kw(name), value) for name, value in constants]
    return SMap(entries)
