"""`spell trace show JOURNAL`: print a readable summary of a run journal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .journal import JournalError, JournalReader, format_trace


def trace_show(path: Path | str, out: TextIO, err: TextIO | None = None) -> int:
    """Print the journal's summary on `out` (exit 0), or `error: ...` on `err` (exit 1)."""
    err = sys.stderr if err is None else err
    try:
        text = format_trace(JournalReader(path))
    except JournalError as e:
        print(f"error: {e}", file=err)
        return 1
    except (AttributeError, KeyError, TypeError, ValueError) as e:  # a record of odd shape
        print(f"error: {path}: malformed journal record ({type(e).__name__}: {e})", file=err)
        return 1
    out.write(text)
    return 0
