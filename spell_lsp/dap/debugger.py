"""The pause/step/breakpoint controller: a harness event listener on the run thread.

Harness events arrive synchronously on the evaluating thread, so stopping is blocking in
the listener until the client resumes; ending a session raises `SessionEnded` from the
blocked listener so the harness unwinds (its journal is closed by the session)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..harness import events as ev
from ..syntax.printer import pr
from ..syntax.values import SList, SVector, Symbol, is_truthy
from .values import evaluate_pure, short

MAIN = ":main"
FILTERS = {
    "selfEdit": "Self-edit", "effect": "Effect", "modelCall": "Model call",
    "error": "Error and recovery", "uncaught": "Uncaught error"}


class SessionEnded(BaseException):
    """Raised on the run thread when the client disconnects or terminates; a
    BaseException so no Spell `try` or harness handler swallows it."""


@dataclass
class Version:
    """One program version (a turn's completion text) as a DAP source."""

    handle: str
    turn: int
    text: str
    ref: int = 0                   # sourceReference; 0 when served from `path`
    path: str | None = None

    @property
    def name(self) -> str:
        return f"{self.handle.lstrip(':')} · turn {self.turn}"

    def source(self) -> dict[str, Any]:
        if self.path:
            return {"name": Path(self.path).name, "path": self.path}
        return {"name": self.name, "sourceReference": self.ref}

    def line_of(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset into the text."""
        line = self.text.count("\n", 0, offset)
        return line + 1, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


@dataclass
class FormFrame:
    form: Any
    scope: dict
    depth: int


@dataclass
class TurnFrame:
    """An active turn: its version and the evaluation stack inside it."""

    version: Version
    kind: str
    forms: list[FormFrame] = field(default_factory=list)
    scope: dict = field(default_factory=dict)     # latest top-level scope of the turn


@dataclass
class Breakpoint:
    """A line or function breakpoint; line ones keep their form's text across edits."""

    id: int
    form_text: str = ""
    name: str = ""                                # function breakpoint head
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None
    hits: int = 0
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    shown: tuple = ()                             # (source ref/path, line) last reported


def body_forms(text: str) -> list[Any]:
    """The do-block forms of a program text (empty when it is not a wrapper program)."""
    from ..syntax.lenient import read_lenient
    from ..syntax.lower import ReaderError
    try:
        program = read_lenient(text).form
        return list(program[-1][1][1:])
    except (ReaderError, IndexError, TypeError):
        return []


def list_forms(forms: list[Any]) -> list[Any]:
    """Every list form with syntax under `forms`, in source order."""
    out: list[Any] = []

    def walk(x: Any) -> None:
        if isinstance(x, SList) and getattr(x, "syntax", None) is not None:
            out.append(x)
        if isinstance(x, (SList, tuple)) and not isinstance(x, str):
            for item in x:
                walk(item)
    for form in forms:
        walk(form)
    return out


def form_at(text: str, line: int, column: int | None) -> Any:
    """The first evaluable form starting on 1-based `line` (at or after `column`)."""
    version = Version("", 0, text)
    for form in list_forms(body_forms(text)):
        at_line, at_col = version.line_of(form.syntax.start)
        if at_line == line and (column is None or at_col >= column):
            return form
    return None


def hit_matches(condition: str | None, hits: int) -> bool:
    """DAP hit conditions: `N`, `==N`, `>=N`, `>N`, `%N`."""
    if not condition:
        return True
    text = condition.strip()
    for op, test in ((">=", lambda n: hits >= n), ("==", lambda n: hits == n),
                     (">", lambda n: hits > n), ("%", lambda n: n > 0 and hits % n == 0)):
        if text.startswith(op):
            return test(int(text[len(op):]))
    return hits == int(text)


class Debugger:
    """State of the debugged run and the rules that decide where it stops."""

    def __init__(self, send: Callable[[str, dict], None], program: Path | None,
                 program_text: str, stop_on_entry: bool) -> None:
        self.send = send
        self.program = program
        self.program_text = program_text
        self.stop_on_entry = stop_on_entry
        self.cond = threading.Condition()
        self.paused = False
        self.ended = False                 # the client left: unwind the run
        self.pause_requested = False
        self.step: tuple[str, int, int] | None = None   # (kind, turn level, depth)
        self.stop_reason: dict[str, Any] = {}
        self.filters: set[str] = set()
        self.line_bps: dict[Any, list[Breakpoint]] = {}   # source key -> breakpoints
        self.function_bps: list[Breakpoint] = []
        self.next_bp = 1
        self.turns: list[TurnFrame] = []                  # active turns, innermost last
        self.history: list[TurnFrame] = []                # ended turns
        self.versions: dict[int, Version] = {}            # sourceReference -> version
        self.threads: dict[str, int] = {MAIN: 1}
        self.effects: list[dict[str, Any]] = []
        self.edits: list[ev.SelfEdit] = []
        self.model_turns = 0
        self.cost_usd = 0.0
        self.result: ev.RunEnded | None = None

    # -- the listener ---------------------------------------------------------------------

    def __call__(self, event: ev.Event) -> None:
        if self.ended:
            raise SessionEnded()
        handler = getattr(self, "on_" + type(event).__name__, None)
        if handler is not None:
            handler(event)
        if self.pause_requested and not isinstance(event, ev.RunEnded):
            self.stop("pause")

    def on_TurnStarted(self, e: ev.TurnStarted) -> None:
        version = self.add_version(e.handle, e.turn, e.text)
        self.turns.append(TurnFrame(version, e.kind))
        self.thread_of(e.handle)
        self.send("spell/turn", {"handle": e.handle, "turn": e.turn, "kind": e.kind,
                                 "source": version.source()})
        self.place_breakpoints(version)
        if self.stop_on_entry and e.turn == 0 and e.handle == MAIN:
            self.stop("entry", "before turn 0")
        elif self.step and self.step[0] == "in" and e.kind == "fork":
            self.stop("step", f"into turn {e.turn} (fork)")

    def on_TurnEnded(self, e: ev.TurnEnded) -> None:
        level = len(self.turns)
        if self.step and self.step[0] == "out" and level <= self.step[1]:
            self.stop("step", f"end of turn {e.turn} of {e.handle}")
        if self.turns:
            self.history.append(self.turns.pop())

    def on_FormEvaluating(self, e: ev.FormEvaluating) -> None:
        if not self.turns:
            return
        top = self.turns[-1]
        forms = top.forms
        while forms and forms[-1].depth >= e.depth:
            forms.pop()
        forms.append(FormFrame(e.form, e.scope, e.depth))
        if e.depth == 1:
            top.scope = e.scope
        reason = self.form_stop(top, forms[-1])
        if reason:
            self.stop(*reason)

    def on_EffectStarted(self, e: ev.EffectStarted) -> None:
        self.effects.append({"handle": e.handle, "turn": e.turn, "seq": e.seq, "fn": e.fn,
                             "form": e.form, "args": SVector(e.args)})
        if "effect" in self.filters:
            self.stop("exception", f"Effect: {short(e.form, 80)}", e.form)

    def on_EffectFinished(self, e: ev.EffectFinished) -> None:
        record = next((r for r in reversed(self.effects)
                       if (r["handle"], r["turn"], r["seq"]) == (e.handle, e.turn, e.seq)), None)
        if record is not None:
            record.update(result=e.result, error=e.error, duration_ms=round(e.duration_ms, 3),
                          replayed=e.replayed)
            self.send("spell/effect", {k: v if k != "result" else short(pr(v), 1000)
                                       for k, v in record.items() if k != "args"})

    def on_ModelCallStarted(self, e: ev.ModelCallStarted) -> None:
        if "modelCall" in self.filters:
            what = "leaf model call" if e.leaf else f"model call for turn {e.turn}"
            self.stop("exception", f"Model call: {what} of {e.handle}", short(e.prefix, 2000))

    def on_ModelCallFinished(self, e: ev.ModelCallFinished) -> None:
        self.model_turns += 0 if e.leaf else 1
        self.cost_usd += float(e.usage.get("cost_usd", 0) or 0)

    def on_SelfEdit(self, e: ev.SelfEdit) -> None:
        self.edits.append(e)
        if self.turns:
            self.turns[-1].forms.clear()  # the turn's evaluation is over
        summary = (f"+{short(' '.join(e.after[len(e.before):].split()), 80)}"
                   if e.kind == "extend" else f"program rewritten ({len(e.before)} -> "
                   f"{len(e.after)} characters)")
        self.send("spell/selfEdit", {"handle": e.handle, "turn": e.turn, "kind": e.kind,
                                     "summary": summary})
        if "selfEdit" in self.filters:
            self.stop("exception", f"Self-edit ({e.kind}) in turn {e.turn}: {summary}",
                      f"before:\n{e.before}\n\nafter:\n{e.after}")

    def on_ErrorRecovered(self, e: ev.ErrorRecovered) -> None:
        if "error" in self.filters:
            self.stop("exception", f"Recovered {e.kind} error (attempt {e.count})", e.error)

    def on_RunEnded(self, e: ev.RunEnded) -> None:
        self.result = e
        if e.error and "uncaught" in self.filters:
            self.stop("exception", f"Uncaught error: {short(e.error, 120)}", e.error)

    # -- deciding to stop -----------------------------------------------------------------

    def form_stop(self, top: TurnFrame, frame: FormFrame) -> tuple[str, ...] | None:
        syntax = getattr(frame.form, "syntax", None)
        if self.step and syntax is not None and self.step_done(frame.depth):
            return ("step",)
        if syntax is not None:
            key = (top.version.handle, top.version.turn)
            for bp in self.all_line_bps():
                if bp.offsets.get(key) == syntax.start and self.should_break(bp, frame):
                    return ("breakpoint", f"breakpoint {bp.id}", "", bp.id)
        head = frame.form[0] if frame.form else None
        if type(head) is Symbol:
            for bp in self.function_bps:
                if bp.name == head.name and self.should_break(bp, frame):
                    return ("function breakpoint", f"call of {bp.name}", "", bp.id)
        return None

    def step_done(self, depth: int) -> bool:
        kind, level, at_depth = self.step
        now = len(self.turns)
        if kind == "in":
            return True
        if kind == "next":
            return now < level or (now == level and depth <= max(at_depth, 1))
        return now < level  # out: back in a caller's turn

    def should_break(self, bp: Breakpoint, frame: FormFrame) -> bool:
        """Condition, hit count and logpoint rules of one breakpoint at this form."""
        if bp.condition:
            try:
                if not is_truthy(evaluate_pure(bp.condition, frame.scope)):
                    return False
            except Exception as e:  # a broken condition stops, so the user sees it
                self.send("output", {"category": "stderr",
                                     "output": f"breakpoint {bp.id} condition: {e}\n"})
                return True
        bp.hits += 1
        if not hit_matches(bp.hit_condition, bp.hits):
            return False
        if bp.log_message is not None:
            self.send("output", {"category": "console",
                                 "output": self.interpolate(bp.log_message, frame.scope) + "\n"})
            return False
        return True

    def interpolate(self, message: str, scope: dict) -> str:
        """A logpoint message with `{expr}` parts replaced by their values."""
        import re

        def value(m: re.Match) -> str:
            try:
                return short(pr(evaluate_pure(m.group(1), scope)))
            except Exception as e:
                return f"<{e}>"
        return re.sub(r"\{([^{}]+)\}", value, message)

    # -- stopping and resuming ------------------------------------------------------------

    def stop(self, reason: str, description: str = "", text: str = "",
             bp_id: int | None = None) -> None:
        """Block the run thread until the client resumes (or leaves)."""
        handle = self.turns[-1].version.handle if self.turns else MAIN
        with self.cond:
            self.paused = True
            self.pause_requested = False
            self.step = None
            self.stop_reason = {"reason": reason, "description": description}
        body = {"reason": reason, "threadId": self.thread_of(handle),
                "allThreadsStopped": True}
        if description:
            body["description"] = description
        if text:
            body["text"] = text
        if bp_id is not None:
            body["hitBreakpointIds"] = [bp_id]
        self.send("stopped", body)
        with self.cond:
            while self.paused and not self.ended:
                self.cond.wait()
        if self.ended:
            raise SessionEnded()

    def resume(self, step: str | None = None) -> None:
        """Continue the run; `step` is in, next or out (from the current position)."""
        with self.cond:
            if step is not None:
                depth = self.turns[-1].forms[-1].depth if self.turns and \
                    self.turns[-1].forms else 0
                self.step = (step, len(self.turns), depth)
            self.paused = False
            self.cond.notify_all()

    def request_pause(self) -> None:
        self.pause_requested = True

    def end(self) -> None:
        """The client left: wake and unwind the run thread at its next event."""
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    # -- threads, versions, breakpoints ---------------------------------------------------

    def thread_of(self, handle: str) -> int:
        """A stable thread id per agent handle; new handles announce a thread."""
        if handle not in self.threads:
            self.threads[handle] = len(self.threads) + 1
            self.send("thread", {"reason": "started", "threadId": self.threads[handle]})
            self.send("spell/agent", {"handle": handle, "threadId": self.threads[handle]})
        return self.threads[handle]

    def add_version(self, handle: str, turn: int, text: str) -> Version:
        if self.program is not None and handle == MAIN and turn == 0 and \
                text == self.program_text:
            return Version(handle, turn, text, path=str(self.program))
        version = Version(handle, turn, text, ref=len(self.versions) + 1)
        self.versions[version.ref] = version
        self.send("loadedSource", {"reason": "new", "source": version.source()})
        return version

    def known_versions(self) -> list[Version]:
        return [t.version for t in self.history + self.turns]

    def source_key(self, source: dict) -> Any:
        ref = source.get("sourceReference")
        if ref:
            return ref
        path = source.get("path")
        return str(Path(path).resolve()) if path else None

    def source_text(self, key: Any) -> str | None:
        if isinstance(key, int):
            version = self.versions.get(key)
            return version.text if version else None
        if self.program is not None and key == str(self.program):
            return self.program_text
        try:
            return Path(key).read_text(encoding="utf-8")
        except (OSError, TypeError):
            return None

    def all_line_bps(self) -> list[Breakpoint]:
        return [bp for bps in self.line_bps.values() for bp in bps]

    def set_line_breakpoints(self, source: dict, specs: list[dict]) -> list[dict]:
        """Replace the breakpoints of a source; each binds to the form on its line."""
        key = self.source_key(source)
        text = self.source_text(key)
        placed, answers = [], []
        for spec in specs:
            form = form_at(text, spec["line"], spec.get("column")) if text else None
            bp = Breakpoint(self.next_bp, form.syntax.src if form is not None else "",
                            condition=spec.get("condition") or None,
                            hit_condition=spec.get("hitCondition") or None,
                            log_message=spec.get("logMessage"))
            self.next_bp += 1
            answer = {"id": bp.id, "verified": form is not None, "line": spec["line"]}
            if form is None:
                answer["message"] = "no Spell form starts on this line"
            else:
                placed.append(bp)
                for version in self.known_versions():
                    self.locate(bp, version)
                answer["line"], answer["column"] = Version("", 0, text).line_of(form.syntax.start)
                bp.shown = (key, answer["line"])
            answers.append(answer)
        self.line_bps[key] = placed
        return answers

    def set_function_breakpoints(self, specs: list[dict]) -> list[dict]:
        self.function_bps = []
        for spec in specs:
            bp = Breakpoint(self.next_bp, name=spec["name"], condition=spec.get("condition"),
                            hit_condition=spec.get("hitCondition"))
            self.next_bp += 1
            self.function_bps.append(bp)
        return [{"id": bp.id, "verified": True} for bp in self.function_bps]

    def locate(self, bp: Breakpoint, version: Version) -> int | None:
        """Where the breakpoint's form starts in a version (its first occurrence)."""
        at = version.text.find(bp.form_text)
        key = (version.handle, version.turn)
        if at < 0:
            bp.offsets.pop(key, None)
            return None
        bp.offsets[key] = at
        return at

    def place_breakpoints(self, version: Version) -> None:
        """Map every line breakpoint into a new version; report moved or lost ones."""
        source = version.source()
        for bp in self.all_line_bps():
            at = self.locate(bp, version)
            if at is None:
                shown = ("gone",)
                body = {"id": bp.id, "verified": False,
                        "message": f"its form is not in {version.name}"}
            else:
                line, column = version.line_of(at)
                shown = (version.ref or version.path, line)
                body = {"id": bp.id, "verified": True, "line": line, "column": column,
                        "source": source}
            if shown != bp.shown:
                bp.shown = shown
                self.send("breakpoint", {"reason": "changed", "breakpoint": body})
