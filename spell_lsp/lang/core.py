"""Entry points of the language layer: the builtins tables, program evaluation (the
wrapper and its effect capability, D5) and `evaluate_text` as used by `spell eval`."""

from __future__ import annotations

import operator
import sys
import threading
from dataclasses import dataclass
from typing import Any, Callable

from ..syntax.values import K_SPELL_MACRO, Keyword, SList, SMap, Symbol, is_truthy
from .context import Context
from .errors import BuiltinError, SpellError
from .evaluator import TAIL, Interp
from .table import CORE_NAMESPACES, Builtin, arity, builtin, entries

S_QUINE = Symbol("quine")
S_DO = Symbol("do")
S_EVAL = Symbol("eval")
K_EXPANDER = Keyword("expander")

_core: dict[Symbol, Any] | None = None
_effects: dict[Symbol, Any] | None = None


def load_modules() -> None:
    """Import every module that registers names in the table."""
    from . import specials, macros, futures  # noqa: F401
    from . import builtins  # noqa: F401
    from .evaluator import HEADS, build_heads
    if not HEADS:
        build_heads()


def core_builtins() -> dict[Symbol, Any]:
    """Symbol -> value for the core builtins and core namespaces (spec 4.4 step 3)."""
    global _core
    if _core is None:
        load_modules()
        table = {Symbol(e.name): e.impl for e in entries("pure")}
        table.update((Symbol(name), ns) for name, ns in CORE_NAMESPACES.items())
        _core = table
    return _core


def effect_builtins() -> dict[Symbol, Any]:
    """Symbol -> value for the effect builtins, visible only with the capability."""
    global _effects
    if _effects is None:
        load_modules()
        _effects = {Symbol(e.name): e.impl for e in entries() if e.kind in ("effect", "turn")
                    and isinstance(e.impl, Builtin)}
    return _effects


# -- builtins that need the evaluator ------------------------------------------------------

@builtin("eval", 1, "Evaluate a form (data) in the current environment; its defs do not "
         "escape. Effects only inside the wrapper's trailing expression.", "spell",
         signature="(eval form)", rt=True)
def b_eval(rt, form):
    return rt.eval(form)  # dispatched specially by the evaluator (tail position, D5)


@builtin("spell-eval", 1, "Evaluate a form in the caller's environment and capability; defs "
         "inside do not escape; never a new turn.", "spell", signature="(spell-eval form)",
         rt=True)
def b_spell_eval(rt, form):
    return rt.eval(form)


def expand_macro_value(rt: Any, m: Any, forms: tuple) -> Any:
    if not (isinstance(m, SMap) and is_truthy(m.get(K_SPELL_MACRO))):
        raise BuiltinError("expected a macro value")
    return rt.call(m.get(K_EXPANDER), *forms)


@builtin("apply-macro", "1+", "Expand a macro value on the given forms and return the "
         "expansion as data.", "spell", signature="(apply-macro m forms...)", rt=True)
def b_apply_macro(rt, m, *forms):
    return expand_macro_value(rt, m, forms)


@builtin("compmacro", "0+", "Compose macro values left to right into one macro value.",
         "spell", signature="(compmacro [m1 m2 ...]) or (compmacro m1 m2 ...)", rt=True)
def b_compmacro(rt, *ms):
    if len(ms) == 1 and not isinstance(ms[0], SMap):
        ms = tuple(ms[0])

    def expand(rt2: Any, *forms: Any) -> Any:
        out: Any = None
        for i, m in enumerate(ms):
            out = expand_macro_value(rt2, m, forms if i == 0 else (out,))
        return forms[0] if not ms and forms else out

    expander = Builtin("compmacro", expand, arity("0+"), True)
    return SMap([(K_SPELL_MACRO, True), (K_EXPANDER, expander)])


def require_agent(rt: Any, name: str, detail: str) -> Any:
    agent = rt.ctx.agent
    if agent is None:
        raise BuiltinError(detail)
    return agent


@builtin("!llm-self", 1, "Start a model turn on this agent with a prefix built from the "
         "argument; returns the chain's final value.", "effect",
         signature="(!llm-self prefix)", rt=True, kind="turn")
def b_llm_self(rt, p):
    agent = require_agent(rt, "!llm-self", "!llm-self requires an active agent handle")
    return agent.llm_self(rt, p)


@builtin("leaf-llm", 1, "One plain text-in/text-out model call; returns the response "
         "string.", "effect", signature="(leaf-llm prompt)", rt=True, kind="effect")
def b_leaf_llm(rt, prompt):
    agent = require_agent(rt, "leaf-llm", "leaf-llm requires a model transport")
    return agent.leaf_llm(rt, prompt)


@builtin("!ask-await", 1, "Sleep until a future's result arrives as a message.", "effect",
         signature="(!ask-await future)", rt=True, kind="turn")
def b_ask_await(rt, fut):
    agent = require_agent(rt, "!ask-await", "not inside an agent context")
    return agent.ask_await(rt, fut)


# -- programs ------------------------------------------------------------------------------

