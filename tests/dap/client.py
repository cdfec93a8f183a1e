"""A small DAP client driving `python -m spell_lsp dap` as a subprocess over stdio."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from spell_lsp.dap.protocol import encode_message, read_message

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0


class DapConnection:
    """Requests with matched responses; events and reverse requests kept in arrival order."""

    def __init__(self, rfile, wfile) -> None:
        self.rfile = rfile
        self.wfile = wfile
        self.seq = 0
        self.reverse: list[dict] = []        # requests the adapter sent us
        self.inbox: "queue.Queue[dict | None]" = queue.Queue()
        self.events: list[dict] = []
        self.responses: dict[int, dict] = {}
        self.order: list[dict] = []          # every message, to check ordering
        self.cursor = 0                      # events before this index were consumed
        threading.Thread(target=self.pump, daemon=True).start()

    def pump(self) -> None:
        while True:
            try:
                message = read_message(self.rfile)
            except (OSError, ValueError):
                message = None
            self.inbox.put(message)
            if message is None:
                return

    def drain(self, timeout: float) -> bool:
        """Take one message (waiting up to `timeout`); False when the stream ended."""
        try:
            message = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return True
        if message is None:
            self.inbox.put(None)
            return False
        self.order.append(message)
        if message["type"] == "response":
            self.responses[message["request_seq"]] = message
        elif message["type"] == "event":
            self.events.append(message)
        elif message["type"] == "request":
            self.reverse.append(message)
        return True

    def send(self, command: str, arguments: dict | None = None) -> int:
        self.seq += 1
        message = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        self.wfile.write(encode_message(message))
        self.wfile.flush()
        return self.seq

    def request(self, command: str, arguments: dict | None = None,
                timeout: float = TIMEOUT) -> dict:
        """The response to a request (success or not)."""
        seq = self.send(command, arguments)
        deadline = time.monotonic() + timeout
        while seq not in self.responses:
            if time.monotonic() > deadline or not self.drain(0.05):
                raise AssertionError(f"no response to {command}")
        return self.responses[seq]

    def ok(self, command: str, arguments: dict | None = None) -> dict:
        """The body of a successful response."""
        response = self.request(command, arguments)
        assert response["success"], response.get("message")
        return response.get("body", {})

    def event(self, name: str, when: Callable[[dict], bool] = lambda b: True,
              timeout: float = TIMEOUT) -> dict:
        """The body of the next unconsumed event `name` satisfying `when`."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(self.cursor, len(self.events)):
                e = self.events[i]
                if e["event"] == name and when(e.get("body", {})):
                    self.cursor = i + 1
                    return e.get("body", {})
            if time.monotonic() > deadline or not self.drain(0.05):
                raise AssertionError(f"no {name} event; saw "
                                     f"{[e['event'] for e in self.events[self.cursor:]]}")

    def all_events(self, name: str) -> list[dict]:
        return [e.get("body", {}) for e in self.events if e["event"] == name]

    def reverse_request(self, command: str, timeout: float = TIMEOUT) -> dict:
        """The first request `command` the adapter sent to this client."""
        deadline = time.monotonic() + timeout
        while not any(r["command"] == command for r in self.reverse):
            if time.monotonic() > deadline or not self.drain(0.05):
                raise AssertionError(f"no reverse request {command}")
        return next(r for r in self.reverse if r["command"] == command)


class SocketClient(DapConnection):
    """A DAP connection to a server listening on a TCP port (debugpy)."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.settimeout(None)
        super().__init__(self.sock.makefile("rb"), self.sock.makefile("wb"))

    def close(self) -> None:
        """Shut the socket first: it wakes the reader thread blocked on it."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the server already closed it
        self.sock.close()


class DapClient(DapConnection):
    """The adapter `python -m spell_lsp dap` as a subprocess over stdio."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "spell_lsp", "dap"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=ROOT)
        super().__init__(self.proc.stdout, self.proc.stdin)

    # -- session helpers ------------------------------------------------------------------

    def start(self, launch: dict, *, filters: list[str] = (), breakpoints: dict | None = None,
              functions: list = (), **capabilities: bool) -> dict:
        """initialize, launch, breakpoints, configurationDone; the launch response."""
        self.ok("initialize", {"adapterID": "spell", "linesStartAt1": True,
                               "columnsStartAt1": True, **capabilities})
        self.event("initialized")
        response = self.request("launch", launch)
        if not response["success"]:
            return response
        self.ok("setExceptionBreakpoints", {"filters": list(filters)})
        for path, lines in (breakpoints or {}).items():
            self.ok("setBreakpoints", {"source": {"path": str(path)}, "breakpoints": lines})
        if functions:
            self.ok("setFunctionBreakpoints", {"breakpoints": [
                {"name": f} if isinstance(f, str) else f for f in functions]})
        self.ok("configurationDone")
        return response

    def stopped(self, timeout: float = TIMEOUT) -> dict:
        return self.event("stopped", timeout=timeout)

    def top_frame(self) -> dict:
        return self.ok("stackTrace", {"threadId": 1})["stackFrames"][0]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.request("disconnect", {}, timeout=5)
            except (AssertionError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()
