"""Sequence and higher-order builtins (spec 4.9, "Sequences and higher-order functions").

Everything is eager: results are vectors ("→ vec") unless the catalogue says otherwise.
Functions passed in are called through `rt.call`, so Spell functions, builtins, keywords,
maps, sets and vectors all work; errors they raise propagate untouched.
"""

from __future__ import annotations

import math
import sys
from functools import cmp_to_key
from itertools import chain
from typing import Any, Sequence

from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import SList, SVector, is_number, is_truthy, spell_eq

from .. import numbers as N
from ..errors import BuiltinError
from ..seqview import as_seq, describe, iter_seq
from ...syntax.values import SpellKey as Key
from ..table import Arity, Builtin, builtin
from .logic import compare

CAT = "sequences"
_MISSING = object()


class Reduced:
    """The `(reduced x)` wrapper: stops `reduce`, `reductions` and `reduce-kv` with x."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"#<reduced {pr(self.value)}>"


def _amount(n: Any) -> int:
    """A count argument as an int >= 0; a fractional count rounds up, as in Clojure."""
    if type(n) is int:
        return max(n, 0)
    if not is_number(n) or n != n:
        raise BuiltinError(f"expected a number as the count, got {describe(n)}")
    try:
        return max(math.ceil(n), 0)
    except OverflowError:  # an infinite count takes everything
        return 0 if n < 0 else sys.maxsize


def _positive(n: Any, what: str) -> int:
    if type(n) is int and n > 0:
        return n
    raise BuiltinError(f"{what} must be a positive integer, got {describe(n)}")


@builtin("apply", "2+", "Call f with the given arguments followed by the elements of the last "
         "one.", CAT, signature="(apply f x ... coll)", rt=True)
def apply(rt: Any, f: Any, *args: Any) -> Any:
    return rt.call(f, *args[:-1], *iter_seq(args[-1]))


@builtin("map", "2", "Call f on each element of one collection; a vector of the results.",
         CAT, signature="(map f coll)", rt=True)
def map_(rt: Any, f: Any, coll: Any) -> SVector:
    return SVector([rt.call(f, x) for x in iter_seq(coll)])


@builtin("map-indexed", "2", "Call f on each index and element; a vector of the results.",
         CAT, signature="(map-indexed f coll)", rt=True)
def map_indexed(rt: Any, f: Any, coll: Any) -> SVector:
    return SVector([rt.call(f, i, x) for i, x in enumerate(iter_seq(coll))])


@builtin("filter", "2", "The elements for which pred is truthy, as a vector.", CAT,
         signature="(filter pred coll)", rt=True)
def filter_(rt: Any, pred: Any, coll: Any) -> SVector:
    return SVector([x for x in iter_seq(coll) if is_truthy(rt.call(pred, x))])


@builtin("remove", "2", "The elements for which pred is falsy, as a vector.", CAT,
         signature="(remove pred coll)", rt=True)
def remove(rt: Any, pred: Any, coll: Any) -> SVector:
    return SVector([x for x in iter_seq(coll) if not is_truthy(rt.call(pred, x))])


def _fold(rt: Any, f: Any, acc: Any, items: Any, seen: list[Any] | None = None) -> Any:
    """Left fold of f over items from acc, stopping at a `reduced` value; with `seen`,
    every intermediate value is appended to it."""
    for x in items:
        acc = rt.call(f, acc, x)
        if type(acc) is Reduced:
            acc = acc.value
            if seen is not None:
                seen.append(acc)
            break
        if seen is not None:
            seen.append(acc)
    return acc


@builtin("reduce", "2-3", "Fold f over a collection from init (or its first element); (f) "
         "for an empty one; stops early at (reduced x).", CAT,
         signature="(reduce f [init] coll)", rt=True)
def reduce(rt: Any, f: Any, init_or_coll: Any, coll: Any = _MISSING) -> Any:
    if coll is not _MISSING:
        return _fold(rt, f, init_or_coll, iter_seq(coll))
    items = iter_seq(init_or_coll)
    head = next(items, _MISSING)
    if head is _MISSING:
        return rt.call(f)
    return _fold(rt, f, head, items)


@builtin("reductions", "2-3", "The successive values of a reduce, as a vector.", CAT,
         signature="(reductions f [init] coll)", rt=True)
def reductions(rt: Any, f: Any, init_or_coll: Any, coll: Any = _MISSING) -> SVector:
    if coll is not _MISSING:
        if type(init_or_coll) is Reduced:
            return SVector((init_or_coll.value,))
        init, items = init_or_coll, iter_seq(coll)
    else:
        items = iter_seq(init_or_coll)
        init = next(items, _MISSING)
        if init is _MISSING:
            return SVector((rt.call(f),))
    seen = [init]
    _fold(rt, f, init, items, seen)
    return SVector(seen)


@builtin("reduced", "1", "Wrap a value so that reduce stops and returns it.", CAT,
         signature="(reduced x)")
def reduced(x: Any) -> Reduced:
    return Reduced(x)


@builtin("keep", "2", "The non-nil results of f on each element, as a vector.", CAT,
         signature="(keep f coll)", rt=True)
def keep(rt: Any, f: Any, coll: Any) -> SVector:
    results = (rt.call(f, x) for x in iter_seq(coll))
    return SVector([r for r in results if r is not None])


@builtin("keep-indexed", "2", "The non-nil results of f on each index and element, as a "
         "vector.", CAT, signature="(keep-indexed f coll)", rt=True)
def keep_indexed(rt: Any, f: Any, coll: Any) -> SVector:
    results = (rt.call(f, i, x) for i, x in enumerate(iter_seq(coll)))
    return SVector([r for r in results if r is not None])


@builtin("some", "2", "The first truthy result of pred on the elements, or nil.", CAT,
         signature="(some pred coll)", rt=True)
def some(rt: Any, pred: Any, coll: Any) -> Any:
    for x in iter_seq(coll):
        result = rt.call(pred, x)
        if is_truthy(result):
            return result
    return None


@builtin("every?", "2", "Whether pred is truthy for every element.", CAT,
         signature="(every? pred coll)", rt=True)
def every(rt: Any, pred: Any, coll: Any) -> bool:
    return all(is_truthy(rt.call(pred, x)) for x in iter_seq(coll))


@builtin("not-any?", "2", "Whether pred is falsy for every element.", CAT,
         signature="(not-any? pred coll)", rt=True)
def not_any(rt: Any, pred: Any, coll: Any) -> bool:
    return not any(is_truthy(rt.call(pred, x)) for x in iter_seq(coll))


@builtin("not-every?", "2", "Whether pred is falsy for some element.", CAT,
         signature="(not-every? pred coll)", rt=True)
def not_every(rt: Any, pred: Any, coll: Any) -> bool:
    return not every(rt, pred, coll)


@builtin("find-first", "2", "The first element for which pred is truthy, or nil.", CAT,
         signature="(find-first pred coll)", rt=True)
def find_first(rt: Any, pred: Any, coll: Any) -> Any:
    return next((x for x in iter_seq(coll) if is_truthy(rt.call(pred, x))), None)


@builtin("mapcat", "2", "Call f on each element and concatenate the resulting collections "
         "into a vector.", CAT, signature="(mapcat f coll)", rt=True)
def mapcat(rt: Any, f: Any, coll: Any) -> SVector:
    return SVector(chain.from_iterable(iter_seq(rt.call(f, x)) for x in iter_seq(coll)))


@builtin("take", "2", "The first n elements, as a vector.", CAT, signature="(take n coll)")
def take(n: Any, coll: Any) -> SVector:
    return SVector(as_seq(coll)[:_amount(n)])


@builtin("drop", "2", "All but the first n elements, as a vector.", CAT,
         signature="(drop n coll)")
def drop(n: Any, coll: Any) -> SVector:
    return SVector(as_seq(coll)[_amount(n):])


@builtin("take-last", "2", "The last n elements, as a vector.", CAT,
         signature="(take-last n coll)")
def take_last(n: Any, coll: Any) -> SVector:
    items = as_seq(coll)
    return SVector(items[max(len(items) - _amount(n), 0):])


@builtin("drop-last", "1-2", "All but the last n (default 1) elements, as a vector.", CAT,
         signature="(drop-last [n] coll)")
def drop_last(n_or_coll: Any, coll: Any = _MISSING) -> SVector:
    n, coll = (1, n_or_coll) if coll is _MISSING else (n_or_coll, coll)
    items = as_seq(coll)
    return SVector(items[:max(len(items) - _amount(n), 0)])


def _prefix_length(rt: Any, pred: Any, items: Sequence[Any]) -> int:
    """How many leading elements satisfy pred."""
    for i, x in enumerate(items):
        if not is_truthy(rt.call(pred, x)):
            return i
    return len(items)


@builtin("take-while", "2", "The leading elements for which pred is truthy, as a vector.", CAT,
         signature="(take-while pred coll)", rt=True)
def take_while(rt: Any, pred: Any, coll: Any) -> SVector:
    items = as_seq(coll)
    return SVector(items[:_prefix_length(rt, pred, items)])


@builtin("drop-while", "2", "The elements from the first for which pred is falsy, as a "
         "vector.", CAT, signature="(drop-while pred coll)", rt=True)
def drop_while(rt: Any, pred: Any, coll: Any) -> SVector:
    items = as_seq(coll)
    return SVector(items[_prefix_length(rt, pred, items):])


@builtin("take-nth", "2", "Every nth element, starting with the first, as a vector.", CAT,
         signature="(take-nth n coll)")
def take_nth(n: Any, coll: Any) -> SVector:
    return SVector(as_seq(coll)[::_positive(n, "n")])


@builtin("split-at", "2", "[(take n coll) (drop n coll)].", CAT, signature="(split-at n coll)")
def split_at(n: Any, coll: Any) -> SVector:
    items, k = as_seq(coll), _amount(n)
    return SVector((SVector(items[:k]), SVector(items[k:])))


@builtin("split-with", "2", "[(take-while pred coll) (drop-while pred coll)].", CAT,
         signature="(split-with pred coll)", rt=True)
def split_with(rt: Any, pred: Any, coll: Any) -> SVector:
    items = as_seq(coll)
    k = _prefix_length(rt, pred, items)
    return SVector((SVector(items[:k]), SVector(items[k:])))


def _windows(n: Any, step_or_coll: Any, coll: Any, keep_tail: bool) -> SVector:
    """Vectors of n elements starting every `step` elements (step defaults to n)."""
    step, coll = (n, step_or_coll) if coll is _MISSING else (step_or_coll, coll)
    size, step = _positive(n, "size"), _positive(step, "step")
    items = as_seq(coll)
    out = []
    for start in range(0, len(items), step):
        chunk = items[start:start + size]
        if len(chunk) < size and not keep_tail:
            break
        out.append(SVector(chunk))
    return SVector(out)


@builtin("partition", "2-3", "Vectors of n elements (every step elements, default n); an "
         "incomplete tail is dropped.", CAT, signature="(partition n [step] coll)")
def partition(n: Any, step_or_coll: Any, coll: Any = _MISSING) -> SVector:
    return _windows(n, step_or_coll, coll, keep_tail=False)


@builtin("partition-all", "2-3", "Vectors of n elements (every step elements, default n); "
         "the tail may be shorter.", CAT, signature="(partition-all n [step] coll)")
def partition_all(n: Any, step_or_coll: Any, coll: Any = _MISSING) -> SVector:
    return _windows(n, step_or_coll, coll, keep_tail=True)


@builtin("partition-by", "2", "Split into runs of consecutive elements on which f gives equal "
         "results; a vector of vectors.", CAT, signature="(partition-by f coll)", rt=True)
def partition_by(rt: Any, f: Any, coll: Any) -> SVector:
    runs: list[list[Any]] = []
    last: Any = _MISSING
    for x in iter_seq(coll):
        k = rt.call(f, x)
        if last is _MISSING or not spell_eq(k, last):
            runs.append([])
        runs[-1].append(x)
        last = k
    return SVector(map(SVector, runs))


@builtin("sort", "1", "The elements in the order of compare, as a vector.", CAT,
         signature="(sort coll)")
def sort(coll: Any) -> SVector:
    return SVector(sorted(as_seq(coll), key=cmp_to_key(compare)))


@builtin("sort-by", "2", "The elements ordered by compare on (keyfn x), as a vector.", CAT,
         signature="(sort-by keyfn coll)", rt=True)
def sort_by(rt: Any, keyfn: Any, coll: Any) -> SVector:
    items = as_seq(coll)
    keys = [rt.call(keyfn, x) for x in items]
    ranked = sorted(range(len(items)), key=cmp_to_key(lambda i, j: compare(keys[i], keys[j])))
    return SVector(items[i] for i in ranked)


@builtin("distinct", "1", "The elements without repeats (first occurrences), as a vector.",
         CAT, signature="(distinct coll)")
def distinct(coll: Any) -> SVector:
    seen: set[Key] = set()
    out = []
    for x in iter_seq(coll):
        k = Key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return SVector(out)


@builtin("dedupe", "1", "The elements without consecutive repeats, as a vector.", CAT,
         signature="(dedupe coll)")
def dedupe(coll: Any) -> SVector:
    out: list[Any] = []
    for x in iter_seq(coll):
        if not out or not spell_eq(out[-1], x):
            out.append(x)
    return SVector(out)


@builtin("flatten", "1", "The non-sequential leaves of nested lists and vectors, depth first, "
         "as a vector.", CAT, signature="(flatten coll)")
def flatten(coll: Any) -> SVector:
    if not isinstance(coll, (SList, SVector)):
        return SVector()
    out: list[Any] = []
    stack = [iter(coll)]
    while stack:
        for x in stack[-1]:
            if isinstance(x, (SList, SVector)):
                stack.append(iter(x))
                break
            out.append(x)
        else:
            stack.pop()
    return SVector(out)


@builtin("interleave", "0+", "The first element of each collection, then the second of each, "
         "...; stops at the shortest; a vector.", CAT, signature="(interleave coll ...)")
def interleave(*colls: Any) -> SVector:
    return SVector(chain.from_iterable(zip(*map(iter_seq, colls))))


@builtin("interpose", "2", "The elements with sep between each two, as a vector.", CAT,
         signature="(interpose sep coll)")
def interpose(sep: Any, coll: Any) -> SVector:
    out: list[Any] = []
    for x in iter_seq(coll):
        if out:
            out.append(sep)
        out.append(x)
    return SVector(out)


@builtin("range", "1-3", "Numbers from start (default 0) up to, not including, end by step "
         "(default 1), as a vector.", CAT, signature="(range [start] end [step])")
def range_(a: Any, b: Any = _MISSING, c: Any = _MISSING) -> SVector:
    if b is _MISSING:
        start, end, step = 0, a, 1
    else:
        start, end, step = a, b, (1 if c is _MISSING else c)
    for x in (start, end, step):
        if not is_number(x):
            raise BuiltinError(f"expected numbers, got {describe(x)}")
    if not (step > 0 or step < 0):
        if start == end:
            return SVector()
        raise BuiltinError("step must not be zero")
    if type(start) is int and type(end) is int and type(step) is int:
        return SVector(range(start, end, step))
    if type(end) is float and math.isinf(end) and (end > 0) == (step > 0):
        raise BuiltinError("cannot build an infinite range")
    out = []
    x = start
    while (x < end) if step > 0 else (x > end):
        out.append(x)
        x = N.add(x, step)  # repeated addition, as Clojure's range does
    return SVector(out)


@builtin("repeat", "2", "A vector of n copies of x.", CAT, signature="(repeat n x)")
def repeat(n: Any, x: Any) -> SVector:
    return SVector((x,) * _amount(n))


@builtin("repeatedly", "2", "A vector of the results of n calls of f with no arguments.", CAT,
         signature="(repeatedly n f)", rt=True)
def repeatedly(rt: Any, n: Any, f: Any) -> SVector:
    return SVector([rt.call(f) for _ in range(_amount(n))])


@builtin("tree-seq", "3", "The nodes of a tree, depth first from root: children are "
         "(children node) for nodes where (branch? node) is truthy; a vector.", CAT,
         signature="(tree-seq branch? children root)", rt=True)
def tree_seq(rt: Any, is_branch: Any, children: Any, root: Any) -> SVector:
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if is_truthy(rt.call(is_branch, node)):
            stack.extend(reversed(as_seq(rt.call(children, node))))
    return SVector(out)


@builtin("memoize", "1", "A function like f that remembers its result for each argument "
         "list.", CAT, signature="(memoize f)")
def memoize(f: Any) -> Builtin:
    cache: dict[Key, Any] = {}

    def call_cached(rt: Any, *args: Any) -> Any:
        key = Key(SVector(args))
        if key in cache:
            return cache[key]
        value = rt.call(f, *args)
        cache[key] = value
        return value

    return Builtin("memoize", call_cached, Arity(0, None), takes_rt=True)
