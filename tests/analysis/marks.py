"""Reading the annotated sources of the analysis tests.

`<<text|code>>` marks an expected range and its code (marks nest); in navigation cases
(`codes=False`) `<<text>>` marks an expected span and `|` the cursor. `load_cases` splits
a `.cases` file into (title, text) pairs at `### title` lines; lines starting with `#`
before the first case are comments."""

from __future__ import annotations

import re
from pathlib import Path

_CLOSE = re.compile(r"\|([a-z][a-z-]*)>>|>>")
_PLAIN_CLOSE = re.compile(r">>()")


def strip_marks(marked: str, codes: bool = True
                ) -> tuple[str, list[tuple[int, int, str | None]], int | None]:
    """(plain text, [(start, end, code or None)], cursor offset or None). Without
    `codes`, every `|` is the cursor and marks are plain `<<text>>`."""
    out: list[str] = []
    spans: list[tuple[int, int, str | None]] = []
    opened: list[int] = []
    cursor = None
    length = 0
    i = 0
    while i < len(marked):
        if marked.startswith("<<", i):
            opened.append(length)
            i += 2
            continue
        m = (_CLOSE if codes else _PLAIN_CLOSE).match(marked, i) if opened else None
        if m is not None:
            spans.append((opened.pop(), length, m.group(1) or None))
            i = m.end()
            continue
        if marked[i] == "|":
            cursor = length
            i += 1
            continue
        out.append(marked[i])
        length += 1
        i += 1
    assert not opened, "unclosed << mark"
    return "".join(out), sorted(spans), cursor


def load_cases(path: Path) -> list[tuple[str, str]]:
    """[(title, text)] of a `.cases` file."""
    cases: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            cases.append((line[4:].strip(), []))
        elif cases:
            cases[-1][1].append(line)
    return [(title, "\n".join(lines).strip("\n") + "\n") for title, lines in cases]
