"""Definitions, references and call facts of a document's evaluated code.

One walk over the syntax tree follows evaluation structurally (special forms and built-in
macros by their shapes) and records:

- every binding (`Binding`): do-level `def`/`defn`/`defmacro`/`define`/`persist`/`quine`
  (visible to later forms and to the trailing expression), injected `msg-N` definitions,
  and local ones (`let`, `loop`, `for`, `fn` parameters with destructuring, the `if-let`
  family, `as->`, `catch`, `blocking/plet`);
- every evaluated symbol reference and the binding it resolves to (None: a global name);
- the facts diagnostics need: effect uses, calls to user functions, namespace members,
  unresolved names, each with the *mode* of the code it sits in.

Spell has dynamic scope and no closures, so a function body may use names that exist only
where it is called: inside function bodies a name counts as bound when the document binds
it anywhere. Inert quoted history (quoted do-body forms other than the trailing
expression) is skipped entirely.

Modes: `do` (the do-block, evaluated without the effect capability), `trailing` (the
quoted trailing expression, with the capability), `unquoted` (an unquoted trailing
expression: evaluated in the do-block), `fn` (the body of a named function; reached only
through calls), `dead` (anonymous function bodies and other code nothing is known to run).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from ..syntax.reader import (
    DEREF, FN, KEYWORD, LIST, MAP, META, NUMBER, QUOTE, STRING, SYMBOL, SYNTAX_QUOTE,
    UNQUOTE, UNQUOTE_SPLICING, VECTOR, Branch, ErrorToken, FnLiteral, Node, Token,
)
from .names import (
    CALL_NOW_FAMILY, EFFECT_NAMES, EFFECT_ROOTS, HIGHER_ORDER, arity_of, is_global,
    namespace_root,
)
from .program import PROGRAM, head_name, is_bare_quine

if TYPE_CHECKING:
    from .document import Document

DO, TRAILING, UNQUOTED, FN_BODY, DEAD = "do", "trailing", "unquoted", "fn", "dead"
PROMPT_TAKERS = frozenset({"!llm-self", "agents/spawn", "agents/!spawn-ask"})

_ARITY_OK: set[tuple[str, int]] = set()  # (name, count) pairs known to be accepted


@dataclass(eq=False)
class Binding:
    """A name bound in the document.

    `def_start`/`def_end` span the name where it is bound; `scope_start`/`scope_end` the
    text where it is visible (do-level names: from the end of their form to the end of the
    do-block). `value_node` is the bound expression's node (the `fn`/`defn` list for
    functions, the quine list for `quine` names), None for parameters and patterns.
    `params` is (required count, takes rest) for functions and macros.

    Kinds: `def`, `defn`, `defmacro`, `define`, `persist`, `quine`, `message` (an injected
    `msg-N`), and for locals `let`, `loop`, `for`, `param`, `if-let`, `when-let`, `if-some`,
    `when-some`, `catch`, `as->`, `plet`. A `def` inside a `let` or function body is local
    (`top` is False).
    """

    name: str
    kind: str
    def_start: int
    def_end: int
    scope_start: int
    scope_end: int
    value_node: Node | None = None
    params: tuple[int, bool] | None = None
    form: Node | None = None   # the whole defining form (for document symbols)
    top: bool = False          # bound at the do-block level (seen by later forms)


class Ref(NamedTuple):
    """An evaluated symbol reference: its span, name and binding (None: global or
    unbound). For `a/b` with `a` bound in the document the span is `a`'s."""

    start: int
    end: int
    name: str
    binding: Binding | None


_tuple_new = tuple.__new__  # builds NamedTuples without their Python-level __new__


class Use(NamedTuple):
    """A fact about one symbol occurrence: name, span, mode and owning function."""

    name: str
    start: int
    end: int
    mode: str
    owner: Binding | None
    future: bool


class Call(NamedTuple):
    """A call of a user function or macro (`callee`), with its argument count."""

    callee: Binding
    start: int
    end: int
    mode: str
    owner: Binding | None
    nargs: int
    node: Node
    quiet: bool = False


@dataclass(frozen=True)
class Diagnostic:
    """One problem: code, severity, offset span [start, end), message, extra data (the
    walk records some; diagnostics.py adds the rest)."""

    code: str
    severity: str
    start: int
    end: int
    message: str
    data: dict | None = None


@dataclass
class ScopeIndex:
    """Everything the walk found; see the module docstring."""

    bindings: list[Binding] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    top: dict[str, list[Binding]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)        # every name bound anywhere
    effects: list[Use] = field(default_factory=list)    # effect builtins/members, turns
    blocking: list[Use] = field(default_factory=list)   # blocking/ members
    calls: list[Call] = field(default_factory=list)
    ns_members: list[Use] = field(default_factory=list)  # qualified global references
    unbound: list[Use] = field(default_factory=list)
    evals: list[tuple[Node, str, dict]] = field(default_factory=list)  # (call, mode, env)
    findings: list[Diagnostic] = field(default_factory=list)
    # Walk state kept for the next version of the document (see `Walker.resume`): names
    # in function bodies and calls by name, resolved at the end of the walk; after each
    # do-body form before the trailing expression, the form and the lengths of the lists.
    deferred: list[tuple[int, int, str, str, Binding | None, bool]] = field(
        default_factory=list)
    pending: list[Call] = field(default_factory=list)
    checkpoints: list[tuple[Node, tuple[int, ...]]] = field(default_factory=list)
    scope_end: int = 0                # where do-level scopes end (the do-block's end)
    wrapper: Node | None = None


