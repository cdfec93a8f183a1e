"""Helpers of the end-to-end language-server tests: cursor markers, LSP positions in any
encoding, opening documents and waiting for the diagnostics of a version."""

from __future__ import annotations

import asyncio
import itertools
import re
from bisect import bisect_right

from lsprotocol import types
from pytest_lsp import LanguageClient

CURSOR = "|"
LINE_BREAK = re.compile(r"\r\n?|\n")
_names = itertools.count()


def split_cursors(marked: str) -> tuple[str, list[int]]:
    """The text without `|` markers and the offsets where they were."""
    parts = marked.split(CURSOR)
    offsets, pos = [], 0
    for part in parts[:-1]:
        pos += len(part)
        offsets.append(pos)
    return "".join(parts), offsets


def units(segment: str, encoding: str = "utf-16") -> int:
    """Length of `segment` in the code units of an LSP position encoding."""
    if encoding == "utf-32":
        return len(segment)
    if encoding == "utf-8":
        return len(segment.encode("utf-8", "surrogatepass"))
    return len(segment.encode("utf-16-le", "surrogatepass")) // 2


def line_starts(text: str) -> list[int]:
    """Offsets where lines start (LSP line breaks: \\n, \\r\\n, \\r)."""
    return [0] + [m.end() for m in LINE_BREAK.finditer(text)]


def position(text: str, offset: int, encoding: str = "utf-16",
             starts: list[int] | None = None) -> types.Position:
    """The LSP position of an offset (`starts`: the text's line starts, if known)."""
    starts = starts or line_starts(text)
    line = bisect_right(starts, offset) - 1
    return types.Position(line=line, character=units(text[starts[line]:offset], encoding))


def offset_of(text: str, pos: types.Position, encoding: str = "utf-16") -> int:
    """The offset of an LSP position (which must lie inside the text)."""
    starts = line_starts(text)
    offset = starts[pos.line]
    count = 0
    while count < pos.character:
        count += units(text[offset], encoding)
        offset += 1
    return offset


def open_document(client: LanguageClient, text: str, name: str | None = None) -> str:
    """Open `text` as a new .spell document of the workspace; returns its uri."""
    path = client.workspace_root / (name or f"doc{next(_names)}.spell")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="spell", version=1,
                                             text=text)))
    return uri


async def diagnostics(client: LanguageClient, uri: str, version: int,
                      timeout: float = 20.0) -> list[types.Diagnostic]:
    """The diagnostics published for `version` of `uri` (waits for them)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while client.published.get(uri, (None,))[0] != version:
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} version {version}")
        await asyncio.sleep(0.005)
    return client.published[uri][1]
