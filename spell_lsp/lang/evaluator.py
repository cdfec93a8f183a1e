"""The Spell evaluator: symbol resolution, application, bodies, and the dispatch point.

Environments are threaded left to right (spec 4.2). We implement that with one mutable
dict per scope: a `def` writes into the scope that is evaluating it, and every construct
whose definitions must not escape (`let`, function calls, `loop` bodies, builtins that
evaluate code) evaluates in a fresh copy. Nothing can observe a scope after the
construct that owns it has finished (there are no closures), so this is exactly the
immutable-environment semantics at a fraction of the cost.

Special forms live in `specials.py` and built-in macros in `macros.py`; both register in
the one table (`table.py`) and are dispatched from `Interp.ev_list` only.
"""

from __future__ import annotations

from typing import Any

from ..syntax.printer import pr
from ..syntax.values import (
    K_BODY, K_PARAMS, K_SPELL_FN, K_SPELL_MACRO, Keyword, SList, SMap, SSet, SVector,
    Symbol, is_truthy,
)
from .context import Context
from .errors import BuiltinError, FatalError, SpellError
from .table import Builtin

TAIL = 1    # the value becomes the program's value (D7 turn hand-off)
RTAIL = 2   # a `recur` here targets the innermost loop or function

MISSING = object()

SPECIALS: dict[Symbol, Any] = {}   # filled by specials.py
MACROS: dict[Symbol, Any] = {}     # filled by macros.py
HEADS: dict[Symbol, Any] = {}      # the dispatch point: macros first, then special forms


def build_heads() -> None:
    HEADS.clear()
    HEADS.update(SPECIALS)
    HEADS.update(MACROS)


class Recur:
    """The value of a `recur` in tail position: new bindings for the loop or function."""

    __slots__ = ("args",)

    def __init__(self, args: list[Any]) -> None:
        self.args = args


_qualified_cache: dict[Symbol, tuple[Symbol, tuple[Keyword, ...]] | None] = {}


def qualified_parts(s: Symbol) -> tuple[Symbol, tuple[Keyword, ...]] | None:
    """`a/b/c` -> (a, (:b, :c)); None for plain symbols (incl. `/` and `a/`)."""
    parts = _qualified_cache.get(s, MISSING)
    if parts is MISSING:
        root, sep, rest = s.name.partition("/")
        if sep and root and rest:
            parts = (Symbol(root), tuple(Keyword(k) for k in rest.split("/")))
        else:
            parts = None
        _qualified_cache[s] = parts
    return parts


def type_name(x: Any) -> str:
    """The `(type x)` string (spec 3.1)."""
    from .builtins.types import type_of
    return type_of(x)


def py_error_detail(e: Exception) -> str:
    """A readable detail for an unexpected host error inside a builtin."""
    text = str(e) or type(e).__name__
    return text


class Runtime:
    """What an `rt=True` builtin sees: call back into Spell in the caller's scope."""

    __slots__ = ("interp", "scope", "form", "flags")

    def __init__(self, interp: "Interp", scope: dict, form: Any, flags: int = 0) -> None:
        self.interp = interp
        self.scope = scope
        self.form = form
        self.flags = flags  # TAIL when the builtin call is in tail position (turn hand-off)

    @property
    def ctx(self) -> Context:
        return self.interp.ctx

    def call(self, f: Any, *args: Any) -> Any:
        """Call any callable value; a Spell error leaving it is wrapped with our head once."""
        try:
            return self.interp.apply(f, list(args), None, self.scope, 0)
        except SpellError as e:
            raise e.rewrapped(f"Function call failed: {self.head_text()}: ") from None

    def eval(self, form: Any) -> Any:
        """Evaluate a form in a copy of the caller's scope (its defs do not escape)."""
        try:
            return self.interp.ev(form, dict(self.scope))
        except SpellError as e:
            raise e.rewrapped(f"Function call failed: {self.head_text()}: ") from None

    def head_text(self) -> str:
        return pr(self.form[0]) if self.form else "fn"


