"""A small Anthropic Messages API server on 127.0.0.1, for testing through the real SDK.

    with FakeAnthropic() as api:
        api.reply(tool_call("(+ 1 2))))"), error(429, "rate_limit_error", "slow down"))
        transport = AnthropicTransport("claude-sonnet-4-6", api_key="k", base_url=api.url)
        ...
        api.requests[0].body["tool_choice"]

Replies are served in the order queued, one per POST /v1/messages, as plain JSON or, when
the request asks for `stream`, as server-sent events (message_start, content blocks with
text or input_json deltas, message_delta with usage and stop reason, message_stop).
Every request is kept (path, lower-cased headers, JSON body) for assertions. An error
reply's message may contain `{api_key}`, replaced by the key the request carried, to
check that clients never repeat a key they are shown.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHUNK = 7   # characters per streamed delta, small so every reply spans several events


@dataclass
class Received:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ErrorReply:
    """An HTTP error with the API's JSON error body."""

    status: int
    type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StreamError:
    """A stream that starts normally, then reports an error event (e.g. overload)."""

    type: str
    message: str


@dataclass
class Slow:
    """A reply sent only after `seconds` (to exercise client timeouts)."""

    seconds: float
    reply: Any


def usage(input_tokens: int = 10, output_tokens: int = 5, cache_read: int = 0,
          cache_write: int = 0) -> dict:
    """A usage object as the API reports it."""
    return {"input_tokens": input_tokens, "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write}


def message(content: list[dict], stop_reason: str = "end_turn",
            usage_: dict | None = None) -> dict:
    """A reply message (without id and model, which the server fills in)."""
    return {"content": content, "stop_reason": stop_reason, "usage": usage_ or usage()}


def tool_call(suffix: str, *, text: str | None = None, stop_reason: str = "tool_use",
              usage_: dict | None = None, name: str = "spell_suffix") -> dict:
    """A reply holding one tool call with input {"suffix": suffix}, optionally after text."""
    blocks = [{"type": "text", "text": text}] if text else []
    blocks.append({"type": "tool_use", "id": "toolu_fake", "name": name,
                   "input": {"suffix": suffix}})
    return message(blocks, stop_reason, usage_)


def text_reply(text: str, *, stop_reason: str = "end_turn",
               usage_: dict | None = None) -> dict:
    """A reply holding one text block."""
    return message([{"type": "text", "text": text}], stop_reason, usage_)


def error(status: int, type_: str, text: str, *, retry_after: str | None = None) -> ErrorReply:
    """An error reply, e.g. error(529, "overloaded_error", "Overloaded")."""
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return ErrorReply(status, type_, text, headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out has hung up; that is what such a test wants.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class FakeAnthropic:
    """The server; use as a context manager (it runs on a daemon thread)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._replies: deque = deque()
        self._lock = threading.Lock()
        self._count = 0
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, *replies: Any) -> None:
        """Queue replies: message dicts, ErrorReply, StreamError or Slow values."""
        with self._lock:
            self._replies.extend(replies)

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()      # handler threads are daemons: a Slow reply may linger
        self._server.server_close()
        self._thread.join()

    def _next(self, received: Received) -> tuple[int, Any]:
        """Record a request; its number and the reply to send (None when none is left)."""
        with self._lock:
            self.requests.append(received)
            self._count += 1
            return self._count, (self._replies.popleft() if self._replies else None)


def _handler_for(fake: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:   # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            number, reply = fake._next(Received(self.path, headers, body))
            if isinstance(reply, Slow):
                time.sleep(reply.seconds)
                reply = reply.reply
            if self.path.split("?")[0] != "/v1/messages":
                reply = error(404, "not_found_error", f"fake server: no route {self.path}")
            elif reply is None:
                reply = error(500, "api_error", "fake server: no reply queued")
            if isinstance(reply, ErrorReply):
                text = reply.message.replace("{api_key}", _credential(headers))
                self._json(reply.status, {"type": "error", "error": {"type": reply.type,
                                                                      "message": text}},
                           reply.headers)
            elif isinstance(reply, StreamError):
                self._stream_error(number, body, reply)
            elif body.get("stream"):
                self._stream(number, body, reply)
            else:
                self._json(200, _full_message(number, body, reply))

        def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", "req_fake")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _start_events(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.end_headers()

        def _event(self, name: str, payload: dict) -> None:
            self.wfile.write(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

        def _stream(self, number: int, body: dict, reply: dict) -> None:
            self._start_events()
            for name, payload in _events(number, body, reply):
                self._event(name, payload)

        def _stream_error(self, number: int, body: dict, reply: StreamError) -> None:
            self._start_events()
            start = _full_message(number, body, message([]))
            start.update(content=[], stop_reason=None)
            self._event("message_start", {"type": "message_start", "message": start})
            self._event("error", {"type": "error",
                                  "error": {"type": reply.type, "message": reply.message}})

    return Handler


def _credential(headers: dict[str, str]) -> str:
    """The key a request carried (x-api-key, or an Authorization bearer token)."""
    bearer = headers.get("authorization", "").removeprefix("Bearer ")
    return headers.get("x-api-key") or bearer


def _full_message(number: int, body: dict, reply: dict) -> dict:
    return {"id": f"msg_fake_{number}", "type": "message", "role": "assistant",
            "model": body.get("model", "unknown"), "stop_sequence": None, **reply}


def _events(number: int, body: dict, reply: dict):
    """The server-sent events of one streamed reply, as (event name, payload) pairs."""
    start = _full_message(number, body, reply)
    start.update(content=[], stop_reason=None, usage={**reply["usage"], "output_tokens": 1})
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for index, block in enumerate(reply["content"]):
        yield from _block_events(index, block)
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": reply["stop_reason"], "stop_sequence": None},
                            "usage": {"output_tokens": reply["usage"]["output_tokens"]}}
    yield "message_stop", {"type": "message_stop"}


def _block_events(index: int, block: dict):
    """content_block_start, its deltas in small chunks, content_block_stop."""
    if block["type"] == "tool_use":
        empty = {**block, "input": {}}
        data, delta_type, key = json.dumps(block["input"]), "input_json_delta", "partial_json"
    else:
        empty = {**block, "text": ""}
        data, delta_type, key = block["text"], "text_delta", "text"
    yield "content_block_start", {"type": "content_block_start", "index": index,
                                  "content_block": empty}
    for i in range(0, len(data), CHUNK):
        yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                      "delta": {"type": delta_type, key: data[i:i + CHUNK]}}
    yield "content_block_stop", {"type": "content_block_stop", "index": index}
