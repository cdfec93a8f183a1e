"""Navigation, data-driven from `navigation.cases` (`|` cursor, `<<...>>` spans), plus
rename, document symbols and workspace symbols."""

from __future__ import annotations

from pathlib import Path

import pytest

from spell_lsp.analysis import navigation as nav
from spell_lsp.analysis.document import Document
from spell_lsp.analysis.scopes import visible_at

from .marks import load_cases, strip_marks

CASES = load_cases(Path(__file__).parent / "navigation.cases")
FEATURES = {
    "definition": nav.definition,
    "references": nav.references,
    "highlight": lambda doc, offset: [(s, e) for s, e, _ in nav.highlights(doc, offset)],
}


@pytest.mark.parametrize("title,marked", CASES, ids=[t for t, _ in CASES])
def test_case(title, marked):
    feature = title.partition(":")[0]
    text, spans, cursor = strip_marks(marked, codes=False)
    assert cursor is not None
    got = FEATURES[feature](Document(text), cursor)
    assert sorted(got) == sorted((s, e) for s, e, _ in spans), [text[s:e] for s, e in got]


def test_highlight_kinds():
    text = "(quine completion (eval (do (def total 1) '(* total 2))))"
    kinds = nav.highlights(Document(text), text.index("total"))
    assert [(text[s:e], k) for s, e, k in kinds] == [("total", "write"), ("total", "read")]


def apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


@pytest.mark.parametrize("marked,new_name,expected", [
    ("(quine completion (eval (do (def |n 1) (defn f [] (* n 2)) '(+ n (f)))))", "count-of",
     "(quine completion (eval (do (def count-of 1) (defn f [] (* count-of 2)) "
     "'(+ count-of (f)))))"),
    ("(quine completion (eval (do (defn f [|k] (+ k 1)) (def k 5) '(f k))))", "j",
     "(quine completion (eval (do (defn f [j] (+ j 1)) (def k 5) '(f k))))"),
    ("(quine completion (eval (do (def cfg {:a 1}) '(inc |cfg/a))))", "conf",
     "(quine completion (eval (do (def conf {:a 1}) '(inc conf/a))))"),
])
def test_rename(marked, new_name, expected):
    text, _, cursor = strip_marks(marked, codes=False)
    assert apply(text, nav.rename(Document(text), cursor, new_name)) == expected


@pytest.mark.parametrize("marked,new_name,reason", [
    ("(quine completion (eval (do (def x (co|unt [1])) '(!extend))))", "n", "builtin"),
    ("(quine completion (eval (do (def x (|if true 1 2)) '(!extend))))", "n",
     "special form"),
    ("(quine completion (eval (do (def x 1) '(!call-|now r (inc x)))))", "n", "turn form"),
    ("(quine completion (eval (do (def |x 1) '(inc x))))", "map", "defined by the language"),
    ("(quine completion (eval (do (def |x 1) '(inc x))))", "two words", "not a valid"),
    ("(quine completion (eval (do (def |x 1) (def y 2) '(+ x y))))", "y", "already defined"),
    ("(quine completion (eval (do (def x 1) '(inc |nope))))", "n", "not defined"),
])
def test_rename_refused(marked, new_name, reason):
    text, _, cursor = strip_marks(marked, codes=False)
    with pytest.raises(nav.RenameError, match=reason):
        nav.rename(Document(text), cursor, new_name)


def test_prepare_rename_gives_the_name_under_the_cursor():
    text = "(quine completion (eval (do (def total 1) '(* total 2))))"
    start, end = nav.prepare_rename(Document(text), text.rindex("total") + 2)
    assert (start, end) == (text.rindex("total"), text.rindex("total") + 5)


SYMBOLS = """(quine completion
  (eval
    (do
      (quine prompt "Fix the bug in app.py.")
      '(!extend)
      (think "Read the file first." (def path "app.py"))
      (defn fix [line] (str line "!"))
      (persist keep (fix "x"))
      (def msg-0 {:from :w :body 1})
      '(!call-now r (io/read-lines path)))))
"""


def outline(symbols, depth=0):
    for s in symbols:
        yield depth, s.kind, s.name, s.detail
        yield from outline(s.children, depth + 1)


def test_document_symbols_are_hierarchical():
    doc = Document(SYMBOLS)
    assert list(outline(nav.document_symbols(doc))) == [
        (0, "wrapper", "completion", ""),
        (1, "quine", "prompt", "Fix the bug in app.py."),
        (1, "think", "Read the file first.", ""),
        (2, "def", "path", ""),
        (1, "defn", "fix", "[line]"),
        (1, "persist", "keep", ""),
        (1, "message", "msg-0", ""),
        (1, "trailing", "trailing expression", "'(!call-now r (io/read-lines path))"),
    ]
    fix = nav.document_symbols(doc)[0].children[2]
    assert SYMBOLS[fix.sel_start:fix.sel_end] == "fix"
    assert SYMBOLS[fix.start:fix.end] == '(defn fix [line] (str line "!"))'


def test_workspace_symbols_match_by_substring():
    a = Document(SYMBOLS, uri="file:///a.spell")
    b = Document("(quine completion (eval (do (defn fixture [] 1) '(fixture))))",
                 uri="file:///b.spell")
    found = [(uri, s.name) for uri, s in nav.workspace_symbols([a, b], "FIX")]
    assert found == [("file:///a.spell", "fix"), ("file:///b.spell", "fixture")]


def test_visible_at_lists_locals_first_then_earlier_defs():
    text = ("(quine completion (eval (do (def a 1) (def b (let [x 2] (+ x a))) (def c 3) "
            "'(!extend))))")
    doc = Document(text)
    names = [b.name for b in visible_at(doc, text.index("(+ x a)"))]
    assert names[0] == "x" and "a" in names and "c" not in names
    assert "completion" in names