_RESUMED = ("bindings", "refs", "effects", "blocking", "calls", "ns_members", "unbound",
            "evals", "findings", "deferred", "pending")  # the lists a checkpoint measures


class Ctx:
    """Where the walk is: mode, owning function, inside a future, quiet (macro
    arguments: no unbound/arity reports), and whether `def` binds at the do level."""

    __slots__ = ("mode", "owner", "future", "quiet", "top")

    def __init__(self, mode: str, owner: Binding | None = None, future: bool = False,
                 quiet: bool = False, top: bool = False) -> None:
        self.mode = mode
        self.owner = owner
        self.future = future
        self.quiet = quiet
        self.top = top

    def local(self) -> "Ctx":
        """The same context where `def` binds locally (let, fn and loop bodies)."""
        if not self.top:
            return self
        return Ctx(self.mode, self.owner, self.future, self.quiet, False)

    def with_(self, **changes) -> "Ctx":
        values = {k: getattr(self, k) for k in self.__slots__}
        values.update(changes)
        return Ctx(**values)


def kids(node: Node) -> list[Node]:
    """Form children of a branch (tokens and complete branches)."""
    out = []
    for c in node.children:  # type: ignore[attr-defined]
        t = type(c)
        if t is Token or ((t is Branch or t is FnLiteral) and not c.need):
            out.append(c)
    return out


def unreadable(node: Node) -> bool:
    """Does a list have children that read as nothing (errors, unfinished macros)?"""
    return any(type(c) is ErrorToken or (isinstance(c, Branch) and c.need)
               for c in node.children)  # type: ignore[attr-defined]


def sym_name(node: Node) -> str | None:
    return node.value.name if type(node) is Token and node.kind == SYMBOL else None


def fn_params(vector: Node) -> tuple[int, bool]:
    """(required count, takes rest) of a parameter vector."""
    required, rest = 0, False
    for p in kids(vector):
        if sym_name(p) == "&":
            rest = True
            break
        if p.kind == KEYWORD:  # `:as` and its name
            break
        required += 1
    return required, rest


