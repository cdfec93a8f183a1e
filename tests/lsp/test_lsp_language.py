"""End to end through a real `spell lsp` process: completion, hover, signature help,
diagnostics and code actions, with the VS Code and Neovim capability profiles.
Cases are data: `|` marks the cursor in the source."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_helpers import diagnostics, offset_of, open_document, position, split_cursors

pytestmark = pytest.mark.asyncio(loop_scope="module")

W = "(quine completion (eval (do {} '(str 1))))"  # a wrapper around the case's forms


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


COMPLETION_CASES = [
    # (marked source, labels that must be offered, labels that must not)
    (W.format("(strings/jo|)"), {"strings/join"}, {"map"}),
    (W.format("(math/fl|)"), {"math/floor"}, set()),
    (W.format("(io/read-l|)"), {"io/read-lines"}, set()),
    (W.format("(def alpha-total 1) (inc al|)"), {"alpha-total"}, set()),
    (W.format("(let [beta-count 1] (inc b|))"), {"beta-count"}, set()),
    (W.format("(defn g [gamma-arg] (inc g|))"), {"gamma-arg"}, set()),
    (W.format("(def msg-1 {:from :parent}) (str ms|)"), {"msg-1"}, set()),
    (W.format("(def k {:colour 1}) (:co|)"), {":colour"}, set()),
    (W.format("(ma|)"), {"map", "mapcat", "math"}, {"strings/join"}),
    (W.format("(pe|)"), {"(persist ...)"}, {"'(!peek-now ...)"}),
    (W.format("(!pe|)"), {"!peek-now", "'(!peek-now ...)"}, set()),
    (W.format("(!ca|)"), {"!call-now", "'(!call-now ...)"}, set()),
    ("(qu|", {"wrapper", "quine"}, set()),
    (W.format('(str "ma|p")'), set(), {"map"}),
    (W.format("; ma|p\n"), set(), {"map"}),
]


@pytest.mark.parametrize("marked,present,absent", COMPLETION_CASES)
async def test_completion(client, marked, present, absent):
    text, (cur,) = split_cursors(marked)
    uri = open_document(client, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=position(text, cur)))
    labels = {item.label for item in (result.items if result else [])}
    assert present <= labels
    assert not labels & absent


async def test_completion_items_carry_documentation_and_replace_the_prefix(client):
    text, (cur,) = split_cursors(W.format("(strings/jo|)"))
    uri = open_document(client, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=position(text, cur)))
    join = next(i for i in result.items if i.label == "strings/join")
    assert join.detail == "(strings/join [sep] coll)"
    assert "separated by sep" in join.documentation.value
    assert join.text_edit.range.start == position(text, text.index("strings/jo"))
    snippet_text, (cur,) = split_cursors(W.format("(pe|)"))
    uri = open_document(client, snippet_text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=position(snippet_text, cur)))
    persist = next(i for i in result.items if i.label == "(persist ...)")
    assert persist.insert_text_format == types.InsertTextFormat.Snippet
    assert persist.text_edit.new_text.startswith("(persist ${1:name}")


async def test_completion_is_asked_again_until_the_word_has_a_namespace_part(client):
    """Clients filter a complete list as the user types: before a `/` the answer must be
    incomplete, or typing `io/` would never list the namespace's members."""
    for marked, incomplete in [(W.format("(i|)"), True), (W.format("(io/re|)"), False)]:
        text, (cur,) = split_cursors(marked)
        uri = open_document(client, text)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=doc_id(uri), position=position(text, cur)))
        assert result.is_incomplete is incomplete


HOVER_CASES = [
    # (marked source, text the hover must contain; None: no hover)
    (W.format('(strings/jo|in ", " [1 2])'), "separated by sep"),
    (W.format('(str|ings/join ", " [1 2])'), "Mirrors clojure.string"),
    (W.format('(io/read-li|nes "a.txt")'), "io/read-lines"),
    # the guide's column layout survives Markdown: the detail is preformatted
    (W.format('(io/read-li|nes "a.txt")'),
     "```text\n(io/read-lines path)\n(io/read-lines path start end)\n\n  path  "),
    (W.format("(ma|p inc [1])"), "Call f on each element"),
    (W.format("(def answer 42) (inc ans|wer)"), "(def answer 42)"),
    (W.format('(def msg-3 {:from :parent :body "do it"}) (str msg-|3)'),
     '(def msg-3 {:from :parent :body "do it"})'),
    (W.format('(defn add "Adds two." [a b] (+ a b)) (ad|d 1 2)'), "Adds two."),
    (W.format("(def big [{}]) (count bi|g)".format(" ".join(str(i) for i in range(500)))),
     "…"),
    (W.format("(let [x 1] (inc x|))"), "local binding"),
    (W.format("(inc 4|2)"), None),
]


