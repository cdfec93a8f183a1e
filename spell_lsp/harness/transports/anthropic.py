"""The Anthropic transport (spec 7.4.1, 7.4.2): Claude through the official SDK.

Tool-call mode (default): the model must answer with one `spell_suffix` tool call whose
`suffix` input is the code to append to the prefix. Prefill mode: the prefix is sent as
the start of the assistant's reply and the model continues it. Both stream, mark the
system prompt and the program prefix for prompt caching, retry transient failures, and
account tokens and cost. Credentials come from `api_key` or `ANTHROPIC_API_KEY`, the
endpoint from `base_url` or `ANTHROPIC_BASE_URL`; the key never appears in errors.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

import anthropic

from .base import Response, TransportError, Usage
from .pricing import cost_usd, forced_tool_use, price_for

try:  # the SDK's HTTP library; errors raised while reading a stream are not wrapped
    from httpx2 import HTTPError as _HTTPError
except ImportError:  # pragma: no cover - older SDKs use httpx
    from httpx import HTTPError as _HTTPError

log = logging.getLogger(__name__)

TOOL_NAME = "spell_suffix"
SUFFIX_TOOL = {
    "name": TOOL_NAME,
    "description": "the Spell code to append to the program prefix",
    "input_schema": {"type": "object", "properties": {"suffix": {"type": "string"}},
                     "required": ["suffix"]},
}
RETRY_NOTE = (";; harness: your previous reply had no complete spell_suffix call; "
              "reply again with one spell_suffix call")
LEAF_SYSTEM = "You are a helpful assistant. Answer concisely."
PREFILL_USER = "Continue the Spell program."
CACHED = {"type": "ephemeral"}
MODES = ("tool-call", "prefill")
MAX_RETRY_AFTER = 60.0   # seconds; a longer server hint is capped
REDACTED = "[redacted]"
NO_CREDENTIALS = ("transport error: no Anthropic credentials: set ANTHROPIC_API_KEY "
                  "(or pass api_key)")


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, detail: str, note: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.note = note           # line appended to the user message on the next attempt
        self.wait = 0.0            # server's retry-after hint, seconds


class AnthropicTransport:
    """Claude via `anthropic.Anthropic`; see the module docstring."""

    def __init__(self, model: str, *, mode: str = "tool-call", max_tokens: int = 8192,
                 api_key: str | None = None, base_url: str | None = None,
                 timeout: float = 600.0, retries: int = 2,
                 retry_delays: tuple[float, ...] = (0, 10),
                 thinking: dict | int | str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown anthropic transport mode {mode!r} "
                             f"(expected {' or '.join(MODES)})")
        self.model = model
        self.mode = mode
        self.prefill = mode == "prefill"
        self.name = "anthropic-prefill" if self.prefill else "anthropic"
        self.max_tokens = max_tokens
        self.retries = retries
        self.retry_delays = tuple(retry_delays) or (0,)
        self.thinking = _thinking_param(thinking)
        self.force_tool = self.thinking is None and forced_tool_use(model)
        self.price = price_for(model)
        self.notes: list[str] = []
        if self.price is None:
            self._note(f"no price is known for model {model}; its calls are counted as $0")
        # Explicit None must leave the SDK free to read ANTHROPIC_API_KEY / _BASE_URL.
        options = {k: v for k, v in (("api_key", api_key), ("base_url", base_url))
                   if v is not None}
        try:
            self._client = anthropic.Anthropic(max_retries=0, timeout=timeout, **options)
        except anthropic.CredentialsError as e:
            raise TransportError(f"{NO_CREDENTIALS} ({e})") from None
        if not (self._client.api_key or self._client.auth_token or self._client.credentials):
            raise TransportError(NO_CREDENTIALS)
        self._secrets = [s for s in (self._client.api_key, self._client.auth_token) if s]
        self._previous: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AnthropicTransport({self.model!r}, mode={self.mode!r})"

    # -- the Transport protocol ------------------------------------------------------

    def complete(self, handle: str, turn: int, prefix: str, system: str) -> Response:
        with self._lock:
            previous = self._previous.get(handle)
            self._previous[handle] = prefix
        if self.prefill:
            return self._call(lambda note: self._prefill_request(prefix, system),
                              _reply_text)
        return self._call(lambda note: self._tool_request(prefix, previous, system, note),
                          self._suffix)

    def complete_leaf(self, prompt: str) -> Response:
        request = {"model": self.model, "max_tokens": self.max_tokens, "system": LEAF_SYSTEM,
                   "messages": [{"role": "user", "content": prompt}]}
        return self._call(lambda note: request, _reply_text)

    # -- requests --------------------------------------------------------------------

    def _tool_request(self, prefix: str, previous: str | None, system: str,
                      note: str | None) -> dict:
        """Tool-call request: the prefix as the user message, split at the previous
        prefix of the same handle so the unchanged part is read from the cache."""
        blocks = prefix_blocks(prefix, previous)
        if note:
            blocks.append({"type": "text", "text": "\n" + note})
        request = self._base_request(system)
        request["tools"] = [SUFFIX_TOOL]
        request["tool_choice"] = {"type": "any" if self.force_tool else "auto"}
        request["messages"] = [{"role": "user", "content": blocks}]
        return request

    def _prefill_request(self, prefix: str, system: str) -> dict:
        """Prefill request: the prefix, without trailing whitespace (which the API
        refuses), is the start of the assistant's reply."""
        request = self._base_request(system)
        request["messages"] = [
            {"role": "user", "content": PREFILL_USER},
            {"role": "assistant", "content": [{"type": "text", "text": prefix.rstrip(),
                                               "cache_control": CACHED}]},
        ]
        return request

    def _base_request(self, system: str) -> dict:
        request: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens}
        if system:
            request["system"] = [{"type": "text", "text": system, "cache_control": CACHED}]
        if self.thinking is not None:
            request["thinking"] = self.thinking
        return request

    # -- the call loop ---------------------------------------------------------------

    def _call(self, build: Callable[[str | None], dict],
              extract: Callable[[Any], str]) -> Response:
        """Send the request, retrying transient failures and unusable replies with the
        configured delays; usage adds up over every attempt."""
        usage = Usage()
        started = time.monotonic()
        note = None
        failure: _Retry | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                usage.retries += 1
                time.sleep(self._delay(attempt, failure.wait))
            try:
                message = self._send(build(note))
                self._account(usage, message)
                text = extract(message)
            except _Retry as e:
                failure, note = e, e.note or note
                continue
            usage.duration_ms = (time.monotonic() - started) * 1000
            return Response(text, usage)
        attempts = self.retries + 1
        raise TransportError(f"transport error: {failure.detail} "
                             f"(after {attempts} attempt{'s' if attempts > 1 else ''})")

    def _send(self, request: dict) -> Any:
        """One streamed request; the final message, or _Retry / TransportError."""
        try:
            with self._client.messages.stream(**request) as stream:
                return stream.get_final_message()
        except anthropic.BadRequestError as e:
            if request.get("tool_choice") == {"type": "any"} and "tool_choice" in str(e):
                self.force_tool = False        # a model that refuses forced tool use
                request["tool_choice"] = {"type": "auto"}
                return self._send(request)
            raise self._fatal(e) from None
        except anthropic.APIStatusError as e:
            if not _transient(e):
                raise self._fatal(e) from None
            retry = _Retry(self._redact(_describe(e)))
            retry.wait = _retry_after(e)
            raise retry from None
        except (anthropic.APIConnectionError, _HTTPError) as e:
            raise _Retry(self._redact(_describe(e))) from None
        except ValueError as e:  # tool input that is not JSON, from the stream parser
            raise _Retry(f"unreadable reply: {self._redact(str(e))[:200]}",
                         RETRY_NOTE) from None
        except anthropic.AnthropicError as e:
            raise self._fatal(e) from None

    def _suffix(self, message: Any) -> str:
        """The `suffix` input of the first spell_suffix call; _Retry when there is none
        or the reply was cut off by the token limit."""
        if message.stop_reason == "max_tokens":
            raise _Retry(f"reply cut off at max_tokens ({self.max_tokens})",
                         f"{RETRY_NOTE}, max output tokens {self.max_tokens}")
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL_NAME:
                suffix = block.input.get("suffix") if isinstance(block.input, dict) else None
                if isinstance(suffix, str):
                    return suffix
        raise _Retry("the reply had no complete spell_suffix call", RETRY_NOTE)

    def _delay(self, attempt: int, hint: float) -> float:
        """Seconds before retry number `attempt` (1-based): the configured delay, or the
        server's retry-after hint when that is longer."""
        configured = self.retry_delays[min(attempt, len(self.retry_delays)) - 1]
        return max(configured, min(hint, MAX_RETRY_AFTER))

    # -- accounting and errors -------------------------------------------------------

    def _account(self, usage: Usage, message: Any) -> None:
        """Add one reply's token counts and cost to `usage` (output includes reasoning)."""
        u = message.usage
        written = u.cache_creation_input_tokens or 0
        written_1h = u.cache_creation.ephemeral_1h_input_tokens if u.cache_creation else 0
        details = getattr(u, "output_tokens_details", None)
        usage.input_tokens += u.input_tokens or 0
        usage.cache_read_tokens += u.cache_read_input_tokens or 0
        usage.cache_write_tokens += written
        usage.output_tokens += u.output_tokens or 0
        usage.reasoning_tokens += details.thinking_tokens if details else 0
        if self.price is not None:
            usage.cost_usd += cost_usd(self.price, input_tokens=u.input_tokens or 0,
                                       output_tokens=u.output_tokens or 0,
                                       cache_read_tokens=u.cache_read_input_tokens or 0,
                                       cache_write_5m_tokens=written - written_1h,
                                       cache_write_1h_tokens=written_1h)

    def _fatal(self, error: Exception) -> TransportError:
        return TransportError(f"transport error: {self._redact(_describe(error))}")

    def _redact(self, text: str) -> str:
        """`text` with every credential of the client replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _note(self, text: str) -> None:
        self.notes.append(text)
        log.warning("%s", text)


def prefix_blocks(prefix: str, previous: str | None) -> list[dict]:
    """The prefix as user-message text blocks. When it extends the previous prefix of the
    same handle it is split there: the first breakpoint reads what the previous call
    cached, the second caches the whole prefix for the next call."""
    rest = prefix[len(previous):] if previous and prefix.startswith(previous) else ""
    if previous and previous.strip() and rest.strip():
        return [{"type": "text", "text": previous, "cache_control": CACHED},
                {"type": "text", "text": rest, "cache_control": CACHED}]
    return [{"type": "text", "text": prefix, "cache_control": CACHED}]


def _reply_text(message: Any) -> str:
    """The text blocks of a reply, joined (prefill continuations and leaf answers)."""
    return "".join(block.text for block in message.content if block.type == "text")


def _thinking_param(thinking: dict | int | str | None) -> dict | None:
    """The API's `thinking` parameter: a dict as given, an int as a token budget,
    "adaptive" for adaptive thinking."""
    if thinking is None or isinstance(thinking, dict):
        return thinking
    if thinking == "adaptive":
        return {"type": "adaptive"}
    if isinstance(thinking, int) and not isinstance(thinking, bool) and thinking > 0:
        return {"type": "enabled", "budget_tokens": thinking}
    raise ValueError(f"thinking must be a token budget, \"adaptive\" or a dict, "
                     f"not {thinking!r}")


def _transient(error: anthropic.APIStatusError) -> bool:
    """Rate limits, server errors and overload (also when reported inside a stream)."""
    return (error.status_code in (408, 409, 429) or error.status_code >= 500
            or error.type in ("overloaded_error", "rate_limit_error", "api_error"))


def _retry_after(error: anthropic.APIStatusError) -> float:
    """The server's retry-after header in seconds, 0 when absent or unreadable."""
    try:
        return max(0.0, float(error.response.headers.get("retry-after", 0)))
    except ValueError:
        return 0.0


def _describe(error: Exception) -> str:
    """A one-line account of an SDK error: status, error type and the API's message."""
    if isinstance(error, anthropic.APIStatusError):
        kind = error.type or type(error).__name__
        return f"HTTP {error.status_code} {kind}: {error.api_message or error.message}"
    return f"{type(error).__name__}: {error}"
