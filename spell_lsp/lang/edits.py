"""Programs as text again: source-preserving emission (spec 3.6, D3), the edit-marker walk
(6.2), open prefixes (6.4), `wrap-cat` (6.3), `serialize` and the value store (6.5), and the
prefix an `!llm-self` argument stands for (5.5).

Emission rests on one data model. A container read from text carries its `FormSyntax`
(see docs/dev/contracts.md); a transformation that changes a container builds a new one
whose `syntax` is a `RebuiltSyntax` naming, for every child, the slot of the original
container it derives from. Unchanged subtrees are always the identical objects, so `emit`
can return their original text and only new forms go through the printer.
"""

from __future__ import annotations

import operator
import sys
import threading
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping

from ..syntax.printer import first_line_layout, is_first_line_form, pr, str_of
from ..syntax.values import (
    K_BODY, K_PARAMS, S_FIRST_LINE, S_FN_STAR, S_QUASIQUOTE, S_QUOTE, Keyword, SList, SMap,
    SSet, SVector, Symbol, is_number, is_spell_fn, vector_with_line,
)
from .errors import BuiltinError
from .table import TABLE, Builtin

S_DO = Symbol("do")
S_EVAL = Symbol("eval")
S_FN = Symbol("fn")
S_PERSIST = Symbol("persist")
S_PRUNE = Symbol("prune")
S_QUINE = Symbol("quine")
S_RETHINK = Symbol("rethink")
S_THINK = Symbol("think")
S_COMPLETION = Symbol("completion")
S_STORED = Symbol("stored")

_OPEN = {SList: "(", SVector: "[", SMap: "{", SSet: "#{"}
_CLOSE = {SList: ")", SVector: "]", SMap: "}", SSet: "}"}
_SUGAR = {"quote": "'", "quasiquote": "`", "unquote": "~", "unquote-splicing": "~@"}

NOT_A_QUINE = "reopen expects a quine form"
BAD_QUINE_TAIL = "reopen expects quine tail of the form (eval (do ...))"


# ---------------------------------------------------------------------------------------
# Rebuilt containers


@dataclass(frozen=True, slots=True)
class RebuiltSyntax:
    """Syntax of a container rebuilt from one read from text.

    `base` is the original container's FormSyntax and `originals` its children (maps: key,
    value, key, value...); `origins[i]` is the index of the original slot child i derives
    from, or None for a new child. Child i is an unchanged original exactly when it is
    `originals[origins[i]]`.
    """

    base: Any
    originals: tuple
    origins: tuple

    @property
    def open(self) -> str:
        return self.base.open

    @property
    def close(self) -> str:
        return self.base.close

    @property
    def close_trivia(self) -> str:
        return self.base.close_trivia


def children_of(x: Any) -> tuple:
    """A container's children in slot order (maps: key, value, key, value...)."""
    if type(x) is SMap:
        return tuple(c for kv in x.items() for c in kv)
    return tuple(x)


def rebuild(original: Any, children: Iterable[Any], origins: Iterable[int | None]) -> Any:
    """A container of `original`'s type holding `children`; `origins[i]` is the index of the
    child of `original` that child i derives from (None: a new child).

    The result keeps a slot link to the text `original` was read from, if any, so `emit`
    reproduces every retained child's text and spacing.
    """
    children = tuple(children)
    t = type(original)
    if t is SMap:
        new = SMap(zip(children[::2], children[1::2]))
        if 2 * len(new) != len(children):  # keys collapsed: slots no longer line up
            return new
    elif t is SVector:
        new = vector_with_line(children, original.first_line)
    else:
        new = t(children)
    syn = original.syntax
    if isinstance(syn, RebuiltSyntax):
        base, originals = syn.base, syn.originals
        origins = tuple(None if i is None else syn.origins[i] for i in origins)
    elif syn is not None and syn.open == _OPEN[t]:  # sugar and #() have no plain slots
        base, originals, origins = syn, children_of(original), tuple(origins)
    else:
        return new
    new.syntax = RebuiltSyntax(base, originals, origins)
    return new


# ---------------------------------------------------------------------------------------
# Emission (spec 3.6)


