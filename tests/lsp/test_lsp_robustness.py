"""Robustness: 5,000 random edits (brackets, quotes, backslashes, NUL, emoji, lone
surrogates, occasional 1 MB pastes) through a real client. The server must stay up,
answer every request, and publish only diagnostics whose ranges lie inside the text of
the version they were published for."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from lsp_helpers import diagnostics, line_starts, open_document, position, units

pytestmark = pytest.mark.asyncio(loop_scope="module")

EDITS = 5000
REQUEST_EVERY = 50
ALPHABET = list("()[]{}\"'\\;:#@^~`% \n\t\r,abcdefxyz0123456789") + [
    "\x00", "😀", "é", "\ud800", "\u2028", "\x0c", "(def x ", "'(io/ls \".\")",
    "(quine completion (eval (do ", "\"\\u12"]
SEED_TEXT = "(quine completion (eval (do (def x 1) '(!call-now y (io/ls \".\")))))\n"


def random_edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    """(start, end, new text): mostly small inserts and deletes, rarely a 1 MB paste; big
    documents are soon cut back, so most edits stay fast to check."""
    roll = rng.random()
    start = off_crlf(text, rng.randint(0, len(text)))
    if roll < 0.001:
        return start, start, "(def big \"" + "x" * 1_000_000 + "\")\n"
    if roll < 0.05 and len(text) > 100_000:
        return 0, off_crlf(text, rng.randint(len(text) - 50_000, len(text))), ""
    if roll < 0.4:
        return start, off_crlf(text, min(len(text), start + rng.randint(1, 8))), ""
    return start, start, "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4)))


def off_crlf(text: str, offset: int) -> int:
    """`offset`, moved off the middle of a CRLF (no position in LSP denotes it)."""
    return offset - 1 if text[offset - 1:offset + 1] == "\r\n" else offset


def inside(text: str, rng: types.Range, encoding: str) -> bool:
    """Does an LSP range lie inside `text` (lines exist, columns within their line)?"""
    starts = line_starts(text) + [len(text) + 1]
    for pos in (rng.start, rng.end):
        if pos.line >= len(starts) - 1:
            return False
        line_text = text[starts[pos.line]:starts[pos.line + 1]].rstrip("\r\n")
        if pos.character > units(line_text, encoding):
            return False
    return (rng.start.line, rng.start.character) <= (rng.end.line, rng.end.character)


async def test_random_edits_never_break_the_server(client):
    rng = random.Random(20261122)
    encoding = client.encoding
    text = SEED_TEXT
    uri = open_document(client, text)
    texts = {1: text}
    checked, outside = [], []

    def check(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri and params.version in texts:
            seen = texts[params.version]
            outside.extend(d for d in params.diagnostics if not inside(seen, d.range, encoding))
            checked.append(params.version)
        client.published[params.uri] = (params.version, list(params.diagnostics))

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = check
    answered = pastes = 0
    for version in range(2, EDITS + 2):
        start, end, new = random_edit(rng, text)
        starts = line_starts(text)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=position(text, start, encoding, starts),
                              end=position(text, end, encoding, starts)), text=new)
        text = text[:start] + new + text[end:]
        pastes += len(new) > 100_000
        texts[version] = text
        texts.pop(version - 400, None)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change]))
        if version % REQUEST_EVERY == 0:
            at = position(text, rng.randint(0, len(text)), encoding)
            ident = types.TextDocumentIdentifier(uri=uri)
            await client.text_document_hover_async(types.HoverParams(
                text_document=ident, position=at))
            await client.text_document_completion_async(types.CompletionParams(
                text_document=ident, position=at))
            answered += 2
    final = EDITS + 1
    found = await diagnostics(client, uri, final, timeout=120)  # generous: CI may be busy
    assert all(inside(text, d.range, encoding) for d in found)
    assert answered == 2 * (EDITS // REQUEST_EVERY)
    assert pastes >= 1
    assert checked and checked[-1] == final
    assert outside == []
    # The server's text is ours: its outermost selection is exactly the whole document.
    (selection,) = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                   positions=[types.Position(line=0, character=0)]))
    while selection.parent is not None:
        selection = selection.parent
    assert selection.range.end == position(text, len(text), encoding)
