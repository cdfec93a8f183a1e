"""Analysing a version made by edits resumes the previous version's walk after the forms
the edits left alone; the result must equal analysing the new text from scratch."""

from __future__ import annotations

import random
from dataclasses import astuple
from pathlib import Path

import pytest

from spell_lsp.analysis.diagnostics import diagnostics
from spell_lsp.analysis.document import Document
from spell_lsp.syntax.reader import Node

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted((ROOT / "examples").rglob("*.spell"))
PIECES = ["(", ")", " ", "\n", "x", "(def y 2)", "(defn f [a] (io/ls a))", "(f 1 2)", "'",
          "(io/read-lines \"a\")", "y", "msg-1", "(let [z 1] (def w z))", "\"", ";", "#_"]


def plain(value):
    """A fact with nodes as spans and bindings as their fields (comparable across trees)."""
    if isinstance(value, Node):
        return ("node", value.start, value.end)
    if hasattr(value, "__dataclass_fields__"):
        return tuple(plain(v) for v in astuple(value, tuple_factory=tuple)) \
            if not hasattr(value, "def_start") else binding_key(value)
    if isinstance(value, dict):
        return tuple(sorted((k, plain(v)) for k, v in value.items()))
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value


def binding_key(b) -> tuple:
    return (b.name, b.kind, b.def_start, b.def_end, b.scope_start, b.scope_end,
            plain(b.value_node), b.params, plain(b.form), b.top)


def facts(doc: Document) -> dict:
    index = doc.scopes
    return {name: [plain(f) for f in getattr(index, name)]
            for name in ("bindings", "refs", "effects", "blocking", "calls", "ns_members",
                         "unbound", "evals", "findings")}


def random_edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    start = rng.randint(max(0, len(text) - 400), len(text)) if rng.random() < 0.5 \
        else rng.randint(0, len(text))
    end = min(len(text), start + rng.choice([0, 0, 1, 2, 5]))
    return start, end, rng.choice(PIECES)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_resumed_analysis_equals_a_fresh_one(path):
    rng = random.Random(path.name)
    text = path.read_text()
    doc = Document(text)
    doc.scopes
    resumed = 0
    for _ in range(60):
        start, end, new = random_edit(rng, text)
        text = text[:start] + new + text[end:]
        doc = doc.edited([(start, end, new)], text)
        resumed += doc.previous is not None
        fresh = Document(text)
        assert facts(doc) == facts(fresh), (start, end, new)
        assert diagnostics(doc) == diagnostics(fresh)
    assert resumed > 30  # the edits mostly resumed an earlier walk


def test_edits_at_the_end_walk_only_the_new_forms():
    text = ("(quine completion (eval (do (def a 1) (defn f [x] (inc x)) (def b (f a))\n"
            "  '(!extend))))")
    doc = Document(text)
    first = doc.scopes
    where = text.index("'(!extend)")
    new_text = text[:where] + "(def c (f b)) " + text[where:]
    edited = doc.edited([(where, where, "(def c (f b)) ")], new_text)
    index = edited.scopes
    # the unchanged forms' local facts are the previous objects, not new walks
    assert index.checkpoints[:3] == first.checkpoints[:3]
    assert [b.name for b in index.bindings] == ["completion", "a", "f", "x", "b", "c"]
    assert all(b.scope_end == edited.program.do_node.end
               for b in index.bindings if b.top and b.kind != "quine")