class Walker:
    """The walk; see the module docstring. One instance per document."""

    def __init__(self, doc: "Document") -> None:
        self.doc = doc
        self.index = ScopeIndex()
        self.current: dict[str, Binding] = {}   # do-level names bound so far
        self.ends: list[int] = []               # ends of the lists being walked
        self.resumed = 0                        # do-body forms taken over (`resume`)
        self.scope_end = len(doc.text)
        program = doc.program
        if program.do_node is not None:
            self.scope_end = program.do_node.end
        self.index.scope_end, self.index.wrapper = self.scope_end, program.wrapper

    @property
    def deferred(self) -> list[tuple[int, int, str, str, Binding | None, bool]]:
        return self.index.deferred

    @property
    def pending(self) -> list[Call]:
        return self.index.pending

    # -- resuming from the previous version -----------------------------------------------

    def resume(self, old: ScopeIndex, old_program) -> None:
        """Take over the walk of the leading do-body forms the previous version of the
        document shares with this one (the same nodes: the edit came after them).

        Their facts are kept; bindings whose scope reaches the end of the do-block (or
        of the wrapper) are copied with the new end, and the facts naming them follow."""
        program = self.doc.program
        if program.kind != PROGRAM or old_program.kind != PROGRAM \
                or program.name is not old_program.name:
            return
        body, count = program.body, 0
        for form, _ in old.checkpoints:
            if count >= len(body) - 1 or body[count] is not form:
                break
            count += 1
        if count == 0:
            return
        lengths = old.checkpoints[count - 1][1]
        moved = {b: replace(b, scope_end=program.wrapper.end, value_node=program.wrapper,
                            form=program.wrapper) if b.value_node is old.wrapper
                 else replace(b, scope_end=self.scope_end)
                 for b in old.bindings[:lengths[0]]
                 if b.scope_end == old.scope_end or b.value_node is old.wrapper}
        for name, size in zip(_RESUMED, lengths):
            getattr(self.index, name).extend(_carry(name, getattr(old, name)[:size], moved))
        for b in self.index.bindings:
            self.index.names.add(b.name)
            if b.top:
                self.current[b.name] = b
                self.index.top.setdefault(b.name, []).append(b)
        self.index.checkpoints = old.checkpoints[:count]
        self.resumed = count

    # -- bindings -------------------------------------------------------------------------

    def bind(self, token: Node, kind: str, env: dict | None, scope_start: int,
             scope_end: int, value: Node | None = None, params=None,
             form: Node | None = None) -> Binding | None:
        name = sym_name(token)
        if name is None or name == "&":
            return None
        b = Binding(name, kind, token.start, token.end, scope_start, scope_end, value, params,
                    form, env is None)
        self.index.bindings.append(b)
        self.index.names.add(name)
        if env is None:
            self.current[name] = b
            self.index.top.setdefault(name, []).append(b)
        else:
            env[name] = b
        return b

    def bind_top_or_local(self, token: Node, kind: str, env: dict, ctx: Ctx, form: Node,
                          value: Node | None, params=None) -> Binding | None:
        """A `def`-like binding: do-level when the context binds there, else local."""
        if ctx.top:
            name = sym_name(token) or ""
            if kind == "def" and name.startswith("msg-") and name[4:].isdigit():
                kind = "message"  # injected by the harness (spec 8.2)
            return self.bind(token, kind, None, form.end, self.scope_end, value, params, form)
        return self.bind(token, kind, env, form.end, self.local_end(form), value, params, form)

    def local_end(self, form: Node) -> int:
        """End of the list around a local def (the construct whose scope it extends)."""
        return self.ends[-2] if len(self.ends) >= 2 else self.scope_end

    def pattern(self, node: Node, kind: str, env: dict, start: int, end: int,
                ctx: Ctx) -> None:
        """Bind every name of a destructuring pattern."""
        t = node.kind
        if t == SYMBOL:
            self.bind(node, kind, env, start, end)
        elif t == VECTOR:
            for p in kids(node):
                if p.kind != KEYWORD:
                    self.pattern(p, kind, env, start, end, ctx)
        elif t == MAP:
            items = kids(node)
            for k, v in zip(items[0::2], items[1::2]):
                key = k.value.name if k.kind == KEYWORD else None
                if key in ("keys", "strs", "syms"):
                    for s in kids(v) if isinstance(v, Branch) else ():
                        if s.kind == SYMBOL:
                            self.bind(s, kind, env, start, end)
                elif key == "as":
                    self.pattern(v, kind, env, start, end, ctx)
                elif key == "or":
                    for default in kids(v)[1::2] if isinstance(v, Branch) else ():
                        self.expr(default, env, ctx)
                elif k.kind != KEYWORD:
                    self.pattern(k, kind, env, start, end, ctx)

    # -- references -----------------------------------------------------------------------

    def symbol(self, node: Token, env: dict, ctx: Ctx) -> Binding | None:
        """Resolve an evaluated symbol and record what it means."""
        name = node.value.name
        b = env.get(name)
        if b is not None:
            self.index.refs.append(_tuple_new(Ref, (node.start, node.end, name, b)))
            return b
        if "/" in name:
            root, member = namespace_root(name)
            if member is not None:
                return self.qualified(node, name, root, member, env, ctx)
        return self.plain(node, name, ctx)

    def plain(self, node: Node, name: str, ctx: Ctx) -> Binding | None:
        b = self.current.get(name)
        if b is not None:
            self.index.refs.append(_tuple_new(Ref, (node.start, node.end, name, b)))
            return b
        if ctx.mode in (FN_BODY, DEAD) or ctx.quiet:
            self.deferred.append((node.start, node.end, name, ctx.mode, ctx.owner, ctx.quiet))
        elif not is_global(name):
            self.index.unbound.append(Use(name, node.start, node.end, ctx.mode, ctx.owner,
                                          ctx.future))
        self.global_use(name, node.start, node.end, ctx)
        return None

    def qualified(self, node: Node, name: str, root: str, member: str, env: dict,
                  ctx: Ctx) -> Binding | None:
        start, root_end = node.start, node.start + len(root)
        b = env.get(root) or self.current.get(root)
        if b is not None:  # a document value read like a namespace: no member check
            self.index.refs.append(_tuple_new(Ref, (start, root_end, root, b)))
            return None
        if ctx.mode in (FN_BODY, DEAD) and root in self.index.names \
                and not is_global(root):
            self.deferred.append((start, root_end, root, ctx.mode, ctx.owner, True))
            return None
        if not is_global(root):
            if ctx.mode in (FN_BODY, DEAD) or ctx.quiet:
                self.deferred.append((start, root_end, root, ctx.mode, ctx.owner, ctx.quiet))
            else:
                self.index.unbound.append(Use(root, start, root_end, ctx.mode, ctx.owner,
                                              ctx.future))
            return None
        self.index.ns_members.append(Use(name, node.start, node.end, ctx.mode, ctx.owner,
                                         ctx.future))
        self.global_use(name, node.start, node.end, ctx)
        return None

    def global_use(self, name: str, start: int, end: int, ctx: Ctx) -> None:
        """Record effect and blocking uses of a global name."""
        if name in EFFECT_NAMES:
            self.index.effects.append(Use(name, start, end, ctx.mode, ctx.owner, ctx.future))
        elif "/" in name:
            root, member = namespace_root(name)
            if member is None:
                return
            if root in EFFECT_ROOTS:
                self.index.effects.append(Use(name, start, end, ctx.mode, ctx.owner,
                                              ctx.future))
            elif root == "blocking" and name != "blocking/plet":
                self.index.blocking.append(Use(name, start, end, ctx.mode, ctx.owner,
                                               ctx.future))

    # -- expressions ----------------------------------------------------------------------

    def expr(self, node: Node, env: dict, ctx: Ctx) -> None:
        """Walk one evaluated form."""
        k = node.kind
        if k == SYMBOL:
            self.symbol(node, env, ctx)  # type: ignore[arg-type]
        elif k == LIST:
            self.call(node, env, ctx)
        elif k == VECTOR or k == MAP:
            for c in node.children:  # type: ignore[attr-defined]
                t = type(c)
                if t is Token:
                    if c.kind == SYMBOL:
                        self.symbol(c, env, ctx)
                elif (t is Branch or t is FnLiteral) and not c.need:
                    self.expr(c, env, ctx)
        elif k == FN:
            self.fn_literal(node, env, ctx, None)
        elif k == SYNTAX_QUOTE:
            for c in kids(node):
                self.quasi(c, env, ctx, 1)
        elif k == META:
            parts = kids(node)
            if parts:
                self.expr(parts[-1], env, ctx)
        elif k == DEREF:
            if not ctx.quiet and ctx.mode not in (FN_BODY, DEAD):
                self.index.unbound.append(Use("deref", node.start, node.start + 1, ctx.mode,
                                              ctx.owner, ctx.future))
            for c in kids(node):
                self.expr(c, env, ctx)
        # quote, set (elements are not evaluated), atoms: nothing to do

    def body(self, forms: list[Node], env: dict, ctx: Ctx) -> None:
        for f in forms:
            self.expr(f, env, ctx)

    def call(self, node: Node, env: dict, ctx: Ctx) -> None:
        parts = kids(node)
        if not parts:
            return
        head = parts[0]
        name = sym_name(head)
        if name is None:
            self.body(parts, env, ctx)
            return
        special = HANDLERS.get(name)
        if special is not None:
            self.global_use(name, head.start, head.end, ctx)
            self.check_arity(name, head, len(parts) - 1, ctx, node)
            self.ends.append(node.end)
            special(self, node, parts, env, ctx)
            self.ends.pop()
            return
        b = self.symbol(head, env, ctx)  # type: ignore[arg-type]
        args = parts[1:]
        if b is not None and b.kind == "defmacro":
            self.index.calls.append(Call(b, head.start, head.end, ctx.mode, ctx.owner,
                                         len(args), node))
            self.body(args, env, ctx.with_(quiet=True))
            return
        if b is not None and b.params is not None:
            self.index.calls.append(Call(b, head.start, head.end, ctx.mode, ctx.owner,
                                         len(args), node, ctx.quiet))
        elif b is None and env.get(name) is None:
            if ctx.mode in (FN_BODY, DEAD) and not is_global(name):
                self.pending.append(Call(None, head.start, head.end, ctx.mode,  # type: ignore
                                         ctx.owner, len(args), node, ctx.quiet))
            self.check_arity(name, head, len(args), ctx, node)
            if name == "eval" or name == "spell-eval":
                self.index.evals.append((node, ctx.mode, env))
            elif name in PROMPT_TAKERS:
                self.check_prompt(name, args, env)
        higher = name in HIGHER_ORDER and b is None
        for a in args:
            if higher and a.kind == SYMBOL:
                fb = self.symbol(a, env, ctx)  # type: ignore[arg-type]
                if fb is not None and fb.params is not None:
                    self.index.calls.append(Call(fb, a.start, a.end, ctx.mode, ctx.owner, 1,
                                                 node))
            elif higher and (a.kind == FN or head_name(a) in ("fn", "fn*")):
                self.fn_any(a, env, ctx, None, called=True)
            else:
                self.expr(a, env, ctx)

    def check_arity(self, name: str, head: Node, nargs: int, ctx: Ctx, node: Node) -> None:
        """Arity of builtins, special forms, macros and namespace functions (not of calls
        with unreadable parts: the reader error says it all)."""
        key = (name, nargs)
        if ctx.quiet or key in _ARITY_OK:
            return
        if name in CALL_NOW_FAMILY:
            if not (nargs in (2, 3) or (nargs >= 4 and nargs % 2 == 0)) \
                    and not unreadable(node):
                self.index.findings.append(Diagnostic(
                    "call-now-arity", "error", head.start, head.end,
                    f"`{name}` takes a name and an expression (name expr), optionally a "
                    f"limit (name expr limit), or pairs (name1 expr1 name2 expr2 ...); this "
                    f"call passes {nargs} argument{'' if nargs == 1 else 's'}.",
                    {"given": nargs}))
            return
        if name == "agents/reply" and nargs == 1:
            self.index.findings.append(Diagnostic(
                "reply-one-arg", "error", head.start, head.end,
                "`agents/reply` needs the received message and a value: "
                "(agents/reply msg-N value).", {"given": 1}))
            return
        ar = arity_of(name)
        if ar is None or ar.accepts(nargs):
            if len(_ARITY_OK) < 50_000:
                _ARITY_OK.add(key)
            return
        if unreadable(node):
            return
        self.index.findings.append(Diagnostic(
            "wrong-arity", "error", head.start, head.end,
            f"`{name}` takes {ar} argument{'' if str(ar) == '1' else 's'}, "
            f"this call passes {nargs}.", {"expected": str(ar), "given": nargs}))

    def check_prompt(self, name: str, args: list[Node], env: dict) -> None:
        """A bare `(quine p "...")` given where a wrapper quine is needed (spec 5.5, 8.4)."""
        if name != "!llm-self" and len(args) >= 2 and (
                sym_name(args[0]) in ("!llm-self", "leaf-llm")
                or (sym_name(args[0]) or "").startswith("llms/")):
            args = args[1:]
        if not args:
            return
        arg = args[0]
        if arg.kind == SYMBOL:  # a name bound by `quine` holds its quine form
            b = env.get(arg.value.name) or self.current.get(arg.value.name)
            if b is None or b.kind != "quine" or b.value_node is None:
                return
            quine = b.value_node
        elif arg.kind == QUOTE and kids(arg):
            quine = kids(arg)[0]
        else:
            return  # evaluated: `(quine p "x")` itself evaluates to "x"
        if not is_bare_quine(quine):
            return
        self.index.findings.append(Diagnostic(
            "bare-quine-prompt", "error", arg.start, arg.end,
            f"`{name}` needs a wrapper quine `(quine n (eval (do ...)))`; a bare "
            "`(quine p \"...\")` fails with \"reopen expects quine tail of the form "
            "(eval (do ...))\". Wrap it: (wrap-cat ...), or pass the prompt string."))

    # -- functions ------------------------------------------------------------------------

    def fn_any(self, node: Node, env: dict, ctx: Ctx, owner: Binding | None,
               called: bool = False) -> None:
        """A `fn` list or `#()` literal; `called`: a builtin calls it right here."""
        if node.kind == FN:
            self.fn_literal(node, env, ctx, owner, called)
        else:
            parts = kids(node)
            self.global_use(sym_name(parts[0]) or "fn", parts[0].start, parts[0].end, ctx)
            self.fn_parts(node, parts[1:], env, ctx, owner, called)

    def fn_mode(self, ctx: Ctx, owner: Binding | None, called: bool) -> Ctx:
        if called:
            return ctx.local()
        if owner is not None:
            return Ctx(FN_BODY, owner, ctx.future, ctx.quiet)
        return Ctx(DEAD, None, ctx.future, ctx.quiet)

    def fn_parts(self, node: Node, rest: list[Node], env: dict, ctx: Ctx,
                 owner: Binding | None, called: bool = False) -> None:
        """`[params] body...` (a name before the vector is tolerated)."""
        if rest and rest[0].kind == SYMBOL:
            rest = rest[1:]
        if not rest or rest[0].kind != VECTOR:
            return
        inner = dict(env)
        self.pattern(rest[0], "param", inner, rest[0].end, node.end, ctx)
        self.body(rest[1:], inner, self.fn_mode(ctx, owner, called))

    def fn_literal(self, node: Node, env: dict, ctx: Ctx, owner: Binding | None,
                   called: bool = False) -> None:
        inner = dict(env)
        mode = self.fn_mode(ctx, owner, called)
        for i in range(1, node.max_arg + 1):  # type: ignore[attr-defined]
            inner[f"%{i}"] = Binding(f"%{i}", "param", node.start, node.start, node.start,
                                     node.end)
        if node.rest:  # type: ignore[attr-defined]
            inner["%&"] = Binding("%&", "param", node.start, node.start, node.start, node.end)
        self.call(node, inner, mode)

    # -- quasiquote -----------------------------------------------------------------------

    def quasi(self, node: Node, env: dict, ctx: Ctx, level: int) -> None:
        """Walk a quasiquoted template: only level-1 unquotes are evaluated."""
        k = node.kind
        if k == UNQUOTE or k == UNQUOTE_SPLICING:
            for c in kids(node):
                if level == 1:
                    self.expr(c, env, ctx)
                else:
                    self.quasi(c, env, ctx, level - 1)
        elif k == SYNTAX_QUOTE:
            for c in kids(node):
                self.quasi(c, env, ctx, level + 1)
        elif isinstance(node, Branch):
            if ctx.owner is not None and ctx.owner.kind == "defmacro" and k == LIST:
                self.template_call(node, ctx)
            for c in kids(node):
                self.quasi(c, env, ctx, level)

    def template_call(self, node: Node, ctx: Ctx) -> None:
        """A call written in a macro's template runs where the macro is used."""
        name = head_name(node)
        if name is None:
            return
        head = kids(node)[0]
        if name == "persist":
            self.index.findings.append(Diagnostic(
                "persist-in-macro", "warning", head.start, head.end,
                "`persist` produced by a macro is never materialised into the source; "
                "write (persist name expr) literally in the do-block instead."))
        self.global_use(name, head.start, head.end, ctx)

    # -- the document ---------------------------------------------------------------------

    def run(self) -> ScopeIndex:
        program = self.doc.program
        if program.kind == PROGRAM:
            self.wrapper(program)
        elif program.kind != "prompt":
            ctx = Ctx(DO, top=True)
            for form in program.top_level:
                self.expr(form, {}, ctx)
        self.resolve_deferred()
        return self.index

    def wrapper(self, program) -> None:
        if program.name is not None and not self.resumed:
            self.bind(program.name, "quine", None, program.name.end, program.wrapper.end,
                      program.wrapper, form=program.wrapper)
        ctx = Ctx(DO, top=True)
        trailing = program.trailing
        index = self.index
        for form in program.body[self.resumed:]:
            if form is trailing:
                break
            if form.kind != QUOTE:  # quoted: inert history
                self.expr(form, {}, ctx)
            index.checkpoints.append(
                (form, tuple(len(getattr(index, name)) for name in _RESUMED)))
        if trailing is None:
            return
        if trailing.kind == QUOTE:
            inner = kids(trailing)
            if inner:
                self.expr(inner[0], {}, Ctx(TRAILING))
        else:
            self.expr(trailing, {}, Ctx(UNQUOTED, top=True))

    def resolve_deferred(self) -> None:
        """Names in function bodies resolve where the function is called: bound if the
        document binds them anywhere (the latest do-level definition is the target)."""
        names, top = self.index.names, self.index.top
        for start, end, name, mode, owner, quiet in self.deferred:
            bindings = top.get(name)
            if bindings:
                self.index.refs.append(_tuple_new(Ref, (start, end, name, bindings[-1])))
            elif name not in names and not is_global(name) and not quiet:
                self.index.unbound.append(Use(name, start, end, mode, owner, False))
        text = self.doc.text
        for call in self.pending:
            group = top.get(text[call.start:call.end])
            if group and group[-1].params is not None:
                self.index.calls.append(call._replace(callee=group[-1]))