def emit(x: Any) -> str:
    """Program text for a form: original text wherever the form is unchanged (D3)."""
    out: list[str] = []
    _emit(x, out, 0)
    return "".join(out)


def _emit(x: Any, out: list[str], open_depth: int) -> None:
    """Emit `x`; with `open_depth` > 0, leave that many nested last children unclosed."""
    t = type(x)
    if t not in _OPEN:
        out.append(pr(x))
        return
    syn = x.syntax
    if syn is None:
        _emit_new(x, out, open_depth)
    elif type(syn) is RebuiltSyntax:
        _emit_slots(x, syn.base, syn.originals, syn.origins, out, open_depth)
    elif not open_depth:
        out.append(syn.src)
    elif syn.open == _OPEN[t]:
        _emit_slots(x, syn, children_of(x), None, out, open_depth)
    else:
        _emit_new(x, out, open_depth)


def _emit_slots(x: Any, base: Any, originals: tuple, origins: tuple | None, out: list[str],
                open_depth: int) -> None:
    """The rebuilt-container rule of 3.6: original leads where adjacency is unchanged.
    `origins` None means every child is the original at its own index."""
    t = type(x)
    children = children_of(x)
    if origins is None:
        origins = range(len(originals))
    last = len(children) - 1
    out.append(_OPEN[t])
    prev = None
    start = _unchanged_run(children, originals, origins, last if open_depth else last + 1)
    if start:
        segment = base.segment(start) if hasattr(base, "segment") else None
        if segment is None:
            start = 0
        else:
            out.append(segment)
            prev = start - 1
    slot = base.slot if hasattr(base, "slot") else base.slots.__getitem__
    lead_of = base.lead if hasattr(base, "lead") else (lambda idx: base.slots[idx][0])
    for i in range(start, len(children)):
        child = children[i]
        idx = origins[i]
        if idx is None:
            if i:
                out.append(" ")
        else:
            lead = lead_of(idx)
            if (i == 0 and idx == 0) or (prev is not None and prev == idx - 1 and i):
                out.append(lead)
            elif i:
                out.append(lead or " ")
        if open_depth > 1 and i == last:
            _emit(child, out, open_depth - 1)
        elif idx is not None and child is originals[idx]:
            out.append(slot(idx)[1])
        else:
            _emit(child, out, 0)
        prev = idx
    if open_depth:
        return
    if children and origins[last] == len(originals) - 1:
        out.append(base.close_trivia)
    out.append(_CLOSE[t])


def _unchanged_run(children: tuple, originals: tuple, origins: Any, limit: int) -> int:
    """How many leading children (at most `limit`) are the originals at their own
    places: their text is one slice of the original."""
    limit = min(limit, len(children), len(originals))
    if (tuple(origins[:limit]) == tuple(range(limit))
            and all(map(operator.is_, children[:limit], originals[:limit]))):
        return limit  # the common case, checked at C speed
    n = 0
    for i in range(limit):
        if origins[i] != i or children[i] is not originals[i]:
            break
        n += 1
    return n


def _emit_new(x: Any, out: list[str], open_depth: int) -> None:
    """A container built at run time: printer layout, children emitted recursively."""
    t = type(x)
    if t is SList and not open_depth:
        if len(x) == 2 and type(x[0]) is Symbol and x[0].name in _SUGAR:
            out.append(_SUGAR[x[0].name])
            _emit(x[1], out, 0)
            return
        if is_first_line_form(x):
            _emit_first_line(x[1], x[2], out)
            return
    children = children_of(x)
    last = len(children) - 1
    out.append(_OPEN[t])
    for i, child in enumerate(children):
        if i:
            out.append(", " if t is SMap and i % 2 == 0 else " ")
        _emit(child, out, open_depth - 1 if open_depth and i == last else 0)
    if not open_depth:
        out.append(_CLOSE[t])


def _emit_first_line(n: int, items: SVector, out: list[str]) -> None:
    """The line-numbered layout of 3.4, rows emitted with `emit`."""
    first_line_layout(n, items, out, lambda item, parts: _emit(item, parts, 0))


