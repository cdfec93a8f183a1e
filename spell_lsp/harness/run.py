"""The turn loop (spec 7.3): a run evaluates the program, hands tail self-calls to the
model iteratively (D7), nests forks, recovers from errors, journals everything (D6) and
emits plain events for tools. One `Run` per run; `run_program` is the entry point."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..lang import FatalError, SpellError
from ..lang.context import Context, Limits, RunState
from ..lang.core import ProgramCache, evaluate_program, run_deep
from ..lang.edits import ValueStore, emit, prefix_for, serialize_prefix
from ..lang.errors import BuiltinError
from ..lang.evaluator import TAIL, TurnSignal
from ..syntax.extend import extend_program, wrapper_nodes
from ..syntax.reader import is_form
from ..syntax.lenient import read_lenient
from ..syntax.lower import ReaderError
from . import events as ev
from .config import RunConfig
from .effects import EffectRecorder
from .initial import initial_program
from .recovery import RecoveryLimit, namespace_fixup, quine_recovery_program, reader_recovery_text
from .transports.base import Response, Transport, TransportError

EXIT_OK, EXIT_SPELL_ERROR, EXIT_CONFIG, EXIT_BUDGET, EXIT_FATAL = 0, 1, 2, 3, 4
MAIN = ":main"
FORK_FAILED = "Function call failed: !llm-self: "


class TailTurn(TurnSignal):
    """A turn-producing call in tail position: unwind to the loop with the next prefix."""

    def __init__(self, prefix: str) -> None:
        super().__init__("tail turn")
        self.prefix = prefix


class BudgetExceeded(FatalError):
    """A run budget (turns, dollars, tokens, wall time) is spent."""


@dataclass
class Counters:
    """Per-chain counters: recovery attempts and fork depth (copied into forks)."""

    recoveries: int = 0
    fork_depth: int = 0


@dataclass
class RunResult:
    value: Any = None
    error: str | None = None
    fatal: bool = False
    exit_code: int = EXIT_OK
    run_id: str = ""
    journal: str = ""
    model_turns: int = 0
    cost_usd: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Spend:
    """What the run has used so far, checked against the profile's budgets."""

    model_turns: int = 0
    cost_usd: float = 0.0
    tokens: int = 0
    started: float = field(default_factory=time.monotonic)


class AgentHook:
    """`ctx.agent` for one evaluation: turn-producing effects call back into the run."""

    def __init__(self, run: "Run", handle: str, turn: int, counters: Counters,
                 recorder: EffectRecorder) -> None:
        self.run = run
        self.handle = handle
        self.turn = turn
        self.counters = counters
        self.recorder = recorder

    def llm_self(self, rt: Any, p: Any) -> Any:
        prefix = prefix_for(p, rt.scope)
        if rt.flags & TAIL:
            raise TailTurn(prefix)
        return self.run.fork(self.handle, prefix, self.counters)

    def leaf_llm(self, rt: Any, prompt: Any) -> Any:
        return self.recorder.leaf_call(rt, prompt)

    def ask_await(self, rt: Any, fut: Any) -> Any:
        raise BuiltinError("!ask-await needs the multi-agent runtime, which this run "
                           "does not have")