@pytest.mark.parametrize("marked,expected", HOVER_CASES)
async def test_hover(client, marked, expected):
    text, (cur,) = split_cursors(marked)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=position(text, cur)))
    if expected is None:
        assert result is None
    else:
        assert expected in result.contents.value
        start = offset_of(text, result.range.start)
        end = offset_of(text, result.range.end)
        assert start <= cur <= end


SIGNATURE_CASES = [
    # (marked source, signature label, active parameter text)
    (W.format('(subs "abc" |1)'), "(subs s start [end])", "start"),
    (W.format('(subs "abc" 1 |)'), "(subs s start [end])", "[end]"),
    (W.format("(defn add [a b] (+ a b)) (add 1 |)"), "(add a b)", "b"),
    (W.format("(defn f [x & more] x) (f 1 2 |3)"), "(f x & more)", "more"),
    (W.format("(defn f [x & more] x) (f 1 |2)"), "(f x & more)", "more"),
    (W.format("(defn f [x & more] x) (f |1)"), "(f x & more)", "x"),
    (W.format('(strings/join |", " [1])'), "(strings/join [sep] coll)", "[sep]"),
    (W.format("(+ 1 2 3 |4)"), "(+ x ...)", "..."),
]


@pytest.mark.parametrize("marked,label,active", SIGNATURE_CASES)
async def test_signature_help(client, marked, label, active):
    text, (cur,) = split_cursors(marked)
    uri = open_document(client, text)
    result = await client.text_document_signature_help_async(types.SignatureHelpParams(
        text_document=doc_id(uri), position=position(text, cur)))
    sig = result.signatures[0]
    assert sig.label == label
    if active is not None:
        start, end = sig.parameters[result.active_parameter].label
        assert sig.label[start:end] == active


async def test_no_signature_outside_calls(client):
    uri = open_document(client, "[1 2 3]")
    result = await client.text_document_signature_help_async(types.SignatureHelpParams(
        text_document=doc_id(uri), position=types.Position(line=0, character=3)))
    assert result is None


DIAGNOSTIC_CASES = [
    # (source, code expected among the published diagnostics)
    ('(quine completion (eval (do (def x "abc', "read-error"),
    ("(quine completion (eval (do (io/ls \".\") '(str 1))))", "effect-outside-trailing"),
    ("(quine completion (eval (do (def x 1) (!call-now y (io/ls \".\")))))",
     "trailing-not-quoted"),
    ("(quine completion (eval (do '(strings/jion \",\" [1]))))", "unknown-namespace-member"),
    ("(quine completion (eval (do '(str (lenght [1])))))", "unbound-symbol"),
]


@pytest.mark.parametrize("source,code", DIAGNOSTIC_CASES)
async def test_diagnostics(client, source, code):
    uri = open_document(client, source)
    found = await diagnostics(client, uri, 1)
    assert code in {d.code for d in found}
    for d in found:
        assert d.message and d.source == "spell"
        assert 0 <= offset_of(source, d.range.start) <= offset_of(source, d.range.end) \
            <= len(source)


async def test_diagnostics_follow_edits(client):
    source = "(quine completion (eval (do '(str 1))))"
    uri = open_document(client, source)
    assert "read-error" not in {d.code for d in await diagnostics(client, uri, 1)}
    at = position(source, source.index("str"))
    edits = [("\"", types.Range(start=at, end=at)),                   # opens a string
             ("", types.Range(start=at, end=types.Position(line=0, character=at.character + 1)))]
    expected = [True, False]
    for version, ((new, where), broken) in enumerate(zip(edits, expected), start=2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=where, text=new)]))
        codes = {d.code for d in await diagnostics(client, uri, version)}
        assert ("read-error" in codes) == broken
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc_id(uri)))
    assert await diagnostics(client, uri, None) == []


async def test_code_action_quotes_the_trailing_expression(client):
    source = "(quine completion (eval (do (def x 1) (!call-now y (io/ls \".\")))))"
    uri = open_document(client, source)
    found = await diagnostics(client, uri, 1)
    target = next(d for d in found if d.code == "trailing-not-quoted")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(uri), range=target.range,
        context=types.CodeActionContext(diagnostics=[target])))
    assert actions, "a quick fix is offered"
    edits = actions[0].edit.changes[uri]
    fixed = apply(source, edits)
    assert "'(!call-now y" in fixed


async def test_code_action_did_you_mean(client):
    source = "(quine completion (eval (do '(strings/jion \",\" [1]))))"
    uri = open_document(client, source)
    found = await diagnostics(client, uri, 1)
    target = next(d for d in found if d.code == "unknown-namespace-member")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(uri), range=target.range,
        context=types.CodeActionContext(diagnostics=[target])))
    fixed = {apply(source, a.edit.changes[uri]) for a in actions}
    assert source.replace("jion", "join") in fixed


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """`text` with LSP edits applied (last first, so offsets stay valid)."""
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