# ---------------------------------------------------------------------------------------
# Edit markers: prune-and-reopen (spec 6.1, 6.2)


_UNTOUCHED_HEADS = frozenset((S_QUOTE, S_QUASIQUOTE, S_FN, S_FN_STAR))


def quote_value(v: Any) -> Any:
    """The form that evaluates back to `v` (spec 6.1)."""
    if v is None or type(v) in (bool, int, float, Fraction, Decimal, str, Keyword):
        return v
    if is_spell_fn(v):
        return SList([S_FN, v.get(K_PARAMS), *(v.get(K_BODY) or ())])
    if type(v) is SVector and v.first_line is not None:
        return SList([S_FIRST_LINE, v.first_line, v])
    return SList([S_QUOTE, v])


def prune_and_reopen(form: Any, env: Mapping[Symbol, Any] | None) -> Any:
    """Apply edit markers and materialise `persist` forms (spec 6.2).

    `env` maps symbols to their current values; with None (message injection) markers
    still apply but `persist` forms stay as written. Unchanged subtrees are returned as
    the identical objects.
    """
    return _walk(form, env)


def _walk(x: Any, env: Mapping[Symbol, Any] | None) -> Any:
    t = type(x)
    if t is SList:
        return _walk_list(x, env)
    if t is SVector or t is SMap:
        if x._plain if t is SVector else False:
            return x
        children = children_of(x)
        walked = []
        for c in children:  # a loop, not a comprehension: one frame less per level
            walked.append(_walk(c, env))
        if all(map(_is, walked, children)):
            if t is SVector and all(map(_settled, children)):
                x._plain = True
            return x
        return rebuild(x, walked, range(len(walked)))
    return x


def _inert_sibling(x: Any) -> bool:
    """Settled, and not a prune or rethink marker its parent would apply."""
    if type(x) is SList and x and (x[0] is S_PRUNE or x[0] is S_RETHINK):
        return False
    return _settled(x)


def _settled(x: Any) -> bool:
    """Can the walk never change `x`, whatever the environment? (Memoised on lists and
    vectors as `_plain`, so unchanged history costs nothing on later turns.)"""
    t = type(x)
    if t is SList or t is SVector:
        return x._plain
    if t is SMap:
        return all(_settled(k) and _settled(v) for k, v in x.items())
    return True


def _is(a: Any, b: Any) -> bool:
    return a is b


def _walk_list(x: SList, env: Mapping[Symbol, Any] | None) -> Any:
    if not x or x._plain:
        return x
    head = x[0]
    if head is S_PERSIST and len(x) in (2, 3) and type(x[1]) is Symbol:
        return _materialise(x, env)
    skip = _known_inert_run(x)
    if all(map(_inert_sibling, x[skip:])):  # nothing below can change: no rebuild
        x._plain = True
        return x
    if head in _UNTOUCHED_HEADS:
        x._plain = True
        return x
    new_head = _walk(head, env)
    changed = new_head is not head
    known = max(skip - 1, 0)  # inert elements of the tail (it starts at x[1])
    tail = [(i, x[i]) for i in range(1, skip)]
    for i in range(max(skip, 1), len(x)):  # a loop: programs nest 256 levels deep
        walked = _walk(x[i], env)
        changed = changed or walked is not x[i]
        tail.append((i, walked))
    _remember_inert_run(x, skip)
    kept = _process_siblings(tail, known)
    if not changed and len(kept) == len(tail) and all(
            map(operator.is_, (f for _, f in kept[known:]), x[known + 1:])):
        if all(map(_settled, x[skip:])):
            x._plain = True
        return x
    return rebuild(x, [new_head, *(f for _, f in kept)], [0, *(i for i, _ in kept)])


# The last long list walked and how many of its leading elements are inert siblings: a
# program's do-body on the next turn starts with the same objects, so the walk skips them
# after one identity comparison (C speed) instead of visiting every history form again.
_INERT_RUN: tuple[tuple, int] = ((), 0)
_MIN_RUN = 16


def _known_inert_run(x: SList) -> int:
    known, n = _INERT_RUN
    if n and len(x) >= n and all(map(operator.is_, x[:n], known[:n])):
        return n
    return 0