class Run:
    """One run: transport, journal, store, budgets, and the chains of its agents."""

    def __init__(self, config: RunConfig, transport: Transport, *, journal: Any,
                 bus: ev.EventBus | None = None, system_prompt: str = "",
                 effect_namespaces: dict[str, Any] | None = None,
                 replay_effects: list[dict] | None = None, incremental: bool = True) -> None:
        self.config = config
        self.profile = config.profile
        self.transport = transport
        self.journal = journal
        self.bus = bus or ev.EventBus()
        self.system = system_prompt
        self.store = ValueStore(on_put=self.journal.store)
        self.state = RunState(store=self.store)
        self.turns: dict[str, int] = {}
        self.spend = Spend()
        self.recorder_factory = lambda handle, turn: EffectRecorder(
            self, handle, turn, replay_effects)
        self.raw_namespaces = effect_namespaces or {}
        self.incremental = incremental
        self.caches: dict[tuple[str, int], ProgramCache] = {}
        self.programs: dict[tuple[str, int], Any] = {}  # last program read per chain

    # -- journal helpers -----------------------------------------------------------------

    def literal_value(self, text: str) -> Any:
        """The value of a journaled value literal (`serialize(v, -1)` text)."""
        from ..syntax.lower import read_one
        ctx = Context(run=self.state)
        return evaluate_program(read_one(text), ctx)

    # -- chains --------------------------------------------------------------------------

    def run_main(self, source: str) -> Any:
        """Turn 0 of :main from the source text, then the whole chain."""
        text = initial_program(source)
        return self.chain(MAIN, text=text, kind="initial", counters=Counters())

    def fork(self, handle: str, prefix: str, counters: Counters) -> Any:
        """A non-tail self-call: a nested chain on the same handle (D7)."""
        depth = counters.fork_depth + 1
        if depth > self.profile.max_fork_depth:
            raise FatalError("LLM recursion limit exceeded")
        nested = Counters(recoveries=counters.recoveries, fork_depth=depth)
        try:
            return self.chain(handle, prefix=prefix, kind="fork", counters=nested)
        except SpellError as e:  # the fork failed for good (recovery off): spec 7.6.4
            if e.message.startswith(FORK_FAILED):
                raise  # reported once however deep the forks nest (D7)
            raise e.rewrapped(FORK_FAILED) from None

    def chain(self, handle: str, *, counters: Counters, kind: str, text: str | None = None,
              prefix: str | None = None) -> Any:
        """Run one chain until a turn ends without a self-call; returns its value."""
        turn = self.turns.get(handle, 0)
        if prefix is not None:
            turn, text = self.model_turn(handle, prefix)
        while True:
            outcome = self.evaluate_turn(handle, turn, text, kind, counters, prefix)
            if not isinstance(outcome, TailTurn):
                return outcome
            prefix = outcome.prefix
            turn, text = self.model_turn(handle, prefix)
            kind = "self-call"

    def evaluate_turn(self, handle: str, turn: int, text: str, kind: str,
                      counters: Counters, prefix: str | None) -> Any:
        """Read and evaluate one completion text (with recovery); a value or a TailTurn."""
        self.bus.emit(ev.TurnStarted(handle, turn, kind, text))
        key = (handle, counters.fork_depth)
        try:
            result = self.read_turn(key, text)
        except ReaderError as e:
            self.journal.turn(handle=handle, turn=turn, kind=kind, program=text, prefix=prefix)
            return self.reader_recovery(handle, turn, text, e, counters)
        self.journal.turn(handle=handle, turn=turn, kind=kind, program=result.text,
                          prefix=prefix, warnings=result.warnings)
        return self.evaluate_with_recovery(handle, turn, result.form, result.text, counters)

    def read_turn(self, key: tuple[str, int], text: str) -> Any:
        """The lenient read of a completion; only the new end when the program grew."""
        previous = self.programs.get(key) if self.incremental else None
        result = extend_program(previous, text) if previous is not None else None
        if result is None:
            result = read_lenient(text)
        self.programs[key] = result.form
        return result

    def evaluate_with_recovery(self, handle: str, turn: int, program: Any, text: str,
                               counters: Counters) -> Any:
        cache = self.caches.setdefault((handle, counters.fork_depth), ProgramCache()) \
            if self.incremental and not self.config.unsafe_upstream_eval else None
        outcome, error, effects_ran = self.evaluate_once(handle, turn, program, counters, cache)
        if error is None:
            return self.finish_turn(handle, turn, program, text, outcome)
        if not self.profile.recover:
            raise error
        fixed = namespace_fixup(program, error, self.namespace_names(), effects_ran)
        if fixed is not None:
            self.note_recovery(handle, turn, "namespace", error, counters.recoveries)
            outcome, fix_error, _ = self.evaluate_once(handle, turn, fixed, counters)
            if fix_error is None:
                return self.finish_turn(handle, turn, fixed, emit(fixed), outcome)
        return self.eval_recovery(handle, turn, program, error, counters)

    def evaluate_once(self, handle: str, turn: int, program: Any, counters: Counters,
                      cache: ProgramCache | None = None) -> tuple[Any, SpellError | None, bool]:
        """(value or TailTurn, Spell error, whether an effect ran)."""
        recorder = self.recorder_factory(handle, turn)
        ctx = Context(run=self.state, limits=Limits(),
                      effect_namespaces=recorder.wrap_namespaces(self.raw_namespaces),
                      unsafe_upstream_eval=self.config.unsafe_upstream_eval,
                      agent=AgentHook(self, handle, turn, counters, recorder))
        if self.bus.wants_forms:
            ctx.on_form = lambda interp, form, scope: self.bus.emit(
                ev.FormEvaluating(handle, turn, form, scope, interp.depth))
        try:
            return evaluate_program(program, ctx, cache), None, recorder.count > 0
        except TailTurn as tail:
            return tail, None, recorder.count > 0
        except SpellError as e:
            return None, e, recorder.count > 0

    def finish_turn(self, handle: str, turn: int, program: Any, text: str,
                    outcome: Any) -> Any:
        if isinstance(outcome, TailTurn):
            self.note_self_edit(handle, turn, program, text, outcome.prefix)
            self.bus.emit(ev.TurnEnded(handle, turn, "self-call"))
            return outcome
        self.bus.emit(ev.TurnEnded(handle, turn, "value", outcome))
        return outcome

    def note_self_edit(self, handle: str, turn: int, program: Any, text: str,
                       prefix: str) -> None:
        """Journal and announce how the program changed on its way to the next prefix."""
        base = open_prefix(program, text)
        if prefix.startswith(base) and base:
            kind, before, after = "extend", base, prefix
        else:
            kind, before, after = "rewrite", text, prefix
        if kind == "extend" and len(prefix) == len(base):
            return
        self.journal.edit(handle=handle, turn=turn, kind=kind, before=before, after=after)
        self.bus.emit(ev.SelfEdit(handle, turn, kind, before, after))

    # -- recovery (spec 7.6) -------------------------------------------------------------

    def namespace_names(self) -> dict[str, Any]:
        from ..lang.table import CORE_NAMESPACES
        names = dict(CORE_NAMESPACES)
        names.update(self.raw_namespaces)
        return names

    def note_recovery(self, handle: str, turn: int, kind: str, error: Any, count: int) -> None:
        message = error if isinstance(error, str) else error.message
        self.journal.recovery(handle=handle, turn=turn, kind=kind, error=message, count=count)
        self.bus.emit(ev.ErrorRecovered(handle, turn, kind, message, count))

    def spend_recovery(self, counters: Counters, what: str) -> None:
        if counters.recoveries >= 2:
            raise RecoveryLimit(f"Recovery limit exceeded: 2 while handling {what}")
        counters.recoveries += 1

    def eval_recovery(self, handle: str, turn: int, program: Any, error: SpellError,
                      counters: Counters) -> Any:
        self.spend_recovery(counters, "eval error")
        self.note_recovery(handle, turn, "eval", error, counters.recoveries)
        recovered = quine_recovery_program(program, error)
        text = emit(recovered)
        self.bus.emit(ev.SelfEdit(handle, turn, "recovery", emit(program), text))
        outcome, second, _ = self.evaluate_once(handle, turn, recovered, counters)
        if second is not None:
            return self.eval_recovery(handle, turn, recovered, second, counters)
        return self.finish_turn(handle, turn, recovered, text, outcome)

    def reader_recovery(self, handle: str, turn: int, text: str, error: ReaderError,
                        counters: Counters) -> Any:
        self.spend_recovery(counters, "reader error")
        self.note_recovery(handle, turn, "reader", f"Reader error: {error.message}",
                           counters.recoveries)
        program_text = reader_recovery_text(text, error.message)
        self.bus.emit(ev.SelfEdit(handle, turn, "recovery", text, program_text))
        program = read_lenient(program_text).form
        return self.evaluate_with_recovery(handle, turn, program, program_text, counters)

    # -- model calls ---------------------------------------------------------------------

    def check_budgets(self) -> None:
        p = self.profile
        s = self.spend
        if p.max_turns is not None and s.model_turns >= p.max_turns:
            raise BudgetExceeded(f"Turn limit exceeded: {p.max_turns}")
        if p.budget_usd is not None and s.cost_usd >= p.budget_usd:
            raise BudgetExceeded(f"Budget exceeded: spent ${s.cost_usd:.4f} of "
                                 f"${p.budget_usd:.2f}")
        if p.max_total_tokens is not None and s.tokens >= p.max_total_tokens:
            raise BudgetExceeded(f"Token budget exceeded: used {s.tokens} of "
                                 f"{p.max_total_tokens}")
        if p.max_seconds is not None and time.monotonic() - s.started >= p.max_seconds:
            raise BudgetExceeded(f"Time budget exceeded: {p.max_seconds:g} s")

    def call_transport(self, call: Callable[[], Response]) -> Response:
        try:
            return call()
        except TransportError as e:
            message = str(e)
            raise FatalError(message if message.startswith(("scripted transport", "replay",
                                                           "transport error"))
                             else f"transport error: {message}") from None

    def account(self, response: Response) -> None:
        u = response.usage
        self.spend.cost_usd += u.cost_usd
        self.spend.tokens += (u.input_tokens + u.cache_read_tokens + u.cache_write_tokens
                              + u.output_tokens)

    def model_turn(self, handle: str, prefix: str) -> tuple[int, str]:
        """Call the model for the next turn of `handle`; (turn number, completion text)."""
        from .transports.cleanup import clean_response
        self.check_budgets()
        turn = self.turns.get(handle, 0) + 1
        self.turns[handle] = turn
        self.spend.model_turns += 1
        self.bus.emit(ev.ModelCallStarted(handle, turn, prefix))
        started = time.monotonic()
        response = self.call_transport(
            lambda: self.transport.complete(handle.lstrip(":"), turn, prefix, self.system))
        self.account(response)
        suffix = clean_response(response.text, prefix, self.transport.prefill)
        sent = prefix.rstrip() if self.transport.prefill else prefix
        usage = response.usage.as_dict()
        usage["duration_ms"] = usage.get("duration_ms") or (time.monotonic() - started) * 1000
        self.journal.model_call(handle=handle, turn=turn, transport=self.transport.name,
                                model=self.transport.model, response=response.text,
                                usage=usage, prefix=prefix)
        self.bus.emit(ev.ModelCallFinished(handle, turn, response.text, usage))
        return turn, sent + suffix

    def leaf_model_call(self, handle: str, turn: int, prompt: str) -> str:
        self.check_budgets()
        self.bus.emit(ev.ModelCallStarted(handle, turn, prompt, leaf=True))
        response = self.call_transport(lambda: self.transport.complete_leaf(prompt))
        self.account(response)
        usage = response.usage.as_dict()
        self.journal.model_call(handle=handle, turn=turn, transport=self.transport.name,
                                model=self.transport.model, response=response.text,
                                usage=usage, leaf=True, prompt=prompt)
        self.bus.emit(ev.ModelCallFinished(handle, turn, response.text, usage, leaf=True))
        return response.text


