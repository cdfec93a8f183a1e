"""Diagnostics, data-driven from `diagnostics.cases` (marks: see marks.py), and the
absence of false positives on the examples, the spec's worked programs and a long
transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from spell_lsp.analysis.diagnostics import Config, diagnostics
from spell_lsp.analysis.document import Document

from .marks import load_cases, strip_marks

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = load_cases(HERE / "diagnostics.cases")
INFO_CODES = {"fork", "chain-ends"}


@pytest.mark.parametrize("title,marked", CASES, ids=[t for t, _ in CASES])
def test_case(title, marked):
    text, spans, _ = strip_marks(marked)
    expected = sorted((code, text[s:e]) for s, e, code in spans)
    compare_info = any(code in INFO_CODES for _, _, code in spans)
    found = diagnostics(Document(text))
    got = sorted((d.code, text[d.start:d.end]) for d in found
                 if compare_info or d.severity != "information")
    assert got == expected, [(d.code, d.message) for d in found]


def test_every_code_has_a_positive_case():
    codes = {code for _, marked in CASES for _, _, code in strip_marks(marked)[1]}
    documented = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    listed = {line[4:].strip("` \n") for line in documented.splitlines()
              if line.startswith("## `")}
    assert listed == codes | {"namespace-not-enabled"}


def clean_programs():
    files = sorted((ROOT / "examples").rglob("*.spell")) + sorted(
        (HERE / "programs").glob("*.spell"))
    return [pytest.param(p, id=str(p.relative_to(ROOT))) for p in files]


@pytest.mark.parametrize("path", clean_programs())
def test_no_errors_or_warnings_on_correct_programs(path):
    doc = Document(path.read_text(encoding="utf-8"))
    noisy = [(d.code, d.message) for d in diagnostics(doc) if d.severity != "information"]
    assert noisy == []


def test_no_false_positives_on_a_long_transcript():
    import sys
    sys.path.insert(0, str(ROOT))
    from benchmarks.inputs import dense_program, transcript_program
    for text in (transcript_program(300_000), dense_program(600)):
        found = diagnostics(Document(text))
        assert [d for d in found if d.severity != "information"] == []


def test_reader_errors_do_not_stop_analysis():
    text = "(quine completion (eval (do (def a (io/ls \".\")) '(!extend) (def b 08"
    codes = [d.code for d in diagnostics(Document(text))]
    assert "read-error" in codes and "effect-outside-trailing" in codes


def test_prompt_files_get_no_diagnostics():
    assert diagnostics(Document("Fix the bug in app.py: add() must add.\n")) == []


# -- configuration --------------------------------------------------------------------------

IO_PROGRAM = "(quine completion (eval (do (def x 1) '(!call-now r (io/ls \".\")))))"


def test_namespace_not_enabled_by_the_profile():
    doc = Document(IO_PROGRAM)
    found = [d for d in diagnostics(doc, Config(namespaces=(), profile="reader"))
             if d.code == "namespace-not-enabled"]
    assert [IO_PROGRAM[d.start:d.end] for d in found] == ["io/ls"]
    assert "reader" in found[0].message and "spell.toml" in found[0].message
    assert not [d for d in diagnostics(doc, Config(namespaces=("io",)))
                if d.code == "namespace-not-enabled"]


def test_config_is_read_from_spell_toml(tmp_path):
    (tmp_path / "spell.toml").write_text('[profile]\nnamespaces = []\n')
    program = tmp_path / "task.spell"
    program.write_text(IO_PROGRAM)
    config = Config.for_path(program)
    assert config.namespaces == () and config.source == str(tmp_path / "spell.toml")
    codes = [d.code for d in diagnostics(Document(IO_PROGRAM), config)]
    assert "namespace-not-enabled" in codes


def test_bad_config_falls_back_to_defaults(tmp_path):
    (tmp_path / "spell.toml").write_text('[profile]\nnamespaces = ["nope"]\n')
    config = Config.for_path(tmp_path)
    assert config.problem and "nope" in config.problem
    assert config.namespaces == ("io",)


def test_ranges_lie_inside_the_document():
    text = "(quine completion (eval (do (def a (io/ls \".\")) '(!call-now x"
    doc = Document(text)
    for d in diagnostics(doc):
        assert 0 <= d.start < d.end <= len(text) or d.start == d.end == len(text)