def _remember_inert_run(x: SList, known: int) -> None:
    global _INERT_RUN
    n = known
    for i in range(known, len(x)):
        if not _inert_sibling(x[i]):
            break
        n += 1
    if n >= _MIN_RUN:
        _INERT_RUN = (tuple(x), n)


def _process_siblings(forms: list[tuple[int, Any]], start: int = 0) -> list[tuple[int, Any]]:
    """Apply prune and rethink markers to (original index, form) siblings, in order;
    `forms[:start]` are known to hold no markers (markers after them may still drop
    them)."""
    out: list[tuple[int, Any]] = forms[:start]
    for item in forms[start:]:
        f = item[1]
        if type(f) is not SList or not f:
            out.append(item)
        elif f[0] is S_PRUNE and (len(f) == 1 or (len(f) == 2 and is_number(f[1]))):
            _drop(out, _count(f[1]) if len(f) == 2 else 1)
        elif f[0] is S_RETHINK:
            counted = len(f) > 1 and is_number(f[1])
            _drop(out, _count(f[1]) if counted else 1)
            start = 2 if counted else 1
            think = rebuild(f, [S_THINK, *f[start:]], [None, *range(start, len(f))])
            out.append((item[0], think))
        else:
            out.append(item)
    return out


def _count(n: Any) -> int:
    """A marker count as an integer (truncated; NaN counts as 0, infinity as all)."""
    try:
        return int(n)
    except (ValueError, OverflowError):
        return sys.maxsize if n > 0 else 0


def _drop(out: list, k: int) -> None:
    if k > 0:
        del out[-k:]


def _materialise(x: SList, env: Mapping[Symbol, Any] | None) -> Any:
    """`(persist s …)` rewritten to `(persist s <quote-value of s>)` when s is bound."""
    if env is None or x[1] not in env:
        return x
    q = quote_value(env[x[1]])
    if len(x) == 3 and same_form(x[2], q):
        return x
    return rebuild(x, [x[0], x[1], q], [0, 1, None])


def same_form(a: Any, b: Any) -> bool:
    """True when two forms print the same way (same types, same atoms, same order)."""
    if a is b:
        return True
    t = type(a)
    if t is not type(b):
        return False
    if t in _OPEN:
        ca, cb = children_of(a), children_of(b)
        return len(ca) == len(cb) and all(map(same_form, ca, cb))
    if t is float:
        return repr(a) == repr(b)
    return a == b


# ---------------------------------------------------------------------------------------
# Quine forms: reopen, open prefixes, wrap-cat (spec 6.3, 6.4)


def quine_parts(q: Any) -> tuple[SList, SList]:
    """The `(eval (do …))` tail of a quine form and its `do` list, or a BuiltinError."""
    if type(q) is not SList or len(q) < 3 or q[0] is not S_QUINE:
        raise BuiltinError(NOT_A_QUINE)
    tail = q[-1]
    if (type(tail) is not SList or len(tail) != 2 or tail[0] is not S_EVAL
            or type(tail[1]) is not SList or not tail[1] or tail[1][0] is not S_DO):
        raise BuiltinError(BAD_QUINE_TAIL)
    return tail, tail[1]


def reopen_body(q: Any, extras: Iterable[Any]) -> Any:
    """Quine `q` with `extras` appended to its do-body; `q` itself when there are none."""
    tail, body = quine_parts(q)
    extras = tuple(extras)
    if not extras:
        return q
    new_body = rebuild(body, [*body, *extras], [*range(len(body)), *(None for _ in extras)])
    new_tail = rebuild(tail, [tail[0], new_body], [0, 1])
    return rebuild(q, [*q[:-1], new_tail], range(len(q)))


def serialize_prefix(q: Any) -> str:
    """The open prefix of quine `q`: its text without the closers of quine, eval and do,
    plus one space (spec 6.4)."""
    quine_parts(q)
    out: list[str] = []
    _emit(q, out, 3)
    out.append(" ")
    return "".join(out)


def wrap_cat(*values: Any) -> SList:
    """`(quine completion (eval (do v…)))` built from values (spec 6.3)."""
    return SList([S_QUINE, S_COMPLETION, SList([S_EVAL, SList([S_DO, *values])])])


