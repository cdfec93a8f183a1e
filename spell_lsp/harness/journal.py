"""The run journal (spec 7.8, D6): an append-only JSON-lines record of everything a run did.

Writing. `Journal` writes one JSON object per line with a single `os.write` on a file
opened with O_APPEND, so every record reaches the kernel as soon as `record` returns.
That is enough for a run killed with SIGKILL: written data sits in the kernel page cache,
which outlives the process, so every record whose `record` call returned reaches the file;
at worst a write in progress leaves the last line cut short, and the reader ignores it.
Only a machine crash can lose page-cache data, which is what the optional `fsync=True` is
for (it costs a disk flush per record, so it is off by default).

Record shapes. Every record starts with `type` and `t` (UTC, ISO-8601, milliseconds).
The methods `run`, `turn`, `model_call`, `effect`, `edit`, `message`, `drain`, `store`,
`recovery`, `error`, `lifecycle` and `run_end` write the record types of spec 7.8 with
fixed field lists (see each method). Spell values (effect arguments and results, stored
values, messages, final values) are given as values and stored as value-literal text,
`serialize(v, -1)` (spec 6.5); everything else must already be JSON data.

Program texts. A run re-sends a growing program every turn, so storing each text in full
would make journals quadratic in the number of turns. Text fields (`TEXT_FIELDS`) hold
either `{"text": t}` or `{"base": "<handle>#<turn>", "keep": k, "append": s}`: the first
`k` characters of the base text (all of it when `keep` is absent) followed by `s`. The
base is always the text most recently written for the same handle, and a base ref names
the most recent text written with that handle and turn. The model's prefix is stored
only this way, as the `prefix` field of the `turn` record with the same handle and turn
(the model call numbered t produces turn t); the `model_call` record holds its sha256
(`prefix_sha256`) and length, so a replay can check a prefix without the text.

Secrets. Every occurrence of a configured secret string, and every string under a key
whose name contains key/token/secret/password, is written as `<redacted>`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets as _random
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..lang.edits import serialize

REDACTED = "<redacted>"
SECRET_KEY_NAME = re.compile(r"key|token|secret|password", re.IGNORECASE)

# Record type -> its text fields, in the order they are encoded and decoded.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {"turn": ("prefix", "program"),
                                           "edit": ("before", "after")}

# A delta must share at least this many characters with its base to be worth a reference.
MIN_SHARED = 64

USAGE_FIELDS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens",
                "reasoning_tokens", "cost_usd", "duration_ms", "retries")


class JournalError(Exception):
    """A file that is not a readable Spell journal."""


def literal(v: Any) -> str:
    """The value-literal text a journal stores for a Spell value (spec 6.5, 7.8)."""
    return serialize(v, -1)


def sha256(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes (surrogates kept, as in program files)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def now_iso() -> str:
    """The current UTC time as ISO-8601 with milliseconds and a `Z`."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run(runs_dir: Path) -> tuple[str, Path]:
    """A fresh run id (UTC timestamp + random suffix) and its journal path; creates the
    run folder."""
    runs_dir = Path(runs_dir)
    while True:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        run_id = f"{stamp}-{_random.token_hex(3)}"
        try:
            (runs_dir / run_id).mkdir(parents=True)
        except FileExistsError:
            continue
        return run_id, runs_dir / run_id / "journal.jsonl"


def default_runs_dir(workspace: Path) -> Path:
    """Where runs of a workspace keep their journals by default."""
    return Path(workspace) / ".spell" / "runs"


# ---------------------------------------------------------------------------------------
# Writing


