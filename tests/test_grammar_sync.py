"""The committed grammar is what grammars/generate.py produces, and it scopes every name of
the one table by its kind."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

from spell_lsp.lang.core import load_modules
from spell_lsp.lang.table import TABLE

GRAMMARS = Path(__file__).resolve().parent.parent / "grammars"


def load_generator():
    spec = importlib.util.spec_from_file_location("spell_grammar_generate", GRAMMARS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = load_generator()
load_modules()  # the table is filled by importing the modules that register names


def test_committed_grammar_equals_generator_output():
    committed = (GRAMMARS / "spell.tmLanguage.json").read_text(encoding="utf-8")
    assert committed == GENERATE.render(), "stale grammar: run python grammars/generate.py"


def symbol_scope(name: str) -> str | None:
    """The scope the first matching symbol rule gives the last `/` part of a whole token."""
    grammar = json.loads((GRAMMARS / "spell.tmLanguage.json").read_text(encoding="utf-8"))
    for rule in grammar["repository"]["symbol"]["patterns"]:
        match = re.match(rule["match"], name)
        if match and match.end() == len(name):
            captures = rule.get("captures", {})
            last = max(captures, key=int, default=None)
            return captures[last]["name"] if last and "/" in name else rule.get("name")
    return None


@pytest.mark.parametrize("entry", sorted(TABLE.values(), key=lambda e: e.name), ids=lambda e: e.name)
def test_every_table_name_gets_the_scope_of_its_kind(entry):
    assert symbol_scope(entry.name) == GENERATE.KIND_SCOPES[entry.kind]


@pytest.mark.parametrize("name, scope", [
    ("undefined", "meta.symbol.spell"),
    ("msg-3", "variable.language.message.spell"),
    ("io/read-lines", "keyword.control.effect.spell"),
    ("strings/split", "support.function.builtin.spell"),
    ("agents/!ask", "keyword.control.turn.spell"),
])
def test_other_symbols(name, scope):
    assert symbol_scope(name) == scope
