"""`spell dap`: requests from the client, DAP views of the debugger's state.

The stdin loop runs on the main thread; the agent runs on its own thread and blocks in
the debugger's listener while stopped. Responses always precede the events they cause."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from typing import Any, BinaryIO

from ..syntax.printer import pr
from .branch import Branch, BranchError, Recording, check_branch, run_agent
from .debugger import FILTERS, MAIN, Debugger, SessionEnded, TurnFrame
from .launch import LaunchError, LaunchSpec, parse_launch
from .protocol import ProtocolError, Writer, read_message
from .values import EffectRefused, References, evaluate_pure, short

MESSAGE_NAME = re.compile(r"msg-\d+")  # messages received as (def msg-N {...})

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
    "supportsStepBack": True,
    "supportsDataBreakpoints": True,
    "supportsBreakpointLocationsRequest": True,
    "supportsRestartFrame": True,
    "supportsSetExpression": True,
    "supportsExceptionInfoRequest": True,
    "exceptionBreakpointFilters": [
        {"filter": name, "label": label, "default": name == "uncaught"}
        for name, label in FILTERS.items()],
}


EFFECT_RESULT = re.compile(r"\(effect-result (\d+) (\d+)\)")  # evaluateName of a result


class RequestError(Exception):
    """A request that cannot be answered; becomes an error response."""


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
        self.debugger = Debugger(self.writer.event)
        self.debugger.filters = {"uncaught"}
        self.run_thread: threading.Thread | None = None
        self.refs = References()
        self.frames: dict[int, tuple[TurnFrame, Any]] = {}
        self.done = threading.Event()
        self.journal: str | None = None    # the journal of the run being debugged
        self.client: dict = {}              # the client's initialize arguments
        self.python: tuple[str, int] | None = None   # debugpy's endpoint, once listening

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
        except (LaunchError, RequestError) as e:
            self.writer.error(request, str(e))
        except (KeyError, TypeError, ValueError) as e:
            self.writer.error(request, f"{command}: bad arguments: {e}")
        except Exception as e:  # a bug of ours answers the request; the session goes on
            self.writer.error(request, f"{command}: internal error: {type(e).__name__}: {e}")

    # -- lifecycle ------------------------------------------------------------------------

    def on_initialize(self, request: dict, args: dict) -> None:
        self.client = args
        self.writer.response(request, CAPABILITIES)
        self.writer.event("initialized")

    def on_launch(self, request: dict, args: dict) -> None:
        spec = parse_launch(args)
        if spec.debug_python and not self.client.get("supportsStartDebuggingRequest"):
            raise LaunchError("launch attribute 'debugPython' needs a client that supports "
                              "the startDebugging request (a Python child session)")
        self.spec = spec
        self.debugger.launch(spec.program, spec.source, spec.stop_on_entry)
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
        if self.spec.debug_python:
            self.debug_python()
        self.start_thread(None)

    def debug_python(self) -> None:
        """Listen with debugpy in this process (the run thread is then debuggable) and ask
        the client to attach a Python child session; the run waits for it."""
        import debugpy
        if self.python is None:
            self.python = debugpy.listen(("127.0.0.1", 0))
        host, port = self.python
        self.writer.event("output", {"category": "console",
                                     "output": f"debugpy listening on {host}:{port}\n"})
        self.writer.send({"type": "request", "command": "startDebugging", "arguments": {
            "request": "attach", "configuration": {
                "type": "debugpy", "request": "attach", "name": "Spell: Python namespaces",
                "connect": {"host": host, "port": port}, "justMyCode": False}}})

    def start_thread(self, branch: Branch | None) -> None:
        self.run_thread = threading.Thread(target=self.run, args=(branch,),
                                           name="spell-dap-run", daemon=True)
        self.run_thread.start()

    def journal_opened(self, path: str, branch: Branch | None) -> None:
        self.journal = path
        if branch is None:
            self.writer.event("spell/run", {"journal": path})
        else:
            self.writer.event("spell/branch", {"journal": path, "parent": branch.journal,
                                               "turn": branch.turn,
                                               "change": branch.describe()})

    def run(self, branch: Branch | None) -> None:
        """The agent run (on its own thread); ends the session when the run ends."""
        from ..harness.config import ConfigError
        from ..harness.events import EventBus
        from ..harness.progress import Progress
        bus = EventBus()
        bus.subscribe(Progress(ProgressOut(self.writer), color=False))
        bus.subscribe(self.debugger, forms=True)
        code = 0
        try:
            spec = self.spec
            if spec.debug_python and branch is None:
                import debugpy
                debugpy.wait_for_client()  # cancelled when the session ends first
                if self.debugger.ended:
                    return
            result = run_agent(spec, bus, branch, lambda p: self.journal_opened(p, branch))
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
        except Exception as e:  # a bug of ours must still end the session for the client
            code = 4
            self.writer.event("output", {"category": "stderr",
                                         "output": f"internal error: {type(e).__name__}: {e}\n"})
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
        self.debugger.end()
        if self.run_thread is None:
            return
        deadline = time.monotonic() + 5
        while self.run_thread.is_alive() and time.monotonic() < deadline:
            if self.python is not None:
                cancel_python_wait()
            self.run_thread.join(timeout=0.05)

    def shutdown(self) -> None:
        self.end_run()
        self.writer.closed = True

    # -- configuration --------------------------------------------------------------------

    def on_setExceptionBreakpoints(self, request: dict, args: dict) -> None:
        filters = [f for f in args.get("filters", []) if f in FILTERS]
        self.debugger.filters = set(filters)
        self.writer.response(request, {"breakpoints": [{"verified": True} for _ in filters]})

    def on_setBreakpoints(self, request: dict, args: dict) -> None:
        specs = args.get("breakpoints") or [{"line": n} for n in args.get("lines", [])]
        answers = self.debugger.set_line_breakpoints(args["source"], specs)
        self.writer.response(request, {"breakpoints": answers})

    def on_breakpointLocations(self, request: dict, args: dict) -> None:
        found = self.debugger.breakpoint_locations(args["source"], args["line"])
        self.writer.response(request, {"breakpoints": found})

    def on_setFunctionBreakpoints(self, request: dict, args: dict) -> None:
        answers = self.debugger.set_function_breakpoints(args.get("breakpoints", []))
        self.writer.response(request, {"breakpoints": answers})

    def on_dataBreakpointInfo(self, request: dict, args: dict) -> None:
        name = args["name"]
        self.writer.response(request, {"dataId": name, "accessTypes": ["write"],
                                       "description": f"when a form defines {name}"})

    def on_setDataBreakpoints(self, request: dict, args: dict) -> None:
        answers = self.debugger.set_data_breakpoints(args.get("breakpoints", []))
        self.writer.response(request, {"breakpoints": answers})

    # -- execution control ----------------------------------------------------------------

    def resume(self, request: dict, step: str | None, body: dict | None = None) -> None:
        """Run on (or step); while looking back in time a step moves the view forward."""
        self.refs.clear()
        self.frames.clear()
        self.writer.response(request, body)
        dbg = self.debugger
        if step is not None and (dbg.view is not None or dbg.form_view is not None):
            self.travelled(dbg.step_forward())
        else:
            self.debugger.resume(step)

    def travelled(self, description: str) -> None:
        """The client's view moved in recorded history: a fresh stop there."""
        self.refs.clear()
        self.frames.clear()
        self.debugger.last_exception = None
        self.writer.event("stopped", {"reason": "step", "threadId": 1,
                                      "allThreadsStopped": True, "description": description})

    # -- branches: restart a turn, fork from it -------------------------------------------

    def branch(self, branch: Branch, turn: int, why: str) -> None:
        """End the current run (its journal closes as it is) and run `branch` of it,
        stopping when turn `turn` starts."""
        self.end_run()
        self.refs.clear()
        self.frames.clear()
        self.debugger.reset((MAIN, turn, why))
        self.start_thread(branch)

    def frame_turn(self, args: dict) -> TurnFrame:
        """The turn of the paused frame `frameId`: its recorded run can branch."""
        self.need_paused()
        if not self.frames:
            self.stack()
        found = self.frames.get(args.get("frameId"))
        if found is None:
            raise RequestError(f"unknown frame {args.get('frameId')}")
        turn = found[0]
        if turn.version.handle != MAIN:
            raise RequestError("only turns of :main can be restarted or forked")
        return turn

    def fork_checked(self, branch: Branch) -> Branch:
        try:
            check_branch(branch, Recording(branch.journal))
        except BranchError as e:
            raise RequestError(str(e)) from None
        return branch

    def on_restartFrame(self, request: dict, args: dict) -> None:
        turn = self.frame_turn(args).version.turn
        self.writer.response(request)
        self.branch(Branch(self.journal), turn, f"turn {turn} restarted from the journal")

    def on_spell_fork(self, request: dict, args: dict) -> None:
        """Fork at `turn` with a new `program` text or a new `effect` {seq, result}."""
        self.need_paused()
        turn, program, effect = args["turn"], args.get("program"), args.get("effect")
        if not isinstance(turn, int) or (program is None) == (effect is None):
            raise RequestError("spell/fork needs a turn number and one of 'program' or "
                               "'effect' {seq, result}")
        branch = Branch(self.journal, turn, program) if program is not None else \
            Branch(self.journal, turn, seq=int(effect["seq"]), result=str(effect["result"]))
        self.fork(request, self.fork_checked(branch), {})

    def fork(self, request: dict, branch: Branch, body: dict) -> None:
        self.writer.response(request, body)
        self.branch(branch, branch.turn, f"new branch: {branch.describe()}")

    def on_setExpression(self, request: dict, args: dict) -> None:
        """Fork from the frame's turn with a binding's `def` or an effect result changed."""
        turn = self.frame_turn(args)
        expression, value = args["expression"].strip(), args["value"]
        effect = EFFECT_RESULT.fullmatch(expression)
        if effect:
            branch = Branch(self.journal, int(effect.group(1)), seq=int(effect.group(2)),
                            result=value)
        else:
            prefix = Recording(self.journal).prefixes.get((MAIN, turn.version.turn)) or ""
            branch = Branch(self.journal, turn.version.turn,
                            program=redefined(turn, expression, value, len(prefix)))
        self.fork(request, self.fork_checked(branch), {"value": short(value)})

    def on_stepBack(self, request: dict, args: dict) -> None:
        self.need_paused()
        self.writer.response(request)
        self.travelled(self.debugger.step_back())

    def on_reverseContinue(self, request: dict, args: dict) -> None:
        self.need_paused()
        self.writer.response(request)
        self.travelled(self.debugger.reverse_continue())

    def need_paused(self) -> None:
        if not self.debugger.paused:
            raise RequestError("the agent is running: pause it before going back in time")

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
        self.debugger.request_pause()

    # -- threads, stack, sources ----------------------------------------------------------

    def on_threads(self, request: dict, args: dict) -> None:
        threads = self.debugger.threads or {MAIN: 1}  # :main before its first turn
        self.writer.response(request, {"threads": [
            {"id": tid, "name": f"agent {handle}"} for handle, tid in threads.items()]})

    def stack(self) -> list[tuple[TurnFrame, Any, bool]]:
        """(turn, form frame or None, active) innermost first: forms of each active turn,
        its turn frame, then ended turns newest first. Frame ids are positions here."""
        active, ended = self.debugger.visible()
        entries = [(turn, f, True) for turn in reversed(active)
                   for f in [*reversed(turn.forms), None]]
        entries += [(turn, None, False) for turn in reversed(ended)]
        self.frames = {i + 1: (turn, f) for i, (turn, f, _) in enumerate(entries)}
        return entries

    def form_frame(self, frame_id: int, turn: TurnFrame, form_frame: Any) -> dict[str, Any]:
        syntax = getattr(form_frame.form, "syntax", None)
        if syntax is None:  # generated code: show where its nearest written form is
            written = [f for f in turn.forms if f.depth < form_frame.depth
                       and getattr(f.form, "syntax", None) is not None]
            syntax = written[-1].form.syntax if written else None
        line, column = turn.version.line_of(syntax.start) if syntax else (1, 1)
        frame = {"id": frame_id, "name": short(pr(form_frame.form), 60),
                 "source": turn.version.source(), "line": line, "column": column}
        if getattr(form_frame.form, "syntax", None) is None:
            frame["presentationHint"] = "subtle"
        return frame

    def turn_frame(self, frame_id: int, turn: TurnFrame, active: bool) -> dict[str, Any]:
        v = turn.version
        entry = turn.entry_offset()
        line, column = v.line_of(entry) if entry is not None else (1, 1)
        frame = {"id": frame_id, "name": f"turn {v.turn} of {v.handle}",
                 "source": v.source(), "line": line, "column": column,
                 "canRestart": v.handle == MAIN}
        if not active:
            frame["presentationHint"] = "subtle"
        return frame

    def on_stackTrace(self, request: dict, args: dict) -> None:
        """The requested window of frames (only those are rendered)."""
        entries = self.stack()
        start = args.get("startFrame", 0)
        levels = args.get("levels") or len(entries)
        frames = [self.form_frame(i + 1, turn, f) if f is not None
                  else self.turn_frame(i + 1, turn, active)
                  for i, (turn, f, active) in enumerate(entries[start:start + levels], start)]
        self.writer.response(request, {"stackFrames": frames, "totalFrames": len(entries)})

    def on_source(self, request: dict, args: dict) -> None:
        ref = args.get("sourceReference") or (args.get("source") or {}).get("sourceReference")
        version = self.debugger.versions.get(ref)
        if version is None:
            raise RequestError(f"unknown source reference {ref}")
        self.writer.response(request, {"content": version.text, "mimeType": "text/x-spell"})

    def on_loadedSources(self, request: dict, args: dict) -> None:
        dbg = self.debugger
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

    def on_exceptionInfo(self, request: dict, args: dict) -> None:
        """What the last filter stop (self-edit, effect, model call, error) is about."""
        stopped = self.debugger.last_exception
        if stopped is None:
            raise RequestError("the run is not stopped by an exception filter")
        name, description, text = stopped
        self.writer.response(request, {
            "exceptionId": FILTERS[name], "description": description, "breakMode": "always",
            "details": {"message": description, "stackTrace": text}})

    def on_scopes(self, request: dict, args: dict) -> None:
        found = self.frames.get(args.get("frameId"))
        if found is None:  # a frame of an earlier stop (clients may still ask for it)
            self.writer.response(request, {"scopes": []})
            return
        turn, form_frame = found
        scope = form_frame.scope if form_frame is not None else turn.scope
        dbg = self.debugger
        bindings = {s.name if hasattr(s, "name") else str(s): v for s, v in scope.items()}
        named = lambda: [dict(self.refs.variable(k, v), evaluateName=k)
                         for k, v in sorted(bindings.items())]
        effects = dbg.effects if dbg.view is None else [
            r for r in dbg.effects if r["turn"] <= turn.version.turn]
        messages = {k: v for k, v in bindings.items() if MESSAGE_NAME.fullmatch(k)}
        scopes = [
            ("Bindings", "locals", named, len(bindings)),
            ("Program", None, lambda: self.program_items(turn), None),
            ("Effects", None, lambda: [self.effect_item(r) for r in effects], len(effects)),
            ("Messages", None, lambda: [dict(self.refs.variable(k, v), evaluateName=k)
                                        for k, v in sorted(messages.items())], len(messages)),
            # the run-wide globals store arrives with the multi-agent runtime's globals/
            ("Globals", None, lambda: [], 0),
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
        forms = turn.version.forms
        return [{"name": f"{i} {'trailing (live)' if i == len(forms) - 1 else 'inert'}",
                 "value": short(pr(form)), "variablesReference": 0,
                 "presentationHint": {"kind": "data"}} for i, form in enumerate(forms)]

    def effect_item(self, record: dict) -> dict:
        name = f"#{record['seq']} {record['fn']} ({record['handle']} turn {record['turn']})"
        shown = f"error: {record['error']}" if record.get("error") else \
            short(pr(record.get("result"))) if "result" in record else "(running)"
        fields = dict(record)
        where = f"(effect-result {record['turn']} {record['seq']})"

        def children() -> list:
            return [dict(self.refs.variable(k, v), evaluateName=where) if k == "result"
                    else (k, v) for k, v in fields.items()]
        return {"name": name, "value": shown, "variablesReference": self.refs.add(children),
                "namedVariables": len(fields)}

    def run_items(self, turn: TurnFrame) -> list[tuple[str, Any]]:
        dbg = self.debugger
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
            named = EFFECT_RESULT.fullmatch(args["expression"].strip())
            value = self.effect_result(named) if named else evaluate_pure(
                args["expression"], scope)
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

    def effect_result(self, found: re.Match) -> Any:
        """The recorded result `(effect-result TURN SEQ)` names (the evaluateName of an
        effect's result)."""
        turn, seq = int(found.group(1)), int(found.group(2))
        record = next((r for r in self.debugger.effects if r["handle"] == MAIN and
                       (r["turn"], r["seq"]) == (turn, seq)), None)
        if record is None or "result" not in record:
            raise RequestError(f"no recorded result of effect {seq} in turn {turn}")
        return record["result"]

    def on_spell_programDiff(self, request: dict, args: dict) -> None:
        """Program before/after of the last self-edit (or of the given turn's)."""
        turn = args.get("turn")
        edits = [e for e in self.debugger.edits if turn is None or e.turn == turn]
        if not edits:
            raise RequestError("no self-edit recorded" + (f" in turn {turn}" if turn else ""))
        e = edits[-1]
        self.writer.response(request, {"handle": e.handle, "turn": e.turn, "kind": e.kind,
                                       "before": e.before, "after": e.after})


def cancel_python_wait() -> None:
    """Wake a run waiting for the Python session; before the wait has begun debugpy
    refuses (RuntimeError), and the caller simply tries again."""
    import debugpy
    try:
        debugpy.wait_for_client.cancel()
    except RuntimeError:
        pass


def redefined(turn: TurnFrame, name: str, value: str, prefix: int) -> str:
    """The turn's program with `name` bound to `value`: its top-level `(def NAME ...)` in
    the model's completion (after the first `prefix` characters) is replaced, else
    `(def NAME VALUE)` is inserted where the completion starts (the prefix, history the
    model continued, stays as it was)."""
    from ..syntax.values import Symbol
    text, forms = turn.version.text, turn.version.forms
    written = [f for f in forms if getattr(f, "syntax", None) is not None]
    if not written or Symbol(name) not in turn.scope:
        raise RequestError(f"{name} is not a binding of turn {turn.version.turn}")
    definition = f"(def {name} {value})"
    for form in written:
        if form.syntax.start >= prefix and len(form) == 3 and form[0] == Symbol("def") \
                and form[1] == Symbol(name):
            return text[:form.syntax.start] + definition + text[form.syntax.end:]
    at = prefix or written[0].syntax.start
    return text[:at] + definition + " " + text[at:]


def serve_stdio() -> int:
    """Run one debug session on this process's stdin/stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol stream
    adapter = Adapter(sys.stdin.buffer, out)
    code = adapter.serve()
    # a run stuck in a model call or a tool cannot be interrupted, and debugpy's exit
    # hooks wait for its session: leave anyway
    if adapter.python is not None or any(t.is_alive() and not t.daemon
                                         for t in threading.enumerate()
                                         if t is not threading.main_thread()):
        sys.stderr.flush()
        os._exit(code)
    return code
