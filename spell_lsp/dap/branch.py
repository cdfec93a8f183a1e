"""Runs for the debugger, and branches of a recorded run (restart a turn, fork from it).

A branch re-runs the agent from turn 0 with a new journal: up to its fork point every
model answer and effect result is served from the original journal (nothing is called),
the changed turn takes the new program text or effect result, and after the fork point
the launch's model and the real effects run. The original journal is only read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..harness.transports.base import Response, TransportError
from ..lang.errors import BuiltinError, FatalError
from ..lang.table import Builtin
from ..syntax.values import SMap

MAIN = ":main"


class BranchError(Exception):
    """A fork that cannot be made (unknown turn or effect, bad text); names the problem."""


@dataclass
class Branch:
    """Where a new branch leaves the recorded run `journal` and what it changes.

    `turn` None restarts: everything recorded is served. Otherwise the recording is served
    up to `turn` of :main, whose program text (`program`) or effect `seq` result
    (`result`, a Spell literal) is replaced; later turns run live."""

    journal: str
    turn: int | None = None
    program: str | None = None
    seq: int | None = None
    result: str | None = None

    def describe(self) -> str:
        if self.turn is None:
            return "restart from the journal"
        change = "new program text" if self.program is not None else \
            f"effect {self.seq} returns {self.result}"
        return f"fork at turn {self.turn}: {change}"


class Recording:
    """The model answers, effects and turn prefixes of a journal, by handle and turn."""

    def __init__(self, path: str) -> None:
        from ..harness.journal import JournalReader
        from ..harness.transports.replay import ReplayTransport, journal_calls
        self.replay = ReplayTransport(journal_calls(path))
        reader = JournalReader(path)
        self.effects = {(r["handle"], r["turn"], r["seq"]): r for r in reader.of_type("effect")}
        self.turns = {(r["handle"], r["turn"]): r for r in reader.of_type("turn")}
        self.prefixes = {key: reader.text(r, "prefix") for key, r in self.turns.items()}
        self.programs = {key: reader.program_text(r) for key, r in self.turns.items()}


def check_branch(branch: Branch, recording: Recording) -> None:
    """Raise BranchError unless the fork point and its change fit the recording."""
    from ..syntax.lower import ReaderError, read_one
    key = (MAIN, branch.turn)
    if key not in recording.turns:
        raise BranchError(f"turn {branch.turn} of :main is not in the journal")
    if branch.program is not None:
        prefix = recording.prefixes.get(key) or ""
        if branch.turn > 0 and not branch.program.startswith(prefix):
            raise BranchError(f"the new program of turn {branch.turn} must keep the text the "
                              f"model continued (its first {len(prefix)} characters); only "
                              "the completion can change")
    if branch.seq is not None:
        if (MAIN, branch.turn, branch.seq) not in recording.effects:
            raise BranchError(f"turn {branch.turn} has no recorded effect {branch.seq}")
        try:
            read_one(branch.result)
        except ReaderError as e:
            raise BranchError(f"the new result is not a Spell value: {e}") from None


class BranchTransport:
    """Model answers: recorded ones up to the fork point, the launch's model after it. A
    scripted model skips the entries the served turns would have used, so turn N of the
    branch gets the script's answer for turn N (the script's remaining entries)."""

    def __init__(self, branch: Branch, recording: Recording, live: Any) -> None:
        self.branch = branch
        self.recording = recording
        self.live = live
        self.name = live.name
        self.model = live.model
        self.prefill = live.prefill
        self.forked = False

    def served(self, handle: str, turn: int) -> bool:
        if (handle, turn) not in self.recording.replay.turns:
            return False  # past the end of the recording
        return self.branch.turn is None or turn <= self.branch.turn

    def complete(self, handle: str, turn: int, prefix: str, system: str) -> Response:
        if not self.served(handle, turn):
            self.forked = True
            return self.live.complete(handle, turn, prefix, system)
        response = self.recording.replay.complete(handle, turn, prefix, system)
        self.skip(lambda: self.live.complete(handle, turn, prefix, system))
        if self.branch.program is not None and turn == self.branch.turn:
            self.forked = True
            return Response(self.branch.program[len(prefix):], response.usage)
        return response

    def complete_leaf(self, prompt: str) -> Response:
        if not self.forked:
            try:
                response = self.recording.replay.complete_leaf(prompt)
            except TransportError:
                pass
            else:
                self.skip(lambda: self.live.complete_leaf(prompt))
                return response
        return self.live.complete_leaf(prompt)

    def skip(self, call: Callable[[], Response]) -> None:
        """Use up the scripted answer a served call stands for (never call a paid model)."""
        if self.live.name == "scripted":
            try:
                call()
            except TransportError:
                pass  # a shorter script simply has nothing left to skip


class BranchEffects:
    """Effect namespaces whose calls up to the fork point answer from the recording."""

    def __init__(self, branch: Branch, recording: Recording) -> None:
        self.branch = branch
        self.recording = recording

    def wrap_all(self, namespaces: dict[str, Any]) -> dict[str, Any]:
        return {name: SMap((k, self.wrap(v) if type(v) is Builtin else v)
                           for k, v in ns.items()) if isinstance(ns, SMap) else ns
                for name, ns in namespaces.items()}

    def wrap(self, inner: Builtin) -> Builtin:
        def effect(rt: Any, *args: Any) -> Any:
            hook = rt.ctx.agent  # the harness's turn hook: handle, turn, effect count
            found = self.recorded(hook.handle, hook.turn, hook.recorder.count, inner.name, args)
            if found is None:
                return inner.fn(rt, *args) if inner.takes_rt else inner.fn(*args)
            if found.get("error") is not None:
                raise BuiltinError(found["error"])
            return literal(rt, found["result"])
        return Builtin(inner.name, effect, inner.arity, True)

    def recorded(self, handle: str, turn: int, seq: int, fn: str, args: tuple) -> dict | None:
        """The record answering this call (its result possibly replaced), None to run it."""
        from ..lang.edits import serialize
        b = self.branch
        if b.turn is not None and (turn > b.turn or (turn == b.turn and (
                b.program is not None or seq > b.seq))):
            return None
        record = self.recording.effects.get((handle, turn, seq))
        if record is None:
            return None  # past the end of the recording
        literal_args = [serialize(a, -1) for a in args]
        if record.get("fn") != fn or record.get("args") != literal_args:
            raise FatalError(f"branch diverged: {handle} turn {turn} effect {seq}: recorded "
                             f"{record.get('fn')} {record.get('args')}, got {fn} {literal_args}")
        if b.turn == turn and b.seq == seq:
            return dict(record, result=b.result, error=None)
        return record


def literal(rt: Any, text: str) -> Any:
    """The value of a journaled literal (value-store references resolve in this run)."""
    from ..lang.context import Context
    from ..lang.core import evaluate_program
    from ..syntax.lower import read_one
    return evaluate_program(read_one(text), Context(run=rt.ctx.run))


def run_agent(spec: Any, bus: Any, branch: Branch | None,
              on_journal: Callable[[str], None]) -> Any:
    """`start_run` for the debugger: its journal path told to `on_journal` before turn 0,
    and (for a branch) the recorded answers and effects served up to the fork."""
    from ..harness.session import start_run

    def serve_branch(parts: Any) -> Any:
        recording = Recording(branch.journal)
        parts.transport = BranchTransport(branch, recording, parts.transport)
        parts.namespaces = BranchEffects(branch, recording).wrap_all(parts.namespaces)
        parts.replay_effects = None  # the branch serves recorded effects itself
        if branch.program is not None and branch.turn == 0:
            parts.source = branch.program
        parts.options = dict(parts.options, branch={"of": branch.journal, "turn": branch.turn,
                                                    "change": branch.describe()})
        return parts

    return start_run(spec.source, spec.config, spec.model, bus=bus, program=spec.program,
                     customize=serve_branch if branch is not None else None,
                     on_journal=on_journal)
