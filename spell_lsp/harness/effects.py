"""Effect execution for one evaluation: every call of an effect-namespace function (and
`leaf-llm`) is numbered, announced to listeners, journaled with its result (D6), and in
replay mode answered from the journal without running anything."""

from __future__ import annotations

import time
from typing import Any

from ..lang.edits import serialize
from ..lang.errors import BuiltinError, FatalError, SpellError
from ..lang.evaluator import TurnSignal
from ..lang.table import Builtin, arity
from ..syntax.printer import pr, str_of
from ..syntax.values import SMap
from . import events as ev


def form_location(form: Any) -> tuple[str, list[int] | None]:
    """Source text and span of the call form, when it was read from text."""
    syn = getattr(form, "syntax", None)
    if syn is not None and hasattr(syn, "src"):
        return syn.src, [syn.start, syn.end]
    return pr(form) if form is not None else "", None


class EffectRecorder:
    """Numbers, journals and (in replay) serves the effects of one handle's turn."""

    def __init__(self, run: Any, handle: str, turn: int,
                 replay_effects: list[dict] | None) -> None:
        self.run = run
        self.handle = handle
        self.turn = turn
        self.count = 0
        self.replay = None if replay_effects is None else [
            r for r in replay_effects if r.get("handle") == handle and r.get("turn") == turn]

    # -- wrapping ------------------------------------------------------------------------

    def wrap_namespaces(self, namespaces: dict[str, Any]) -> dict[str, Any]:
        """The effect namespaces with every callable routed through `call`."""
        return {name: self.wrap_namespace(value) for name, value in namespaces.items()}

    def wrap_namespace(self, ns: Any) -> Any:
        if not isinstance(ns, SMap):
            return ns
        return SMap((k, self.wrap(v) if type(v) is Builtin else v) for k, v in ns.items())

    def wrap(self, inner: Builtin) -> Builtin:
        def effect(rt: Any, *args: Any) -> Any:
            return self.call(rt, inner, args)
        return Builtin(inner.name, effect, inner.arity, True)

    # -- running -------------------------------------------------------------------------

    def next_seq(self) -> int:
        self.count += 1
        return self.count

    def call(self, rt: Any, inner: Builtin, args: tuple) -> Any:
        seq = self.next_seq()
        form, span = form_location(rt.form)
        self.run.bus.emit(ev.EffectStarted(self.handle, self.turn, seq, inner.name, form,
                                           tuple(span) if span else None, list(args)))
        unsafe = rt.ctx.unsafe_active
        started = time.monotonic()
        if self.replay is not None:
            result = self.replayed(seq, inner.name, args)
            self.finish(seq, inner.name, form, span, args, started, unsafe, result=result,
                        replayed=True)
            return result
        try:
            result = inner.fn(rt, *args) if inner.takes_rt else inner.fn(*args)
        except (SpellError, FatalError, TurnSignal):
            raise
        except BuiltinError as e:
            self.finish(seq, inner.name, form, span, args, started, unsafe, error=e.detail)
            raise
        self.finish(seq, inner.name, form, span, args, started, unsafe, result=result)
        return result

    def finish(self, seq: int, fn: str, form: str, span: Any, args: tuple, started: float,
               unsafe: bool, result: Any = None, error: str | None = None,
               replayed: bool = False) -> None:
        duration = (time.monotonic() - started) * 1000
        self.run.journal.effect(handle=self.handle, turn=self.turn, seq=seq, fn=fn, args=args,
                                form=form, span=span, result=result, error=error,
                                duration_ms=duration, unsafe=unsafe)
        self.run.bus.emit(ev.EffectFinished(self.handle, self.turn, seq, fn, result, error,
                                            duration, replayed=replayed))

    def replayed(self, seq: int, fn: str, args: tuple) -> Any:
        """The recorded result of effect `seq` (its error is raised as recorded);
        divergence is fatal (spec 7.8). Nothing runs."""
        literal_args = [serialize(a, -1) for a in args]
        record = next((r for r in self.replay if r.get("seq") == seq), None)
        if record is None or record.get("fn") != fn or record.get("args") != literal_args:
            expected = "nothing" if record is None else f"{record.get('fn')} {record.get('args')}"
            raise FatalError(f"replay diverged: {self.handle} turn {self.turn} effect {seq}: "
                             f"expected {expected}, got {fn} {literal_args}")
        if record.get("error") is not None:
            self.run.bus.emit(ev.EffectFinished(self.handle, self.turn, seq, fn, None,
                                                record["error"], 0.0, replayed=True))
            raise BuiltinError(record["error"])
        return self.run.literal_value(record["result"])

    def leaf_call(self, rt: Any, prompt: Any) -> str:
        """`leaf-llm`: an effect (journaled) that is also a model call."""
        leaf = Builtin("leaf-llm",
                       lambda p: self.run.leaf_model_call(self.handle, self.turn, str_of(p)),
                       arity(1))
        return self.call(rt, leaf, (prompt,))

