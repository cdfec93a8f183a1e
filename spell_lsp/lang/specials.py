"""Special forms (spec 4.6): one handler each, registered in the table and dispatched
from `Interp.ev_list`. Handlers take (interp, form, scope, flags)."""

from __future__ import annotations

from typing import Any

from ..syntax.printer import pr
from ..syntax.values import (
    S_QUASIQUOTE, S_UNQUOTE, S_UNQUOTE_SPLICING, Keyword, SList, SMap, SSet, SVector, Symbol,
    is_truthy,
)
from .destructure import as_pattern_seq, bind
from .errors import BuiltinError, FatalError, SpellError
from .evaluator import RTAIL, SPECIALS, TAIL, Recur, TurnSignal, make_fn
from .table import register

K_MESSAGE = Keyword("message")
K_EXPR = Keyword("expr")
S_CATCH = Symbol("catch")
S_REOPEN_EVAL = Symbol("reopen-eval")


def special(name: str, ar: Any, doc: str, signature: str):
    """Decorator: register a special form handler under `name`."""

    def deco(fn):
        register(name, "special", ar, doc, "special-forms", signature, fn)
        SPECIALS[Symbol(name)] = fn
        return fn

    return deco


def shape_error(message: str, form: Any) -> SpellError:
    return SpellError(message, form)


@special("quote", 1, "Return the form unevaluated.", "(quote x)")
def sf_quote(interp, x, scope, flags):
    if len(x) != 2:
        raise shape_error("quote: expected (quote x)", x)
    return x[1]


def def_parts(x: SList, name: str) -> tuple[Symbol, Any]:
    """(def s e) or (def s "doc" e) -> (s, e)."""
    n = len(x)
    if n == 3 and type(x[1]) is Symbol:
        return x[1], x[2]
    if n == 4 and type(x[1]) is Symbol and type(x[2]) is str:
        return x[1], x[3]
    raise shape_error(f"{name}: expected ({name} name expr)", x)


@special("def", "2-3", "Bind a name in the environment from here on; returns the value.",
         "(def name expr)")
def sf_def(interp, x, scope, flags):
    s, e = def_parts(x, "def")
    v = interp.ev(e, scope)
    scope[s] = v
    return v


@special("persist", "1-2", "Like def; at the next extension its value is written into the "
         "source so it survives pruning.", "(persist name [expr])")
def sf_persist(interp, x, scope, flags):
    if len(x) == 2 and type(x[1]) is Symbol:
        s, e = x[1], x[1]
    else:
        s, e = def_parts(x, "persist")
    v = interp.ev(e, scope)
    scope[s] = v
    return v


@special("do", "0+", "Evaluate forms in order; the value of the last.", "(do forms...)")
def sf_do(interp, x, scope, flags):
    return interp.ev_body(x, scope, flags, 1)


@special("if", "2-3", "Evaluate then or else depending on the test (nil and false are "
         "false).", "(if test then [else])")
def sf_if(interp, x, scope, flags):
    n = len(x)
    if n not in (3, 4):
        raise shape_error("if: expected (if test then [else])", x)
    if is_truthy(interp.ev(x[1], scope)):
        return interp.ev(x[2], scope, flags)
    return interp.ev(x[3], scope, flags) if n == 4 else None


def binding_pairs(x: SList, name: str) -> SVector:
    if len(x) < 2 or type(x[1]) is not SVector or len(x[1]) % 2:
        raise shape_error(f"{name}: expected a binding vector with an even number of forms", x)
    return x[1]


@special("let", "1+", "Bind names (with destructuring) for the body; nothing escapes.",
         "(let [pattern expr ...] body...)")
def sf_let(interp, x, scope, flags):
    pairs = binding_pairs(x, "let")
    inner = dict(scope)
    for i in range(0, len(pairs), 2):
        bind(interp, pairs[i], interp.ev(pairs[i + 1], inner), inner)
    return interp.ev_body(x, inner, flags, 2)


def fn_value(x: SList, name: str) -> SMap:
    if len(x) < 2 or type(x[1]) is not SVector:
        raise shape_error(f"{name}: expected a parameter vector", x)
    return make_fn(x[1], x[2:])


@special("fn", "1+", "A function value (a printable map); no closures: free names resolve "
         "at the call site.", "(fn [params] body...)")
def sf_fn(interp, x, scope, flags):
    return fn_value(x, "fn")