_PROMPT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"})


def prefix_for(p: Any, env: Mapping[Symbol, Any]) -> str:
    """The prefix text `!llm-self` starts a turn with for argument `p` (spec 5.5)."""
    if type(p) is SList and p and p[0] is S_QUINE:
        return serialize_prefix(p)
    if type(p) is SList:
        return pr(_substitute_free(p, env, _bound_names(p)))
    if type(p) is str and p.lstrip().startswith("("):
        return p
    text = str_of(p).translate(_PROMPT_ESCAPES)
    return f'(quine completion (eval (do (quine prompt "{text}") '


S_DEFN = Symbol("defn")
_DEFINERS = frozenset((Symbol("def"), S_PERSIST, S_DEFN, S_QUINE))
_FN_HEADS = frozenset((S_FN, S_FN_STAR, S_DEFN))
_BINDING_BLOCKS = frozenset(map(Symbol, ("let", "loop", "for")))


def _bound_names(form: Any) -> set[Symbol]:
    """Symbols a form binds anywhere inside it (def, let, fn, quine and their kin)."""
    names: set[Symbol] = set()
    stack = [form]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is SList and x and x[0] is not S_QUOTE:
            head = x[0]
            if head in _DEFINERS and len(x) > 1 and type(x[1]) is Symbol:
                names.add(x[1])
            if head in _FN_HEADS:
                params = next((p for p in x[1:4] if type(p) is SVector), None)
                if params is not None:
                    names.update(_pattern_symbols(params))
            elif head in _BINDING_BLOCKS and len(x) > 1 and type(x[1]) is SVector:
                names.update(_binding_symbols(x[1]))
            stack.extend(x)
        elif t is SVector or t is SMap or t is SSet:
            stack.extend(children_of(x))
    return names


def _binding_symbols(bindings: SVector) -> set[Symbol]:
    """Symbols bound by a binding vector (`:let` blocks of `for` included)."""
    names: set[Symbol] = set()
    for i in range(0, len(bindings) - 1, 2):
        pattern = bindings[i]
        if pattern == Keyword("let") and type(bindings[i + 1]) is SVector:
            names.update(_binding_symbols(bindings[i + 1]))
        elif type(pattern) is not Keyword:
            names.update(_pattern_symbols(pattern))
    return names


def _pattern_symbols(pattern: Any) -> set[Symbol]:
    if type(pattern) is Symbol:
        return {pattern}
    if type(pattern) in (SVector, SMap, SList):
        return {s for c in children_of(pattern) for s in _pattern_symbols(c)}
    return set()


def _substitute_free(x: Any, env: Mapping[Symbol, Any], bound: set[Symbol]) -> Any:
    """Replace free symbols bound in `env` by their quote-values (quoted data untouched)."""
    t = type(x)
    if t is Symbol:
        if x in env and x not in bound and x.name not in TABLE and x.namespace is None:
            return quote_value(env[x])
        return x
    if t is SList and x and x[0] is S_QUOTE:
        return x
    if t in _OPEN:
        children = children_of(x)
        new = [_substitute_free(c, env, bound) for c in children]
        if all(map(_is, new, children)):
            return x
        return rebuild(x, new, range(len(new)))
    return x


# ---------------------------------------------------------------------------------------
# Serialization and the value store (spec 6.5)


class ValueStore:
    """The run-wide store of out-of-band values behind `(stored "ref-N")`; thread-safe.

    `on_put(ref, value)` is called for every new entry (the journal records them);
    `restore` re-enters a journaled entry when a run is replayed.
    """

    def __init__(self, on_put: Callable[[str, Any], None] | None = None) -> None:
        self._values: dict[str, Any] = {}
        self._next = 1
        self._lock = threading.Lock()
        self.on_put = on_put

    def put(self, value: Any) -> str:
        with self._lock:
            ref = f"ref-{self._next}"
            self._next += 1
            self._values[ref] = value
        if self.on_put is not None:
            self.on_put(ref, value)
        return ref

    def get(self, ref: Any) -> Any:
        with self._lock:
            if type(ref) is str and ref in self._values:
                return self._values[ref]
        raise BuiltinError(f"No stored value: {str_of(ref)}")

    def restore(self, ref: str, value: Any) -> None:
        """Re-enter a journaled entry; later ids continue after it."""
        with self._lock:
            self._values[ref] = value
            prefix, _, n = ref.rpartition("-")
            if prefix == "ref" and n.isdigit():
                self._next = max(self._next, int(n) + 1)

    def items(self) -> list[tuple[str, Any]]:
        with self._lock:
            return list(self._values.items())


