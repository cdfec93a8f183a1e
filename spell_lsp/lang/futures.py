"""Futures (`future*`) and the future-only `blocking` namespace (spec 3.3, 8.5, 9.10)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

from ..syntax.values import K_SPELL_FUTURE, Keyword, SMap, SSet, SVector, is_truthy
from .errors import BuiltinError, FatalError, SpellError
from .table import Builtin, arity, builtin

K_ID = Keyword("id")
_blocking: SMap | None = None


class FutureMap(SMap):
    """`{:spell/future true :id n}` plus the hidden running task; `map?` is false."""

    __slots__ = ("task",)


def is_future(x: Any) -> bool:
    return type(x) is FutureMap and is_truthy(x.get(K_SPELL_FUTURE))


def start_future(rt: Any, thunk: Any) -> FutureMap:
    """Run `thunk` on a new thread with a copy of the env and the creator's capability."""
    from dataclasses import replace
    from .evaluator import Interp
    ctx = replace(rt.ctx, in_future=True)
    scope = dict(rt.scope)
    task: Future = Future()

    def run() -> None:
        interp = Interp(ctx)
        try:
            task.set_result(interp.apply(thunk, [], None, scope, 0))
        except (SpellError, FatalError) as e:
            task.set_exception(e)
        except Exception as e:  # never lose a failure silently
            task.set_exception(SpellError(f"future failed: {e}"))

    fid = rt.ctx.run.next_future_id()
    fut = FutureMap([(K_SPELL_FUTURE, True), (K_ID, fid)])
    fut.task = task
    threading.Thread(target=run, name=f"spell-future-{fid}", daemon=True).start()
    return fut


@builtin("future*", 1, "Run a zero-argument function on a new thread; returns a future.",
         "concurrency", signature="(future* thunk)", rt=True)
def b_future_star(rt, thunk):
    return start_future(rt, thunk)


def await_future(x: Any, name: str) -> Any:
    if type(x) is SMap and is_truthy(x.get(K_SPELL_FUTURE)):
        raise BuiltinError(f"future {x.get(K_ID)} is not available in this run")
    if not is_future(x):
        raise BuiltinError(f"{name} requires a future")
    return x.task.result()


def b_await(fut):
    return await_future(fut, "blocking/await")


def b_await_all(futs):
    if not isinstance(futs, (SVector, tuple, SSet)):
        raise BuiltinError("argument must be a collection")
    if not all(is_future(f) for f in futs):
        raise BuiltinError("all elements must be futures")
    return SVector(f.task.result() for f in futs)


def b_pmap(rt, f, coll):
    from .seqview import as_seq
    futs = [start_future(rt, _bound_call(f, item)) for item in as_seq(coll)]
    return SVector(fut.task.result() for fut in futs)


def _bound_call(f: Any, item: Any) -> Builtin:
    return Builtin("pmap-task", lambda rt: rt.call(f, item), arity(0), True)


def blocking_namespace() -> SMap:
    """The namespace map visible only inside futures."""
    global _blocking
    if _blocking is None:
        entries = [
            ("await", Builtin("blocking/await", b_await, arity(1))),
            ("await-all", Builtin("blocking/await-all", b_await_all, arity(1))),
            ("pmap", Builtin("blocking/pmap", b_pmap, arity(2), True)),
        ]
        docs = SMap([(Keyword("guide"), "BLOCKING — Wait for futures; only inside (future ...)."),
                     *[(Keyword(k), f"(blocking/{k} ...)") for k, _ in entries]])
        _blocking = SMap([(Keyword("short-docs"), "Wait for futures (inside futures only)"),
                          (Keyword("docs"), docs),
                          *[(Keyword(k), v) for k, v in entries]])
    return _blocking