# -- special forms and built-in macros ---------------------------------------------------

def h_quote(w: Walker, node, parts, env, ctx) -> None:
    return None


def h_def(w: Walker, node, parts, env, ctx) -> None:
    """(def name expr), (def name "doc" expr), (define name expr), (persist name [expr])."""
    kind = sym_name(parts[0])
    if len(parts) < 2 or parts[1].kind != SYMBOL:
        w.body(parts[1:], env, ctx)
        return
    value = parts[-1] if len(parts) >= 3 else None
    if value is not None:
        if value.kind == FN or head_name(value) in ("fn", "fn*"):
            b = w.bind_top_or_local(parts[1], kind, env, ctx, node, value,
                                    fn_params_of(value))
            w.fn_any(value, env, ctx, b)
            return
        w.expr(value, env, ctx)
    elif kind == "persist":
        w.symbol(parts[1], env, ctx)
    w.bind_top_or_local(parts[1], kind, env, ctx, node, value)


def fn_params_of(value: Node) -> tuple[int, bool] | None:
    if value.kind == FN:
        return value.max_arg, value.rest  # type: ignore[attr-defined]
    rest = kids(value)[1:]
    if rest and rest[0].kind == SYMBOL:
        rest = rest[1:]
    return fn_params(rest[0]) if rest and rest[0].kind == VECTOR else None


