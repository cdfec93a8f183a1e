"""Data-driven evaluator tests: every case in tests/cases/*.spell-cases is one pytest test.

Case file format (also described in tests/cases/README.md)
-----------------------------------------------------------
A file is a sequence of blocks separated by blank (empty or whitespace-only) lines.

* A block whose lines all start with ``;;;`` is a file comment and is skipped.
* Every other block is one case, made of, in this order:

  header lines   zero or more leading lines starting with ``;;``:
                   ``;; ?``                the case rests on a decision we are unsure of
                                           (reported in the failure message);
                   ``;; profile: NS ...``  the profile has the effect namespaces NS ...
                                           (passed as ``{"effect_namespaces": [NS, ...]}``);
                   ``;; <text>``           the case name (the first such line).
  source lines   one or more lines (joined with newlines): a program, read leniently and
                 evaluated as a turn-0 program, exactly as ``spell eval -e`` does
                 (only the first top-level form counts).
  expectation    either ``=> <text>``: ``pr`` of the value equals <text> exactly; lines after
                 it continue <text> (for forms the printer lays out on several lines);
                 or ``!! <prefix>``: evaluation fails with a Spell error (SpellError,
                 FatalError or ReaderError) whose message starts with <prefix>.

The test id is ``<file stem>:<case name>``, or ``<file stem>:<line>`` for unnamed cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

CASES_DIR = Path(__file__).parent / "cases"
VALUE_MARK = "=> "
ERROR_MARK = "!! "


@dataclass(frozen=True)
class Case:
    """One evaluation case read from a .spell-cases file."""

    file: str
    line: int
    name: str | None
    source: str
    expected: str
    expects_error: bool
    profile: dict | None
    uncertain: bool

    @property
    def test_id(self) -> str:
        return f"{self.file}:{self.name or self.line}"


class CaseFormatError(ValueError):
    """A malformed block in a case file."""


def blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def is_expectation(line: str) -> bool:
    return line.startswith((VALUE_MARK, ERROR_MARK)) or line in ("=>", "!!")


def parse_case(file: str, line: int, lines: list[str]) -> Case:
    """Build a Case from one block (header lines, source lines, expectation)."""
    where = f"{file}:{line}"
    name, namespaces, uncertain = None, None, False
    i = 0
    while i < len(lines) and lines[i].startswith(";;"):
        text = lines[i][2:].strip()
        if text == "?":
            uncertain = True
        elif text.startswith("profile:"):
            namespaces = text[len("profile:"):].split()
        elif name is None:
            name = text
        i += 1
    at = next((j for j in range(i, len(lines)) if is_expectation(lines[j])), None)
    if at is None:
        raise CaseFormatError(f"{where}: no '=> value' or '!! error' line")
    if at == i:
        raise CaseFormatError(f"{where}: no source before the expectation")
    expects_error = lines[at].startswith("!!")
    if expects_error and at != len(lines) - 1:
        raise CaseFormatError(f"{where}: text after an '!! error' line")
    expected = "\n".join([lines[at][3:], *lines[at + 1:]])
    profile = {"effect_namespaces": namespaces} if namespaces else None
    return Case(file, line, name, "\n".join(lines[i:at]), expected, expects_error, profile,
                uncertain)


def parse_file(path: Path) -> list[Case]:
    cases = []
    for line, lines in blocks(path.read_text(encoding="utf-8")):
        if all(text.startswith(";;;") for text in lines):
            continue
        cases.append(parse_case(path.stem, line, lines))
    return cases


def all_cases() -> list[Case]:
    cases = [c for path in sorted(CASES_DIR.glob("*.spell-cases")) for c in parse_file(path)]
    seen: set[str] = set()
    for case in cases:
        if case.test_id in seen:
            raise CaseFormatError(f"duplicate case name: {case.test_id}")
        seen.add(case.test_id)
    return cases


CASES = all_cases()


def language_errors() -> tuple[type[BaseException], ...]:
    """The exception classes that carry a Spell-level message."""
    from spell_lsp.lang.errors import FatalError, SpellError
    from spell_lsp.syntax.lower import ReaderError
    return SpellError, FatalError, ReaderError


def error_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message
    return str(exc.args[0]) if exc.args else str(exc)


def run(case: Case) -> tuple[str | None, str | None]:
    """(printed value, None) or (None, error message) for one case."""
    from spell_lsp.lang import evaluate_text
    from spell_lsp.syntax.printer import pr
    try:
        value = evaluate_text(case.source, profile=case.profile)
    except language_errors() as exc:
        return None, error_message(exc)
    return pr(value), None


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_case(case: Case) -> None:
    printed, error = run(case)
    note = " (case marked '?': the expected answer rests on an unsure decision)" \
        if case.uncertain else ""
    if case.expects_error:
        assert error is not None, f"expected error {case.expected!r}, got value {printed}{note}"
        assert error.startswith(case.expected), \
            f"error {error!r} does not start with {case.expected!r}{note}"
    else:
        assert error is None, f"expected {case.expected}, got error {error!r}{note}"
        assert printed == case.expected, f"printed {printed!r}, expected {case.expected!r}{note}"