def open_prefix(program: Any, text: str) -> str:
    """The program's own open prefix (spec 6.4): for a program read from `text`, the text
    up to the end of its last body form plus a space, without re-emitting it."""
    nodes = wrapper_nodes(program)
    if nodes is not None:
        last = next((c for c in reversed(nodes[2].children) if is_form(c)), None)
        if last is not None and nodes[0].source.text is text:
            return text[nodes[0].start:last.end] + " "
    try:
        return serialize_prefix(program)
    except BuiltinError:
        return ""


def run_program(source: str, config: RunConfig, transport: Transport, *, journal: Any,
                bus: ev.EventBus | None = None, system_prompt: str = "",
                effect_namespaces: dict[str, Any] | None = None,
                replay_effects: list[dict] | None = None, incremental: bool = True,
                run_id: str = "") -> RunResult:
    """Run `source` (a program or a prompt) to the end; never raises for run failures.
    In replay, effect results come inline from the journal, so re-serializing them
    rebuilds the value store with the original ids."""
    run = Run(config, transport, journal=journal, bus=bus, system_prompt=system_prompt,
              effect_namespaces=effect_namespaces, replay_effects=replay_effects,
              incremental=incremental)
    result = RunResult(run_id=run_id, journal=str(getattr(journal, "path", "")))
    try:
        result.value = run_deep(lambda: run.run_main(source))
    except BudgetExceeded as e:
        result.error, result.fatal, result.exit_code = e.message, True, EXIT_BUDGET
    except FatalError as e:
        result.error, result.fatal, result.exit_code = e.message, True, EXIT_FATAL
    except SpellError as e:
        result.error, result.exit_code = e.message, EXIT_SPELL_ERROR
    result.model_turns = run.spend.model_turns
    result.cost_usd = run.spend.cost_usd
    journal.run_end(value=result.value, error=result.error, fatal=result.fatal,
                    cost_usd=result.cost_usd, turns=result.model_turns)
    run.bus.emit(ev.RunEnded(result.value, result.error, result.fatal,
                             "value" if result.ok else "error"))
    return result

