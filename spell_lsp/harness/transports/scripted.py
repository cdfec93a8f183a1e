"""The scripted transport: the offline default for examples, demos and tests (spec 7.4.3).

A script is a JSON Lines file, one object per model call:

    {"agent": "main", "suffix": "(think \"List files.\") '(!call-now fs (io/ls \".\")))))"}
    {"expect": "(def fs ", "suffix": ["(count fs)", ")))"]}
    {"leaf": true, "response": "yes"}
    {"suffix": "(prune) '(!extend)", "repeat": 9999}

- `agent` names the handle without its colon (default `main`); each agent's calls take
  that agent's entries in file order.
- `suffix` is the text the model returns: a string, or a list of lines joined with "\\n".
- `expect` (optional) is a substring the prefix must contain.
- `repeat: n` lets one entry serve n calls.
- `leaf: true` entries answer `leaf-llm` calls, in file order; their text is `response`
  (or `suffix`), and their optional `expect` applies to the prompt.

The spec's whole-file form `{"spell_script": 1, "turns": [...]}` is read as well; there an
entry without `handle` serves any agent. Blank lines are ignored. The whole file is
checked when the transport is built, so a malformed script fails before the run starts.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Response, TransportError, Usage

_KEYS = {"agent", "handle", "suffix", "response", "expect", "repeat", "leaf"}


@dataclass
class Entry:
    """One script entry and how many more calls it may serve."""

    where: str           # "line 4" or "turn 4", for messages
    agent: str | None    # None: any agent (spec form without a handle)
    leaf: bool
    text: str
    expect: str | None
    remaining: int


class ScriptedTransport:
    """Serves model answers from a script file; calls nothing; usage is zero."""

    name = "scripted"
    model = "scripted"
    prefill = False

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.entries = load_script(self.path)
        self._lock = threading.Lock()
        self._cursor: dict[str | None, int] = {}
        self._calls: dict[str, int] = {}
        self._leaf_calls = 0

    def complete(self, handle: str, turn: int, prefix: str, system: str) -> Response:
        agent = handle.lstrip(":")
        with self._lock:
            self._calls[agent] = call = self._calls.get(agent, 0) + 1
            entry = self._take(agent, leaf=False)
        if entry is None:
            raise TransportError(f"scripted transport: no completion left for agent {agent} "
                                 f"(call {call})")
        if entry.expect is not None and entry.expect not in prefix:
            raise TransportError(f"scripted transport: prefix for agent {agent} turn {turn} "
                                 f"does not contain {json.dumps(entry.expect)} "
                                 f"(expected by script {entry.where})")
        return Response(entry.text, Usage())

    def complete_leaf(self, prompt: str) -> Response:
        with self._lock:
            self._leaf_calls += 1
            call = self._leaf_calls
            entry = self._take(None, leaf=True)
        if entry is None:
            raise TransportError(f"scripted transport: no leaf-llm answer left (call {call})")
        if entry.expect is not None and entry.expect not in prompt:
            raise TransportError(f"scripted transport: leaf-llm prompt (call {call}) does not "
                                 f"contain {json.dumps(entry.expect)} "
                                 f"(expected by script {entry.where})")
        return Response(entry.text, Usage())

    def _take(self, agent: str | None, *, leaf: bool) -> Entry | None:
        """Consume the first entry that can serve this call. Entries before an agent's
        cursor are either someone else's or used up, so scanning starts there."""
        key = "\0leaf" if leaf else agent
        i = self._cursor.get(key, 0)
        while i < len(self.entries):
            entry = self.entries[i]
            if entry.remaining and entry.leaf == leaf and (
                    leaf or entry.agent is None or entry.agent == agent):
                entry.remaining -= 1
                self._cursor[key] = i
                return entry
            i += 1
        self._cursor[key] = i
        return None


def load_script(path: str) -> list[Entry]:
    """The entries of a script file; TransportError naming the file and line if malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise TransportError(f"scripted transport: cannot read {path}: {e.strerror}") from None
    whole = _whole_file_script(text)
    if whole is not None:
        return _spec_form_entries(path, whole)
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise TransportError(f"scripted transport: {where}: invalid JSON: {e.msg} "
                                 f"(column {e.colno})") from None
        entries.append(parse_entry(obj, where, f"line {number}", default_agent="main"))
    return entries


def _whole_file_script(text: str) -> dict | None:
    """The parsed file when it is the spec's single-object form, else None."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) and "spell_script" in obj else None


def _spec_form_entries(path: str, script: dict) -> list[Entry]:
    """Entries of a `{"spell_script": 1, "turns": [...]}` file."""
    turns = script.get("turns")
    if not isinstance(turns, list):
        raise TransportError(f"scripted transport: {path}: \"turns\" must be a list")
    return [parse_entry(obj, f"{path}: turn {n}", f"turn {n}", default_agent=None)
            for n, obj in enumerate(turns, 1)]


def parse_entry(obj: Any, where: str, label: str, *, default_agent: str | None) -> Entry:
    """Check one script object and turn it into an Entry."""
    def bad(what: str) -> TransportError:
        return TransportError(f"scripted transport: {where}: {what}")

    if not isinstance(obj, dict):
        raise bad("expected a JSON object")
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise bad(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    leaf = obj.get("leaf", False)
    if not isinstance(leaf, bool):
        raise bad("\"leaf\" must be true or false")
    text_key = _text_key(obj, leaf, bad)
    text = _text(obj[text_key], text_key, bad)
    agent = _agent(obj, leaf, bad, default_agent)
    expect = obj.get("expect")
    if expect is not None and not isinstance(expect, str):
        raise bad("\"expect\" must be a string")
    repeat = obj.get("repeat", 1)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
        raise bad("\"repeat\" must be a positive integer")
    return Entry(label, agent, leaf, text, expect, repeat)


def _text_key(obj: dict, leaf: bool, bad) -> str:
    """Which key holds the model's text: `suffix`, or for leaf entries also `response`."""
    keys = [k for k in ("suffix", "response") if k in obj]
    if not leaf and "response" in obj:
        raise bad("\"response\" is for leaf entries; model turns use \"suffix\"")
    if len(keys) > 1:
        raise bad("give either \"response\" or \"suffix\", not both")
    if not keys:
        raise bad("missing \"response\"" if leaf else "missing \"suffix\"")
    return keys[0]


def _text(value: Any, key: str, bad) -> str:
    """A string, or a list of lines joined with newlines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(value)
    raise bad(f"\"{key}\" must be a string or a list of strings")


def _agent(obj: dict, leaf: bool, bad, default: str | None) -> str | None:
    """The agent name without its colon (`agent`, or the spec's `handle`)."""
    if "agent" in obj and "handle" in obj:
        raise bad("give either \"agent\" or \"handle\", not both")
    value = obj.get("agent", obj.get("handle"))
    if value is None:
        return default
    if leaf:
        raise bad("leaf entries answer leaf-llm calls of any agent; remove \"agent\"")
    if not isinstance(value, str) or not value.lstrip(":"):
        raise bad("\"agent\" must be a handle name such as \"main\"")
    return value.lstrip(":")
