"""Language-server latency through a real client over stdio, against a no-op pygls server
measured in the same run (the floor: process, JSON-RPC and pygls overhead).

Usage: python benchmarks/bench_lsp.py [--edits N] [--requests N]

For a dense 2,000-line program and a 2 MB agent transcript (inputs.py) it reports p50 and
p99 of: didChange -> publishDiagnostics (a one-character edit, alternately inserted and
removed, at the start of the do-block, where every later form moves, and again in the
trailing expression at the end, where authors mostly type), completion and hover (at symbols spread over the document), each with the
no-op server's round trip for the same message and the ratio to it; and the time of the
`initialize` request, sent once the process answers a probe request (the time from
process start to that answer, mostly imports, is shown too). Targets: diagnostics p50
<= 10 ms at 2,000 lines and <= 50 ms on 2 MB; completion and hover p99 <= 20 ms on 2 MB;
initialize <= 300 ms. Always exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from benchmarks.inputs import dense_program, transcript_program  # noqa: E402

TARGETS = {("dense 2,000 lines", "diagnostics", "p50"): 10.0,
           ("transcript 2 MB", "diagnostics", "p50"): 50.0,
           ("transcript 2 MB", "completion", "p99"): 20.0,
           ("transcript 2 MB", "hover", "p99"): 20.0}
INITIALIZE_TARGET = 300.0

# The floor: a pygls server that answers every request with nothing and publishes empty
# diagnostics for every change, so its round trip is pure transport and pygls overhead.
NOOP_SERVER = """
from lsprotocol import types
from pygls.lsp.server import LanguageServer
server = LanguageServer("noop", "0")
@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def open_(ls, params):
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=params.text_document.uri, version=params.text_document.version, diagnostics=[]))
@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def change(ls, params):
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=params.text_document.uri, version=params.text_document.version, diagnostics=[]))
@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls, params):
    return None
@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(ls, params):
    return []
