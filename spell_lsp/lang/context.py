"""The dynamic context of one evaluation: capability, budgets, per-run counters, hooks."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Limits:
    """Evaluation budgets. Defaults are generous; both stop runaway programs cleanly."""

    max_steps: int = 10_000_000   # list evaluations per program evaluation (~25 s)
    max_depth: int = 30_000       # nested list evaluations (~10,000 nested calls)


@dataclass
class RunState:
    """State shared by every evaluation of one run (all agents, all turns)."""

    store: Any = None                      # ValueStore for (stored "ref-N")
    _gensym: Any = field(default_factory=lambda: itertools.count(1))
    _future_ids: Any = field(default_factory=lambda: itertools.count(1))
    lock: Any = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.store is None:
            from .edits import ValueStore
            self.store = ValueStore()

    def next_gensym(self) -> int:
        with self.lock:
            return next(self._gensym)

    def next_future_id(self) -> int:
        with self.lock:
            return next(self._future_ids)


@dataclass
class Context:
    """What an evaluation may do. Copied (not shared) into futures.

    `capability` is the D5 effect capability; `effect_namespaces` maps a profile's effect
    namespace names to their values; `agent` is the harness hook for turn-producing
    effects (None outside an agent run); `on_form` is the per-form evaluation hook.
    """

    run: RunState = field(default_factory=RunState)
    limits: Limits = field(default_factory=Limits)
    effect_namespaces: dict[str, Any] = field(default_factory=dict)
    capability: bool = False
    in_future: bool = False
    unsafe_upstream_eval: bool = False
    unsafe_active: bool = False   # the capability came from an `eval` (unsafe_upstream_eval)
    agent: Any = None
    on_form: Callable[..., None] | None = None

    def next_gensym(self) -> int:
        return self.run.next_gensym()

    @property
    def store(self) -> Any:
        return self.run.store
