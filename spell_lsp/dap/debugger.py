"""The pause/step/breakpoint controller: a harness event listener on the run thread.

Harness events arrive synchronously on the evaluating thread, so stopping is blocking in
the listener until the client resumes; ending a session raises `SessionEnded` from the
blocked listener so the harness unwinds (its journal is closed by the session)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
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
DEFINING = {"def", "defn", "defmacro", "persist"}  # heads that bind their second element


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

    @cached_property
    def forms(self) -> list[Any]:
        """The do-block forms of this version (read once)."""
        return body_forms(self.text)

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
    entry: int | None = None                      # offset of its first evaluated form
    # Snapshots (stack, top-level scope) at each written form, for stepping back form by
    # form; scopes are copied because evaluation keeps extending them.
    trail: list[tuple[list[FormFrame], dict]] = field(default_factory=list)

    def entry_offset(self) -> int | None:
        """Where the turn starts evaluating: its first evaluated written form, else its
        first do-block form."""
        if self.entry is None:
            forms = self.version.forms
            if forms and getattr(forms[0], "syntax", None) is not None:
                self.entry = forms[0].syntax.start
        return self.entry


@dataclass
class Breakpoint:
    """A line, function or data breakpoint; line ones keep their form's text across
    edits, the others match a name."""

    id: int
    form_text: str = ""
    name: str = ""                                # call head or binding name
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
        if isinstance(x, tuple):  # lists and vectors
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


def form_starts(text: str, line: int) -> list[tuple[int, int]]:
    """1-based (line, column) of every evaluable form starting on `line`."""
    version = Version("", 0, text)
    return [pos for form in list_forms(body_forms(text))
            if (pos := version.line_of(form.syntax.start))[0] == line]


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


def hit_problem(condition: str | None) -> str | None:
    """Why a hit condition cannot be used (None when it can)."""
    try:
        hit_matches(condition, 1)
    except ValueError:
        return f"hit count {condition!r} is not N, ==N, >=N, >N or %N"
    return None


TRAIL_LIMIT = 500  # snapshots kept per turn for stepping back form by form


def remember_form(turn: TurnFrame) -> None:
    """Snapshot the stack and scopes at a written form (the oldest beyond the limit go)."""
    copies: dict[int, dict] = {}
    forms = [FormFrame(f.form, copies.setdefault(id(f.scope), dict(f.scope)), f.depth)
             for f in turn.forms]
    turn.trail.append((forms, dict(turn.scope)))
    if len(turn.trail) > TRAIL_LIMIT:
        del turn.trail[0]


class Debugger:
    """State of the debugged run and the rules that decide where it stops."""

    def __init__(self, send: Callable[[str, dict], None]) -> None:
        self.send = send
        self.program: Path | None = None
        self.program_text = ""
        self.stop_on_entry = False
        self.cond = threading.Condition()
        self.paused = False
        self.ended = False                 # the client left: unwind the run
        self.pause_requested = False
        self.step: tuple[str, int, int] | None = None   # (kind, turn level, depth)
        self.filters: set[str] = set()
        self.last_exception: tuple[str, str, str] | None = None  # (filter, description, text)
        self.line_bps: dict[Any, list[Breakpoint]] = {}   # source key -> breakpoints
        self.function_bps: list[Breakpoint] = []
        self.data_bps: list[Breakpoint] = []              # on binding names
        self.next_bp = 1
        self.turns: list[TurnFrame] = []                  # active turns, innermost last
        self.history: list[TurnFrame] = []                # ended turns
        self.versions: dict[int, Version] = {}            # sourceReference -> version
        self.threads: dict[str, int] = {}                 # agent handle -> thread id
        self.effects: list[dict[str, Any]] = []
        self.edits: list[ev.SelfEdit] = []
        self.model_turns = 0
        self.cost_usd = 0.0
        self.view: int | None = None      # index into `history` while looking back
        self.form_view: int | None = None  # index into the live turn's trail, looking back
        self.eval_thread: int | None = None   # the thread evaluating the turns
        self.stop_at: tuple[str, int, str] | None = None  # (handle, turn, why): a branch's stop

    def reset(self, stop_at: tuple[str, int, str] | None) -> None:
        """Forget the ended run (breakpoints, filters and thread ids stay) before a branch
        of it runs; stop when turn `stop_at` starts."""
        self.ended = self.paused = self.pause_requested = self.stop_on_entry = False
        self.step = None
        self.turns, self.history, self.effects, self.edits = [], [], [], []
        self.model_turns, self.cost_usd, self.view, self.form_view = 0, 0.0, None, None
        self.stop_at = stop_at

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
        self.eval_thread = threading.get_ident()
        version = self.add_version(e.handle, e.turn, e.text)
        self.turns.append(TurnFrame(version, e.kind))
        self.thread_of(e.handle)
        self.send("spell/turn", {"handle": e.handle, "turn": e.turn, "kind": e.kind,
                                 "source": version.source()})
        self.place_breakpoints(version)
        if self.stop_at and self.stop_at[:2] == (e.handle, e.turn):
            why = self.stop_at[2]
            self.stop_at = None
            self.stop("restart", why)
        elif self.stop_on_entry and e.turn == 0 and e.handle == MAIN:
            self.stop("entry", "before turn 0")
        elif self.step and self.step[0] == "in" and e.kind == "fork":
            self.stop("step", f"into turn {e.turn} (fork)")

    def on_TurnEnded(self, e: ev.TurnEnded) -> None:
        level = len(self.turns)
        if self.step and self.step[0] == "out" and level <= self.step[1]:
            self.stop("step", f"end of turn {e.turn} of {e.handle}")
        if self.turns:
            ended = self.turns.pop()
            ended.forms = []
            self.history.append(ended)

    def on_FormEvaluating(self, e: ev.FormEvaluating) -> None:
        # forms inside `future` blocks run on other threads: they are not on this stack
        if not self.turns or threading.get_ident() != self.eval_thread:
            return
        top = self.turns[-1]
        forms = top.forms
        while forms and forms[-1].depth >= e.depth:
            forms.pop()
        forms.append(FormFrame(e.form, e.scope, e.depth))
        if e.depth == 1:
            top.scope = e.scope
            if top.entry is None and getattr(e.form, "syntax", None) is not None:
                top.entry = e.form.syntax.start
        if getattr(e.form, "syntax", None) is not None:
            remember_form(top)
        reason = self.form_stop(top, forms[-1])
        if reason:
            self.stop(*reason)

    def on_EffectStarted(self, e: ev.EffectStarted) -> None:
        self.effects.append({"handle": e.handle, "turn": e.turn, "seq": e.seq, "fn": e.fn,
                             "form": e.form, "args": SVector(e.args)})
        if "effect" in self.filters:
            self.stop("exception", f"Effect: {short(e.form, 80)}", e.form, filter="effect")

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
            self.stop("exception", f"Model call: {what} of {e.handle}", short(e.prefix, 2000),
                      filter="modelCall")

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
                      f"before:\n{e.before}\n\nafter:\n{e.after}", filter="selfEdit")

    def on_ErrorRecovered(self, e: ev.ErrorRecovered) -> None:
        if "error" in self.filters:
            self.stop("exception", f"Recovered {e.kind} error (attempt {e.count})", e.error,
                      filter="error")

    def on_RunEnded(self, e: ev.RunEnded) -> None:
        if e.error and "uncaught" in self.filters:
            self.stop("exception", f"Uncaught error: {short(e.error, 120)}", e.error,
                      filter="uncaught")
        for thread_id in self.threads.values():  # every agent's lifecycle ends with the run
            self.send("thread", {"reason": "exited", "threadId": thread_id})

    # -- deciding to stop -----------------------------------------------------------------

    def form_stop(self, top: TurnFrame, frame: FormFrame) -> tuple[str, ...] | None:
        syntax = getattr(frame.form, "syntax", None)
        # steps stop at written forms, or anywhere once back in a caller's turn
        if self.step and self.step_done(frame.depth) and (
                syntax is not None or len(self.turns) < self.step[1]):
            return ("step",)
        if syntax is not None:
            key = (top.version.handle, top.version.turn)
            for bp in self.all_line_bps():
                if bp.offsets.get(key) == syntax.start and self.should_break(bp, frame):
                    return ("breakpoint", f"breakpoint {bp.id}", "", bp.id)
        head = frame.form[0] if frame.form else None
        if type(head) is not Symbol:
            return None
        for bp in self.function_bps:
            if bp.name == head.name and self.should_break(bp, frame):
                return ("function breakpoint", f"call of {bp.name}", "", bp.id)
        if head.name in DEFINING and len(frame.form) > 1 and type(frame.form[1]) is Symbol:
            for bp in self.data_bps:
                if bp.name == frame.form[1].name and self.should_break(bp, frame):
                    return ("data breakpoint", f"{head.name} {bp.name}", "", bp.id)
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

        def value(m: re.Match) -> str:
            try:
                return short(pr(evaluate_pure(m.group(1), scope)))
            except Exception as e:
                return f"<{e}>"
        return re.sub(r"\{([^{}]+)\}", value, message)

    # -- stopping and resuming ------------------------------------------------------------

    def stop(self, reason: str, description: str = "", text: str = "",
             bp_id: int | None = None, filter: str | None = None) -> None:
        """Block the run thread until the client resumes (or leaves); `filter` names the
        exception filter that stopped it (for the exceptionInfo request)."""
        if self.stop_at is not None and reason != "restart":
            return  # a branch runs through the served turns to its stop without stopping
        self.last_exception = (filter, description, text) if filter else None
        handle = self.turns[-1].version.handle if self.turns else MAIN
        with self.cond:
            self.paused = True
            self.pause_requested = False
            self.step = None
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
            self.view = self.form_view = None
            if step is not None:
                depth = self.turns[-1].forms[-1].depth if self.turns and \
                    self.turns[-1].forms else 0
                self.step = (step, len(self.turns), depth)
            self.paused = False
            self.cond.notify_all()

    # -- time travel over what was recorded (no model or tool call) -----------------------

    def visible(self) -> tuple[list[TurnFrame], list[TurnFrame]]:
        """(active turns, innermost last; ended turns) seen from the live position or from
        the recorded turn being viewed."""
        if self.form_view is not None:
            top = self.turns[-1]
            forms, scope = top.trail[self.form_view]
            past = TurnFrame(top.version, top.kind, forms=forms, scope=scope, entry=top.entry)
            return [*self.turns[:-1], past], self.history
        if self.view is None:
            return self.turns, self.history
        return [self.history[self.view]], self.history[:self.view]

    def step_back(self) -> str:
        """View the form before the one shown in the live turn, then the turns before it;
        a description for the stopped event."""
        if self.view is None and self.turns:
            trail = self.turns[-1].trail
            current = len(trail) - 1 if self.form_view is None else self.form_view
            if current > 0:
                self.form_view = current - 1
                return "recorded form of this turn (time travel)"
        self.form_view = None
        target = (len(self.history) if self.view is None else self.view) - 1
        if target < 0:
            return "no earlier turn was recorded"
        self.view = target
        return f"recorded turn {self.history[target].version.turn} (time travel)"

    def step_forward(self) -> str:
        """View the next recorded turn, or return to the live position."""
        if self.view is not None:
            self.view += 1
            if self.view < len(self.history):
                return f"recorded turn {self.history[self.view].version.turn} (time travel)"
            self.view = None
        if self.form_view is not None and self.turns:
            self.form_view += 1
            if self.form_view < len(self.turns[-1].trail) - 1:
                return "recorded form of this turn (time travel)"
            self.form_view = None
        return "back at the live position"

    def reverse_continue(self) -> str:
        """Back to the latest earlier turn holding a line breakpoint's form, else the
        first turn."""
        self.form_view = None
        start = len(self.history) if self.view is None else self.view
        keys = {key for bp in self.all_line_bps() for key in bp.offsets}
        for index in range(start - 1, -1, -1):
            v = self.history[index].version
            if (v.handle, v.turn) in keys:
                self.view = index
                return f"breakpoint in recorded turn {v.turn} (time travel)"
        self.view = 0 if self.history else None
        return "first recorded turn (time travel)" if self.history else \
            "no earlier turn was recorded"

    def launch(self, program: Path | None, program_text: str, stop_on_entry: bool) -> None:
        """What is debugged; breakpoints may have been set before."""
        self.program = program
        self.program_text = program_text
        self.stop_on_entry = stop_on_entry

    def request_pause(self) -> None:
        if not self.paused:
            self.pause_requested = True

    def end(self) -> None:
        """The client left: wake and unwind the run thread at its next event."""
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    # -- threads, versions, breakpoints ---------------------------------------------------

    def thread_of(self, handle: str) -> int:
        """A stable thread id per agent handle (:main is 1, spawned agents follow in the
        order they appear); a new handle announces its thread."""
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

    def breakpoint_locations(self, source: dict, line: int) -> list[dict[str, int]]:
        """Where a breakpoint on `line` of a source can bind (one place per form)."""
        text = self.source_text(self.source_key(source)) or ""
        return [{"line": at, "column": column} for at, column in form_starts(text, line)]

    def all_line_bps(self) -> list[Breakpoint]:
        return [bp for bps in self.line_bps.values() for bp in bps]

    def set_line_breakpoints(self, source: dict, specs: list[dict]) -> list[dict]:
        """Replace the breakpoints of a source; each binds to the form on its line."""
        key = self.source_key(source)
        text = self.source_text(key) or ""
        made = [self.line_breakpoint(spec, text, key) for spec in specs]
        # replaced, not mutated: the run thread may be iterating the old mapping
        self.line_bps = {**self.line_bps, key: [bp for bp, answer in made if answer["verified"]]}
        return [answer for _, answer in made]

    def line_breakpoint(self, spec: dict, text: str, key: Any) -> tuple[Breakpoint, dict]:
        """A breakpoint on the form at `spec`'s line, and the answer for the client."""
        problem = hit_problem(spec.get("hitCondition"))
        form = None if problem else form_at(text, spec["line"], spec.get("column"))
        bp = Breakpoint(self.next_bp, form.syntax.src if form is not None else "",
                        condition=spec.get("condition") or None,
                        hit_condition=spec.get("hitCondition") or None,
                        log_message=spec.get("logMessage"))
        self.next_bp += 1
        if form is None:
            return bp, {"id": bp.id, "verified": False, "line": spec["line"],
                        "message": problem or "no Spell form starts on this line"}
        for version in self.known_versions():
            self.locate(bp, version)
        line, column = Version("", 0, text).line_of(form.syntax.start)
        bp.shown = (key, line)
        return bp, {"id": bp.id, "verified": True, "line": line, "column": column}

    def named_breakpoints(self, specs: list[dict], key: str) -> list[Breakpoint]:
        """Function or data breakpoints: a name (`spec[key]`), condition, hit count."""
        made = []
        for spec in specs:
            made.append(Breakpoint(self.next_bp, name=spec[key],
                                   condition=spec.get("condition") or None,
                                   hit_condition=spec.get("hitCondition") or None))
            self.next_bp += 1
        return made

    def set_function_breakpoints(self, specs: list[dict]) -> list[dict]:
        self.function_bps = self.named_breakpoints(specs, "name")
        return [self.named_answer(bp) for bp in self.function_bps]

    def named_answer(self, bp: Breakpoint) -> dict[str, Any]:
        problem = hit_problem(bp.hit_condition)
        if problem:
            bp.name = ""  # never matches a head or a binding
            return {"id": bp.id, "verified": False, "message": problem}
        return {"id": bp.id, "verified": True}

    def set_data_breakpoints(self, specs: list[dict]) -> list[dict]:
        """Stop when a form (re)defines one of these binding names."""
        self.data_bps = self.named_breakpoints(specs, "dataId")
        return [self.named_answer(bp) for bp in self.data_bps]

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
