"""What the language defines globally, as the analysis needs it: the one table, the core
and effect namespaces, their members and arities (read from `lang.table.TABLE` and
`namespaces.nsdef.REGISTRY`, never copied)."""

from __future__ import annotations

from functools import lru_cache

from ..lang.core import load_modules
from ..lang.table import CORE_NAMESPACES, TABLE, Arity, Entry
from ..namespaces.nsdef import REGISTRY

load_modules()

# Effect namespaces (spec 9.0): io and its subsets, and the planned agents, globals, web,
# patterns. A profile binds the io subsets under `io`.
EFFECT_ROOTS = frozenset({"io", "io-read", "io-write", "io-exec", "agents", "globals", "web",
                          "patterns"})
IO_SUBSETS = ("io-read", "io-write", "io-exec")
# Namespace members that start model turns or sleep the agent (spec 4.8, 9.7, 9.9).
TURN_MEMBERS = frozenset({"agents/!ask", "agents/!reply-ask", "agents/!spawn-ask",
                          "patterns/clean-prompt"})
CALL_NOW_FAMILY = frozenset({"!call-now", "!peek-now", "!peek"})
# Builtins that call a function argument right away (its body runs in the caller's mode).
HIGHER_ORDER = frozenset({
    "map", "map-indexed", "filter", "remove", "reduce", "reductions", "keep",
    "keep-indexed", "some", "every?", "not-any?", "not-every?", "find-first", "mapcat",
    "take-while", "drop-while", "partition-by", "sort-by", "group-by", "apply", "update",
    "update-in", "merge-with", "reduce-kv", "update-keys", "update-vals", "repeatedly",
    "max-key", "min-key", "split-with", "tree-seq", "iterate", "memoize", "swap!",
})
# Names the evaluator knows outside the table: `eval` is in every initial environment;
# `blocking` resolves inside futures; the rest are syntax read by special forms.
SPECIAL_SYMBOLS = frozenset({"eval", "blocking", "&", "catch", "reopen-eval"})
# Keys of every namespace map besides its members (spec 9.0).
NAMESPACE_KEYS = frozenset({"short-docs", "docs", "detail", "disclosure"})


EFFECT_NAMES = frozenset(e.name for e in TABLE.values() if e.kind in ("effect", "turn"))


def entry(name: str) -> Entry | None:
    """The table entry of a name (special form, macro, builtin, effect)."""
    return TABLE.get(name)


_roots: dict[str, tuple[str, str | None]] = {}


def namespace_root(name: str) -> tuple[str, str | None]:
    """`io/ls` -> ("io", "ls"); a plain name (also `/`) -> (name, None)."""
    found = _roots.get(name)
    if found is None:
        root, sep, rest = name.partition("/")
        found = (root, rest.partition("/")[0]) if sep and root and rest else (name, None)
        if len(_roots) < 100_000:
            _roots[name] = found
    return found


def is_namespace(name: str) -> bool:
    return (name in CORE_NAMESPACES or name in REGISTRY or name in EFFECT_ROOTS
            or name == "blocking")


def is_global(name: str) -> bool:
    """Is `name` defined by the language (table, namespaces, special symbols)?"""
    return name in TABLE or name in SPECIAL_SYMBOLS or is_namespace(name)


@lru_cache(maxsize=None)
def members(root: str) -> frozenset[str] | None:
    """Member names of a namespace, or None when its contents are unknown here."""
    if root == "blocking":
        from ..lang.futures import blocking_namespace
        return frozenset(k.name for k in blocking_namespace().keys()) | {"plet"}
    info = REGISTRY.get(root)
    if info is None:
        return None
    names = {f.name for f in info.functions} | set(info.constants) | NAMESPACE_KEYS
    return frozenset(names)


def ns_function(name: str):
    """The `NsFunction` record of `ns/fn`, or None."""
    root, member = namespace_root(name)
    info = REGISTRY.get(root)
    if info is None or member is None:
        return None
    return next((f for f in info.functions if f.name == member), None)


@lru_cache(maxsize=4096)
def arity_of(name: str) -> Arity | None:
    """Accepted argument counts of a builtin, special form, macro or namespace function."""
    e = TABLE.get(name)
    if e is not None:
        return e.arity
    f = ns_function(name)
    if f is None:
        return None
    from ..lang.table import arity
    return arity(f.arity)


@lru_cache(maxsize=1)
def global_names() -> tuple[str, ...]:
    """Every global name a program may write (for "did you mean")."""
    names = set(TABLE) | set(CORE_NAMESPACES) | set(REGISTRY) | {"eval"}
    return tuple(sorted(names))
