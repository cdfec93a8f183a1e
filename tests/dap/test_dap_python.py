"""`debugPython: true`: a Python child session (debugpy) stops in a namespace function."""

from __future__ import annotations

import inspect
import socket
import time

import pytest

from spell_lsp.namespaces import io

from .client import SocketClient

pytest.importorskip("debugpy")


def read_lines_body() -> tuple[str, int]:
    """The file and first body line of io/read-lines's Python implementation."""
    fn = inspect.unwrap(io.read_lines)
    lines, first = inspect.getsourcelines(fn)
    body = next(i for i, line in enumerate(lines) if line.strip().startswith("real ="))
    return inspect.getsourcefile(fn), first + body


def attach(configuration: dict, path: str, line: int) -> SocketClient:
    """A Python debug client attached as the adapter asked, with one breakpoint set."""
    connect = configuration["connect"]
    python = SocketClient(connect["host"], connect["port"])
    python.ok("initialize", {"adapterID": "debugpy", "linesStartAt1": True,
                             "columnsStartAt1": True, "pathFormat": "path"})
    python.send("attach", {key: value for key, value in configuration.items()
                           if key not in ("connect", "type", "request")})
    python.event("initialized")
    answer = python.ok("setBreakpoints", {"source": {"path": path},
                                          "breakpoints": [{"line": line}]})
    assert answer["breakpoints"][0]["verified"]
    python.ok("configurationDone")
    return python


def test_debug_python_without_start_debugging_support_is_refused(dap, agent):
    response = dap.start({"program": str(agent("explore-files")), "debugPython": True})
    assert not response["success"] and "startDebugging" in response["message"]


def test_a_python_breakpoint_in_a_namespace_function_hits_during_the_run(dap, agent):
    dap.start({"program": str(agent("explore-files")), "debugPython": True},
              supportsStartDebuggingRequest=True)
    request = dap.reverse_request("startDebugging")
    assert request["arguments"]["request"] == "attach"
    path, line = read_lines_body()
    python = attach(request["arguments"]["configuration"], path, line)
    try:
        stop = python.event("stopped", timeout=20)
        assert stop["reason"] == "breakpoint"
        frame = python.ok("stackTrace", {"threadId": stop["threadId"]})["stackFrames"][0]
        assert (frame["name"], frame["line"]) == ("read_lines", line)
        assert dap.all_events("spell/effect") == []  # the effect is still running
        python.ok("continue", {"threadId": stop["threadId"]})
        assert dap.event("exited", timeout=20)["exitCode"] == 0
        dap.event("terminated")
        assert dap.all_events("spell/effect")[0]["fn"] == "io/read-lines"
    finally:
        python.close()


def test_disconnect_while_waiting_for_the_python_session_leaves_nothing(dap, agent):
    dap.start({"program": str(agent("explore-files")), "debugPython": True},
              supportsStartDebuggingRequest=True)
    connect = dap.reverse_request("startDebugging")["arguments"]["configuration"]["connect"]
    dap.close()
    assert dap.proc.returncode == 0  # ended by itself, not killed by the client
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # debugpy's adapter process goes with the session
        try:
            socket.create_connection((connect["host"], connect["port"]), timeout=1).close()
        except OSError:
            return
        time.sleep(0.1)
    raise AssertionError("debugpy still listens after the session ended")
