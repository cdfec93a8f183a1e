"""Every registered namespace guide passes the lint rules of spec 10.4 (structure of 10.1)."""

from __future__ import annotations

import dataclasses
import re

import pytest

import spell_lsp  # noqa: F401  (registers the core namespaces)
import spell_lsp.namespaces.io  # noqa: F401  (registers io and its subsets)
from spell_lsp.lang.table import TABLE
from spell_lsp.namespaces.nsdef import REGISTRY, NamespaceInfo
from spell_lsp.syntax.lower import read_forms
from spell_lsp.syntax.values import SList, SMap, SSet, SVector, Symbol

TITLE = re.compile(r"^[A-Z][A-Z0-9-]* — .+\.$")
CURSOR_LINE = ("In examples, | marks the cursor: the text before it is the prefix, the text "
               "after it is what you write. Never type the |.")
EXAMPLE_HEADS = ("Recommended usage pattern:", "Multi-part example")
STEP = re.compile(r"^\d+\. ")


def known_names() -> dict[str, set[str]]:
    """Call prefix -> the functions and constants reachable under it."""
    names: dict[str, set[str]] = {}
    for info in REGISTRY.values():
        found = names.setdefault(info.call_prefix, set())
        found.update(f.name for f in info.functions)
        found.update(info.constants)
    return names


def example_snippets(guide: str) -> list[str]:
    """The code snippets of the numbered steps after the first usage pattern or example."""
    starts = [guide.find(h) for h in EXAMPLE_HEADS if h in guide]
    if not starts:
        return []
    snippets: list[list[str]] = []
    in_step = False
    for line in guide[min(starts):].splitlines():
        if STEP.match(line):
            in_step = True
            snippets.append([])
        elif in_step and line.startswith("  ") and line.strip():
            snippets[-1].append(line)
        else:
            in_step = False
    return ["\n".join(lines) for lines in snippets if lines]


def symbols(form) -> list:
    if type(form) is Symbol:
        return [form]
    if isinstance(form, (SList, SVector, SSet)):
        return [s for x in form for s in symbols(x)]
    if isinstance(form, SMap):
        return [s for kv in form.items() for x in kv for s in symbols(x)]
    return []


def snippet_problems(snippet: str, names: dict[str, set[str]]) -> list[str]:
    code = snippet.replace("...", "").replace("|", "", 1)
    forms, errors = read_forms(code)
    if errors:
        return [f"example does not read ({errors[0]}): {snippet!r}"]
    problems = []
    for s in (s for form in forms for s in symbols(form)):
        ns, _, name = s.name.partition("/")
        if name and ns in names and name not in names[ns]:
            problems.append(f"example uses unknown {s.name}")
        if s.name.startswith("!") and s.name not in TABLE:
            problems.append(f"example uses unknown {s.name}")
    return problems


def mistakes_numbers(guide: str) -> list[str]:
    section = guide.split("Common mistakes:", 1)[1]
    for end in ("In examples,", *EXAMPLE_HEADS):
        section = section.split(end, 1)[0]
    return re.findall(r"^(\d+)\. ", section, re.M)


def lint(info: NamespaceInfo) -> list[str]:
    """The 10.4 rule violations of one namespace's guide and docs."""
    guide, problems = info.guide, []
    lines = guide.splitlines()
    if not TITLE.match(lines[0]) or not lines[0].startswith(info.name.upper() + " — "):
        problems.append(f"rule 1: title line {lines[0]!r}")
    table = {m.group(1) for line in lines
             if (m := re.match(rf"^  \({re.escape(info.call_prefix)}/(\S+?)[ )]", line))}
    for f in info.functions:
        if f.name not in table:
            problems.append(f"rule 2: {f.name} missing from the signature table")
        if not f.doc or "\n" in f.doc:
            problems.append(f"rule 2: {f.name} needs a one-line doc")
    callables = {f.name for f in info.functions}
    if info.tier != "docs":  # documentation-only namespaces declare topics as detail keys
        problems += [f"rule 2: detail key {k} is not a function" for k in info.detail
                     if k not in callables]
    snippets = example_snippets(guide)
    flat = " ".join(guide.split())
    if any("|" in s for s in snippets) and CURSOR_LINE not in flat:
        problems.append("rule 3: cursor convention line missing")
    names = known_names()
    for snippet in snippets:
        problems += [f"rule 4: {p}" for p in snippet_problems(snippet, names)]
    if "Common mistakes:" in guide:
        numbers = mistakes_numbers(guide)
        if not numbers or numbers != [str(i) for i in range(1, len(numbers) + 1)]:
            problems.append(f"rule 5: common mistakes numbered {numbers}")
    for n, line in enumerate(lines, 1):
        if len(line) > 100 or "\t" in line or line != line.rstrip():
            problems.append(f"rule 6: line {n} too long, tabbed or trailing space")
    if info.tier == "effect" and not ("is an effect" in flat
                                      and "quoted trailing expression" in flat):
        problems.append("rule 7: effect note missing")
    return problems


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registered_guide_passes_the_lint_rules(name):
    assert lint(REGISTRY[name]) == []


def test_every_expected_namespace_is_registered():
    assert {"strings", "math", "builtins", "reminders", "io", "io-read", "io-write",
            "io-exec"} <= set(REGISTRY)


@pytest.mark.parametrize("name", ["io", "io-read", "io-write", "io-exec"])
def test_io_guides_have_the_full_structure(name):
    guide = REGISTRY[name].guide
    order = [guide.index(s) for s in ("Common mistakes:", "In examples, | marks the cursor",
                                      "Recommended usage pattern:")]
    assert order == sorted(order)
    assert len(mistakes_numbers(guide)) == 4
    assert example_snippets(guide)


def test_io_guide_content_required_by_the_spec():
    guide = REGISTRY["io"].guide
    assert guide.splitlines()[0] == ("IO — Files, code search, line-based editing, shell "
                                     "commands and file watching.")
    for text in ("ls returns {:name :size} maps, directories end with /",
                 ":context N returns every hit", "(!describe io :grep)",
                 "Patch a file with io/str-replace", "Write a script to a file and run it",
                 "Read, then replace by line number", "Explore several files",
                 "Recover from a truncated read", "(def src (first-line 11 [", "(prune 2)",
                 "(prune 3)", "(rethink 2 "):
        assert text in guide, text


# The linter itself must notice broken guides.

BROKEN = """bad title

  (io/slurp path)  — {:ok text}

Common mistakes:

1. One.
3. Three.

Recommended usage pattern: Broken.

1. Step.
  ...|'(!peek-now x (io/slurpy "a")) (
"""


def test_lint_reports_each_broken_rule():
    info = dataclasses.replace(REGISTRY["io-read"], guide=BROKEN + "x" * 101 + "\n")
    problems = "\n".join(lint(info))
    for rule in ("rule 1", "rule 2: grep missing", "rule 3", "rule 4", "rule 5", "rule 6",
                 "rule 7"):
        assert rule in problems, rule


def test_lint_reports_unknown_functions_in_examples():
    problems = snippet_problems("  ...|'(!peek-now x (io/slurpy \"a\"))", known_names())
    assert problems == ["example uses unknown io/slurpy"]
    assert snippet_problems("  |'(!no-such-effect)", known_names()) == \
        ["example uses unknown !no-such-effect"]
