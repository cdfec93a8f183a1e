"""`spell dap`: requests from the client, DAP views of the debugger's state.

The stdin loop runs on the main thread; the agent runs on its own thread and blocks in
the debugger's listener while stopped. Responses always precede the events they cause."""

from __future__ import annotations

import sys
import threading
from typing import Any, BinaryIO

from ..syntax.printer import pr
from .debugger import FILTERS, MAIN, Debugger, SessionEnded, TurnFrame, body_forms
from .launch import LaunchError, LaunchSpec, parse_launch
from .protocol import ProtocolError, Writer, read_message
from .values import EffectRefused, References, evaluate_pure, short

CAPABILITIES = {
    "supportsConfigurationDoneRequest": True,
    "supportsFunctionBreakpoints": True,
    "supportsConditionalBreakpoints": True,
    "supportsHitConditionalBreakpoints": True,
    "supportsLogPoints": True,
    "supportsEvaluateForHovers": True,
    "supportsTerminateRequest": True,
    "supportsLoadedSourcesRequest": True,
    "supportsDelayedStackTraceLoading": True,
    "supportsStepBack": False,
    "exceptionBreakpointFilters": [
        {"filter": name, "label": label, "default": name == "uncaught"}
        for name, label in FILTERS.items()],
}


class ProgressOut:
    """A text stream whose lines become `output` events (for the harness Progress)."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def write(self, text: str) -> int:
        self.writer.event("output", {"category": "console", "output": text})
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Adapter:
    """One debug session over a pair of binary streams."""

    def __init__(self, inp: BinaryIO, out: BinaryIO) -> None:
        self.inp = inp
        self.writer = Writer(out)
        self.spec: LaunchSpec | None = None
        self.configured = False
        self.debugger: Debugger | None = None
        self.pending_filters: list[str] = ["uncaught"]
        self.run_thread: threading.Thread | None = None
        self.refs = References()
        self.frames: dict[int, tuple[TurnFrame, Any]] = {}
        self.done = threading.Event()

    # -- the loop -------------------------------------------------------------------------

    def serve(self) -> int:
        while not self.done.is_set():
            try:
                message = read_message(self.inp)
            except ProtocolError as e:
                self.writer.event("output", {"category": "stderr", "output": f"{e}\n"})
                continue
            if message is None:
                break
            if message.get("type") == "request":
                self.dispatch(message)
        self.shutdown()
        return 0

    def dispatch(self, request: dict[str, Any]) -> None:
        command = request.get("command", "")
        handler = getattr(self, "on_" + command.replace("/", "_"), None)
        if handler is None:
            self.writer.error(request, f"unsupported request: {command}")
            return
        try:
            handler(request, request.get("arguments") or {})
        except LaunchError as e:
            self.writer.error(request, str(e))
        except (KeyError, TypeError, ValueError) as e:
            self.writer.error(request, f"{command}: bad arguments: {e}")

    # -- lifecycle ------------------------------------------------------------------------

    def on_initialize(self, request: dict, args: dict) -> None:
        self.writer.response(request, CAPABILITIES)
        self.writer.event("initialized")

    def on_launch(self, request: dict, args: dict) -> None:
        spec = parse_launch(args)
        self.spec = spec
        self.debugger = Debugger(self.writer.event, spec.program, spec.source,
                                 spec.stop_on_entry)
        self.debugger.filters = set(self.pending_filters)
        self.writer.response(request)
        self.maybe_start()

    def on_configurationDone(self, request: dict, args: dict) -> None:
        self.configured = True
        self.writer.response(request)
        self.maybe_start()

    def maybe_start(self) -> None:
        """Run only when both launch and configurationDone have arrived."""
        if self.spec is None or not self.configured or self.run_thread is not None:
            return
        self.run_thread = threading.Thread(target=self.run, name="spell-dap-run", daemon=True)
        self.run_thread.start()

    def run(self) -> None:
        """The agent run (on its own thread); ends the session when the run ends."""
        from ..harness.config import ConfigError
        from ..harness.events import EventBus
        from ..harness.progress import Progress
        from ..harness.session import start_run
        bus = EventBus()
        bus.subscribe(Progress(ProgressOut(self.writer), color=False))
        bus.subscribe(self.debugger, forms=True)
        code = 0
        try:
            result = start_run(self.spec.source, self.spec.config, self.spec.model, bus=bus)
            code = result.exit_code
            summary = f"value: {short(pr(result.value), 500)}" if result.ok \
                else f"error: {result.error}"
            self.writer.event("output", {"category": "console",
                                         "output": f"{summary}\njournal: {result.journal}\n"})
        except SessionEnded:
            return
        except ConfigError as e:
            code = 2
            self.writer.event("output", {"category": "stderr", "output": f"error: {e}\n"})
        self.writer.event("exited", {"exitCode": code})
        self.writer.event("terminated")

    def on_disconnect(self, request: dict, args: dict) -> None:
        self.end_run()
        self.writer.response(request)
        self.done.set()

    def on_terminate(self, request: dict, args: dict) -> None:
        self.end_run()
        self.writer.response(request)
        self.writer.event("terminated")

    def end_run(self) -> None:
        """Unwind the run thread (its journal is closed by the harness on the way out)."""
        if self.debugger is not None:
            self.debugger.end()
        if self.run_thread is not None:
            self.run_thread.join(timeout=5)

    def shutdown(self) -> None:
        self.end_run()
        self.writer.closed = True

    # -- configuration --------------------------------------------------------------------

    def on_setExceptionBreakpoints(self, request: dict, args: dict) -> None:
        filters = [f for f in args.get("filters", []) if f in FILTERS]
        self.pending_filters = filters
        if self.debugger is not None:
            self.debugger.filters = set(filters)
        self.writer.response(request, {"breakpoints": [{"verified": True} for _ in filters]})

    def need_debugger(self) -> Debugger:
        if self.debugger is None:
            raise LaunchError("launch first: no program is being debugged")
        return self.debugger

    def on_setBreakpoints(self, request: dict, args: dict) -> None:
        specs = args.get("breakpoints") or [{"line": n} for n in args.get("lines", [])]
        answers = self.need_debugger().set_line_breakpoints(args["source"], specs)
        self.writer.response(request, {"breakpoints": answers})

    def on_setFunctionBreakpoints(self, request: dict, args: dict) -> None:
        answers = self.need_debugger().set_function_breakpoints(args.get("breakpoints", []))
        self.writer.response(request, {"breakpoints": answers})

    # -- execution control ----------------------------------------------------------------

    def resume(self, request: dict, step: str | None, body: dict | None = None) -> None:
        self.refs.clear()
        self.frames.clear()
        self.writer.response(request, body)
        self.need_debugger().resume(step)

    def on_continue(self, request: dict, args: dict) -> None:
        self.resume(request, None, {"allThreadsContinued": True})

    def on_next(self, request: dict, args: dict) -> None:
        self.resume(request, "next")

    def on_stepIn(self, request: dict, args: dict) -> None:
        self.resume(request, "in")

    def on_stepOut(self, request: dict, args: dict) -> None:
        self.resume(request, "out")

    def on_pause(self, request: dict, args: dict) -> None:
        self.writer.response(request)
        self.need_debugger().request_pause()

    # -- threads, stack, sources ----------------------------------------------------------

    def on_threads(self, request: dict, args: dict) -> None:
        threads = self.debugger.threads if self.debugger else {MAIN: 1}
        self.writer.response(request, {"threads": [
            {"id": tid, "name": f"agent {handle}"} for handle, tid in threads.items()]})

    def stack(self) -> list[dict[str, Any]]:
        """Frames innermost first: forms of each active turn, its turn frame, then ended
        turns newest first."""
        dbg = self.need_debugger()
        frames: list[dict[str, Any]] = []
        self.frames.clear()
        for turn in reversed(dbg.turns):
            for form_frame in reversed(turn.forms):
                frames.append(self.form_frame(turn, form_frame))
            frames.append(self.turn_frame(turn, active=True))
        for turn in reversed(dbg.history):
            frames.append(self.turn_frame(turn, active=False))
        return frames

    def new_frame(self, turn: TurnFrame, form_frame: Any) -> int:
        frame_id = len(self.frames) + 1
        self.frames[frame_id] = (turn, form_frame)
        return frame_id

    def form_frame(self, turn: TurnFrame, form_frame: Any) -> dict[str, Any]:
        syntax = getattr(form_frame.form, "syntax", None)
        if syntax is None:  # generated code: show where its nearest written form is
            written = [f for f in turn.forms if f.depth < form_frame.depth
                       and getattr(f.form, "syntax", None) is not None]
            syntax = written[-1].form.syntax if written else None
        line, column = turn.version.line_of(syntax.start) if syntax else (1, 1)
        frame = {"id": self.new_frame(turn, form_frame), "name": short(pr(form_frame.form), 60),
                 "source": turn.version.source(), "line": line, "column": column}
        if getattr(form_frame.form, "syntax", None) is None:
            frame["presentationHint"] = "subtle"
        return frame

    def turn_frame(self, turn: TurnFrame, active: bool) -> dict[str, Any]:
        v = turn.version
        forms = body_forms(v.text)
        line, column = v.line_of(forms[0].syntax.start) if forms and \
            getattr(forms[0], "syntax", None) else (1, 1)
        frame = {"id": self.new_frame(turn, None), "name": f"turn {v.turn} of {v.handle}",
                 "source": v.source(), "line": line, "column": column}
        if not active:
            frame["presentationHint"] = "subtle"
        return frame

    def on_stackTrace(self, request: dict, args: dict) -> None:
        frames = self.stack()
        start = args.get("startFrame", 0)
        levels = args.get("levels") or len(frames)
        self.writer.response(request, {"stackFrames": frames[start:start + levels],
                                       "totalFrames": len(frames)})

    def on_source(self, request: dict, args: dict) -> None:
        ref = args.get("sourceReference") or (args.get("source") or {}).get("sourceReference")
        version = self.need_debugger().versions.get(ref)
        if version is None:
            raise LaunchError(f"unknown source reference {ref}")
        self.writer.response(request, {"content": version.text, "mimeType": "text/x-spell"})

    def on_loadedSources(self, request: dict, args: dict) -> None:
        dbg = self.need_debugger()
        self.writer.response(request, {"sources": [v.source() for v in dbg.known_versions()]})

    # -- scopes, variables, evaluate ------------------------------------------------------

    def frame_scope(self, frame_id: int | None) -> dict:
        if frame_id is None or frame_id not in self.frames:
            if not self.frames:
                self.stack()
            frame_id = 1
        turn, form_frame = self.frames.get(frame_id, (None, None))
        if form_frame is not None:
            return form_frame.scope
        return turn.scope if turn is not None else {}

    def on_scopes(self, request: dict, args: dict) -> None:
        turn, form_frame = self.frames[args["frameId"]]
        scope = form_frame.scope if form_frame is not None else turn.scope
        dbg = self.need_debugger()
        bindings = {s.name if hasattr(s, "name") else str(s): v for s, v in scope.items()}
        effects = dbg.effects
        scopes = [
            ("Bindings", "locals", lambda: sorted(bindings.items()), len(bindings)),
            ("Program", None, lambda: self.program_items(turn), None),
            ("Effects", None, lambda: [self.effect_item(r) for r in effects], len(effects)),
            ("Run", None, lambda: self.run_items(turn), None)]
        body = []
        for name, hint, producer, count in scopes:
            entry = {"name": name, "variablesReference": self.refs.add(producer),
                     "expensive": False}
            if hint:
                entry["presentationHint"] = hint
            if count is not None:
                entry["namedVariables"] = count
            body.append(entry)
        self.writer.response(request, {"scopes": body})

    def program_items(self, turn: TurnFrame) -> list[dict]:
        """The do-block forms, the last one the live trailing expression."""
        forms = body_forms(turn.version.text)
        return [{"name": f"{i} {'trailing (live)' if i == len(forms) - 1 else 'inert'}",
                 "value": short(pr(form)), "variablesReference": 0,
                 "presentationHint": {"kind": "data"}} for i, form in enumerate(forms)]

    def effect_item(self, record: dict) -> dict:
        name = f"#{record['seq']} {record['fn']} ({record['handle']} turn {record['turn']})"
        shown = f"error: {record['error']}" if record.get("error") else \
            short(pr(record.get("result"))) if "result" in record else "(running)"
        fields = dict(record)
        return {"name": name, "value": shown,
                "variablesReference": self.refs.add(lambda: list(fields.items())),
                "namedVariables": len(fields)}

    def run_items(self, turn: TurnFrame) -> list[tuple[str, Any]]:
        dbg = self.need_debugger()
        return [("agent", turn.version.handle), ("turn", turn.version.turn),
                ("kind", turn.kind), ("model turns", dbg.model_turns),
                ("cost usd", round(dbg.cost_usd, 6)), ("effects", len(dbg.effects)),
                ("self-edits", len(dbg.edits))]

    def on_variables(self, request: dict, args: dict) -> None:
        found = self.refs.variables(args["variablesReference"], args.get("start", 0),
                                    args.get("count", 0))
        self.writer.response(request, {"variables": found})

    def on_evaluate(self, request: dict, args: dict) -> None:
        scope = self.frame_scope(args.get("frameId"))
        try:
            value = evaluate_pure(args["expression"], scope)
        except EffectRefused as e:
            self.writer.error(request, str(e))
            return
        except Exception as e:  # any Spell or reader error is the answer, not a crash
            self.writer.error(request, getattr(e, "message", None) or str(e))
            return
        var = self.refs.variable("", value)
        text = pr(value) if args.get("context") in ("repl", "clipboard") else var["value"]
        self.writer.response(request, {"result": text, "type": var["type"],
                                       "variablesReference": var["variablesReference"],
                                       **{k: v for k, v in var.items() if k.endswith("Variables")}})


def serve_stdio() -> int:
    """Run one debug session on this process's stdin/stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol stream
    return Adapter(sys.stdin.buffer, out).serve()
