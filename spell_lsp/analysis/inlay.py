"""Inlay hints: the value each effect returned in the latest run of this file, shown where
the effect was called.

A run's journal (`<workspace>/.spell/runs/<run>/journal.jsonl`, spec 7.8) belongs to this
file when a string of its `run` record's `options` names the file (absolute, or relative
to the workspace). Its `effect` records carry the source text of the calling form; each is
placed after the first occurrence of that text in the current document, searching from
where the previous one was found so repeated calls line up in order.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..harness.journal import read_journal
from .completion import truncate

MAX_LABEL = 60


def journal_for(program: Path, workspace: Path) -> Path | None:
    """The most recent journal whose run names `program`."""
    runs = workspace / ".spell" / "runs"
    if not runs.is_dir():
        return None
    target = program.resolve()
    candidates = sorted(runs.glob("*/journal.jsonl"), key=lambda p: p.stat().st_mtime,
                        reverse=True)
    for journal in candidates:
        run = next((r for r in records(journal) if r.get("type") == "run"), None)
        if run is not None and names_file(run.get("options") or {}, target, workspace):
            return journal
    return None


def records(journal: Path) -> tuple[dict, ...]:
    """A journal's records, read again only when the file changed (editors ask for hints
    on every scroll)."""
    stat = journal.stat()
    return _read(str(journal), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int, size: int) -> tuple[dict, ...]:
    return tuple(read_journal(path))


def names_file(options: dict, target: Path, workspace: Path) -> bool:
    """Does a string option name `target`?"""
    for value in options.values():
        if isinstance(value, str) and value:
            path = Path(value)
            if (path if path.is_absolute() else workspace / path).resolve() == target:
                return True
    return False


def inlay_hints(text: str, program: Path, workspace: Path) -> list[tuple[int, str]]:
    """(offset, label) for each recorded effect whose form appears in `text`."""
    journal = journal_for(program, workspace)
    if journal is None:
        return []
    hints, pos = [], 0
    for record in records(journal):
        if record.get("type") != "effect" or not record.get("form"):
            continue
        found = text.find(record["form"], pos)
        if found < 0:
            found = text.find(record["form"])
        if found < 0:
            continue
        pos = found + len(record["form"])
        hints.append((pos, hint_label(record)))
    return hints


def hint_label(record: dict) -> str:
    """`⇒ value` or `⚠ error`, on one line and short."""
    if "error" in record:
        body = "⚠ " + str(record["error"])
    else:
        body = "⇒ " + str(record.get("result"))
    return truncate(" ".join(body.split()), MAX_LABEL, 1)