class Journal:
    """An append-only, flushed-per-record, thread-safe run journal."""

    def __init__(self, path: Path | str, *, secrets: Iterable[str] = (),
                 fsync: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._fsync = fsync
        self._lock = threading.RLock()
        self._texts: dict[str, tuple[str, str]] = {}  # handle -> (ref, last text)
        self._hashes: dict[str, tuple[str, Any]] = {}  # handle -> (last prefix, its sha256)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                       0o644)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; later records are refused."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def record(self, type: str, **fields: Any) -> dict:
        """Write one record (JSON data only) and return it as written (redacted)."""
        if "type" in fields or "t" in fields:
            raise ValueError("journal fields 'type' and 't' are set by the journal")
        rec = self._redact({"type": type, "t": now_iso(), **fields}, False)
        data = (_dumps(rec) + "\n").encode("utf-8", "surrogatepass")
        with self._lock:
            if self._fd is None:
                raise ValueError(f"journal {self.path} is closed")
            _write_all(self._fd, data)
            if self._fsync:
                os.fsync(self._fd)
        return rec

    def _prefix_hash(self, handle: str, prefix: str) -> str:
        """sha256 of a prefix; a prefix that extends the handle's previous one only hashes
        its new end (long runs send megabyte prefixes that mostly repeat)."""
        with self._lock:
            previous = self._hashes.get(handle)
            if previous is not None and prefix.startswith(previous[0]):
                hasher = previous[1].copy()
                hasher.update(prefix[len(previous[0]):].encode("utf-8", "surrogatepass"))
            else:
                hasher = hashlib.sha256(prefix.encode("utf-8", "surrogatepass"))
            self._hashes[handle] = (prefix, hasher.copy())
            return hasher.hexdigest()

    def program_text_field(self, handle: str, turn: int, text: str) -> dict:
        """Encode `text` as a text field against the handle's previous text.

        Advances the handle's base: call it only for a text that is then written, in the
        `TEXT_FIELDS` order (the record methods do this).
        """
        text = self._redact_text(text)
        with self._lock:
            previous = self._texts.get(handle)
            self._texts[handle] = (f"{handle}#{turn}", text)
        return encode_text(text, previous)

    # -- record types of spec 7.8 ------------------------------------------------------

    def run(self, *, run_id: str, profile: Any, transport: str, model: str | None,
            workspace: str, options: Mapping[str, Any], spell_version: str) -> dict:
        """`run`: the configuration (secrets redacted)."""
        return self.record("run", run_id=run_id, profile=profile, transport=transport,
                           model=model, workspace=str(workspace), options=dict(options),
                           spell_version=spell_version)

    def turn(self, *, handle: str, turn: int, kind: str, program: str,
             prefix: str | None = None, warnings: Iterable[str] = ()) -> dict:
        """`turn`: a program about to be evaluated (kind initial/self-call/fork/wake/
        recovery); `prefix` is what the model was sent
        (None for turns without a model call); `program` is the completion text after the
        lenient pipeline."""
        with self._lock:
            fields = {"prefix": None if prefix is None
                      else self.program_text_field(handle, turn, prefix),
                      "program": self.program_text_field(handle, turn, program)}
            return self.record("turn", handle=handle, turn=turn, kind=kind, **fields,
                               warnings=list(warnings))

    def model_call(self, *, handle: str, turn: int, transport: str, model: str | None,
                   response: str, usage: Any, leaf: bool = False,
                   prefix: str | None = None, prompt: str | None = None) -> dict:
        """`model_call`: one call; a turn call gives `prefix` (stored as its sha256 and
        length), a leaf call gives `prompt` (stored in full). `usage` is a
        `transports.base.Usage` or a dict with its fields."""
        where = ({"prompt": prompt} if leaf else
                 {"prefix_sha256": self._prefix_hash(handle, prefix or ""),
                  "prefix_len": len(prefix or "")})
        if not isinstance(usage, Mapping):
            usage = usage.as_dict()
        counts = {k: usage.get(k, 0) for k in USAGE_FIELDS}
        return self.record("model_call", handle=handle, turn=turn, leaf=leaf,
                           transport=transport, model=model, **where, response=response,
                           **counts)

    def effect(self, *, handle: str, turn: int, seq: int, fn: str, args: Iterable[Any],
               form: str | None = None, span: tuple[int, int] | None = None,
               future: int | None = None, result: Any = None, error: str | None = None,
               duration_ms: float = 0.0, unsafe: bool = False) -> dict:
        """`effect`: one effect call; `args` and `result` are Spell values; a failed call
        gives `error` (its message) and no result."""
        outcome = {"error": error} if error is not None else {"result": literal(result)}
        return self.record("effect", handle=handle, turn=turn, seq=seq, future=future, fn=fn,
                           form=form, span=None if span is None else list(span),
                           args=[literal(a) for a in args], **outcome,
                           duration_ms=round(duration_ms, 3), unsafe=unsafe)

    def edit(self, *, handle: str, turn: int, kind: str, before: str, after: str) -> dict:
        """`edit`: the program text around one self-edit (prune-and-reopen, persist,
        message injection, recovery...)."""
        with self._lock:
            fields = {"before": self.program_text_field(handle, turn, before),
                      "after": self.program_text_field(handle, turn, after)}
            return self.record("edit", handle=handle, turn=turn, kind=kind, **fields)

    def message(self, *, name: str, sender: str, to: str, value: Any,
                sender_turn: int | None) -> dict:
        """`message`: an agent message (`from` is the sender handle)."""
        return self.record("message", name=name, **{"from": sender}, to=to,
                           value=literal(value), sender_turn=sender_turn)

    def drain(self, *, handle: str, turn: int, messages: Iterable[str]) -> dict:
        """`drain`: the messages a turn's inbox drain applied, in order."""
        return self.record("drain", handle=handle, turn=turn, messages=list(messages))

    def store(self, ref: str, value: Any) -> dict:
        """`store`: one value-store entry; fits `ValueStore(on_put=journal.store)`."""
        return self.record("store", ref=ref, value=literal(value))

    def recovery(self, *, handle: str, turn: int, kind: str, error: str, count: int) -> dict:
        """`recovery`: one recovery attempt (kind namespace/eval/reader; count after it)."""
        return self.record("recovery", handle=handle, turn=turn, kind=kind, error=error,
                           count=count)

    def error(self, *, handle: str | None, turn: int | None, error: str, phase: str,
              fatal: bool) -> dict:
        """`error`: a failure (phase read/eval/transport/budget/internal), before any
        recovery decides what happens next."""
        return self.record("error", handle=handle, turn=turn, phase=phase, error=error,
                           fatal=fatal)

    def lifecycle(self, *, handle: str, event: str, parent: str | None = None,
                  value: Any = None, error: str | None = None) -> dict:
        """`lifecycle`: an agent event (spawned/registered/sleep/wake/completed/failed/
        cancelled); `completed` carries the value, `failed` the error."""
        outcome = ({"error": error} if error is not None else
                   {"value": literal(value)} if event == "completed" else {})
        return self.record("lifecycle", handle=handle, event=event, parent=parent, **outcome)

    def run_end(self, *, value: Any = None, error: str | None = None, fatal: bool = False,
                cost_usd: float = 0.0, turns: int = 0) -> dict:
        """`run_end`: the run's value (or error), total cost and model turns."""
        outcome = {"error": error} if error is not None else {"value": literal(value)}
        return self.record("run_end", **outcome, fatal=fatal, cost_usd=cost_usd, turns=turns)

    # -- redaction ---------------------------------------------------------------------

    def _redact_text(self, s: str) -> str:
        for secret in self._secrets:
            if secret in s:
                s = s.replace(secret, REDACTED)
        return s

    def _redact(self, x: Any, secret_key: bool) -> Any:
        """`x` with secrets replaced; `secret_key`: under a key named like a secret."""
        if isinstance(x, str):
            return REDACTED if secret_key else self._redact_text(x)
        if isinstance(x, Mapping):
            return {self._redact_text(str(k)): self._redact(
                        v, secret_key or bool(SECRET_KEY_NAME.search(str(k))))
                    for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [self._redact(v, secret_key) for v in x]
        return x


def _dumps(rec: dict) -> str:
    """One JSON line; a non-JSON value is reported with the field that holds it."""
    try:
        return json.dumps(rec, ensure_ascii=False)
    except (TypeError, ValueError):
        for name, value in rec.items():
            try:
                json.dumps(value)
            except (TypeError, ValueError) as e:
                raise TypeError(f"journal {rec['type']} record: field {name!r} is not "
                                f"JSON data ({type(value).__name__}): {e}") from None
        raise


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def encode_text(text: str, previous: tuple[str, str] | None) -> dict:
    """A text field for `text`, as a delta against `previous` (ref, text) when they share
    enough of a beginning."""
    if previous is None:
        return {"text": text}
    ref, base = previous
    keep = len(base) if text.startswith(base) else _shared_prefix(base, text)
    if keep < MIN_SHARED:
        return {"text": text}
    field = {"base": ref}
    if keep < len(base):
        field["keep"] = keep
    field["append"] = text[keep:]
    return field


def _shared_prefix(a: str, b: str) -> int:
    """Length of the common beginning of two strings (binary search on C comparisons).

    Programs usually share all but their closing delimiters, so that guess is tried
    first with one comparison."""
    tail = a[-64:]
    guess = len(a) - len(tail) + len(tail.rstrip(" \t\r\n)]}"))
    if guess and b.startswith(a[:guess]):
        n = min(len(a), len(b))
        while guess < n and a[guess] == b[guess]:
            guess += 1
        return guess
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


# ---------------------------------------------------------------------------------------
# Reading


def read_journal(path: Path | str) -> list[dict]:
    """The complete records of a journal (a cut-off last line is ignored)."""
    return JournalReader(path).records


def _parse_lines(data: bytes, path: Path) -> tuple[list[dict], bool]:
    """(records, truncated) for a journal file's bytes."""
    lines = [(n, raw) for n, raw in enumerate(data.split(b"\n"), 1) if raw.strip()]
    records: list[dict] = []
    truncated = False
    for i, (number, raw) in enumerate(lines):
        try:
            rec = json.loads(raw.decode("utf-8", "surrogatepass"))
        except (UnicodeDecodeError, ValueError):
            if i == len(lines) - 1 and raw.lstrip().startswith(b"{"):
                truncated = True  # the writer was stopped in the middle of this line
                break
            rec = None
        if not (isinstance(rec, dict) and isinstance(rec.get("type"), str)):
            what = (f"line {number} is not a journal record" if records
                    else "is not a Spell run journal")
            raise JournalError(f"{path}: {what}")
        records.append(rec)
    return records, truncated


class JournalReader:
    """A journal read back: its records, decoded program texts and common queries."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            data = self.path.read_bytes()
        except OSError as e:
            raise JournalError(f"cannot read {self.path}: {e.strerror or e}") from None
        self.records, self.truncated = _parse_lines(data, self.path)
        self._texts = self._decode_texts()

    def _decode_texts(self) -> dict[tuple[int, str], str]:
        """Every text field, reconstructed in file order (bases precede their deltas)."""
        by_ref: dict[str, str] = {}
        texts: dict[tuple[int, str], str] = {}
        for i, rec in enumerate(self.records):
            for name in TEXT_FIELDS.get(rec["type"], ()):
                field = rec.get(name)
                if field is None:
                    continue
                text = self._decode(field, by_ref, i)
                texts[(id(rec), name)] = text
                by_ref[f"{rec.get('handle')}#{rec.get('turn')}"] = text
        return texts

    def _decode(self, field: Any, by_ref: dict[str, str], index: int) -> str:
        if isinstance(field, dict) and isinstance(field.get("text"), str):
            return field["text"]
        if isinstance(field, dict) and field.get("base") in by_ref:
            base = by_ref[field["base"]]
            return base[:field.get("keep", len(base))] + field.get("append", "")
        raise JournalError(f"{self.path}: record {index + 1}: bad text field {field!r:.80}")

    # -- queries -----------------------------------------------------------------------

    def text(self, record: dict, name: str) -> str | None:
        """The full text of text field `name` of a record read by this reader."""
        if record.get(name) is None:
            return None
        try:
            return self._texts[(id(record), name)]
        except KeyError:
            raise ValueError("record was not read by this JournalReader") from None

    def program_text(self, record: dict) -> str:
        """The program text of a `turn` record."""
        return self.text(record, "program")

    def of_type(self, type: str) -> list[dict]:
        return [r for r in self.records if r["type"] == type]

    @property
    def run_record(self) -> dict | None:
        return next((r for r in self.records if r["type"] == "run"), None)

    @property
    def end_record(self) -> dict | None:
        return next((r for r in reversed(self.records) if r["type"] == "run_end"), None)

    def handles(self) -> list[str]:
        """Agent handles in order of first appearance."""
        seen: dict[str, None] = {}
        for r in self.records:
            if r.get("handle") is not None:
                seen.setdefault(r["handle"], None)
        return list(seen)

    def turns(self, handle: str | None = None) -> list[dict]:
        """`turn` records (of one handle)."""
        return [r for r in self.of_type("turn") if handle is None or r["handle"] == handle]

    def effects(self, handle: str, turn: int) -> list[dict]:
        """`effect` records of one handle and turn, in the order they were written."""
        return [r for r in self.of_type("effect")
                if r["handle"] == handle and r["turn"] == turn]

    def model_calls(self, handle: str | None = None) -> list[dict]:
        return [r for r in self.of_type("model_call")
                if handle is None or r["handle"] == handle]

    def store_entries(self) -> list[tuple[str, str]]:
        """(ref, value literal) of every stored value, in store order."""
        return [(r["ref"], r["value"]) for r in self.of_type("store")]


# ---------------------------------------------------------------------------------------
# The readable summary (`spell trace show`)

LINE_WIDTH = 100
MAIN = ":main"  # the handle whose value is the run's value (run_end)


def format_trace(reader: JournalReader) -> str:
    """A plain-text, per-handle and per-turn summary of a journal."""
    out = _trace_header(reader)
    sections = _TraceSections()
    for rec in reader.records:
        sections.add(reader, rec)
    for handle in sections.order:
        out.append("")
        out.append(f"== {handle} ==")
        for turn, group in sections.turns[handle].items():
            out.append(_turn_heading(turn, group))
            out.extend("  " + line for line in group["lines"])
        out.extend(sections.endings.get(handle, []))
    return "\n".join(out) + "\n"


def _trace_header(reader: JournalReader) -> list[str]:
    run = reader.run_record or {}
    end = reader.end_record
    calls = reader.model_calls()
    model = run.get("model") or "-"
    lines = [f"run {run.get('run_id', '?')}  started {run.get('t', '?')}",
             f"model {model} via {run.get('transport') or '?'}  profile {run.get('profile') or '-'}"
             f"  workspace {run.get('workspace') or '?'}"]
    lines.append("outcome: unfinished (no run_end record)" if end is None
                 else f"outcome: {_outcome(end)}")
    turns = end.get("turns") if end else sum(1 for c in calls if not c.get("leaf"))
    cost = end.get("cost_usd") if end else sum(c.get("cost_usd") or 0 for c in calls)
    tokens_in = sum(_input_tokens(c) for c in calls)
    tokens_out = sum(c.get("output_tokens") or 0 for c in calls)
    lines.append(f"totals: {turns} turns, {len(calls)} model calls, {tokens_in:,} input / "
                 f"{tokens_out:,} output tokens, ${cost:.4f}")
    if reader.truncated:
        lines.append("note: the journal ends with an incomplete record (run was killed?)")
    return lines


class _TraceSections:
    """Summary lines grouped by handle, then turn, in order of first appearance."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.turns: dict[str, dict[Any, dict]] = {}
        self.endings: dict[str, list[str]] = {}

    def group(self, handle: str, turn: Any) -> dict:
        self.register(handle)
        return self.turns[handle].setdefault(turn, {"kinds": [], "lines": [], "chars": None})

    def register(self, handle: str) -> None:
        if handle not in self.turns:
            self.order.append(handle)
            self.turns[handle] = {}

    def add(self, reader: JournalReader, rec: dict) -> None:
        kind = rec["type"]
        if kind == "message" and rec.get("from") is not None:
            line = f"message {rec.get('name')} -> {rec.get('to')}: {_one_line(rec.get('value'))}"
            self.group(rec["from"], rec.get("sender_turn"))["lines"].append(line)
        elif kind == "lifecycle" and rec.get("handle") is not None:
            self.register(rec["handle"])
            self.endings.setdefault(rec["handle"], []).append(_lifecycle_line(rec))
        elif kind == "run_end" and MAIN in self.turns:
            self.endings.setdefault(MAIN, []).append(_outcome(rec))
        elif rec.get("handle") is not None:
            group = self.group(rec["handle"], rec.get("turn"))
            if kind == "turn":
                group["kinds"].append(rec.get("kind", "?"))
                group["chars"] = len(reader.program_text(rec) or "")
                group["lines"].extend(f"warning: {w}" for w in rec.get("warnings") or ())
            elif kind == "edit":
                before, after = (len(reader.text(rec, f) or "") for f in ("before", "after"))
                group["lines"].append(f"self-edit ({rec.get('kind', '?')}): {before:,} -> "
                                      f"{after:,} chars")
            elif kind in _LINES:
                group["lines"].append(_LINES[kind](rec))


def _turn_heading(turn: Any, group: dict) -> str:
    label = "(no turn)" if turn is None else f"turn {turn}"
    details = list(group["kinds"])
    if group["chars"] is not None:
        details.append(f"{group['chars']:,} chars")
    return f"{label} ({', '.join(details)})" if details else label


def _model_line(rec: dict) -> str:
    cached = rec.get("cache_read_tokens") or 0
    usage = (f"{_input_tokens(rec):,} in" + (f" ({cached:,} cached)" if cached else "") +
             f" / {rec.get('output_tokens') or 0:,} out, ${rec.get('cost_usd') or 0:.4f}, "
             f"{(rec.get('duration_ms') or 0) / 1000:.2f} s")
    if rec.get("retries"):
        usage += f", {rec['retries']} retries"
    if rec.get("leaf"):
        return f"leaf-llm: {usage}: {_one_line(rec.get('prompt'), 40)} => " \
               f"{_one_line(rec.get('response'), 40)}"
    return f"model: {usage} | {_first_line(rec.get('response'))}"


def _effect_line(rec: dict) -> str:
    call = "(" + " ".join([rec.get("fn", "?"), *rec.get("args", ())]) + ")"
    outcome = f"error: {rec['error']}" if "error" in rec else rec.get("result")
    where = f" [future {rec['future']}]" if rec.get("future") is not None else ""
    return (f"effect {rec.get('seq')}{where}: {_one_line(call, 60)} -> {_one_line(outcome, 60)}"
            f"  ({rec.get('duration_ms') or 0:g} ms)")


def _outcome(rec: dict) -> str:
    """`value <literal>` or `[fatal ]error: <message>` of a run_end or lifecycle record."""
    if "error" in rec:
        return f"{'fatal ' if rec.get('fatal') else ''}error: {_one_line(rec['error'])}"
    return f"value {_one_line(rec.get('value'))}"


def _lifecycle_line(rec: dict) -> str:
    event = rec.get("event", "?")
    if "error" in rec or "value" in rec:
        return f"{event}: {_outcome(rec)}"
    return event + (f" by {rec['parent']}" if rec.get("parent") else "")


_LINES = {
    "model_call": _model_line,
    "effect": _effect_line,
    "drain": lambda r: "inbox: " + ", ".join(r.get("messages") or ()),
    "recovery": lambda r: _one_line(f"recovery ({r.get('kind')}, attempt {r.get('count')}): "
                                    f"{r.get('error')}"),
    "error": lambda r: _one_line(f"{'fatal ' if r.get('fatal') else ''}error "
                                 f"({r.get('phase')}): {r.get('error')}"),
}


def _input_tokens(rec: dict) -> int:
    return sum(rec.get(k) or 0 for k in ("input_tokens", "cache_read_tokens",
                                         "cache_write_tokens"))


def _first_line(text: Any) -> str:
    lines = [s for s in str(text or "").splitlines() if s.strip()]
    more = " ..." if len(lines) > 1 else ""
    return _one_line((lines[0].strip() if lines else "") + more)


def _one_line(text: Any, width: int = LINE_WIDTH) -> str:
    """`text` on one line, cut to `width` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[:width - 3] + "..."