class Interp:
    """One evaluation (a program, a `spell-eval`, a future): context, counters, tables."""

    def __init__(self, ctx: Context | None = None) -> None:
        from .core import core_builtins, effect_builtins
        self.ctx = ctx or Context()
        self.builtins = core_builtins()
        self.effects = effect_builtins()
        self.steps = 0
        self.depth = 0
        self.max_steps = self.ctx.limits.max_steps
        self.max_depth = self.ctx.limits.max_depth
        self.on_form = self.ctx.on_form  # per-form hook; None costs one test per list
        # Incremental evaluation: did this evaluation read `watch` (the program's quine
        # name) or call an impure builtin? Then its results cannot be reused.
        self.watch: Symbol | None = None
        self.tainted = False

    # -- evaluation -----------------------------------------------------------------------

    def ev(self, x: Any, scope: dict, flags: int = 0) -> Any:
        """Evaluate one form in `scope` (which a `def` may extend)."""
        t = type(x)
        if t is Symbol:
            return self.resolve(x, scope)
        if t is SList:
            return self.ev_list(x, scope, flags)
        if t is SVector:
            out = [self.ev(item, scope) for item in x]
            return SVector(out)
        if t is SMap:
            if is_truthy(x.get(K_SPELL_FN)):
                return x
            return SMap([(k, self.ev(v, scope)) for k, v in x.items()])
        return x

    def ev_list(self, x: SList, scope: dict, flags: int) -> Any:
        if not x:
            return None
        self.steps += 1
        if self.steps > self.max_steps:
            raise FatalError(f"Evaluation step budget exhausted ({self.max_steps} steps)")
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise FatalError(f"Evaluation depth limit exceeded ({self.max_depth})")
            if self.on_form is not None:
                self.on_form(self, x, scope)
            head = x[0]
            if type(head) is Symbol:
                handler = HEADS.get(head)
                if handler is not None:
                    return handler(self, x, scope, flags)
                f = self.resolve(head, scope)
                if type(f) is SMap and is_truthy(f.get(K_SPELL_MACRO)):
                    return self.ev(self.expand_user_macro(f, x, scope), scope, flags)
            else:
                f = self.ev(head, scope)
            args = [self.ev(a, scope) for a in x[1:]]
            return self.apply(f, args, x, scope, flags)
        finally:
            self.depth -= 1

    def ev_body(self, forms: Any, scope: dict, flags: int, start: int = 0) -> Any:
        """Evaluate forms[start:] as a `do` body; the last one inherits `flags`."""
        last = len(forms) - 1
        if last < start:
            return None
        for i in range(start, last + 1):
            form = forms[i]
            try:
                if i == last:
                    return self.ev(form, scope, flags)
                self.ev(form, scope)
            except SpellError as e:
                e.containing_form = form
                raise
        return None

    # -- symbols --------------------------------------------------------------------------

    def resolve(self, s: Symbol, scope: dict) -> Any:
        """Spec 4.4: environment, builtins, capability-gated effects, qualified lookup."""
        v = scope.get(s, MISSING)
        if v is not MISSING:
            if s is self.watch:
                self.tainted = True
            return v
        v = self.lookup_global(s)
        if v is not MISSING:
            return v
        parts = qualified_parts(s)
        if parts is None:
            self.raise_unresolved(s.name, s)
        root, keys = parts
        v = scope.get(root, MISSING)
        if v is MISSING:
            v = self.lookup_global(root)
        if v is MISSING:
            self.raise_unresolved(root.name, s, root)
        for k in keys:
            v = get_key(v, k)
            if v is None:
                raise SpellError(f"Namespace lookup failed: {s.name}", s)
        return v

    def lookup_global(self, s: Symbol) -> Any:
        v = self.builtins.get(s, MISSING)
        if v is MISSING and self.ctx.capability:
            v = self.effects.get(s, MISSING)
            if v is MISSING:
                v = self.ctx.effect_namespaces.get(s.name, MISSING)
        if v is MISSING and self.ctx.in_future and s.name == "blocking":
            from .futures import blocking_namespace
            v = blocking_namespace()
        return v

    def raise_unresolved(self, root: str, s: Symbol, unbound: Symbol | None = None) -> None:
        """The gated error for effect namespaces, else `Unbound symbol` (of the root of
        a qualified reference, spec 4.4 step 2)."""
        if root in self.ctx.effect_namespaces:
            raise SpellError(f"{s.name}: {root}/ is an effect namespace - use it in the "
                             "trailing expression via eval", s)
        if root == "blocking":
            raise SpellError(f"{s.name}: blocking/ is only available inside (future ...) blocks",
                             s)
        raise SpellError(f"Unbound symbol: {(unbound or s).name}", s)

    # -- application ----------------------------------------------------------------------

    def apply(self, f: Any, args: list, form: Any, scope: dict, flags: int) -> Any:
        """Call `f` with evaluated `args` (spec 4.6.1); `form` is the call (may be None)."""
        t = type(f)
        if t is Builtin:
            return self.call_builtin(f, args, form, scope, flags)
        if t is SMap and is_truthy(f.get(K_SPELL_FN)):
            return self.call_fn(f, args, scope, form, flags)
        if t is Keyword or t is SMap or t is SSet or t is SVector or isinstance(f, SMap):
            return self.apply_data(f, args, form)
        raise SpellError(f"Function call failed: {self.head_text(form, f)}: "
                         f"{type_name(f)} is not a function", form)

    def head_text(self, form: Any, f: Any) -> str:
        if form is not None:
            return pr(form[0])
        return f.name if type(f) is Builtin else pr(f)

    def call_builtin(self, f: Builtin, args: list, form: Any, scope: dict, flags: int) -> Any:
        if not f.arity.accepts(len(args)):
            raise SpellError(f"Function call failed: {self.head_text(form, f)}: "
                             f"wrong number of args ({len(args)})", form)
        if f.impure:
            self.tainted = True
        if f is self.builtins.get(S_EVAL):
            return self.eval_builtin(args[0], scope, flags & TAIL)
        try:
            if f.takes_rt:
                head = form if form is not None else (Symbol(f.name),)
                return f.fn(Runtime(self, scope, head, flags & TAIL), *args)
            return f.fn(*args)
        except (SpellError, FatalError, TurnSignal):
            raise
        except BuiltinError as e:
            raise SpellError(f"Function call failed: {self.head_text(form, f)}: {e.detail}",
                             form) from None
        except RecursionError:
            raise FatalError("Evaluation depth limit exceeded (host stack)") from None
        except Exception as e:  # a host error inside a builtin is still a Spell error
            raise SpellError(f"Function call failed: {self.head_text(form, f)}: "
                             f"{py_error_detail(e)}", form) from None

    def eval_builtin(self, form: Any, scope: dict, flags: int) -> Any:
        """`eval`: capability-neutral (D5) unless the run restores upstream behaviour.
        Errors pass through unwrapped, as from the wrapper's eval (spec 5.2, E32)."""
        ctx = self.ctx
        saved = ctx.capability, ctx.unsafe_active
        if ctx.unsafe_upstream_eval and not ctx.capability:
            ctx.capability = ctx.unsafe_active = True
        try:
            return self.ev(form, dict(scope), flags)
        finally:
            ctx.capability, ctx.unsafe_active = saved

    def call_fn(self, f: SMap, args: list, caller: dict, form: Any, flags: int) -> Any:
        """Call a Spell function: dynamic scope, parameters destructured, fn-level recur."""
        from .destructure import bind
        params = f.get(K_PARAMS)
        body = f.get(K_BODY)
        if type(params) is not SVector:
            raise SpellError("fn: expected a parameter vector", form)
        while True:
            scope = dict(caller)
            bind(self, params, SVector(args), scope)
            try:
                v = self.ev_body(body or (), scope, (flags & TAIL) | RTAIL)
            except SpellError as e:
                e.trace.append(form[0] if form is not None else SList([Symbol("fn")]))
                raise
            if type(v) is not Recur:
                return v
            check_recur_count(params, v.args, form)
            args = v.args

    def apply_data(self, f: Any, args: list, form: Any) -> Any:
        """Keywords, maps, sets and vectors in call position."""
        n = len(args)
        if type(f) is SSet:
            if n != 1:
                raise self.arity_error(form, f, n)
            return args[0] if args[0] in f else None
        if type(f) is SVector:
            if n not in (1, 2):
                raise self.arity_error(form, f, n)
            i = args[0]
            if type(i) is int and 0 <= i < len(f):
                return f[i]
            if n == 2:
                return args[1]
            raise SpellError(f"Function call failed: {self.head_text(form, f)}: "
                             "index out of bounds", form)
        if n not in (1, 2):
            raise self.arity_error(form, f, n)
        default = args[1] if n == 2 else None
        if type(f) is Keyword:
            v = get_key(args[0], f, MISSING)
        else:
            v = f.get(args[0], MISSING)
        return default if v is MISSING else v

    def arity_error(self, form: Any, f: Any, n: int) -> SpellError:
        return SpellError(f"Function call failed: {self.head_text(form, f)}: "
                          f"wrong number of args ({n})", form)

    # -- macros ---------------------------------------------------------------------------

    def expand_user_macro(self, m: SMap, form: SList, scope: dict) -> Any:
        """Expand a user macro once: its expander gets the unevaluated argument forms."""
        expander = m.get(Keyword("expander"))
        saved = self.ctx.capability
        self.ctx.capability = False  # D5: expansion never runs effects
        try:
            return self.apply(expander, list(form[1:]), form, scope, 0)
        except SpellError as e:
            raise SpellError(f"Macro expansion of {pr(form[0])} failed: {e.message}", form,
                             e.thrown) from None
        finally:
            self.ctx.capability = saved


class TurnSignal(Exception):
    """Base for control transfers of the harness (tail turns); never caught by Spell code."""


S_EVAL = Symbol("eval")


def get_key(coll: Any, k: Any, default: Any = None) -> Any:
    """`get` for maps (incl. namespaces and function maps), sets and indexable values."""
    if isinstance(coll, SMap):
        return coll.get(k, default)
    if type(coll) is SSet:
        return k if k in coll else default
    if type(k) is int and type(coll) in (SVector, SList, str) and 0 <= k < len(coll):
        item = coll[k]
        if type(coll) is str:
            from ..syntax.values import Char
            return Char(item)
        return item
    return default


def check_recur_count(params: SVector, args: list, form: Any) -> None:
    """A function-level `recur` supplies one value per parameter (the rest as one)."""
    names = list(params)
    if Symbol("&") in names:
        names = names[:names.index(Symbol("&")) + 1]
    if len(args) != len(names):
        raise SpellError(f"recur: expected {len(names)} values, got {len(args)}", form)


def make_fn(params: Any, body: Any) -> SMap:
    """The function map `{:spell/fn true :params [...] :body (...)}`."""
    return SMap([(K_SPELL_FN, True), (K_PARAMS, params), (K_BODY, SList(body))])