def wrapper_parts(program: Any) -> tuple[Symbol, Any] | None:
    """(quine n ... (eval X)) -> (n, X): the wrapper, recognised by position (D5)."""
    if (type(program) is SList and len(program) >= 3 and program[0] is S_QUINE
            and type(program[1]) is Symbol):
        last = program[-1]
        if type(last) is SList and len(last) == 2 and last[0] is S_EVAL:
            return program[1], last[1]
    return None


def initial_scope(interp: Interp) -> dict:
    return {S_EVAL: interp.builtins[S_EVAL]}


@dataclass
class ProgramCache:
    """What incremental evaluation keeps between turns of one agent: the do-body forms
    evaluated last time (compared by identity), the scope after them (without the quine
    name) and the value of the last one. Only filled when that evaluation read neither
    the quine name nor an impure builtin, so reusing it equals re-evaluating."""

    body: tuple = ()
    scope: dict | None = None
    last: Any = None
    hits: int = 0


def evaluate_program(program: Any, ctx: Context | None = None,
                     cache: ProgramCache | None = None) -> Any:
    """Evaluate a program as a turn: fresh environment, capability only for the value of
    the wrapper's trailing expression, in tail position. With a `cache`, do-body forms
    unchanged since the previous turn are not evaluated again."""
    interp = Interp(ctx)
    scope = initial_scope(interp)
    parts = wrapper_parts(program)
    if parts is None:
        return interp.ev(program, scope, TAIL)
    name, body = parts
    scope[name] = program
    if cache is not None and is_do_list(body):
        trailing, scope = evaluate_do_cached(interp, program, scope, name, cache)
    else:
        trailing = interp.ev(body, scope)
    return evaluate_trailing(interp, trailing, scope)


def is_do_list(form: Any) -> bool:
    return type(form) is SList and len(form) > 0 and form[0] is S_DO


def reusable_prefix(forms: tuple, cache: ProgramCache) -> int:
    """How many leading forms the cache covers (all of its forms, or nothing)."""
    n = len(cache.body)
    if cache.scope is None or n == 0 or n > len(forms):
        return 0
    return n if all(map(operator.is_, forms[:n], cache.body)) else 0


def evaluate_do_cached(interp: Interp, program: SList, scope: dict, name: Symbol,
                       cache: ProgramCache) -> tuple[Any, dict]:
    """The do-block's value and scope, evaluating only forms the cache does not cover."""
    forms = tuple(program[-1][1][1:])
    start = reusable_prefix(forms, cache)
    value = None
    if start:
        scope = dict(cache.scope)
        scope[name] = program
        value = cache.last
        cache.hits += 1
    interp.watch, interp.tainted = name, False
    for form in forms[start:]:
        try:
            value = interp.ev(form, scope)
        except SpellError as e:
            e.containing_form = form
            cache.body, cache.scope = (), None
            raise
    if interp.tainted:
        cache.body, cache.scope = (), None
    else:
        cache.body, cache.last = forms, value
        cache.scope = dict(scope)
        cache.scope.pop(name, None)
    interp.watch = None
    return value, scope


def evaluate_trailing(interp: Interp, trailing: Any, scope: dict) -> Any:
    """The wrapper's outer eval: capability on; errors pass through unchanged."""
    ctx = interp.ctx
    saved = ctx.capability
    ctx.capability = True
    try:
        return interp.ev(trailing, dict(scope), TAIL)
    except SpellError as e:
        if e.containing_form is None:
            e.containing_form = trailing
        raise
    finally:
        ctx.capability = saved


def context_for(profile: dict | None) -> Context:
    """A fresh context; `profile["effect_namespaces"]` names effect namespaces (list of
    names, or a mapping name -> namespace value)."""
    ctx = Context()
    names = (profile or {}).get("effect_namespaces") or {}
    if not isinstance(names, dict):
        names = {n: SMap() for n in names}
    ctx.effect_namespaces = dict(names)
    return ctx


def evaluate_text(source: str, *, profile: dict | None = None,
                  ctx: Context | None = None) -> Any:
    """Read `source` leniently (like a model completion) and evaluate it as a turn-0
    program. Raises ReaderError, SpellError or FatalError."""
    from ..syntax.lenient import read_lenient
    result = read_lenient(source)
    return run_deep(lambda: evaluate_program(result.form, ctx or context_for(profile)))


_STACK_BYTES = 512 * 1024 * 1024


def run_deep(fn: Callable[[], Any]) -> Any:
    """Run `fn` on a thread with a large stack and a high recursion limit, so deep Spell
    programs hit our depth budget (a clear error) instead of the host's limits."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # re-raised in the caller's thread
            box["error"] = e

    old_size = threading.stack_size()
    threading.stack_size(_STACK_BYTES)
    try:
        if sys.getrecursionlimit() < 400_000:
            sys.setrecursionlimit(400_000)
        worker = threading.Thread(target=target, name="spell-eval")
        worker.start()
    finally:
        threading.stack_size(old_size)
    worker.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")