def h_defn(w: Walker, node, parts, env, ctx) -> None:
    """(defn name "doc"? [params] body...) and defmacro."""
    kind = sym_name(parts[0])
    if len(parts) < 2 or parts[1].kind != SYMBOL:
        return
    rest = parts[2:]
    if rest and rest[0].kind == STRING:
        rest = rest[1:]
    params = fn_params(rest[0]) if rest and rest[0].kind == VECTOR else None
    b = w.bind_top_or_local(parts[1], kind, env, ctx, node, node, params)
    w.fn_parts(node, rest, env, ctx, b)


def h_do(w: Walker, node, parts, env, ctx) -> None:
    w.body(parts[1:], env, ctx)


def h_case(w: Walker, node, parts, env, ctx) -> None:
    """(case e c1 r1 ... [default]): the constants are not evaluated."""
    if len(parts) < 2:
        return
    w.expr(parts[1], env, ctx)
    clauses = parts[2:]
    for i in range(1, len(clauses), 2):
        w.expr(clauses[i], env, ctx)
    if len(clauses) % 2:
        w.expr(clauses[-1], env, ctx)


def pairs_of(vector: Node) -> list[tuple[Node, Node]]:
    items = kids(vector)
    return list(zip(items[0::2], items[1::2]))


def h_let(w: Walker, node, parts, env, ctx) -> None:
    """let / loop: sequential bindings with destructuring, then the body."""
    if len(parts) < 2 or parts[1].kind != VECTOR:
        w.body(parts[1:], env, ctx)
        return
    kind = sym_name(parts[0])
    inner = dict(env)
    for pat, value in pairs_of(parts[1]):
        if value.kind == FN or head_name(value) in ("fn", "fn*"):
            b = None
            if pat.kind == SYMBOL:
                b = w.bind(pat, kind, inner, value.end, node.end, value, fn_params_of(value))
            w.fn_any(value, inner, ctx, b)
            continue
        w.expr(value, inner, ctx)
        w.pattern(pat, kind, inner, value.end, node.end, ctx)
    w.body(parts[2:], inner, ctx.local())


