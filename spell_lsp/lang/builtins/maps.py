"""Map and grouping builtins (spec 4.9, "Maps and grouping").

Maps stay insertion-ordered (`SMap`); the sorted constructors build maps and sets whose
entries are inserted in sorted order. Elements that compare equal collapse as in Clojure's
sorted collections: the first key stays, the last value wins.
"""

from __future__ import annotations

from functools import cmp_to_key
from typing import Any, Callable, Iterable

from spell_lsp.syntax.values import SMap, SSet, SVector, is_number, is_truthy

from ..errors import BuiltinError
from ..seqview import as_seq, describe, iter_seq
from ...syntax.values import SpellKey as Key
from ..table import Arity, builtin
from .collections import assoc, contains, get, map_or_nil
from .logic import compare
from .seqs import Reduced

CAT = "maps"
_MISSING = object()


class _Entries:
    """An insertion-ordered key -> value table with Spell key equality, built in place."""

    def __init__(self, m: SMap | None = None) -> None:
        self._d: dict[Key, list[Any]] = {}
        if m is not None:
            for k, v in m.items():
                self.put(k, v)

    def __contains__(self, k: Any) -> bool:
        return Key(k) in self._d

    def lookup(self, k: Any) -> Any:
        return self._d[Key(k)][1]

    def put(self, k: Any, v: Any) -> None:
        slot = self._d.get(Key(k))
        if slot is None:
            self._d[Key(k)] = [k, v]
        else:
            slot[1] = v

    def items(self) -> Iterable[list[Any]]:
        return self._d.values()

    def to_map(self) -> SMap:
        return SMap(self.items())


@builtin("merge", "0+", "Combine maps left to right, later keys winning; nil when given no "
         "map.", CAT, signature="(merge m ...)")
def merge(*maps: Any) -> SMap | None:
    result = None
    for m in maps:
        m = map_or_nil(m)
        if m is not None:
            result = m if result is None else result.assoc_many(m.items())
    return result


@builtin("merge-with", "1+", "Combine maps left to right; a key in both gets (f old new).",
         CAT, signature="(merge-with f m ...)", rt=True)
def merge_with(rt: Any, f: Any, *maps: Any) -> SMap | None:
    present = [m for m in map(map_or_nil, maps) if m is not None]
    if not present:
        return None
    acc = _Entries(present[0])
    for m in present[1:]:
        for k, v in m.items():
            acc.put(k, rt.call(f, acc.lookup(k), v) if k in acc else v)
    return acc.to_map()


@builtin("update", "3+", "Replace the value at k with (f old args...).", CAT,
         signature="(update m k f args...)", rt=True)
def update(rt: Any, m: Any, k: Any, f: Any, *args: Any) -> Any:
    return assoc(m, k, rt.call(f, get(m, k), *args))


@builtin("update-in", "3+", "Replace the value at a key path with (f old args...); missing "
         "levels become maps.", CAT, signature="(update-in m [k ...] f args...)", rt=True)
def update_in(rt: Any, m: Any, path: Any, f: Any, *args: Any) -> Any:
    keys = as_seq(path)

    def rebuild(node: Any, depth: int) -> Any:
        if depth == len(keys):
            return rt.call(f, node, *args)
        k = keys[depth]
        return assoc(node, k, rebuild(get(node, k), depth + 1))

    return rebuild(m, 0)


@builtin("get-in", "2-3", "The value at a key path, or the default (nil) when a key is "
         "missing.", CAT, signature="(get-in m [k ...] [default])")
def get_in(m: Any, path: Any, default: Any = None) -> Any:
    node = m
    for k in iter_seq(path):
        node = get(node, k, _MISSING)
        if node is _MISSING:
            return default
    return node


@builtin("assoc-in", "3", "Set the value at a key path; missing levels become maps.", CAT,
         signature="(assoc-in m [k ...] v)")
def assoc_in(m: Any, path: Any, v: Any) -> Any:
    keys = as_seq(path)

    def rebuild(node: Any, depth: int) -> Any:
        if depth == len(keys):
            return v
        k = keys[depth]
        return assoc(node, k, rebuild(get(node, k), depth + 1))

    return rebuild(m, 0)


@builtin("dissoc", "1+", "A map without the given keys.", CAT, signature="(dissoc m k ...)")
def dissoc(m: Any, *ks: Any) -> SMap | None:
    m = map_or_nil(m)
    return None if m is None else m.dissoc(*ks)


@builtin("select-keys", "2", "The entries of a map whose keys are listed, in the order "
         "listed.", CAT, signature="(select-keys m [k ...])")
def select_keys(m: Any, ks: Any) -> SMap:
    return SMap((k, get(m, k)) for k in iter_seq(ks) if contains(m, k))


def _kv_pairs(coll: Any) -> Iterable[tuple[Any, Any]]:
    """Key/value pairs of a map, or index/element pairs of a vector."""
    if coll is None:
        return ()
    if isinstance(coll, SMap):
        return coll.items()
    if type(coll) is SVector:
        return enumerate(coll)
    raise BuiltinError(f"expected a map, got {describe(coll)}")