@special("fn*", "1+", "The function form `#()` reads as.", "(fn* [params] body...)")
def sf_fn_star(interp, x, scope, flags):
    return fn_value(x, "fn")


@special("quine", "1+", "Bind the name to this whole form, then evaluate only the last "
         "argument.", "(quine name inert... last)")
def sf_quine(interp, x, scope, flags):
    if len(x) < 2 or type(x[1]) is not Symbol:
        raise shape_error("quine: expected (quine name forms...)", x)
    scope[x[1]] = x
    return interp.ev(x[-1], scope, flags)


@special("reopen", "1+", "A new quine form whose do-body gets the extra forms appended "
         "(raw, or the value of (reopen-eval e)).", "(reopen q extras...)")
def sf_reopen(interp, x, scope, flags):
    from .edits import reopen_body
    q = interp.ev(x[1], scope) if len(x) > 1 else None
    extras = []
    for extra in x[2:]:
        if type(extra) is SList and len(extra) == 2 and extra[0] is S_REOPEN_EVAL:
            extras.append(interp.ev(extra[1], scope))
        else:
            extras.append(extra)
    try:
        return reopen_body(q, extras)
    except BuiltinError as e:
        raise SpellError(e.detail, x) from None


@special("loop", "1+", "Bind names and evaluate the body; `recur` in tail position "
         "repeats with new values.", "(loop [pattern expr ...] body...)")
def sf_loop(interp, x, scope, flags):
    pairs = binding_pairs(x, "loop")
    patterns = [pairs[i] for i in range(0, len(pairs), 2)]
    values = loop_inits(interp, pairs, scope)
    body_flags = (flags & TAIL) | RTAIL
    while True:
        inner = dict(scope)
        for p, v in zip(patterns, values):
            bind(interp, p, v, inner)
        result = interp.ev_body(x, inner, body_flags, 2)
        if type(result) is not Recur:
            return result
        if len(result.args) != len(patterns):
            raise SpellError(f"recur: expected {len(patterns)} values, got {len(result.args)}",
                             x)
        values = result.args


def loop_inits(interp, pairs: SVector, scope: dict) -> list:
    """Evaluate loop inits in the enclosing scope (their defs escape, spec 4.2) while the
    earlier loop bindings are visible; the bindings themselves do not escape."""
    shadowed: dict = {}
    values = []
    try:
        for i in range(0, len(pairs), 2):
            v = interp.ev(pairs[i + 1], scope)
            values.append(v)
            probe: dict = {}
            bind(interp, pairs[i], v, probe)
            for name, val in probe.items():
                if name not in shadowed:
                    shadowed[name] = scope.get(name, _ABSENT)
                scope[name] = val
    finally:
        for name, old in shadowed.items():
            if old is _ABSENT:
                scope.pop(name, None)
            else:
                scope[name] = old
    return values


_ABSENT = object()


@special("recur", "0+", "Re-enter the innermost loop or function with new values (tail "
         "position only).", "(recur exprs...)")
def sf_recur(interp, x, scope, flags):
    if not flags & RTAIL:
        raise SpellError("recur outside tail position", x)
    return Recur([interp.ev(a, scope) for a in x[1:]])


K_WHEN = Keyword("when")
K_LET = Keyword("let")
K_WHILE = Keyword("while")


@special("for", 2, "List comprehension over nested bindings with :when and :let; returns a "
         "vector.", "(for [x coll :when test :let [y e]] body)")
def sf_for(interp, x, scope, flags):
    if len(x) != 3 or type(x[1]) is not SVector or len(x[1]) % 2:
        raise shape_error("for: expected (for [binding coll ...] body)", x)
    out: list = []
    for_clauses(interp, x[1], 0, x[2], dict(scope), out)
    return SVector(out)


def for_clauses(interp, clauses: SVector, i: int, body: Any, scope: dict, out: list) -> bool:
    """Run clauses[i:] in `scope`; False when a :while stopped the iteration."""
    if i >= len(clauses):
        out.append(interp.ev(body, scope))
        return True
    key, expr = clauses[i], clauses[i + 1]
    if key is K_WHEN:
        if is_truthy(interp.ev(expr, scope)):
            return for_clauses(interp, clauses, i + 2, body, scope, out)
        return True
    if key is K_WHILE:
        if is_truthy(interp.ev(expr, scope)):
            return for_clauses(interp, clauses, i + 2, body, scope, out)
        return False
    if key is K_LET:
        inner = dict(scope)
        if type(expr) is not SVector or len(expr) % 2:
            raise SpellError("for: :let expects a binding vector", clauses)
        for j in range(0, len(expr), 2):
            bind(interp, expr[j], interp.ev(expr[j + 1], inner), inner)
        return for_clauses(interp, clauses, i + 2, body, inner, out)
    for item in as_pattern_seq(interp.ev(expr, scope)):
        inner = dict(scope)
        bind(interp, key, item, inner)
        if not for_clauses(interp, clauses, i + 2, body, inner, out):
            break
    return True


