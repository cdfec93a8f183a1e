"""System prompt composition (spec 7.5): base text variants, NAMESPACES, RETURN VALUE."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from spell_lsp.harness.prompt import (
    base_text, namespaces_section, return_value_section, system_prompt,
)
from spell_lsp.lang.core import evaluate_text
from spell_lsp.lang.errors import SpellError
from spell_lsp.syntax.lower import read_forms

FS = SimpleNamespace(name="fs", short_docs="Files in the workspace.", functions=(
    SimpleNamespace(name="ls", doc="List a directory.\nLonger text that is not shown."),
    SimpleNamespace(name="read-file", doc="Numbered lines of a file."),
))
WEB = SimpleNamespace(name="web", short_docs="Search and fetch.", disclosure="summary",
                      functions=(SimpleNamespace(name="search", doc="Search the web."),))

CORE_PART = """
NAMESPACES

Call namespace functions with qualified symbols: namespace/function

Core namespaces (pure, usable anywhere):
  strings — Text functions mirroring clojure.string (split, join, trim, replace, ...).
  math — Numeric functions mirroring java.lang.Math (sqrt, pow, round, gcd, ...).
  builtins — Every builtin function, macro and special form, by category (documentation only)
  reminders — Working habits for coding and long tasks (documentation only)
"""

USAGE_PART = """
Usage:
  '(!describe io)                    — read a namespace guide before first use
  '(!describe io :grep)              — detailed doc for one function
  '(!call-now files (io/ls "."))     — call a tool; the result is bound next turn
  '(do (io/mkdirs "out") (io/ls "out")) — chain effects in one trailing expression
  '(!describe agents globals)        — several guides in one turn
!describe is itself an extension: it is the trailing expression of its turn."""

# One marker per topic of spec 7.5 that the base text must cover.
TOPICS = {
    "introduction": ["the prefix, is the program so far", "Everything you write is\nSpell code"],
    "reasoning hand-off": ["lost when the turn ends", '(think "Goal:'],
    "spell basics": ["Clojure-like", "no host interop", "dynamic", "no closures"],
    "wrapper": ['(quine completion (eval (do (!llm-self "No"))))',
                "(quine completion (eval (do '(!llm-self \"Yes\"))))",
                "'(!llm-self (reopen completion))", "'(!extend)"],
    "one trailing expression": ["ONE TRAILING EXPRESSION PER REPLY", "quote it"],
    "turn-producing forms": ["(!llm-self p)", "(!call-now name expr ...)", "(!peek name",
                             "(!extend)", "(!describe ns)", "(!compact)", "(!print expr",
                             "agents/!ask", "ends the program", "forks"],
    "leaf-llm, quine versus def": ["(leaf-llm \"Is 91 prime?", "(quine name \"text\")",
                                   "(def name value)"],
    "edit markers": ['(think "The config', '(rethink "conf/app.toml', "(prune 2)",
                     "(persist header (subvec lines 0 5))"],
    "namespaces": ["Core namespaces", "Effect\nnamespaces", "'(!describe ns)"],
    "context management": ["Use !peek for results you need once", "persist the slice",
                           "rethink it", "'(!call-now a (f 1) b (g 2))", "'(!compact)"],
    "patterns": ["'(!call-now readme (io/read-file", "'(!call-now summary (!llm-self",
                 "'(!llm-self (wrap-cat prompt plan))",
                 "(def run-tests '(!call-now out (io/sh \"pytest -q\")))\n    run-tests"],
    "antipatterns": ["prose outside string literals", "Closing the do-block early",
                     "Writing the wrapper", "effect unquoted", "Several effect forms",
                     "Writing tool results yourself", "Capturing a model call with def",
                     "bare quine", "Ending with a sentence"],
}


def code_examples(text: str) -> list[str]:
    """Blocks of consecutive lines indented four spaces."""
    return [re.sub(r"^ {4}", "", block, flags=re.M)
            for block in re.findall(r"(?:^ {4}.*\S.*\n?)+", text, flags=re.M)]


@pytest.mark.parametrize("prefill", [False, True], ids=["tool-call", "prefill"])
@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_base_text_covers_every_topic(topic, prefill):
    text = base_text(prefill)
    missing = [marker for marker in TOPICS[topic] if marker not in text]
    assert not missing, f"{topic}: {missing}"


def test_variants_differ_in_the_output_channel_only():
    tool, prefill = base_text(False), base_text(True)
    assert "one spell_suffix tool call" in tool and "outside the call is discarded" in tool
    assert "spell_suffix" not in prefill and "continues the program text" in prefill
    for text in (tool, prefill):
        assert "no Markdown fences" in text
    assert tool.split("HOW TO ANSWER")[0] == prefill.split("HOW TO ANSWER")[0]
    assert tool.split("THINK IN THE PROGRAM")[1] == prefill.split("THINK IN THE PROGRAM")[1]


def test_every_code_example_reads_strictly():
    examples = code_examples(base_text(False))
    assert len(examples) >= 12
    for example in examples:
        forms, errors = read_forms(example)
        assert forms and not errors, example


@pytest.mark.parametrize("program, outcome", [
    ('(quine completion (eval (do (!llm-self "No"))))', "Unbound symbol: !llm-self"),
    ("(quine completion (eval (do (def run '(+ 1 2)) run)))", 3),
    ("(quine completion (eval (do (def x 5) (defn f [] (* x 2)) (let [x 7] (f)))))", 14),
])
def test_claims_about_evaluation_hold(program, outcome):
    """The wrapper example fails as described; a quoted call held in a def runs as the
    trailing expression; scope is dynamic."""
    if isinstance(outcome, str):
        with pytest.raises(SpellError, match=re.escape(outcome)):
            evaluate_text(program)
    else:
        assert evaluate_text(program) == outcome


def test_namespaces_section_without_effect_namespaces():
    assert namespaces_section({}) == "\n" + CORE_PART + USAGE_PART


def test_namespaces_section_lists_effect_namespaces_in_profile_order():
    # The symbol the profile binds is what the model calls, whatever the info's own name.
    section = namespaces_section({"files": FS, "web": WEB})
    assert section == "\n" + CORE_PART + """
