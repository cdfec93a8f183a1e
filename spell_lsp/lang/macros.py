"""Built-in macros (spec 4.7.2). They are checked before anything else in call position,
so they cannot be shadowed.

Two flavours: *expanders* rewrite the call into another form (`expand(form, interp)`,
also usable by static analysis), and *direct* macros evaluate themselves because their
environment threading is like `if` (a `def` in an evaluated operand escapes) while their
temporaries must stay invisible. Expansions refer to helper builtins by value, not by
name, so a program that rebinds `list` or `serialize` cannot break `!call-now`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

from ..syntax.printer import str_of
from ..syntax.values import (
    S_QUOTE, Keyword, SList, SMap, SVector, Symbol, is_truthy, vector_with_line,
)
from .destructure import bind
from .errors import SpellError
from .evaluator import MACROS, make_fn
from .table import TABLE, Builtin, arity, register

EXPANDERS: dict[Symbol, Callable[[SList, Any], Any]] = {}

S_IF, S_DO, S_DEF, S_LET, S_FN = (Symbol(n) for n in ("if", "do", "def", "let", "fn"))
S_LLM_SELF = Symbol("!llm-self")
S_COMPLETION = Symbol("completion")
S_REOPEN = Symbol("reopen")
S_REOPEN_EVAL = Symbol("reopen-eval")
S_FUTURE_STAR = Symbol("future*")
K_ELSE = Keyword("else")


def L(*items: Any) -> SList:
    return SList(items)


def builtin_value(name: str) -> Builtin:
    """The builtin registered as `name`, embedded by value in expansions."""
    return TABLE[name].impl


def macro_error(name: str, detail: str, form: Any) -> SpellError:
    return SpellError(f"{name}: {detail}", form)


def expander(name: str, ar: Any, doc: str, signature: str, kind: str = "macro"):
    """Register a macro that rewrites its call; the rewrite is evaluated in place."""

    def deco(fn):
        register(name, kind, ar, doc, "macros", signature, fn)
        EXPANDERS[Symbol(name)] = fn

        def run(interp, x, scope, flags):
            return interp.ev(fn(x, interp), scope, flags)

        MACROS[Symbol(name)] = run
        return fn

    return deco


def direct(name: str, ar: Any, doc: str, signature: str):
    """Register a macro that evaluates itself (if-like environment threading)."""

    def deco(fn):
        register(name, "macro", ar, doc, "macros", signature, fn)
        MACROS[Symbol(name)] = fn
        return fn

    return deco


def fresh(interp: Any, prefix: str = "t") -> Symbol:
    """A temporary name no program text can mention."""
    return Symbol(f"{prefix}__{interp.ctx.next_gensym()}__macro")


# -- definitions ---------------------------------------------------------------------------

@expander("when", "1+", "Evaluate the body when the test is truthy, else nil.",
          "(when test body...)")
def m_when(x, interp):
    if len(x) < 2:
        raise macro_error("when", "expected (when test body...)", x)
    return L(S_IF, x[1], SList((S_DO, *x[2:])))


def defn_parts(x: SList, name: str) -> tuple[Symbol, SVector, tuple]:
    """(name [params] body...) with an optional docstring before the params."""
    if len(x) < 3 or type(x[1]) is not Symbol:
        raise macro_error(name, f"expected ({name} name [params] body...)", x)
    rest = x[2:]
    if rest and type(rest[0]) is str and len(rest) > 1:
        rest = rest[1:]
    if not rest or type(rest[0]) is not SVector:
        raise macro_error(name, "expected a parameter vector", x)
    return x[1], rest[0], tuple(rest[1:])


@expander("defn", "2+", "Define a named function.", "(defn name [\"doc\"] [params] body...)")
def m_defn(x, interp):
    name, params, body = defn_parts(x, "defn")
    return L(S_DEF, name, make_fn(params, body))


@expander("define", 2, "Same as def.", "(define name expr)")
def m_define(x, interp):
    if len(x) != 3:
        raise macro_error("define", "expected (define name expr)", x)
    return L(S_DEF, x[1], x[2])


@expander("defmacro", "2+", "Define a macro: its function receives the unevaluated argument "
          "forms and returns the form to evaluate.", "(defmacro name [params] body...)")
def m_defmacro(x, interp):
    name, params, body = defn_parts(x, "defmacro")
    return L(S_DEF, name, SMap([(Keyword("spell/macro"), True),
                                (Keyword("expander"), make_fn(params, body))]))


# -- conditionals (direct) -------------------------------------------------------------------

@direct("and", "0+", "The first falsy operand, else the last (true with none).",
        "(and exprs...)")
def m_and(interp, x, scope, flags):
    v: Any = True
    last = len(x) - 1
    for i in range(1, last + 1):
        v = interp.ev(x[i], scope, flags if i == last else 0)
        if not is_truthy(v):
            return v
    return v


@direct("or", "0+", "The first truthy operand, else the last (nil with none).",
        "(or exprs...)")
def m_or(interp, x, scope, flags):
    v: Any = None
    last = len(x) - 1
    for i in range(1, last + 1):
        v = interp.ev(x[i], scope, flags if i == last else 0)
        if is_truthy(v):
            return v
    return v


@expander("cond", "0+", "The expression after the first truthy test; use :else last.",
          "(cond test expr ... :else expr)")
def m_cond(x, interp):
    if len(x) % 2 == 0:
        raise macro_error("cond", "expected pairs of test and expression", x)
    form: Any = None
    for i in range(len(x) - 2, 0, -2):
        form = L(S_IF, x[i], x[i + 1], form)
    return form


def if_let_parts(x: SList, name: str) -> tuple[Any, Any]:
    if len(x) < 3 or type(x[1]) is not SVector or len(x[1]) != 2:
        raise macro_error(name, "expected a binding vector [pattern test]", x)
    return x[1][0], x[1][1]


def run_if_let(interp, x, scope, flags, name: str, present: Callable[[Any], bool],
               body_start: int, else_index: int | None) -> Any:
    pattern, test = if_let_parts(x, name)
    v = interp.ev(test, scope)
    if present(v):
        inner = dict(scope)
        bind(interp, pattern, v, inner)
        if else_index is None:
            return interp.ev_body(x, inner, flags, body_start)
        return interp.ev(x[2], inner, flags)
    if else_index is not None and len(x) > else_index:
        return interp.ev(x[else_index], scope, flags)
    return None


@direct("if-let", "2-3", "Bind the test's value and evaluate then when truthy, else the "
        "else branch.", "(if-let [pattern test] then [else])")
def m_if_let(interp, x, scope, flags):
    return run_if_let(interp, x, scope, flags, "if-let", is_truthy, 2, 3)


@direct("when-let", "1+", "Bind the test's value and evaluate the body when truthy.",
        "(when-let [pattern test] body...)")
def m_when_let(interp, x, scope, flags):
    return run_if_let(interp, x, scope, flags, "when-let", is_truthy, 2, None)


@direct("if-some", "2-3", "Like if-let, but only nil counts as absent.",
        "(if-some [pattern test] then [else])")
def m_if_some(interp, x, scope, flags):
    return run_if_let(interp, x, scope, flags, "if-some", lambda v: v is not None, 2, 3)


@direct("when-some", "1+", "Like when-let, but only nil counts as absent.",
        "(when-some [pattern test] body...)")
def m_when_some(interp, x, scope, flags):
    return run_if_let(interp, x, scope, flags, "when-some", lambda v: v is not None, 2, None)


def case_matches(constant: Any, v: Any) -> bool:
    from ..syntax.values import spell_eq
    if type(constant) is SList:
        return any(spell_eq(c, v) for c in constant)
    return spell_eq(constant, v)


@direct("case", "1+", "Compare a value with literal constants (a list lists alternatives); "
        "evaluate the matching result.", "(case expr const result ... [default])")
def m_case(interp, x, scope, flags):
    if len(x) < 2:
        raise macro_error("case", "expected (case expr const result ...)", x)
    v = interp.ev(x[1], scope)
    clauses = x[2:]
    for i in range(0, len(clauses) - 1, 2):
        if case_matches(clauses[i], v):
            return interp.ev(clauses[i + 1], scope, flags)
    if len(clauses) % 2:
        return interp.ev(clauses[-1], scope, flags)
    message = f"No matching clause: {str_of(v)}"
    raise SpellError(message, x, thrown=message)


# -- threading -----------------------------------------------------------------------------

def thread_step(acc: Any, step: Any, last: bool) -> SList:
    if type(step) is SList and step:
        return SList((*step, acc)) if last else SList((step[0], acc, *step[1:]))
    return L(step, acc)


def thread(x: SList, last: bool) -> Any:
    acc = x[1]
    for step in x[2:]:
        acc = thread_step(acc, step, last)
    return acc


@expander("->", "1+", "Thread a value through forms as their first argument.", "(-> x forms...)")
def m_thread_first(x, interp):
    if len(x) < 2:
        raise macro_error("->", "expected (-> x forms...)", x)
    return thread(x, False)


@expander("->>", "1+", "Thread a value through forms as their last argument.",
          "(->> x forms...)")
def m_thread_last(x, interp):
    if len(x) < 2:
        raise macro_error("->>", "expected (->> x forms...)", x)
    return thread(x, True)


@direct("as->", "2+", "Thread a value through forms under a name you choose.",
        "(as-> expr name forms...)")
def m_as(interp, x, scope, flags):
    if len(x) < 3 or type(x[2]) is not Symbol:
        raise macro_error("as->", "expected (as-> expr name forms...)", x)
    inner = dict(scope)
    inner[x[2]] = interp.ev(x[1], inner)
    for step in x[3:]:
        inner[x[2]] = interp.ev(step, inner)
    return inner[x[2]]


def run_threading(interp, x, scope, name: str, last: bool, paired: bool) -> Any:
    """cond->, cond->>, some->, some->>: evaluated as a let (nothing escapes)."""
    if len(x) < 2 or (paired and len(x) % 2):
        shape = "test form ..." if paired else "forms..."
        raise macro_error(name, f"expected ({name} expr {shape})", x)
    inner = dict(scope)
    acc = fresh(interp, "acc")
    inner[acc] = interp.ev(x[1], inner)
    step_forms = x[2:]
    stride = 2 if paired else 1
    for i in range(0, len(step_forms), stride):
        if paired:
            if not is_truthy(interp.ev(step_forms[i], inner)):
                continue
            step = step_forms[i + 1]
        else:
            if inner[acc] is None:
                return None
            step = step_forms[i]
        inner[acc] = interp.ev(thread_step(acc, step, last), inner)
    return inner[acc]


@direct("cond->", "1+", "Thread through each form whose test is truthy.",
        "(cond-> expr test form ...)")
def m_cond_first(interp, x, scope, flags):
    return run_threading(interp, x, scope, "cond->", False, True)


@direct("cond->>", "1+", "Thread (last position) through each form whose test is truthy.",
        "(cond->> expr test form ...)")
def m_cond_last(interp, x, scope, flags):
    return run_threading(interp, x, scope, "cond->>", True, True)


@direct("some->", "1+", "Thread while the value is not nil.", "(some-> expr forms...)")
def m_some_first(interp, x, scope, flags):
    return run_threading(interp, x, scope, "some->", False, False)


@direct("some->>", "1+", "Thread (last position) while the value is not nil.",
        "(some->> expr forms...)")
def m_some_last(interp, x, scope, flags):
    return run_threading(interp, x, scope, "some->>", True, False)


# -- concurrency ---------------------------------------------------------------------------

@expander("future", 1, "Run one expression on a new thread; returns a future value.",
          "(future expr)")
def m_future(x, interp):
    if len(x) != 2:
        raise macro_error("future", "expected (future expr)", x)
    return L(builtin_value("future*"), make_fn(SVector(), (x[1],)))


@expander("blocking/plet", "1+", "Parallel let: one future per binding, then the body with "
          "every result bound (inside futures only).", "(blocking/plet [name expr ...] body...)")
def m_plet(x, interp):
    if len(x) < 2 or type(x[1]) is not SVector or len(x[1]) % 2:
        raise macro_error("blocking/plet", "expected a binding vector with an even number of "
                          "forms", x)
    pairs = x[1]
    futures, awaits = [], []
    for i in range(0, len(pairs), 2):
        tmp = fresh(interp, "fut")
        futures += [tmp, L(builtin_value("future*"), make_fn(SVector(), (pairs[i + 1],)))]
        awaits += [pairs[i], L(Symbol("blocking/await"), tmp)]
    return L(S_LET, SVector(futures), SList((S_LET, SVector(awaits), *x[2:])))


# -- edit markers --------------------------------------------------------------------------

def marker_body(x: SList, name: str) -> tuple:
    """The body forms of think/rethink after the label (and rethink's optional count)."""
    rest = x[1:]
    if name == "rethink" and rest and is_number_literal(rest[0]) and len(rest) > 1:
        rest = rest[1:]
    return tuple(rest[1:])


def is_number_literal(x: Any) -> bool:
    return type(x) in (int, float, Fraction, Decimal)


@expander("think", "0+", "Reasoning kept as source: evaluates the body (e.g. defs), "
          "returns nil.", "(think label body...)")
def m_think(x, interp):
    return SList((S_DO, *marker_body(x, "think"), None))


@expander("rethink", "0+", "Like think; at the next extension it deletes the N (default 1) "
          "preceding forms and becomes a think.", "(rethink [N] label body...)")
def m_rethink(x, interp):
    return SList((S_DO, *marker_body(x, "rethink"), None))


@expander("prune", "0-1", "nil at run time; at the next extension deletes itself and the k "
          "(default 1) preceding forms.", "(prune [k])")
def m_prune(x, interp):
    if len(x) > 2 or (len(x) == 2 and not is_number_literal(x[1])):
        raise macro_error("prune", "expected (prune) or (prune k)", x)
    return None


@expander("first-line", 2, "A line-numbered vector literal: the vector, with its first line "
          "number as metadata.", "(first-line n [lines...])")
def m_first_line(x, interp):
    if len(x) != 3 or type(x[2]) is not SVector:
        raise macro_error("first-line", "expected a vector literal", x)
    if type(x[1]) is not int:
        raise macro_error("first-line", "expected an integer line number", x)
    return L(S_QUOTE, vector_with_line(x[2], x[1]))


# -- turn-producing forms ------------------------------------------------------------------

def self_call(*extras: Any, base: Any = S_COMPLETION) -> SList:
    """(!llm-self (reopen (prune-and-reopen base) extras...))"""
    pruned = L(builtin_value("prune-and-reopen"), base)
    return L(S_LLM_SELF, SList((S_REOPEN, pruned, *extras)))


def serialized(tmp: Symbol, limit: Any = None) -> SList:
    args = (tmp,) if limit is None else (tmp, limit)
    return L(builtin_value("read-string"), SList((builtin_value("serialize"), *args)))


def call_now_bindings(x: SList, name: str) -> list[tuple[Any, Any, Any]]:
    """[(name, expr, limit)] for the 2-arg, 3-arg and pairs forms of !call-now/!peek-now."""
    args = x[1:]
    n = len(args)
    if n in (2, 3):
        triples = [(args[0], args[1], args[2] if n == 3 else None)]
    elif n >= 4 and n % 2 == 0:
        triples = [(args[i], args[i + 1], None) for i in range(0, n, 2)]
    else:
        raise macro_error(name, "expected 2 args (name expr), 3 args (name expr limit), or an "
                          "even number >= 4 (name1 expr1 name2 expr2 ...)", x)
    for bound, _, _ in triples:
        if type(bound) is not Symbol:
            raise macro_error(name, f"binding names must be symbols, got {str_of(bound)}", x)
    return triples


def call_now_expansion(x: SList, interp: Any, name: str, peek: bool) -> SList:
    triples = call_now_bindings(x, name)
    lets, extras = [], []
    for bound, expr, limit in triples:
        tmp = fresh(interp)
        lets += [tmp, expr]
        literal = serialized(tmp, limit)
        extras.append(L(S_REOPEN_EVAL, L(builtin_value("list"), L(S_QUOTE, S_DEF),
                                          L(S_QUOTE, bound), literal)))
    if peek:
        extras.append(L(Symbol("prune"), len(triples) + 1))
    return L(S_LET, SVector(lets), self_call(*extras))


@expander("!call-now", "2+", "Evaluate the expressions (tool calls), then continue with "
          "(def name <value literal>) appended for each.", "(!call-now name expr [limit])",
          kind="turn")
def m_call_now(x, interp):
    return call_now_expansion(x, interp, "!call-now", peek=False)


@expander("!peek-now", "2+", "Like !call-now, but the call and its defs are pruned at the "
          "following extension: persist what you need.", "(!peek-now name expr [limit])",
          kind="turn")
def m_peek_now(x, interp):
    return call_now_expansion(x, interp, "!peek-now", peek=True)


@expander("!peek", "2+", "Alias of !peek-now.", "(!peek name expr [limit])", kind="turn")
def m_peek(x, interp):
    return call_now_expansion(x, interp, "!peek", peek=True)


def print_expansion(x: SList, interp: Any) -> SList:
    lets, extras = [], []
    for expr in x[1:]:
        tmp = fresh(interp)
        lets += [tmp, expr]
        extras.append(L(S_REOPEN_EVAL, serialized(tmp)))
    return L(S_LET, SVector(lets), self_call(*extras))


@expander("!print", "0+", "Evaluate the expressions, then continue with each value appended "
          "as a literal.", "(!print exprs...)", kind="turn")
def m_print(x, interp):
    return print_expansion(x, interp)


@expander("print", "0+", "Alias of !print.", "(print exprs...)", kind="turn")
def m_print_alias(x, interp):
    return print_expansion(x, interp)


def describe_groups(x: SList) -> list[tuple[Any, Any]]:
    """(ns [:k]) groups of a !describe call."""
    groups: list[tuple[Any, Any]] = []
    for arg in x[1:]:
        if type(arg) is Keyword and groups and groups[-1][1] is None:
            groups[-1] = (groups[-1][0], arg)
        else:
            groups.append((arg, None))
    if not groups:
        raise macro_error("!describe", "expected (!describe ns), (!describe ns :fn) or "
                          "several of them", x)
    return groups


def join_descriptions(*parts: Any) -> str:
    """Sections `## ns` / `## ns :k`, each followed by its documentation and a blank line."""
    out = []
    for i in range(0, len(parts), 2):
        out.append(f"## {parts[i]}\n{str_of(parts[i + 1])}\n")
    return "\n".join(out)


JOIN_DESCRIPTIONS = Builtin("describe-join", join_descriptions, arity("0+"))


@expander("!describe", "1+", "Continue with the guide of a namespace (or of one function) "
          "appended as a string.", "(!describe ns [:fn] ...)", kind="turn")
def m_describe(x, interp):
    groups = describe_groups(x)
    describe = builtin_value("describe-fn")

    def doc_call(ns: Any, key: Any) -> SList:
        return L(describe, ns) if key is None else L(describe, ns, key)

    if len(groups) == 1:
        return L(Symbol("!print"), doc_call(*groups[0]))
    parts: list = []
    for ns, key in groups:
        header = str_of(ns) if key is None else f"{str_of(ns)} {str_of(key)}"
        parts += [header, doc_call(ns, key)]
    return L(Symbol("!print"), SList((JOIN_DESCRIPTIONS, *parts)))


@expander("!extend", "0-1", "Apply the edit markers and continue the same program for "
          "another turn.", "(!extend [program])", kind="turn")
def m_extend(x, interp):
    base = x[1] if len(x) == 2 else S_COMPLETION
    return L(S_LLM_SELF, L(builtin_value("prune-and-reopen"), base))


COMPACT_INSTRUCTION = (
    '(think "=compact= Rewrite your context as the arguments of the wrap-cat call below. '
    "Each argument is a quoted form such as '(def x 1) or '(think \\\"...\\\"). Keep decisions "
    "and key values as literals; do not refer to old bindings, because the new program is "
    "evaluated from scratch. Summarize large values. Parentheses are closed automatically.\" "
    "nil) '(!llm-self (wrap-cat ")


@expander("!compact", "0-1", "Two-hop self-compaction: the next turn rewrites the context "
          "as a short, self-contained program.", "(!compact [program])", kind="turn")
def m_compact(x, interp):
    base = x[1] if len(x) == 2 else S_COMPLETION
    prefix = L(builtin_value("serialize-prefix"), L(builtin_value("prune-and-reopen"), base))
    return L(S_LLM_SELF, L(builtin_value("str"), prefix, COMPACT_INSTRUCTION))


def expand_once(form: Any, interp: Any) -> Any:
    """Expand a built-in macro call once (expanders only); other forms unchanged."""
    if type(form) is SList and form and type(form[0]) is Symbol:
        fn = EXPANDERS.get(form[0])
        if fn is not None:
            return fn(form, interp)
    return form