@special("try", "0+", "Evaluate the body; on a Spell error run the (catch e handler...) "
         "clause with e bound.", "(try body... (catch e handler...))")
def sf_try(interp, x, scope, flags):
    catch = x[-1] if len(x) > 1 else None
    has_catch = type(catch) is SList and len(catch) >= 2 and catch[0] is S_CATCH
    if has_catch and type(catch[1]) is not Symbol:
        raise shape_error("try: expected (catch name handler...)", x)
    end = len(x) - 1 if has_catch else len(x)
    body = x[:end]
    if not has_catch:
        return interp.ev_body(body, scope, 0, 1)
    try:
        return interp.ev_body(body, scope, 0, 1)
    except SpellError as e:
        name = catch[1]
        caught = e.thrown if e.has_thrown else SMap([(K_MESSAGE, e.message), (K_EXPR, e.expr)])
        previous = scope.get(name, _ABSENT)
        scope[name] = caught
        try:
            return interp.ev_body(catch, scope, 0, 2)
        finally:
            if previous is _ABSENT:
                scope.pop(name, None)
            else:
                scope[name] = previous


@special("quasiquote", 1, "Return the form as data, with ~x replaced by values and ~@xs "
         "spliced.", "(quasiquote form) or `form")
def sf_quasiquote(interp, x, scope, flags):
    if len(x) != 2:
        raise shape_error("quasiquote: expected (quasiquote x)", x)
    return Quasiquoter(interp, scope).walk(x[1], 1)


class Quasiquoter:
    """One evaluation of a quasiquote: unquotes evaluated left to right, `x#` symbols
    replaced by one fresh symbol each."""

    def __init__(self, interp, scope: dict) -> None:
        self.interp = interp
        self.scope = scope
        self.gensyms: dict[Symbol, Symbol] = {}

    def walk(self, x: Any, level: int) -> Any:
        t = type(x)
        if t is Symbol:
            return self.auto_gensym(x)
        if t is SList:
            if len(x) == 2 and x[0] is S_UNQUOTE:
                if level == 1:
                    return self.interp.ev(x[1], self.scope)
                return SList((S_UNQUOTE, self.walk(x[1], level - 1)))
            if len(x) == 2 and x[0] is S_QUASIQUOTE:
                return SList((S_QUASIQUOTE, self.walk(x[1], level + 1)))
            return SList(self.items(x, level))
        if t is SVector:
            return SVector(self.items(x, level))
        if t is SSet:
            return SSet(self.items(x, level))
        if t is SMap:
            flat = self.items([part for kv in x.items() for part in kv], level)
            if len(flat) % 2:
                raise SpellError("quasiquote: map needs an even number of forms", x)
            return SMap(zip(flat[0::2], flat[1::2]))
        return x

    def items(self, xs: Any, level: int) -> list:
        out: list = []
        for item in xs:
            if (type(item) is SList and len(item) == 2 and item[0] is S_UNQUOTE_SPLICING
                    and level == 1):
                v = self.interp.ev(item[1], self.scope)
                if v is not None and type(v) not in (SList, SVector):
                    raise SpellError(f"unquote-splicing: expected a sequence, got {pr(v)}", item)
                out.extend(v or ())
            elif (type(item) is SList and len(item) == 2 and item[0] is S_UNQUOTE_SPLICING):
                out.append(SList((S_UNQUOTE_SPLICING, self.walk(item[1], level - 1))))
            else:
                out.append(self.walk(item, level))
        return out

    def auto_gensym(self, s: Symbol) -> Symbol:
        if len(s.name) < 2 or not s.name.endswith("#"):
            return s
        fresh = self.gensyms.get(s)
        self.interp.tainted = True
        if fresh is None:
            n = self.interp.ctx.next_gensym()
            fresh = self.gensyms[s] = Symbol(f"{s.name[:-1]}__{n}__auto")
        return fresh


__all__ = ["SPECIALS", "TurnSignal", "FatalError"]
