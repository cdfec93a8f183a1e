"""The model transport interface: one small protocol every transport implements."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol


@dataclass
class Usage:
    """Tokens, cost and time of one model call."""

    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float = 0.0
    duration_ms: float = 0.0
    retries: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Response:
    """What a transport returns: the suffix text (or leaf answer) and its usage."""

    text: str
    usage: Usage = field(default_factory=Usage)


class TransportError(Exception):
    """A transport failure that retries could not fix; the harness makes it fatal as
    `transport error: <detail>` (or a scripted/replay message as given)."""


class Transport(Protocol):
    """`complete` continues an agent's program prefix; `complete_leaf` answers a plain
    `leaf-llm` prompt. `handle` is the agent's name without the colon (`main`)."""

    name: str
    model: str
    prefill: bool  # True when the transport sends the prefix as assistant prefill

    def complete(self, handle: str, turn: int, prefix: str, system: str) -> Response: ...

    def complete_leaf(self, prompt: str) -> Response: ...
