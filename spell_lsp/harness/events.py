"""Plain events the harness emits for tools (the debug adapter, the progress display).

Listeners run synchronously on the evaluating thread, so a listener that blocks (a
debugger waiting for the user) pauses the run exactly where the event happened. Nothing
here knows DAP or LSP.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Event:
    """Base of every harness event."""


@dataclass
class RunStarted(Event):
    run_id: str
    journal: str
    config: dict


@dataclass
class TurnStarted(Event):
    handle: str
    turn: int
    kind: str          # initial | self-call | fork | recovery
    text: str          # the completion text about to be evaluated


@dataclass
class TurnEnded(Event):
    handle: str
    turn: int
    outcome: str       # value | self-call | error
    value: Any = None


@dataclass
class ModelCallStarted(Event):
    handle: str
    turn: int
    prefix: str
    leaf: bool = False


@dataclass
class ModelCallFinished(Event):
    handle: str
    turn: int
    response: str
    usage: dict = field(default_factory=dict)
    leaf: bool = False


@dataclass
class EffectStarted(Event):
    handle: str
    turn: int
    seq: int
    fn: str
    form: str
    span: tuple[int, int] | None
    args: list


@dataclass
class EffectFinished(Event):
    handle: str
    turn: int
    seq: int
    fn: str
    result: Any = None
    error: str | None = None
    duration_ms: float = 0.0
    replayed: bool = False


@dataclass
class SelfEdit(Event):
    handle: str
    turn: int
    kind: str          # extend | call-now | persist | recovery | ...
    before: str
    after: str


@dataclass
class ErrorRecovered(Event):
    handle: str
    turn: int
    kind: str          # namespace | eval | reader
    error: str
    count: int


@dataclass
class RunEnded(Event):
    value: Any = None
    error: str | None = None
    fatal: bool = False
    exit_reason: str = "value"


@dataclass
class FormEvaluating(Event):
    """Per-form hook (only emitted while a form listener is attached)."""

    handle: str
    turn: int
    form: Any
    scope: dict
    depth: int


Listener = Callable[[Event], None]


class EventBus:
    """Synchronous fan-out of events to listeners; thread-safe subscription."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._form_listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener, forms: bool = False) -> None:
        """Add a listener; `forms=True` also delivers `FormEvaluating` (costs time)."""
        with self._lock:
            self._listeners.append(listener)
            if forms:
                self._form_listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            for group in (self._listeners, self._form_listeners):
                if listener in group:
                    group.remove(listener)

    @property
    def wants_forms(self) -> bool:
        return bool(self._form_listeners)

    def emit(self, event: Event) -> None:
        targets = self._form_listeners if isinstance(event, FormEvaluating) else self._listeners
        for listener in list(targets):
            listener(event)
