"""Editing a document piece by piece gives the diagnostics of opening its final text:
the server re-reads only what each edit touches (several edits may arrive between two
parses, and several changes in one notification), and that must not show."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from lsp_helpers import diagnostics, line_starts, open_document, position

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROGRAM = """(quine completion (eval (do (quine prompt "Tidy the notes.")
  (def notes (io/read-lines "notes.txt"))
  (defn keep? [line] (not (strings/blank? line)))
  (think "Filter first." (def kept (filter keep? [1 2 3])))
  {:a 1 :b [2 3] :c #{4 5}}
  #(+ %1 %2)
  '(!call-now out (io/write "out.txt" (strings/join "\\n" kept))))))
"""
PIECES = ["(", ")", "[", "]", "\"", "'", ";", " ", "\n", "x", "(def y 2)", "io/ls", ":k",
          "(unknown-fn 1)", "#_", "\\"]


def summary(found: list[types.Diagnostic]) -> list[tuple]:
    return sorted((d.range.start.line, d.range.start.character, d.range.end.line,
                   d.range.end.character, d.code, d.message) for d in found)


async def test_edits_give_the_diagnostics_of_the_final_text(client):
    rng = random.Random(7)
    encoding = client.encoding
    text = PROGRAM
    uri = open_document(client, text)
    await diagnostics(client, uri, 1)
    for version in range(2, 62):
        changes = []
        for _ in range(rng.choice([1, 1, 2, 3])):  # several changes in one notification
            start = rng.randint(0, len(text))
            end = min(len(text), start + rng.choice([0, 0, 1, 3]))
            new = rng.choice(PIECES)
            starts = line_starts(text)
            changes.append(types.TextDocumentContentChangePartial(
                range=types.Range(start=position(text, start, encoding, starts),
                                  end=position(text, end, encoding, starts)), text=new))
            text = text[:start] + new + text[end:]
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes))
        if version % 5 == 0:  # in between, versions pile up before a parse
            edited = await diagnostics(client, uri, version)
            fresh_uri = open_document(client, text)
            fresh = await diagnostics(client, fresh_uri, 1)
            assert summary(edited) == summary(fresh), text
