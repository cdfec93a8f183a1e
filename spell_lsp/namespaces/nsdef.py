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
    bound_as: str = ""              # the prefix calls use, when not the name (io-read: io)

    @property
    def call_prefix(self) -> str:
        return self.bound_as or self.name


REGISTRY: dict[str, NamespaceInfo] = {}


def build_namespace(ns: str, short_docs: str, guide: str, functions: Iterable[NsFunction],
                    detail: dict[str, str], constants: Iterable[tuple[str, Any]] = (),
                    tier: str = "core") -> SMap:
    """The namespace map of spec 9.0 (also recorded in `REGISTRY` for tools)."""
    functions = tuple(functions)
    constants = tuple(constants)
    info = NamespaceInfo(ns, tier, short_docs, guide, functions, dict(detail),
                         tuple(name for name, _ in constants))
    REGISTRY[ns] = info
    callables = {f.name: Builtin(f"{ns}/{f.name}", f.fn, arity(f.arity)) for f in functions}
    return namespace_map(info, callables, constants)


def namespace_map(info: NamespaceInfo, callables: dict[str, Any],
                  constants: Iterable[tuple[str, Any]] = ()) -> SMap:
    """The namespace map of spec 9.0 for `info`, holding the given callable values (one
    per function of `info`, in its order)."""
    docs = [(kw("guide"), info.guide)] + [(kw(f.name), f.doc) for f in info.functions]
    entries = [
        (kw("short-docs"), info.short_docs),
        (kw("docs"), SMap(docs)),
        (kw("detail"), SMap((kw(k), text) for k, text in info.detail.items())),
    ]
    entries += [(kw(f.name), callables[f.name]) for f in info.functions]
    entries += [(kw(name), value) for name, value in constants]
    return SMap(entries)
