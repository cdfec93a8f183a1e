"""How builtins see Spell values as sequences (spec 4.3.1, 4.9), and name them in errors.

Lists and vectors are their elements, strings their characters, maps their `[k v]` entries
(as vectors), sets their members and nil is empty. Builtins that need a collection reject
anything else with a misuse error.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import Char, SList, SMap, SSet, SVector

from .errors import BuiltinError

_SCALAR_KINDS = frozenset({"boolean", "number", "string", "char", "keyword", "symbol"})
_SHOWN_CHARS = 40  # values quoted in messages are cut to this length


def iter_seq(x: Any) -> Iterator[Any]:
    """Iterate the elements of a seqable value; BuiltinError (raised at once) otherwise."""
    if isinstance(x, (SList, SVector)):
        return iter(x)
    if x is None:
        return iter(())
    if type(x) is str:
        return map(Char, x)
    if isinstance(x, SMap):
        return map(SVector, x.items())
    if type(x) is SSet:
        return iter(x)
    raise BuiltinError(f"expected a collection, got {describe(x)}")


def as_seq(x: Any) -> Sequence[Any]:
    """The elements of a seqable value as an indexable sequence (lists and vectors as is)."""
    if isinstance(x, (SList, SVector)):
        return x
    return tuple(iter_seq(x))


def describe(x: Any) -> str:
    """A short phrase naming a value in an error detail: `number 5`, `a map`, `nil`."""
    from .builtins.types import type_of  # the `type` builtin's names; imported late (cycle)

    k = type_of(x)
    if x is None:
        return "nil"
    if k in _SCALAR_KINDS:
        text = pr(x)
        if len(text) > _SHOWN_CHARS:
            text = text[:_SHOWN_CHARS] + "..."
        return f"{k} {text}"
    return f"an {k}" if k[0] in "aeiou" else f"a {k}"
