"""Claude model prices and capabilities, for cost accounting and request shaping.

Prices are USD per million tokens from Anthropic's published price list. Cache writes
are billed as a multiple of the input price (5-minute entries 1.25x, 1-hour entries 2x);
cache reads have their own price because it is not the same fraction for every model.
A dated model id (`claude-haiku-4-5-20251001`) or a context variant (`claude-opus-5[1m]`)
takes the price of its base id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CACHE_WRITE_5M = 1.25
CACHE_WRITE_1H = 2.0
PER_TOKEN = 1e-6
_VARIANT_RE = re.compile(r"(?:-\d{8})?(?:\[[^\]]*\])?$")


@dataclass(frozen=True)
class Price:
    """USD per million tokens for one model."""

    input: float
    output: float
    cache_read: float


_OPUS_45 = Price(5.0, 25.0, 0.50)
_SONNET_4 = Price(3.0, 15.0, 0.30)
_SONNET_5 = Price(2.0, 10.0, 0.20)
_OPUS_4 = Price(15.0, 75.0, 1.50)

PRICES: dict[str, Price] = {
    "claude-fable-5-1": Price(10.0, 50.0, 0.25),
    "claude-mythos-5-1": Price(10.0, 50.0, 0.25),
    "claude-fable-5": Price(10.0, 50.0, 1.0),
    "claude-mythos-5": Price(10.0, 50.0, 1.0),
    "claude-opus-5-5": Price(4.0, 20.0, 0.20),
    "claude-opus-5": _OPUS_45,
    "claude-opus-4-8": _OPUS_45,
    "claude-opus-4-7": _OPUS_45,
    "claude-opus-4-6": _OPUS_45,
    "claude-opus-4-5": _OPUS_45,
    "claude-opus-4-1": _OPUS_4,
    "claude-opus-4": _OPUS_4,
    "claude-sonnet-5-5": _SONNET_5,
    "claude-sonnet-5": _SONNET_5,
    "claude-sonnet-4-6": _SONNET_4,
    "claude-sonnet-4-5": _SONNET_4,
    "claude-sonnet-4": _SONNET_4,
    "claude-haiku-4-5": Price(1.0, 5.0, 0.10),
}

# Models with thinking on by default (or always on) reject a forced tool choice; they
# get tool_choice "auto" and a reply without the tool call is retried instead.
NO_FORCED_TOOL_USE = frozenset({
    "claude-fable-5-1", "claude-mythos-5-1", "claude-fable-5", "claude-mythos-5",
    "claude-opus-5-5", "claude-opus-5", "claude-sonnet-5-5", "claude-sonnet-5",
})


def base_model(model: str) -> str:
    """The model id without a date suffix or a bracketed variant."""
    return _VARIANT_RE.sub("", model, count=1)


def price_for(model: str) -> Price | None:
    """The price of `model`, or None when the model is not in the table."""
    return PRICES.get(base_model(model))


def forced_tool_use(model: str) -> bool:
    """Whether to send `tool_choice` {"type": "any"} to `model` (the transport falls back
    to "auto" if an unlisted model refuses it)."""
    return base_model(model) not in NO_FORCED_TOOL_USE


def cost_usd(price: Price, *, input_tokens: int = 0, output_tokens: int = 0,
             cache_read_tokens: int = 0, cache_write_5m_tokens: int = 0,
             cache_write_1h_tokens: int = 0) -> float:
    """The cost of one call's token counts at `price`."""
    per_million = (input_tokens * price.input
                   + output_tokens * price.output
                   + cache_read_tokens * price.cache_read
                   + cache_write_5m_tokens * price.input * CACHE_WRITE_5M
                   + cache_write_1h_tokens * price.input * CACHE_WRITE_1H)
    return per_million * PER_TOKEN