def h_for(w: Walker, node, parts, env, ctx) -> None:
    """(for [x coll :when t :while t :let [p e] ...] body)."""
    if len(parts) < 2 or parts[1].kind != VECTOR:
        w.body(parts[1:], env, ctx)
        return
    inner = dict(env)
    local = ctx.local()
    for pat, value in pairs_of(parts[1]):
        key = pat.value.name if pat.kind == KEYWORD else None
        if key == "let" and value.kind == VECTOR:
            for p2, v2 in pairs_of(value):
                w.expr(v2, inner, local)
                w.pattern(p2, "for", inner, v2.end, node.end, ctx)
        elif key is not None:
            w.expr(value, inner, local)
        else:
            w.expr(value, inner, local)
            w.pattern(pat, "for", inner, value.end, node.end, ctx)
    w.body(parts[2:], inner, local)


def h_fn(w: Walker, node, parts, env, ctx) -> None:
    w.fn_parts(node, parts[1:], env, ctx, None)


def h_quine(w: Walker, node, parts, env, ctx) -> None:
    """(quine n inert... last): binds n to the form, evaluates only the last argument."""
    if len(parts) >= 2 and parts[1].kind == SYMBOL:
        w.bind_top_or_local(parts[1], "quine", env, ctx, node, node)
    if len(parts) >= 3:
        w.expr(parts[-1], env, ctx)


def h_reopen(w: Walker, node, parts, env, ctx) -> None:
    """(reopen q extras...): extras are raw forms except (reopen-eval e)."""
    if len(parts) >= 2:
        w.expr(parts[1], env, ctx)
    for extra in parts[2:]:
        if head_name(extra) == "reopen-eval":
            w.body(kids(extra)[1:], env, ctx)


