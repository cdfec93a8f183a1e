"""Debug Adapter Protocol framing: `Content-Length` headers over binary streams."""

from __future__ import annotations

import json
import threading
from typing import Any, BinaryIO


class ProtocolError(Exception):
    """A malformed message header or body."""


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    """The next message, or None at end of stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is None:
                continue  # stray blank line between messages
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise ProtocolError(f"bad Content-Length: {value.strip()!r}") from None
    body = stream.read(length)
    if len(body) < length:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProtocolError(f"bad message body: {e}") from None


def encode_message(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False, default=str).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Writer:
    """Sends messages with increasing `seq`; safe to call from any thread."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.seq = 0
        self.lock = threading.Lock()
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        with self.lock:
            if self.closed:
                return
            self.seq += 1
            message["seq"] = self.seq
            try:
                self.stream.write(encode_message(message))
                self.stream.flush()
            except (OSError, ValueError):
                self.closed = True  # the client went away; nothing left to tell it

    def event(self, name: str, body: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"type": "event", "event": name}
        if body is not None:
            message["body"] = body
        self.send(message)

    def response(self, request: dict[str, Any], body: dict[str, Any] | None = None) -> None:
        self.send({"type": "response", "request_seq": request.get("seq", 0), "success": True,
                   "command": request.get("command", ""), "body": body or {}})

    def error(self, request: dict[str, Any], message: str) -> None:
        self.send({"type": "response", "request_seq": request.get("seq", 0), "success": False,
                   "command": request.get("command", ""), "message": message,
                   "body": {"error": {"id": 1, "format": message, "showUser": True}}})
