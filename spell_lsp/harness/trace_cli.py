"""`spell trace show JOURNAL`: a readable summary of a run journal; `spell trace turns`,
`program` and `edit`: JSON and texts for editors (the VS Code extension's views)."""

from __future__ import annotations

import json
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


# -- JSON views for editors (`spell trace turns|program|edit`) ---------------------------

class NotInJournal(Exception):
    """A turn or self-edit the journal does not hold."""


def agent_handle(name: str) -> str:
    """`main` or `:main` -> `:main` (handles are keywords)."""
    return name if name.startswith(":") else ":" + name


def edit_summary(kind: str, before: str, after: str) -> str:
    """One line for a self-edit: the text an extension appended, else the size change."""
    if kind == "extend" and after.startswith(before):
        return "+" + _one_line(after[len(before):], 80)
    return f"program rewritten ({len(before):,} -> {len(after):,} characters)"


def _one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 3] + "..."


def _effect_entry(rec: dict) -> dict:
    entry = {"seq": rec.get("seq"), "fn": rec.get("fn"), "form": rec.get("form"),
             "args": rec.get("args", []), "duration_ms": rec.get("duration_ms"),
             "future": rec.get("future")}
    entry.update({"error": rec["error"]} if "error" in rec else {"result": rec.get("result")})
    return entry


def journal_summary(reader: JournalReader) -> dict:
    """Agents -> turns -> effects and self-edits of a journal, as JSON data."""
    agents: dict[str, dict[int, dict]] = {}

    def turn_of(handle: str, turn: int) -> dict:
        turns = agents.setdefault(handle, {})
        return turns.setdefault(turn, {"turn": turn, "kind": "?", "chars": 0,
                                       "effects": [], "edits": []})

    for rec in reader.records:
        handle, turn = rec.get("handle"), rec.get("turn")
        if handle is None or not isinstance(turn, int):
            continue
        if rec["type"] == "turn":
            entry = turn_of(handle, turn)
            entry["kind"] = rec.get("kind", "?")
            entry["chars"] = len(reader.program_text(rec) or "")
        elif rec["type"] == "effect":
            turn_of(handle, turn)["effects"].append(_effect_entry(rec))
        elif rec["type"] == "edit":
            before, after = reader.text(rec, "before") or "", reader.text(rec, "after") or ""
            turn_of(handle, turn)["edits"].append({
                "kind": rec.get("kind", "?"), "summary": edit_summary(rec.get("kind"), before, after),
                "before_chars": len(before), "after_chars": len(after)})
    return {"journal": str(reader.path), "run": _run_summary(reader),
            "agents": [{"handle": handle, "turns": [turns[n] for n in sorted(turns)]}
                       for handle, turns in agents.items()]}


def _run_summary(reader: JournalReader) -> dict:
    run = reader.run_record or {}
    end = reader.end_record
    if end is None:
        outcome = "unfinished"
    elif "error" in end:
        outcome = f"error: {end['error']}"
    else:
        outcome = f"value {end.get('value')}"
    return {"run_id": run.get("run_id"), "model": run.get("model"),
            "transport": run.get("transport"), "workspace": run.get("workspace"),
            "program": (run.get("options") or {}).get("program"), "outcome": outcome}


def _records_of(reader: JournalReader, type: str, handle: str, turn: int) -> list[dict]:
    return [r for r in reader.of_type(type) if r.get("handle") == handle and r.get("turn") == turn]


def turn_program(reader: JournalReader, turn: int, agent: str) -> str:
    """The program text `agent` evaluated in `turn` (the last record of that turn)."""
    handle = agent_handle(agent)
    found = _records_of(reader, "turn", handle, turn)
    if not found:
        have = sorted({r["turn"] for r in reader.turns(handle)})
        raise NotInJournal(f"no turn {turn} of {handle} in {reader.path} "
                          f"(its turns: {', '.join(map(str, have)) or 'none'})")
    return reader.program_text(found[-1])


def turn_edit(reader: JournalReader, turn: int, agent: str, index: int) -> dict:
    """Self-edit `index` (negative: from the end) of a turn: kind, before and after."""
    handle = agent_handle(agent)
    edits = _records_of(reader, "edit", handle, turn)
    if not -len(edits) <= index < len(edits):
        raise NotInJournal(f"turn {turn} of {handle} has {len(edits)} self-edit(s), "
                          f"not one numbered {index}")
    rec = edits[index]
    return {"handle": handle, "turn": turn, "index": index % len(edits), "kind": rec.get("kind"),
            "before": reader.text(rec, "before"), "after": reader.text(rec, "after")}


def _guarded(path: Path | str, err: TextIO | None, action) -> int:
    """Run `action(reader)`; journal and lookup problems become `error: ...` (exit 1)."""
    err = sys.stderr if err is None else err
    try:
        action(JournalReader(path))
    except (JournalError, NotInJournal) as e:
        print(f"error: {e}", file=err)
        return 1
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        print(f"error: {path}: malformed journal record ({type(e).__name__}: {e})", file=err)
        return 1
    return 0


def trace_turns(path: Path | str, out: TextIO, err: TextIO | None = None,
                as_json: bool = True) -> int:
    """Print the journal's agents, turns, effects and edits (JSON, or one line per turn)."""
    def show(reader: JournalReader) -> None:
        summary = journal_summary(reader)
        if as_json:
            out.write(json.dumps(summary, ensure_ascii=False) + "\n")
            return
        for agent in summary["agents"]:
            for t in agent["turns"]:
                out.write(f"{agent['handle']} turn {t['turn']} ({t['kind']}): {t['chars']:,} chars, "
                          f"{len(t['effects'])} effects, {len(t['edits'])} self-edits\n")
    return _guarded(path, err, show)


def trace_program(path: Path | str, turn: int, agent: str, out: TextIO,
                  err: TextIO | None = None) -> int:
    """Print the program text of one turn, exactly as evaluated."""
    return _guarded(path, err, lambda reader: out.write(turn_program(reader, turn, agent)))


def trace_edit(path: Path | str, turn: int, agent: str, index: int, out: TextIO,
               err: TextIO | None = None) -> int:
    """Print one self-edit of a turn as JSON (handle, turn, index, kind, before, after)."""
    return _guarded(path, err, lambda reader: out.write(
        json.dumps(turn_edit(reader, turn, agent, index), ensure_ascii=False) + "\n"))