def h_try(w: Walker, node, parts, env, ctx) -> None:
    """(try body... (catch e handler...))."""
    body = parts[1:]
    if body and head_name(body[-1]) == "catch":
        clause = kids(body[-1])
        body = body[:-1]
        w.body(body, env, ctx)
        if len(clause) >= 2 and clause[1].kind == SYMBOL:
            inner = dict(env)
            w.bind(clause[1], "catch", inner, clause[1].end, parts[-1].end)
            w.body(clause[2:], inner, ctx.local())
        return
    w.body(body, env, ctx)


def h_quasiquote(w: Walker, node, parts, env, ctx) -> None:
    for c in parts[1:]:
        w.quasi(c, env, ctx, 1)


def h_if_let(w: Walker, node, parts, env, ctx) -> None:
    """(if-let [p test] then else) and its family: p is visible in then/body only."""
    if len(parts) < 2 or parts[1].kind != VECTOR:
        w.body(parts[1:], env, ctx)
        return
    pairs = pairs_of(parts[1])
    inner = dict(env)
    for pat, test in pairs[:1]:
        w.expr(test, env, ctx)
        w.pattern(pat, sym_name(parts[0]) or "if-let", inner, test.end, node.end, ctx)
    if sym_name(parts[0]) in ("if-let", "if-some"):
        if len(parts) >= 3:
            w.expr(parts[2], inner, ctx.local())
        w.body(parts[3:], env, ctx)
    else:
        w.body(parts[2:], inner, ctx.local())


def h_thread(w: Walker, node, parts, env, ctx) -> None:
    """->, ->>, some->, some->>: each step is called with one more argument."""
    if len(parts) < 2:
        return
    w.expr(parts[1], env, ctx)
    for step in parts[2:]:
        thread_step(w, step, env, ctx)


def thread_step(w: Walker, step: Node, env: dict, ctx: Ctx) -> None:
    """One step of a threading macro: `f`, `(f args...)` or `(as-> name forms...)`."""
    if step.kind == SYMBOL:
        b = w.symbol(step, env, ctx)  # type: ignore[arg-type]
        if b is not None and b.params is not None:
            w.index.calls.append(Call(b, step.start, step.end, ctx.mode, ctx.owner, 1, step,
                                      ctx.quiet))
        return
    parts = kids(step) if step.kind == LIST else []
    name = sym_name(parts[0]) if parts else None
    if name is None:
        w.expr(step, env, ctx)
    elif name == "as->":
        inner = dict(env)
        if len(parts) >= 2:
            w.pattern(parts[1], "as->", inner, parts[1].end, step.end, ctx)
        w.body(parts[2:], inner, ctx.local())
    elif name in HANDLERS:  # a macro step gets the value as its first form: shapes shift
        w.body(parts[1:], env, ctx.with_(quiet=True))
    else:
        head = parts[0]
        b = w.symbol(head, env, ctx)  # type: ignore[arg-type]
        if b is not None and b.params is not None:
            w.index.calls.append(Call(b, head.start, head.end, ctx.mode, ctx.owner,
                                      len(parts), step, ctx.quiet))
        elif b is None and env.get(name) is None:
            w.check_arity(name, head, len(parts), ctx, step)
        w.body(parts[1:], env, ctx)


def h_cond_thread(w: Walker, node, parts, env, ctx) -> None:
    """(cond-> e test step ...)."""
    if len(parts) < 2:
        return
    w.expr(parts[1], env, ctx.local())
    rest = parts[2:]
    for i in range(0, len(rest) - 1, 2):
        w.expr(rest[i], env, ctx.local())
        thread_step(w, rest[i + 1], env, ctx.local())


def h_as_thread(w: Walker, node, parts, env, ctx) -> None:
    """(as-> e name forms...)."""
    if len(parts) < 3:
        w.body(parts[1:], env, ctx)
        return
    w.expr(parts[1], env, ctx)
    inner = dict(env)
    w.pattern(parts[2], "as->", inner, parts[2].end, node.end, ctx)
    w.body(parts[3:], inner, ctx.local())


def h_future(w: Walker, node, parts, env, ctx) -> None:
    w.body(parts[1:], env, ctx.with_(future=True, top=False))


def h_plet(w: Walker, node, parts, env, ctx) -> None:
    """(blocking/plet [a e1 b e2] body...): the inits run in futures."""
    if len(parts) < 2 or parts[1].kind != VECTOR:
        w.body(parts[1:], env, ctx)
        return
    inner = dict(env)
    for pat, value in pairs_of(parts[1]):
        w.expr(value, env, ctx.with_(future=True, top=False))
        w.pattern(pat, "plet", inner, value.end, node.end, ctx)
    w.body(parts[2:], inner, ctx.local())


def h_think(w: Walker, node, parts, env, ctx) -> None:
    """(think label body...), (rethink [N] label body...): the label is not evaluated."""
    rest = parts[1:]
    if sym_name(parts[0]) == "rethink" and rest and rest[0].kind == NUMBER:
        rest = rest[1:]
    w.body(rest[1:], env, ctx)


def h_call_now(w: Walker, node, parts, env, ctx) -> None:
    """(!call-now name e [limit]) or pairs: names are not evaluated."""
    args = parts[1:]
    if len(args) == 3:
        w.expr(args[1], env, ctx)
        w.expr(args[2], env, ctx)
        return
    for i in range(1, len(args), 2):
        w.expr(args[i], env, ctx)


def h_describe(w: Walker, node, parts, env, ctx) -> None:
    """(!describe ns [:k] ...): namespace names, checked but not effects themselves."""
    for a in parts[1:]:
        name = sym_name(a)
        if name is not None and is_global(name):
            w.index.refs.append(_tuple_new(Ref, (a.start, a.end, name, None)))
        else:
            w.expr(a, env, ctx)