server.start_io()
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Session:
    """A client connected to one server process, with one open document."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.client = LanguageClient("bench", "0")
        self.published: dict[int, asyncio.Future] = {}
        self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(
            lambda params: self.on_diagnostics(params))
        self.uri = (ROOT / "bench.spell").as_uri()
        self.version = 1
        self.start_ms = self.initialize_ms = 0.0

    def on_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        future = self.published.get(params.version)
        if future is not None and not future.done():
            future.set_result(None)

    async def start(self) -> None:
        began = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        await self.client.start_io(*self.command, env=env)
        try:  # any answer (an error) shows the process has started and reads requests
            await self.client.protocol.send_request_async("spell/ping", None)
        except JsonRpcException:
            pass
        sent = time.perf_counter()
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=ROOT.as_uri()))
        done = time.perf_counter()
        self.client.initialized(types.InitializedParams())
        self.initialize_ms = (done - sent) * 1000
        self.start_ms = (sent - began) * 1000

    async def open(self, text: str) -> None:
        self.version = 1
        self.published = {1: asyncio.get_running_loop().create_future()}
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=self.uri, language_id="spell", version=1,
                                                 text=text)))
        await asyncio.wait_for(self.published[1], 120)

    async def change(self, position: types.Position, insert: bool) -> float:
        """Milliseconds from didChange to the diagnostics of the new version."""
        self.version += 1
        future = self.published[self.version] = asyncio.get_running_loop().create_future()
        end = position if insert else types.Position(line=position.line,
                                                     character=position.character + 1)
        began = time.perf_counter()
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri,
                                                                version=self.version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=position, end=end), text=" " if insert else "")]))
        await asyncio.wait_for(future, 120)
        return (time.perf_counter() - began) * 1000

    async def request(self, kind: str, position: types.Position) -> float:
        ident = types.TextDocumentIdentifier(uri=self.uri)
        began = time.perf_counter()
        if kind == "hover":
            await self.client.text_document_hover_async(types.HoverParams(
                text_document=ident, position=position))
        else:
            await self.client.text_document_completion_async(types.CompletionParams(
                text_document=ident, position=position))
        return (time.perf_counter() - began) * 1000

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def symbol_positions(text: str, count: int) -> list[types.Position]:
    """Positions at the end of `count` symbols spread evenly over the text (ASCII)."""
    lines = text.split("\n")
    found = [(i, m.end()) for i, line in enumerate(lines)
             for m in re.finditer(r"\((?:[a-z][\w!?*/-]*)", line)]
    step = max(1, len(found) // count)
    return [types.Position(line=i, character=c) for i, c in found[::step][:count]]


def edit_position(text: str) -> types.Position:
    """Just inside the wrapper's do-block, on its first line (a space there is harmless):
    the worst place for re-reading, as every later form moves."""
    return types.Position(line=0, character=text.index("(do ") + 4)


def trailing_position(text: str) -> types.Position:
    """Inside the last quoted form (the trailing expression), where authors mostly type."""
    offset = text.rindex("'(") + 2
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def measure(session: Session, text: str, edits: int, requests: int) -> dict:
    await session.open(text)
    where, near_end = edit_position(text), trailing_position(text)
    diagnostics = [await session.change(where, i % 2 == 0) for i in range(edits)]
    at_end = [await session.change(near_end, i % 2 == 0) for i in range(edits)]
    spots = symbol_positions(text, requests)
    completion = [await session.request("completion", p) for p in spots]
    hover = [await session.request("hover", p) for p in spots]
    return {"diagnostics": diagnostics, "diag. at end": at_end, "completion": completion,
            "hover": hover}


async def run(edits: int, requests: int) -> None:
    inputs = [("dense 2,000 lines", dense_program()), ("transcript 2 MB", transcript_program())]
    ours = Session([sys.executable, "-m", "spell_lsp", "lsp"])
    floor = Session([sys.executable, "-c", NOOP_SERVER])
    await ours.start()
    await floor.start()
    header = (f"{'input':<19} {'measure':<12} {'p50 ms':>8} {'p99 ms':>8} {'floor p50':>10} "
              f"{'ratio p50':>10} {'target':>14}")
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, text in inputs:
        mine = await measure(ours, text, edits, requests)
        base = await measure(floor, text, edits, requests)
        for what in ("diagnostics", "diag. at end", "completion", "hover"):
            p50, p99 = median(mine[what]), percentile(mine[what], 0.99)
            floor50 = median(base[what])
            target = next(((q, limit) for (n, w, q), limit in TARGETS.items()
                           if n == name and w == what), None)
            note = ""
            if target is not None:
                value = p50 if target[0] == "p50" else p99
                ok = value <= target[1]
                verdicts.append(ok)
                note = f"{target[0]}<={target[1]:g} {'ok' if ok else 'MISS'}"
            print(f"{name:<19} {what:<12} {p50:>8.1f} {p99:>8.1f} {floor50:>10.1f} "
                  f"{p50 / floor50 if floor50 else 0:>10.1f} {note:>14}")
    ok = ours.initialize_ms <= INITIALIZE_TARGET
    verdicts.append(ok)
    print(f"\ninitialize request: {ours.initialize_ms:.1f} ms (floor {floor.initialize_ms:.1f} ms; "
          f"target <= {INITIALIZE_TARGET:g} ms: {'ok' if ok else 'MISS'}); "
          f"process start until it answers: {ours.start_ms:.0f} ms "
          f"(floor {floor.start_ms:.0f} ms: importing pygls and lsprotocol)")
    print(f"targets met: {sum(verdicts)}/{len(verdicts)}")
    await ours.stop()
    await floor.stop()


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--edits", type=int, default=40, help="didChange round trips per input")
    args.add_argument("--requests", type=int, default=100,
                      help="completion and hover requests per input")
    ns = args.parse_args()
    asyncio.run(run(ns.edits, ns.requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