DEFAULT_LIMIT = 10_000


def serialize(v: Any, limit: int = DEFAULT_LIMIT, store: ValueStore | None = None) -> str:
    """Value-literal text for `v` within about `limit` characters (spec 6.5).

    Large values that cannot be truncated into shape go to `store` as `(stored "ref-N")`.
    """
    v_orig = v
    v = without_opaque(v)
    if type(v) is SVector and v.first_line is not None:
        layout = pr(SList([S_FIRST_LINE, v.first_line, v]))
        if limit < 0 or len(layout) <= 2 * max(1, limit):
            return layout
        text = pr(v)
        if len(text) <= limit:
            return _quoted(text, v)
        return _stored(v_orig, store)
    text = pr(v)
    if limit < 0 or len(text) <= limit:
        return _quoted(text, v)
    if type(v) is str:
        return pr(_truncate(v, limit))
    small = deep_truncate(v, limit)
    text = pr(small)
    if len(text) <= 2 * limit:
        return _quoted(text, small)
    return _stored(v_orig, store)


def without_opaque(v: Any) -> Any:
    """`v` with every builtin function inside replaced by the string `"#<fn name>"`."""
    t = type(v)
    if t is Builtin:
        return f"#<fn {v.name}>"
    if t in _OPEN:
        children = children_of(v)
        new = [without_opaque(c) for c in children]
        if all(map(_is, new, children)):
            return v
        if t is SMap:
            return SMap(zip(new[::2], new[1::2]))
        return vector_with_line(new, v.first_line) if t is SVector else t(new)
    return v


def _truncate(s: str, limit: int) -> str:
    note = f"\n... [truncated, {len(s)} chars total]"
    keep = max(100, limit - len(pr(note)) - 50)
    return s[:keep] + note


def deep_truncate(v: Any, limit: int) -> Any:
    """Truncate every string leaf whose printed form exceeds `limit`; lists and vectors
    become vectors; map keys and sets are left alone (spec 6.5 step 5)."""
    t = type(v)
    if t is str:
        return v if len(pr(v)) <= limit else _truncate(v, limit)
    if t is SMap:
        return SMap((k, deep_truncate(x, limit)) for k, x in v.items())
    if t is SList or t is SVector:
        return SVector(deep_truncate(x, limit) for x in v)
    return v


def _quoted(text: str, value: Any) -> str:
    """Prefix `'` when the value holds a list or symbol, so evaluation yields data."""
    return "'" + text if _has_code(value) else text


def _has_code(x: Any) -> bool:
    t = type(x)
    if t is SList or t is Symbol:
        return True
    if t is SVector or t is SSet:
        return any(map(_has_code, x))
    if isinstance(x, SMap):
        return any(_has_code(k) or _has_code(v) for k, v in x.items())
    return False


def _stored(v: Any, store: ValueStore | None) -> str:
    if store is None:
        raise BuiltinError("no value store for a large value")
    return pr(SList([S_STORED, store.put(v)]))


def strip_parens(n: Any, s: Any) -> str:
    """`s` (printed first unless a string) without its last `n` closing parens; trailing
    whitespace is ignored."""
    if type(n) is not int:
        raise BuiltinError("strip: count must be an integer")
    text = (s if type(s) is str else pr(s)).rstrip()
    end = len(text)
    while n != 0:  # a negative count runs off the start, as upstream did
        if end == 0:
            raise BuiltinError("strip: not enough closing parens")
        if text[end - 1] != ")":
            raise BuiltinError("strip: expected ')'")
        end -= 1
        n -= 1
    return text[:end]