def h_args(w: Walker, node, parts, env, ctx) -> None:
    """Macros and specials whose arguments are all evaluated in order."""
    w.body(parts[1:], env, ctx)


def h_none(w: Walker, node, parts, env, ctx) -> None:
    """Forms whose arguments are data (`first-line`, `prune`)."""
    return None


HANDLERS = {
    "quote": h_quote, "def": h_def, "define": h_def, "persist": h_def,
    "defn": h_defn, "defmacro": h_defn, "do": h_do, "if": h_args, "when": h_args,
    "and": h_args, "or": h_args, "cond": h_args, "case": h_case, "let": h_let,
    "loop": h_let, "recur": h_args, "for": h_for, "fn": h_fn, "fn*": h_fn,
    "quine": h_quine, "reopen": h_reopen, "try": h_try, "quasiquote": h_quasiquote,
    "if-let": h_if_let, "when-let": h_if_let, "if-some": h_if_let, "when-some": h_if_let,
    "->": h_thread, "->>": h_thread, "some->": h_thread, "some->>": h_thread,
    "cond->": h_cond_thread, "cond->>": h_cond_thread, "as->": h_as_thread,
    "future": h_future, "blocking/plet": h_plet, "think": h_think, "rethink": h_think,
    "prune": h_none, "first-line": h_none, "!call-now": h_call_now,
    "!peek-now": h_call_now, "!peek": h_call_now, "!print": h_args, "print": h_args,
    "!describe": h_describe, "!extend": h_args, "!compact": h_args,
}


# -- queries -------------------------------------------------------------------------------

def analyse(doc: "Document", previous: "Document | None" = None) -> ScopeIndex:
    """The scope index of a document (use `doc.scopes`, which caches it); with the
    previous version of the document (already analysed), the do-body forms before the
    first edited one are not walked again."""
    walker = Walker(doc)
    if previous is not None:
        walker.resume(previous.scopes, previous.program)
    return walker.run()


def _carry(name: str, facts: list, moved: dict[Binding, Binding]) -> list:
    """Facts of the previous version, pointing at the moved bindings' copies."""
    if not moved:
        return facts
    get = moved.get
    if name == "bindings":
        return [get(b, b) for b in facts]
    if name == "refs":
        return [r._replace(binding=get(r.binding, r.binding)) if r.binding in moved else r
                for r in facts]
    if name in ("effects", "blocking", "ns_members", "unbound"):
        return [u._replace(owner=get(u.owner, u.owner)) if u.owner in moved else u
                for u in facts]
    if name in ("calls", "pending"):
        return [c._replace(callee=get(c.callee, c.callee), owner=get(c.owner, c.owner))
                if c.callee in moved or c.owner in moved else c for c in facts]
    if name == "evals":
        return [(node, mode, {k: get(b, b) for k, b in env.items()})
                for node, mode, env in facts]
    if name == "deferred":
        return [(s, e, n, mode, get(owner, owner), quiet) if owner in moved
                else (s, e, n, mode, owner, quiet) for s, e, n, mode, owner, quiet in facts]
    return facts  # findings name no bindings


def bindings(doc: "Document") -> list[Binding]:
    """Every binding of the document, in walk order."""
    return doc.scopes.bindings


def binding_at(doc: "Document", offset: int) -> Binding | None:
    """The binding named or referenced at `offset` (a cursor right after a name counts)."""
    index = doc.scopes
    for probe in (offset, offset - 1):
        for b in index.bindings:
            if b.def_start <= probe < b.def_end:
                return b
        for r in index.refs:
            if r.start <= probe < r.end:
                return r.binding
    return None


def references(doc: "Document", binding: Binding, include_definition: bool = True,
               ) -> list[tuple[int, int]]:
    """Spans of every reference to `binding` (and its definition), in text order.

    A do-level name is one variable however often it is redefined: references to any
    of its do-level definitions are returned, with every definition."""
    index = doc.scopes
    group = same_variable(doc, binding)
    spans = [(r.start, r.end) for r in index.refs if r.binding in group]
    if include_definition:
        spans += [(b.def_start, b.def_end) for b in group if b.def_end > b.def_start]
    return sorted(set(spans))


def same_variable(doc: "Document", binding: Binding) -> set[Binding]:
    """The bindings that are one variable with `binding` (all do-level definitions of
    the name for a do-level binding, else itself)."""
    if binding.top:
        return set(doc.scopes.top.get(binding.name, [binding]))
    return {binding}


def visible_at(doc: "Document", offset: int) -> list[Binding]:
    """Bindings visible at `offset`: locals whose scope contains it, then do-level names
    defined before it (inside function bodies: all of them, dynamic scope). One binding
    per name, innermost first."""
    index = doc.scopes
    seen: dict[str, Binding] = {}
    locals_ = [b for b in index.bindings if not b.top
               and b.scope_start <= offset <= b.scope_end]
    locals_.sort(key=lambda b: b.scope_start, reverse=True)
    for b in locals_:
        seen.setdefault(b.name, b)
    in_fn = any(b.kind == "param" for b in locals_)
    for name, group in index.top.items():
        if name in seen:
            continue
        before = [b for b in group if b.scope_start <= offset]
        if before:
            seen[name] = before[-1]
        elif in_fn:
            seen[name] = group[-1]
    return list(seen.values())