Effect namespaces (only inside the quoted trailing expression):
## files — Files in the workspace.
  ls: List a directory.
  read-file: Numbered lines of a file.

## web — Search and fetch.
  Large namespace: use (!describe web) to see its functions.
""" + USAGE_PART


@pytest.mark.parametrize("fmt, expected", [
    ({"required": ["answer", "files"], "optional": [":notes"]},
     "The program's final value must be a map with keys :answer :files (optional: :notes).\n"
     "Example: {:answer 42}"),
    ({"required": [":answer"]},
     "The program's final value must be a map with keys :answer.\nExample: {:answer 42}"),
])
def test_return_value_section(fmt, expected):
    assert return_value_section(fmt) == "\n\nRETURN VALUE\n\n" + expected


@pytest.mark.parametrize("prefill", [False, True])
def test_system_prompt_is_base_then_namespaces_then_return_value(prefill):
    fmt = {"required": ["answer"]}
    text = system_prompt({"files": FS}, prefill=prefill, return_format=fmt)
    assert text == base_text(prefill) + namespaces_section({"files": FS}) \
        + return_value_section(fmt)
    assert text.index("HOW TO ANSWER") < text.index("\nNAMESPACES\n") \
        < text.index("\nRETURN VALUE\n")
    assert "\n\n\nNAMESPACES" not in text and "do.\n\nNAMESPACES" in text


def test_without_a_format_there_is_no_return_value_section():
    assert "RETURN VALUE" not in system_prompt({}, prefill=False)


def test_a_profile_base_text_replaces_ours():
    text = system_prompt({}, prefill=False, base="Write Spell.")
    assert text == "Write Spell." + namespaces_section({})


def test_namespaces_may_be_given_as_infos_called_by_their_prefix():
    bound = SimpleNamespace(**{**vars(FS), "name": "fs-read", "call_prefix": "fs"})
    assert namespaces_section([bound, WEB]) == namespaces_section({"fs": FS, "web": WEB})


def test_real_io_namespace_lists_its_functions():
    pytest.importorskip("spell_lsp.namespaces.io")   # registers io's documentation
    from spell_lsp.namespaces.nsdef import REGISTRY
    info = REGISTRY["io"]
    section = namespaces_section({"io": info})
    for fn in info.functions:
        assert f"\n  {fn.name}: " in section
