"""The analysis never fails and its ranges stay inside the text, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from spell_lsp.analysis import navigation as nav
from spell_lsp.analysis.diagnostics import diagnostics
from spell_lsp.analysis.document import Document

SEED = """(quine completion (eval (do (quine prompt "p") (defn f [x & r] (io/ls x))
(def a (let [[p q] [1 2] {:keys [k]} {}] (f p))) (defmacro m [y] `(persist ~y 1))
(think "t" (def b #(+ % 1))) '(!call-now r (f a) s (-> b (as-> z (inc z)))) (prune 3)
'(!llm-self prompt))))"""
PIECES = ["(", ")", "[", "]", "{", "}", "\"", "\\", "'", "`", "~@", "#(", "#_", "#{", "\x00",
          "😀", "\ud800", " ", "\n", "do", "quine", "eval", "let", "fn", "io/ls", "!call-now",
          ";", "msg-1", "%", "&", ":k", "1/0", "08"]


@st.composite
def edited(draw):
    text = SEED
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 6)):]
    return text


@settings(max_examples=300, deadline=None)
@given(edited(), st.integers(0, 400))
def test_edited_programs_analyse_cleanly(text, offset):
    doc = Document(text)
    for d in diagnostics(doc):
        assert 0 <= d.start <= d.end <= len(text)
    offset = min(offset, len(text))
    nav.definition(doc, offset)
    nav.references(doc, offset)
    nav.highlights(doc, offset)
    nav.document_symbols(doc)
    try:
        nav.rename(doc, offset, "renamed")
    except nav.RenameError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_analyses_cleanly(text):
    doc = Document("(" + text)
    for d in diagnostics(doc):
        assert 0 <= d.start <= d.end <= len(doc.text)
