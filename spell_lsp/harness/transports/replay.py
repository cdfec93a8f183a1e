"""Journal replay (spec 7.4.4): model answers come from a run journal; nothing is called.

Each model call is matched to the journal's `model_call` record for the same handle and
turn, and its prefix must equal the recorded one; `leaf-llm` calls take the first
unused leaf record with the same prompt. Any mismatch stops the run with a short diff.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import fields
from typing import Any

from .base import Response, TransportError, Usage

CONTEXT = 120      # characters shown on each side of the first difference
WRAP = 72          # long lines are cut into pieces of this width for the diff
_USAGE_FIELDS = tuple(f.name for f in fields(Usage))


class ReplayTransport:
    """Serves the recorded answers of a run journal (a list of parsed records)."""

    name = "replay"

    def __init__(self, records: list[dict[str, Any]]) -> None:
        calls = [r for r in records if r.get("type") == "model_call"]
        self.turns = {(_agent(r.get("handle", "main")), r.get("turn")): r
                      for r in calls if not r.get("leaf")}
        self.leaves = [r for r in calls if r.get("leaf")]
        self._used_leaves: set[int] = set()
        self._leaf_calls = 0
        self._lock = threading.Lock()
        recorded = _recorded_transport(records, calls)
        self.model = recorded.get("model") or "replay"
        # The harness attaches a prefill response to the stripped prefix; a replay must
        # do what the recorded run did.
        self.prefill = "prefill" in str(recorded.get("transport") or "")

    def complete(self, handle: str, turn: int, prefix: str, system: str) -> Response:
        agent = _agent(handle)
        record = self.turns.get((agent, turn))
        if record is None:
            raise TransportError(f"replay diverged: {agent} turn {turn}: the journal has "
                                 f"no model call for it")
        expected = record.get("prefix", "")
        if expected != prefix:
            raise TransportError(f"replay diverged: {agent} turn {turn}: "
                                 + describe_difference("prefix", expected, prefix))
        return _response(record)

    def complete_leaf(self, prompt: str) -> Response:
        with self._lock:
            self._leaf_calls += 1
            call = self._leaf_calls
            unused = [i for i in range(len(self.leaves)) if i not in self._used_leaves]
            match = next((i for i in unused if self.leaves[i].get("prompt") == prompt), None)
            if match is not None:
                self._used_leaves.add(match)
        if match is not None:
            return _response(self.leaves[match])
        if not unused:
            raise TransportError(f"replay diverged: leaf-llm call {call}: the journal has no "
                                 f"more leaf-llm calls")
        expected = self.leaves[unused[0]].get("prompt", "")
        raise TransportError(f"replay diverged: leaf-llm call {call}: "
                             + describe_difference("prompt", expected, prompt))

    def __repr__(self) -> str:
        return f"ReplayTransport({len(self.turns)} turns, {len(self.leaves)} leaf calls)"


def journal_calls(path: Any) -> list[dict[str, Any]]:
    """The records of a run journal, each model call given the prefix it was sent (the
    journal keeps the prefix in the turn record that call produced)."""
    from ..journal import JournalReader
    reader = JournalReader(path)
    prefixes = {(r.get("handle"), r.get("turn")): reader.text(r, "prefix")
                for r in reader.of_type("turn") if r.get("prefix") is not None}
    return [dict(r, prefix=prefixes.get((r.get("handle"), r.get("turn")), ""))
            if r.get("type") == "model_call" and not r.get("leaf") else r
            for r in reader.records]


def describe_difference(what: str, expected: str, actual: str) -> str:
    """`<what> differs at offset <i>` and a unified diff (journal vs this run) of the text
    around the first difference."""
    offset = first_difference(expected, actual)
    start = max(0, offset - CONTEXT)
    diff = difflib.unified_diff(_pieces(expected[start:offset + CONTEXT]),
                                _pieces(actual[start:offset + CONTEXT]),
                                f"journal (from offset {start})",
                                f"this run (from offset {start})", lineterm="", n=2)
    return f"{what} differs at offset {offset}\n" + "\n".join(diff)


def first_difference(a: str, b: str) -> int:
    """The index of the first character where `a` and `b` differ (or the shorter length)."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _pieces(text: str) -> list[str]:
    """`text` as lines, long lines cut into WRAP-wide pieces, so a diff stays short even
    for one-line programs."""
    out = []
    for line in text.split("\n"):
        out.extend(line[i:i + WRAP] for i in range(0, max(len(line), 1), WRAP))
    return out


def _agent(handle: Any) -> str:
    """A handle name without its colon."""
    return str(handle).lstrip(":")


def _recorded_transport(records: list[dict], calls: list[dict]) -> dict:
    """The record naming the original transport (by its `name`) and model: the first
    model call, else the `run` record."""
    if calls:
        return calls[0]
    return next((r for r in records if r.get("type") == "run"), {})


def _response(record: dict) -> Response:
    """The recorded answer with its recorded usage."""
    usage = Usage(**{k: record[k] for k in _USAGE_FIELDS if isinstance(record.get(k),
                                                                          (int, float))})
    return Response(record.get("response", ""), usage)


def read_journal(path: str) -> list[dict[str, Any]]:
    """The records of a JSON Lines journal. A last line that does not parse is dropped
    (a run killed mid-write); a bad line anywhere else is a ValueError naming it."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            if number == len(lines):
                break
            raise ValueError(f"{path}:{number}: not a journal record: {e.msg}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{number}: not a journal record: expected an object")
        records.append(record)
    return records