@builtin("reduce-kv", "3", "Fold (f acc k v) over the entries of a map from init; stops early "
         "at (reduced x).", CAT, signature="(reduce-kv f init m)", rt=True)
def reduce_kv(rt: Any, f: Any, init: Any, m: Any) -> Any:
    acc = init
    for k, v in _kv_pairs(m):
        acc = rt.call(f, acc, k, v)
        if type(acc) is Reduced:
            return acc.value
    return acc


@builtin("update-keys", "2", "A map with f applied to every key.", CAT,
         signature="(update-keys m f)", rt=True)
def update_keys(rt: Any, m: Any, f: Any) -> SMap:
    m = map_or_nil(m) or SMap()
    return SMap((rt.call(f, k), v) for k, v in m.items())


@builtin("update-vals", "2", "A map with f applied to every value.", CAT,
         signature="(update-vals m f)", rt=True)
def update_vals(rt: Any, m: Any, f: Any) -> SMap:
    m = map_or_nil(m) or SMap()
    return SMap((k, rt.call(f, v)) for k, v in m.items())


@builtin("zipmap", "2", "A map pairing keys with values, up to the shorter collection.", CAT,
         signature="(zipmap keys vals)")
def zipmap(ks: Any, vs: Any) -> SMap:
    return SMap(zip(iter_seq(ks), iter_seq(vs)))


@builtin("frequencies", "1", "A map from each distinct element to how often it occurs.", CAT,
         signature="(frequencies coll)")
def frequencies(coll: Any) -> SMap:
    counts = _Entries()
    for x in iter_seq(coll):
        counts.put(x, counts.lookup(x) + 1 if x in counts else 1)
    return counts.to_map()


@builtin("group-by", "2", "A map from each (f x) to the vector of elements giving it.", CAT,
         signature="(group-by f coll)", rt=True)
def group_by(rt: Any, f: Any, coll: Any) -> SMap:
    groups = _Entries()
    for x in iter_seq(coll):
        k = rt.call(f, x)
        if k in groups:
            groups.lookup(k).append(x)
        else:
            groups.put(k, [x])
    return SMap((k, SVector(xs)) for k, xs in groups.items())


def _fn_order(rt: Any, f: Any) -> Callable[[Any, Any], int]:
    """A comparator function as an order: a number by its sign; a boolean as 'less than',
    asking (f b a) to tell greater from equal (Clojure's rule)."""

    def order(a: Any, b: Any) -> int:
        r = rt.call(f, a, b)
        if r is None or type(r) is bool:
            if r:
                return -1
            return 1 if is_truthy(rt.call(f, b, a)) else 0
        if is_number(r):
            return (r > 0) - (r < 0)
        raise BuiltinError(f"a comparator must return a number or a boolean, got {describe(r)}")

    return order


def _sorted_pairs(pairs: list[tuple[Any, Any]], order: Callable[[Any, Any], int]) -> list:
    """Pairs sorted by key; keys that compare equal keep the first key and the last value."""
    out: list[tuple[Any, Any]] = []
    for k, v in sorted(pairs, key=cmp_to_key(lambda a, b: order(a[0], b[0]))):
        if out and order(out[-1][0], k) == 0:
            out[-1] = (out[-1][0], v)
        else:
            out.append((k, v))
    return out


def _pairs(kvs: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    if len(kvs) % 2:
        raise BuiltinError("expected key/value pairs, got an odd number of arguments")
    return list(zip(kvs[::2], kvs[1::2]))


@builtin("sorted-map", Arity(0, None, even=True), "A map of the key/value arguments with keys "
         "in compare order.", CAT, signature="(sorted-map k v ...)")
def sorted_map(*kvs: Any) -> SMap:
    return SMap(_sorted_pairs(_pairs(kvs), compare))


@builtin("sorted-set", "0+", "A set of the arguments in compare order.", CAT,
         signature="(sorted-set x ...)")
def sorted_set(*xs: Any) -> SSet:
    return SSet(k for k, _ in _sorted_pairs([(x, None) for x in xs], compare))


@builtin("sorted-map-by", "1+", "A map of the key/value arguments with keys ordered by a "
         "comparator function.", CAT, signature="(sorted-map-by comparator k v ...)", rt=True)
def sorted_map_by(rt: Any, comparator: Any, *kvs: Any) -> SMap:
    return SMap(_sorted_pairs(_pairs(kvs), _fn_order(rt, comparator)))


@builtin("sorted-set-by", "1+", "A set of the arguments ordered by a comparator function.",
         CAT, signature="(sorted-set-by comparator x ...)", rt=True)
def sorted_set_by(rt: Any, comparator: Any, *xs: Any) -> SSet:
    pairs = [(x, None) for x in xs]
    return SSet(k for k, _ in _sorted_pairs(pairs, _fn_order(rt, comparator)))
