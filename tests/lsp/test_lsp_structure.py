"""End to end through a real `spell lsp` process: folding and selection ranges, semantic
tokens, inlay hints from run journals, formatting, configuration reload."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from lsp_helpers import diagnostics, offset_of, open_document, position, split_cursors

pytestmark = pytest.mark.asyncio(loop_scope="module")


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_folding_ranges(client):
    text = ";; one\n;; two\n(quine completion\n  (eval\n    (do\n      '(str 1))))\n"
    uri = open_document(client, text)
    result = await client.text_document_folding_range_async(types.FoldingRangeParams(
        text_document=doc_id(uri)))
    folds = {(r.start_line, r.end_line, r.kind) for r in result}
    assert (0, 1, types.FoldingRangeKind.Comment) in folds
    assert (2, 5, types.FoldingRangeKind.Region) in folds
    assert (4, 5, types.FoldingRangeKind.Region) in folds


SELECTION_CASES = [
    # (marked source, expected selections from the innermost outwards)
    ("(a (b c|c) d)", ["cc", "b cc", "(b cc)", "a (b cc) d", "(a (b cc) d)"]),
    ("(a (b cc|) d)", ["cc", "b cc", "(b cc)", "a (b cc) d", "(a (b cc) d)"]),
    ("'(x [1 |2])", ["2", "1 2", "[1 2]", "x [1 2]", "(x [1 2])", "'(x [1 2])"]),
]


@pytest.mark.parametrize("marked,expected", SELECTION_CASES)
async def test_selection_ranges(client, marked, expected):
    text, (cur,) = split_cursors(marked)
    uri = open_document(client, text)
    (result,) = await client.text_document_selection_range_async(types.SelectionRangeParams(
        text_document=doc_id(uri), positions=[position(text, cur)]))
    chain = []
    while result is not None:
        chain.append(text[offset_of(text, result.range.start):offset_of(text, result.range.end)])
        result = result.parent
    assert chain == expected


def decode_tokens(text: str, data: list[int], legend: types.SemanticTokensLegend):
    """(token text, type, modifiers) from LSP's relative encoding (ASCII text)."""
    lines = text.split("\n")
    line = char = 0
    out = []
    for i in range(0, len(data), 5):
        dl, dc, length, kind, mods = data[i:i + 5]
        line += dl
        char = char + dc if dl == 0 else dc
        names = {m for b, m in enumerate(legend.token_modifiers) if mods & (1 << b)}
        out.append((lines[line][char:char + length], legend.token_types[kind], names))
    return out


async def test_semantic_tokens(client):
    text = ("(quine completion (eval (do\n"
            "  '(!call-now old (io/ls \"a\"))\n"
            "  (def old [1 2])\n"
            "  \"a\nb\"\n"
            "  '(!call-now files (io/read-lines \"b\")))))")
    uri = open_document(client, text)
    legend = client.initialize_result.capabilities.semantic_tokens_provider.legend
    for name in ("effectCall", "turnForm", "namespace"):
        assert name in legend.token_types
    assert "inert" in legend.token_modifiers
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(
        text_document=doc_id(uri)))
    tokens = decode_tokens(text, result.data, legend)
    assert ("!call-now", "turnForm", {"inert", "effect"}) in tokens   # history: inert
    assert ("ls", "effectCall", {"inert", "effect"}) in tokens
    assert ("io", "namespace", set()) in tokens                     # the trailing call
    assert ("read-lines", "effectCall", {"effect"}) in tokens
    assert ("old", "variable", {"declaration"}) in tokens
    assert ("\"a", "string", set()) in tokens and ("b\"", "string", set()) in tokens
    ranged = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(text_document=doc_id(uri), range=types.Range(
            start=types.Position(line=2, character=0), end=types.Position(line=3, character=0))))
    assert [t[0] for t in decode_tokens(text, ranged.data, legend)] == ["def", "old", "1", "2"]


async def test_inlay_hints_show_journal_results(client):
    root = client.workspace_root
    program = root / "hinted.spell"
    text = "(quine completion (eval (do '(!call-now r (io/ls \"src\")))))\n"
    program.write_text(text)
    run = root / ".spell" / "runs" / "20260101T000000Z-abc123"
    run.mkdir(parents=True, exist_ok=True)
    records = [
        {"type": "run", "t": "x", "run_id": run.name, "options": {"program": "hinted.spell"}},
        {"type": "effect", "t": "x", "handle": "main", "turn": 1, "seq": 1, "fn": "io/ls",
         "form": "(io/ls \"src\")", "span": [43, 56], "args": ["\"src\""],
         "result": "[\"a.py\" \"b.py\"]"},
    ]
    (run / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    uri = open_document(client, text, "hinted.spell")
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=doc_id(uri), range=types.Range(
            start=types.Position(line=0, character=0), end=types.Position(line=1, character=0))))
    assert [(offset_of(text, h.position), h.label) for h in hints] == [
        (text.index("(io/ls") + len("(io/ls \"src\")"), "⇒ [\"a.py\" \"b.py\"]")]
    other = open_document(client, text, "unrelated.spell")
    assert not await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=doc_id(other), range=types.Range(
            start=types.Position(line=0, character=0),
            end=types.Position(line=1, character=0))))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


UNFORMATTED = "(defn f [x]\n(let [y 1]\n     (+ x\ny)))   \n"
FORMATTED = "(defn f [x]\n  (let [y 1]\n    (+ x\n       y)))\n"


async def test_document_formatting(client):
    uri = open_document(client, UNFORMATTED)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc_id(uri), options=options))
    assert apply(UNFORMATTED, edits) == FORMATTED
    uri = open_document(client, FORMATTED)
    assert not await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc_id(uri), options=options))


async def test_range_formatting_touches_only_the_range(client):
    uri = open_document(client, UNFORMATTED)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=doc_id(uri), options=types.FormattingOptions(tab_size=2,
                                                                      insert_spaces=True),
            range=types.Range(start=types.Position(line=1, character=0),
                              end=types.Position(line=1, character=3))))
    assert apply(UNFORMATTED, edits).split("\n")[1:3] == ["  (let [y 1]", "     (+ x"]


async def test_on_type_formatting_indents_the_new_line(client):
    text, (cur,) = split_cursors("(let [x 1]\n|x)")
    uri = open_document(client, text)
    edits = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            text_document=doc_id(uri), position=position(text, cur), ch="\n",
            options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert apply(text, edits) == "(let [x 1]\n  x)"


async def test_configuration_reload_changes_enabled_namespaces(client):
    root = client.workspace_root
    text = "(quine completion (eval (do '(io/ls \".\"))))"
    uri = open_document(client, text)
    assert "namespace-not-enabled" not in {d.code for d in await diagnostics(client, uri, 1)}
    (root / "spell.toml").write_text("[profile]\nnamespaces = []\n")
    try:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=(root / "spell.toml").as_uri(),
                            type=types.FileChangeType.Changed)]))
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text + " ")]))
        codes = {d.code for d in await diagnostics(client, uri, 2)}
        assert "namespace-not-enabled" in codes
    finally:
        (root / "spell.toml").write_text('[profile]\nnamespaces = ["io"]\n')
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={}))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert "namespace-not-enabled" not in {d.code for d in await diagnostics(client, uri, 3)}


async def test_spell_toml_is_watched(client):
    watched = [r for r in client.registrations
               if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    if client.capabilities.workspace.did_change_watched_files and \
            client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        assert watched
