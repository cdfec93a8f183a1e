"""Collections builtins (spec 4.9, "Collections"): build, read and update lists, vectors,
maps and sets.

Results follow the catalogue: "→ seq" is an `SList`, "→ vec" an `SVector`. Updates of a
vector (`conj`, `assoc`, `pop`) keep its `first_line` metadata, as upstream's host
metadata did; `subvec` shifts it by the start index.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from spell_lsp.syntax.values import Char, SList, SMap, SSet, SVector, vector_with_line

from ..errors import BuiltinError
from ..seqview import as_seq, describe, iter_seq
from ..table import builtin

CAT = "collections"
_MISSING = object()


@builtin("list", "0+", "Make a list of the arguments.", CAT, signature="(list x ...)")
def list_(*xs: Any) -> SList:
    return SList(xs)


@builtin("vector", "0+", "Make a vector of the arguments.", CAT, signature="(vector x ...)")
def vector(*xs: Any) -> SVector:
    return SVector(xs)


@builtin("list*", "1+", "Make a list of the arguments, the last one (a collection) spread "
         "into it; nil when that leaves nothing.", CAT, signature="(list* x ... coll)")
def list_star(*args: Any) -> SList | None:
    items = (*args[:-1], *as_seq(args[-1]))
    return SList(items) if items else None


@builtin("vec", "1", "The elements of a collection as a vector.", CAT, signature="(vec coll)")
def vec(coll: Any) -> SVector:
    return coll if type(coll) is SVector else SVector(as_seq(coll))


@builtin("set", "1", "The elements of a collection as a set.", CAT, signature="(set coll)")
def set_(coll: Any) -> SSet:
    return coll if type(coll) is SSet else SSet(iter_seq(coll))


@builtin("seq", "1", "The elements of a collection as a list, or nil when there are none.",
         CAT, signature="(seq coll)")
def seq(coll: Any) -> SList | None:
    items = as_seq(coll)
    if not items:
        return None
    return items if type(items) is SList else SList(items)


@builtin("first", "1", "The first element of a collection, or nil.", CAT,
         signature="(first coll)")
def first(coll: Any) -> Any:
    return next(iter_seq(coll), None)


@builtin("second", "1", "The second element of a collection, or nil.", CAT,
         signature="(second coll)")
def second(coll: Any) -> Any:
    items = iter_seq(coll)
    next(items, None)
    return next(items, None)


@builtin("last", "1", "The last element of a collection, or nil.", CAT,
         signature="(last coll)")
def last(coll: Any) -> Any:
    items = as_seq(coll)
    return items[-1] if items else None


@builtin("ffirst", "1", "The first element of the first element of a collection.", CAT,
         signature="(ffirst coll)")
def ffirst(coll: Any) -> Any:
    return first(first(coll))


@builtin("rest", "1", "Every element but the first, as a list; the empty list when none.",
         CAT, signature="(rest coll)")
def rest(coll: Any) -> SList:
    return SList(as_seq(coll)[1:])


@builtin("next", "1", "Every element but the first, as a list; nil when none.", CAT,
         signature="(next coll)")
def next_(coll: Any) -> SList | None:
    tail = as_seq(coll)[1:]
    return SList(tail) if tail else None


@builtin("butlast", "1", "Every element but the last, as a list; nil when none.", CAT,
         signature="(butlast coll)")
def butlast(coll: Any) -> SList | None:
    items = as_seq(coll)
    return SList(items[:-1]) if len(items) > 1 else None


@builtin("cons", "2", "A list of x followed by the elements of coll.", CAT,
         signature="(cons x coll)")
def cons(x: Any, coll: Any) -> SList:
    return SList((x, *iter_seq(coll)))


def map_entries(x: Any) -> list[tuple[Any, Any]]:
    """The key/value pairs `conj` adds to a map from x: a `[k v]` vector or a whole map."""
    if x is None:
        return []
    if isinstance(x, SMap):
        return list(x.items())
    if type(x) is SVector and len(x) == 2:
        return [(x[0], x[1])]
    raise BuiltinError(f"a map takes [key value] vectors or maps, got {describe(x)}")


@builtin("conj", "1+", "Add elements the natural way: vectors append, lists and nil prepend, "
         "sets add, maps take [k v] entries.", CAT, signature="(conj coll x ...)")
def conj(coll: Any, *xs: Any) -> Any:
    if not xs:
        return coll
    if coll is None or type(coll) is SList:
        return SList((*reversed(xs), *(coll or ())))
    if type(coll) is SVector:
        return vector_with_line((*coll, *xs), coll.first_line)
    if type(coll) is SSet:
        return coll.conj(*xs)
    if isinstance(coll, SMap):
        return coll.assoc_many(chain.from_iterable(map(map_entries, xs)))
    raise BuiltinError(f"cannot add elements to {describe(coll)}")


def _index_of(coll: Any, key: Any) -> int | None:
    """key as a valid index of a vector or string, else None."""
    if type(key) is int and 0 <= key < len(coll):
        return key
    return None


@builtin("get", "2-3", "Look up a key in a map, an index in a vector or string, or a member "
         "of a set; the default (nil) when absent.", CAT, signature="(get coll k [default])")
def get(coll: Any, key: Any, default: Any = None) -> Any:
    if isinstance(coll, SMap):
        return coll.get(key, default)
    if type(coll) is SSet:
        return key if key in coll else default
    if type(coll) is SVector or type(coll) is str:
        i = _index_of(coll, key)
        if i is None:
            return default
        return Char(coll[i]) if type(coll) is str else coll[i]
    return default


@builtin("nth", "2-3", "The element at an index of a list, vector or string; the default, or "
         "an error, when out of range.", CAT, signature="(nth coll i [default])")
def nth(coll: Any, index: Any, default: Any = _MISSING) -> Any:
    if type(index) is not int:
        raise BuiltinError(f"index must be an integer, got {describe(index)}")
    if coll is None:
        return None if default is _MISSING else default
    if not isinstance(coll, (SList, SVector, str)):
        raise BuiltinError(f"cannot index into {describe(coll)}")
    if 0 <= index < len(coll):
        return Char(coll[index]) if type(coll) is str else coll[index]
    if default is _MISSING:
        raise BuiltinError("index out of bounds")
    return default


def _set_index(items: list[Any], index: Any, value: Any) -> None:
    """Replace items[index], or append when index is the length."""
    if type(index) is not int:
        raise BuiltinError(f"vector index must be an integer, got {describe(index)}")
    if 0 <= index < len(items):
        items[index] = value
    elif index == len(items):
        items.append(value)
    else:
        raise BuiltinError("index out of bounds")


@builtin("assoc", "3+", "Set keys of a map (nil is an empty map) or indexes of a vector "
         "(index = count appends).", CAT, signature="(assoc coll k v [k v] ...)")
def assoc(coll: Any, key: Any, value: Any, *more: Any) -> Any:
    if len(more) % 2:
        raise BuiltinError("expected key/value pairs after the collection, got an odd number "
                           "of arguments")
    pairs = [(key, value), *zip(more[::2], more[1::2])]
    if coll is None:
        return SMap(pairs)
    if isinstance(coll, SMap):
        return coll.assoc_many(pairs)
    if type(coll) is SVector:
        items = list(coll)
        for k, v in pairs:
            _set_index(items, k, v)
        return vector_with_line(items, coll.first_line)
    raise BuiltinError(f"cannot set keys of {describe(coll)}")


@builtin("count", "1", "The number of elements (characters of a string; 0 for nil).", CAT,
         signature="(count coll)")
def count(coll: Any) -> int:
    if coll is None:
        return 0
    if isinstance(coll, (SList, SVector, str, SMap, SSet)):
        return len(coll)
    raise BuiltinError(f"cannot count {describe(coll)}")


@builtin("reverse", "1", "The elements in reverse order, as a vector.", CAT,
         signature="(reverse coll)")
def reverse(coll: Any) -> SVector:
    return SVector(reversed(as_seq(coll)))


def map_or_nil(m: Any) -> SMap | None:
    """m itself when it is a map or nil; BuiltinError otherwise."""
    if m is None or isinstance(m, SMap):
        return m
    raise BuiltinError(f"expected a map, got {describe(m)}")


@builtin("keys", "1", "The keys of a map, as a list; nil when the map is empty.", CAT,
         signature="(keys m)")
def keys(m: Any) -> SList | None:
    m = map_or_nil(m)
    return SList(m.keys()) if m else None


@builtin("vals", "1", "The values of a map, as a list; nil when the map is empty.", CAT,
         signature="(vals m)")
def vals(m: Any) -> SList | None:
    m = map_or_nil(m)
    return SList(m.values()) if m else None


def _entry(e: Any) -> Any:
    if isinstance(e, (SVector, SList)) and len(e) == 2:
        return e
    raise BuiltinError(f"expected a map entry [key value], got {describe(e)}")


@builtin("key", "1", "The key of a [k v] map entry.", CAT, signature="(key entry)")
def key(e: Any) -> Any:
    return _entry(e)[0]


@builtin("val", "1", "The value of a [k v] map entry.", CAT, signature="(val entry)")
def val(e: Any) -> Any:
    return _entry(e)[1]


@builtin("find", "2", "The [k v] entry of a key in a map (or index in a vector), or nil.",
         CAT, signature="(find m k)")
def find(coll: Any, k: Any) -> SVector | None:
    if coll is None:
        return None
    if isinstance(coll, SMap):
        return SVector((k, coll.get(k))) if k in coll else None
    if type(coll) is SVector:
        i = _index_of(coll, k)
        return None if i is None else SVector((k, coll[i]))
    raise BuiltinError(f"cannot look up keys in {describe(coll)}")


@builtin("into", "2", "Add every element of from to to, as conj does.", CAT,
         signature="(into to from)")
def into(to: Any, source: Any) -> Any:
    return conj(to, *iter_seq(source))


@builtin("concat", "0+", "The elements of every collection in turn, as a list.", CAT,
         signature="(concat coll ...)")
def concat(*colls: Any) -> SList:
    return SList(chain.from_iterable(map(iter_seq, colls)))


@builtin("peek", "1", "The last element of a vector or the first of a list; nil when empty.",
         CAT, signature="(peek coll)")
def peek(coll: Any) -> Any:
    if coll is None:
        return None
    if type(coll) is SVector:
        return coll[-1] if coll else None
    if type(coll) is SList:
        return coll[0] if coll else None
    raise BuiltinError(f"expected a vector or a list, got {describe(coll)}")


@builtin("pop", "1", "A vector without its last element or a list without its first; an "
         "error when empty.", CAT, signature="(pop coll)")
def pop(coll: Any) -> Any:
    if coll is None:
        return None
    if type(coll) is SVector:
        if not coll:
            raise BuiltinError("cannot pop an empty vector")
        return vector_with_line(coll[:-1], coll.first_line)
    if type(coll) is SList:
        if not coll:
            raise BuiltinError("cannot pop an empty list")
        return SList(coll[1:])
    raise BuiltinError(f"expected a vector or a list, got {describe(coll)}")


@builtin("subvec", "2-3", "The part of a vector from start up to end; line numbering follows "
         "the elements.", CAT, signature="(subvec v start [end])")
def subvec(v: Any, start: Any, end: Any = _MISSING) -> SVector:
    if type(v) is not SVector:
        raise BuiltinError(f"expected a vector, got {describe(v)}")
    if end is _MISSING:
        end = len(v)
    for bound in (start, end):
        if type(bound) is not int:
            raise BuiltinError(f"index must be an integer, got {describe(bound)}")
    if not 0 <= start <= end <= len(v):
        raise BuiltinError("index out of bounds")
    line = v.first_line
    return vector_with_line(v[start:end], None if line is None else line + start)


@builtin("not-empty", "1", "The collection itself, or nil when it is empty.", CAT,
         signature="(not-empty coll)")
def not_empty(coll: Any) -> Any:
    return coll if count(coll) else None


@builtin("contains?", "2", "Whether a map has a key, a set a member, or a vector or string an "
         "index.", CAT, signature="(contains? coll k)")
def contains(coll: Any, k: Any) -> bool:
    if coll is None:
        return False
    if isinstance(coll, (SMap, SSet)):
        return k in coll
    if type(coll) is SVector or type(coll) is str:
        return _index_of(coll, k) is not None
    raise BuiltinError(f"{describe(coll)} has no keys to look up (use some to search its "
                       "elements)")


@builtin("disj", "1+", "A set without the given members.", CAT, signature="(disj s x ...)")
def disj(s: Any, *xs: Any) -> SSet | None:
    if s is None or type(s) is SSet:
        return None if s is None else s.disj(*xs)
    raise BuiltinError(f"expected a set, got {describe(s)}")
