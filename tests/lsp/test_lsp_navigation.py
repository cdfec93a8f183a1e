"""End to end through a real `spell lsp` process: definition, references, highlight,
rename, document and workspace symbols. `|` marks the cursor; in expected texts, `«»`
marks the spans a request must return."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_helpers import offset_of, open_document, position, split_cursors

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROGRAM = ("(quine completion (eval (do\n"
           "  (def «total» 1)\n"
           "  (defn bump [n] (+ n «total»))\n"
           "  (let [total 5] (inc total))\n"
           "  '(!call-now r (bump «tot|al»)))))")


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def marked_spans(marked: str) -> tuple[str, int, list[tuple[int, int]]]:
    """Text, cursor and «» spans of a marked source."""
    text, (cursor,) = split_cursors(marked)
    spans, out = [], []
    for ch in text:
        if ch == "«":
            spans.append(len(out))
        elif ch == "»":
            spans[-1] = (spans[-1], len(out))
        else:
            out.append(ch)
    clean = "".join(out)
    cursor -= sum(1 for i, ch in enumerate(text[:cursor]) if ch in "«»")
    return clean, cursor, spans


def spans_of(text: str, ranges) -> list[tuple[int, int]]:
    return sorted((offset_of(text, r.start), offset_of(text, r.end)) for r in ranges)


async def test_definition(client):
    text, cur, spans = marked_spans(PROGRAM)
    uri = open_document(client, text)
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=position(text, cur)))
    assert [(offset_of(text, loc.range.start), offset_of(text, loc.range.end))
            for loc in result] == [spans[0]]
    assert all(loc.uri == uri for loc in result)


async def test_references_skip_the_shadowing_let(client):
    text, cur, spans = marked_spans(PROGRAM)
    uri = open_document(client, text)
    result = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc_id(uri), position=position(text, cur),
        context=types.ReferenceContext(include_declaration=True)))
    assert spans_of(text, [loc.range for loc in result]) == spans


async def test_document_highlight(client):
    text, cur, spans = marked_spans(PROGRAM)
    uri = open_document(client, text)
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc_id(uri), position=position(text, cur)))
    assert spans_of(text, [h.range for h in result]) == spans
    writes = [h for h in result if h.kind == types.DocumentHighlightKind.Write]
    assert spans_of(text, [h.range for h in writes]) == [spans[0]]


async def test_rename(client):
    text, cur, spans = marked_spans(PROGRAM)
    uri = open_document(client, text)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc_id(uri), position=position(text, cur)))
    assert prepared.placeholder == "total"
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc_id(uri), position=position(text, cur), new_name="grand-total"))
    edits = edit.changes[uri]
    assert spans_of(text, [e.range for e in edits]) == spans
    assert {e.new_text for e in edits} == {"grand-total"}


async def test_rename_of_a_builtin_is_refused_with_a_reason(client):
    text, (cur,) = split_cursors("(quine completion (eval (do '(ma|p inc [1]))))")
    uri = open_document(client, text)
    with pytest.raises(JsonRpcException, match="map"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc_id(uri), position=position(text, cur)))


async def test_document_symbols(client):
    text = ("(quine completion (eval (do\n"
            "  (quine prompt \"Count files\")\n"
            "  (think \"plan\" (def a 1))\n"
            "  (defn helper [x] x)\n"
            "  '(!call-now r (io/ls \".\")))))")
    uri = open_document(client, text)
    (root,) = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=doc_id(uri)))
    assert root.name == "completion" and root.kind == types.SymbolKind.Module
    names = [c.name for c in root.children]
    assert "helper" in names and "trailing expression" in names
    think = next(c for c in root.children if c.name == "plan")
    assert [c.name for c in think.children] == ["a"]


async def test_workspace_symbols_include_closed_files(client):
    (client.workspace_root / "library.spell").write_text(
        "(quine completion (eval (do (defn zebra-helper [x] x) '(str 1))))")
    open_document(client, "(quine completion (eval (do (def zebra-count 1) '(str 1))))")
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="zebra"))
    names = {s.name for s in result}
    assert {"zebra-helper", "zebra-count"} <= names
