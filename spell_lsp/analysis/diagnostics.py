"""Diagnostics: what will go wrong when the program runs, each with a stable code, a
precise range and a message that says how to fix it (docs/diagnostics.md).

`diagnostics(doc, config)` is a pure function of the document and the configuration (the
agent profile's enabled effect namespaces), so the server can reload the configuration
without a restart. Codes (kebab-case, stable; code actions rely on them):

read-error, effect-outside-trailing, blocking-outside-future, trailing-not-quoted,
eval-outside-wrapper, fork, chain-ends, wrapper-reemitted, do-closed-early,
forms-after-wrapper, prose-outside-strings, unbound-symbol, unknown-namespace-member,
namespace-not-enabled, wrong-arity, call-now-arity, reply-one-arg, prune-count-too-large,
persist-in-macro, bare-quine-prompt.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..syntax.reader import LIST, MAP, NUMBER, QUOTE, SYMBOL, VECTOR, Branch, Node, Token
from .names import (
    EFFECT_ROOTS, IO_SUBSETS, TURN_MEMBERS, entry, global_names, members,
    namespace_root,
)
from .program import PROGRAM, forms_of, head_name, is_wrapper_tail
from .scopes import (
    DEAD, DO, FN_BODY, TRAILING, UNQUOTED, Binding, Call, Diagnostic, ScopeIndex, Use, kids,
    sym_name,
)

if TYPE_CHECKING:
    from .document import Document

ERROR, WARNING, INFORMATION, HINT = "error", "warning", "information", "hint"


@dataclass(frozen=True)
class Config:
    """What the workspace enables: the agent profile's effect namespaces."""

    namespaces: tuple[str, ...] = ("io",)
    profile: str = "default"
    source: str | None = None      # the spell.toml it came from
    problem: str | None = None     # a configuration error (the defaults are used)

    @classmethod
    def for_path(cls, path: str | Path, profile: str | None = None) -> "Config":
        """The profile of the nearest spell.toml at or above `path`."""
        from ..harness.config import ConfigError, resolve_profile
        try:
            found, source = resolve_profile(Path(path), profile)
        except ConfigError as e:
            return cls(problem=str(e))
        return cls(tuple(found.namespaces), found.name, str(source) if source else None)


def diagnostics(doc: "Document", config: Config | None = None) -> list[Diagnostic]:
    """Every diagnostic of the document, in text order."""
    config = config or Config()
    program = doc.program
    if program.kind == "prompt":
        return []  # plain text: the harness wraps it, nothing here is read as code
    size = len(doc.text)
    out = [Diagnostic("read-error", ERROR, min(e.start, size),
                      min(max(e.end, e.start + 1), size), e.message) for e in doc.errors]
    index = doc.scopes
    if program.kind == PROGRAM:
        out += wrapper_shape(doc)
        out += trailing_turns(doc)
    out += index.findings
    reported = effect_diagnostics(doc, index)
    out += reported
    taken = {(d.start, d.end) for d in reported}
    prose = prose_runs(doc)
    out += prose
    out += unbound_symbols(doc, index, prose)
    out += namespace_members(index, config, taken)
    out += blocking_uses(index)
    out += eval_calls(doc, index)
    out += user_arity(doc, index)
    out += prune_counts(doc)
    out.sort(key=lambda d: (d.start, d.end, d.code))
    return out


# -- wrapper shape ---------------------------------------------------------------------------

def is_wrapper_form(node: Node) -> bool:
    """A `(quine NAME ... (eval (do ...)))` form (a complete wrapper)."""
    parts = forms_of(node)
    return head_name(node) == "quine" and len(parts) >= 3 and is_wrapper_tail(parts[-1])


def wrapper_shape(doc: "Document") -> list[Diagnostic]:
    program = doc.program
    out = []
    if program.strays:
        first, last = program.strays[0], program.strays[-1]
        out.append(Diagnostic(
            "do-closed-early", ERROR, first.start, last.end,
            "The do-block was closed early: these forms are outside it, so they are never "
            "evaluated as part of the program (and the wrapper may not run). Remove the extra "
            "closing parentheses before them."))
    for node in program.body:
        if node.kind == LIST and is_wrapper_form(node) and _quine_name(node) == _name(program):
            out.append(reemitted(node))
    words = [n for n in program.after if type(n) is Token]
    for node in program.after:
        if is_wrapper_form(node):
            out.append(reemitted(node))
    rest = [n for n in program.after if not is_wrapper_form(n) and type(n) is not Token]
    if rest:
        out.append(Diagnostic(
            "forms-after-wrapper", WARNING, rest[0].start, rest[-1].end,
            "Text after the program's wrapper is ignored (only the first top-level form is "
            "read). Move these forms into the do-block, before the trailing expression, or "
            "delete them."))
    if words:
        out.append(prose(words[0].start, words[-1].end))
    lead = [n for n in program.before if type(n) is Token]
    if lead:
        out.append(prose(lead[0].start, lead[-1].end))
    return out


def _name(program) -> str | None:
    return program.name.value.name if program.name is not None else None


def _quine_name(node: Node) -> str | None:
    parts = forms_of(node)
    return sym_name(parts[1]) if len(parts) > 1 else None


def reemitted(node: Node) -> Diagnostic:
    return Diagnostic(
        "wrapper-reemitted", ERROR, node.start, node.end,
        "The completion wrapper was written again: the harness already provides "
        "`(quine completion (eval (do ...`; write only the new forms of this turn.")


def prose(start: int, end: int) -> Diagnostic:
    return Diagnostic(
        "prose-outside-strings", ERROR, start, end,
        "Bare words outside strings are evaluated as symbols and fail. Put reasoning in "
        "(think \"...\") or a ; comment.")


def prose_runs(doc: "Document") -> list[Diagnostic]:
    """Runs of two or more bare words among the do-body forms."""
    program = doc.program
    out, run = [], []
    for node in program.body + [None]:  # type: ignore[operator]
        if node is not None and type(node) is Token and node.kind in (SYMBOL, NUMBER):
            run.append(node)
            continue
        if len(run) >= 2 and any(t.kind == SYMBOL and not _known(doc, t) for t in run):
            out.append(prose(run[0].start, run[-1].end))
        run = []
    return out


def _known(doc: "Document", token: Token) -> bool:
    from .names import is_global
    name = token.value.name
    return is_global(name) or name in doc.scopes.names


# -- effects ---------------------------------------------------------------------------------

class Reach:
    """Which effect (if any) each user function reaches through its calls."""

    def __init__(self, index: ScopeIndex) -> None:
        self.direct: dict[Binding, Use] = {}
        for use in index.effects:
            if use.mode == FN_BODY and use.owner is not None:
                self.direct.setdefault(use.owner, use)
        self.edges: dict[Binding, list[Binding]] = {}
        for call in index.calls:
            if call.mode == FN_BODY and call.owner is not None:
                self.edges.setdefault(call.owner, []).append(call.callee)
        self.memo: dict[Binding, tuple[Use, list[Binding]] | None] = {}

    def effect_of(self, fn: Binding) -> tuple[Use, list[Binding]] | None:
        """(the first effect reached, the chain of functions leading to it)."""
        if fn in self.memo:
            return self.memo[fn]
        self.memo[fn] = None  # recursion guard
        found = None
        use = self.direct.get(fn)
        if use is not None:
            found = (use, [fn])
        else:
            for callee in self.edges.get(fn, ()):
                inner = self.effect_of(callee)
                if inner is not None:
                    found = (inner[0], [fn] + inner[1])
                    break
        self.memo[fn] = found
        return found


def effect_diagnostics(doc: "Document", index: ScopeIndex) -> list[Diagnostic]:
    """Effects reached outside the quoted trailing expression (spec 5.2, D5)."""
    out = []
    unquoted: list[tuple[int, int, str]] = []
    for use in index.effects:
        if use.mode == DO:
            out.append(direct_effect(use))
        elif use.mode == UNQUOTED:
            unquoted.append((use.start, use.end, use.name))
    reach = Reach(index)
    for call in index.calls:
        if call.mode not in (DO, UNQUOTED):
            continue
        found = reach.effect_of(call.callee)
        if found is None:
            continue
        use, chain = found
        if call.mode == UNQUOTED:
            unquoted.append((call.start, call.end, use.name))
            continue
        out.append(indirect_effect(doc, call, use, chain))
    trailing = doc.program.trailing
    if unquoted and trailing is not None:
        names = sorted({name for _, _, name in unquoted})
        out.append(Diagnostic(
            "trailing-not-quoted", ERROR, trailing.start, trailing.end,
            f"The trailing expression is not quoted, so it is evaluated in the do-block "
            f"without the effect capability and {', '.join(f'`{n}`' for n in names)} "
            f"fail{'s' if len(names) == 1 else ''}. Quote it: '{_head_text(doc, trailing)}",
            {"effects": names}))
    return out


def _head_text(doc: "Document", node: Node) -> str:
    text = doc.text[node.start:node.end]
    return text if len(text) <= 40 else text[:37] + "..."


def direct_effect(use: Use) -> Diagnostic:
    e = entry(use.name)
    if e is not None and e.kind == "turn":
        message = (f"`{use.name}` starts a model turn; in the do-block it fails (effects run "
                   f"only in the quoted trailing expression). Quote it and make it the last "
                   f"form: '({use.name} ...)")
    else:
        message = (f"`{use.name}` is an effect: outside the quoted trailing expression it "
                   f"fails. Call it from the trailing expression, e.g. "
                   f"'(!call-now result ({use.name} ...)), and use `result` next turn.")
    return Diagnostic("effect-outside-trailing", ERROR, use.start, use.end, message,
                      {"effect": use.name})


def indirect_effect(doc: "Document", call: Call, use: Use, chain: list[Binding]) -> Diagnostic:
    line = doc.position(use.start)[0] + 1
    path = " -> ".join(f"`{b.name}`" for b in chain)
    kind = "a macro" if call.callee.kind == "defmacro" else "a function"
    return Diagnostic(
        "effect-outside-trailing", ERROR, call.start, call.end,
        f"`{call.callee.name}` is {kind} that uses the effect `{use.name}` (line {line}, "
        f"via {path}); reached from the do-block it fails. Call it from the quoted trailing "
        f"expression instead.",
        {"effect": use.name, "via": [b.name for b in chain]})


def blocking_uses(index: ScopeIndex) -> list[Diagnostic]:
    """`blocking/` reached outside a future (function bodies are judged by their callers,
    which this check does not follow)."""
    return [Diagnostic(
        "blocking-outside-future", ERROR, use.start, use.end,
        f"`{use.name}` only exists inside (future ...): wrap the waiting code in a future, "
        f"or use !ask-await to wait for a future from an agent turn.")
        for use in index.blocking if use.mode in (DO, UNQUOTED, TRAILING) and not use.future]


def eval_calls(doc: "Document", index: ScopeIndex) -> list[Diagnostic]:
    """`eval` reached in the do-block evaluates without the capability (D5)."""
    out = []
    for node, mode, env in index.evals:
        if mode not in (DO, UNQUOTED):
            continue
        args = kids(node)[1:]
        if len(args) != 1:
            continue
        data = _quoted_data(doc, args[0], env)
        effect = next(_effect_names(data), None) if data is not None else None
        if effect is None:
            continue
        head = kids(node)[0]
        out.append(Diagnostic(
            "eval-outside-wrapper", ERROR, head.start, head.end,
            f"This `{sym_name(head)}` is not the wrapper's outer eval, so it runs without "
            f"effects (D5) and `{effect}` fails. Make the code the quoted trailing "
            f"expression instead of evaluating it here.", {"effect": effect}))
    return out


def _quoted_data(doc: "Document", arg: Node, env: dict) -> Node | None:
    """The quoted form an eval argument denotes: `'x`, or a name def'd to one."""
    if arg.kind == QUOTE:
        return arg
    name = sym_name(arg)
    if name is None:
        return None
    b = env.get(name) or (doc.scopes.top.get(name) or [None])[-1]
    if b is not None and b.value_node is not None and b.value_node.kind == QUOTE:
        return b.value_node
    return None


def _effect_names(node: Node) -> Iterator[str]:
    """Effect names mentioned anywhere in a subtree."""
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is Token:
            if n.kind == SYMBOL and _is_effect_name(n.value.name):
                yield n.value.name
        elif isinstance(n, Branch):
            stack.extend(reversed(n.children))


def _is_effect_name(name: str) -> bool:
    root, member = namespace_root(name)
    if member is not None:
        return root in EFFECT_ROOTS
    e = entry(name)
    return e is not None and e.kind in ("effect", "turn")


# -- the trailing expression: turns ----------------------------------------------------------

BRANCHING = frozenset({"if", "if-let", "if-some", "cond", "case"})


def trailing_turns(doc: "Document") -> list[Diagnostic]:
    """A fork (two or more turn-producing forms) or the end of the chain (none)."""
    trailing = doc.program.trailing
    if trailing is None or doc.errors:
        return []
    if trailing.kind == QUOTE:
        inner = kids(trailing)
        if not inner:
            return []
        count = Turns(doc).count(inner[0])
    elif type(trailing) is Token and trailing.kind != SYMBOL:
        count = 0  # a literal value
    else:
        return []  # computed: what it evaluates to is not known here
    end = trailing.end
    if trailing.kind == QUOTE and kids(trailing) and kids(trailing)[0].kind == LIST:
        inner_parts = kids(kids(trailing)[0])
        if inner_parts:
            end = inner_parts[0].end
    if count >= 2:
        return [Diagnostic(
            "fork", INFORMATION, trailing.start, end,
            f"This trailing expression starts {count} model turns: a synchronous fork. The "
            f"non-tail turns run to completion first, in order; only the tail one continues "
            f"this chain.", {"turns": count})]
    if count == 0:
        return [Diagnostic(
            "chain-ends", INFORMATION, trailing.start, end,
            "No turn-producing form here: this value ends the agent's chain. To continue, "
            "end with a turn such as '(!extend) or '(!call-now name expr).")]
    return []


class Turns:
    """Counts turn-producing forms on the longest path through an expression."""

    def __init__(self, doc: "Document") -> None:
        self.top = doc.scopes.top
        self.memo: dict[Binding, int] = {}

    def count(self, node: Node) -> int:
        k = node.kind
        if k == VECTOR or k == MAP:
            return sum(self.count(c) for c in kids(node))
        if k != LIST:
            return 0
        parts = kids(node)
        if not parts:
            return 0
        name = sym_name(parts[0])
        if name in ("quote", "fn", "fn*", "defn", "defmacro", "first-line"):
            return 0
        args = parts[1:]
        if name in BRANCHING:
            return self.branches(name, args)
        own = 1 if name is not None and self.is_turn(name) else 0
        if own == 0 and name is not None and name in self.top:
            own = self.function(self.top[name][-1])
        return own + sum(self.count(a) for a in args)

    def branches(self, name: str, args: list[Node]) -> int:
        if name == "cond":
            tests, results = args[0::2], args[1::2]
        elif name == "case":
            tests, rest = args[:1], args[1:]
            results = rest[1::2] + (rest[-1:] if len(rest) % 2 else [])
        else:
            tests, results = args[:1], args[1:]
        return (sum(self.count(t) for t in tests)
                + max((self.count(r) for r in results), default=0))

    def function(self, b: Binding) -> int:
        if b.params is None or b.value_node is None or b.kind == "defmacro":
            return 0
        if b not in self.memo:
            self.memo[b] = 0  # recursion guard
            body = kids(b.value_node)
            start = next((i for i, p in enumerate(body) if p.kind == VECTOR), len(body))
            self.memo[b] = max((self.count(f) for f in body[start + 1:]), default=0)
        return self.memo[b]

    @staticmethod
    def is_turn(name: str) -> bool:
        e = entry(name)
        return (e is not None and e.kind == "turn") or name in TURN_MEMBERS


# -- names -----------------------------------------------------------------------------------

def unbound_symbols(doc: "Document", index: ScopeIndex,
                    prose_found: list[Diagnostic]) -> list[Diagnostic]:
    out = []
    spans = [(d.start, d.end) for d in prose_found]
    candidates = None
    for use in index.unbound:
        if any(s <= use.start < e for s, e in spans):
            continue
        if candidates is None:
            candidates = tuple(sorted(set(global_names()) | index.names))
        later = _defined_later(index, use)
        if later is not None:
            line = doc.position(later.def_start)[0] + 1
            out.append(Diagnostic(
                "unbound-symbol", ERROR, use.start, use.end,
                f"`{use.name}` is used before its definition (line {line}): at this point it "
                f"is unbound. Move the definition above this form.",
                {"suggestions": [], "defined_at": later.def_start}))
            continue
        suggestions = list(close_matches(use.name, candidates, 0.75))
        hint = (f" Did you mean {' or '.join(f'`{s}`' for s in suggestions)}?"
                if suggestions else " Define it with (def ...) or check the spelling.")
        severity = ERROR if use.mode in (DO, UNQUOTED, TRAILING) else WARNING
        out.append(Diagnostic("unbound-symbol", severity, use.start, use.end,
                              f"Unbound symbol: {use.name}.{hint}",
                              {"suggestions": suggestions}))
    return out


@functools.lru_cache(maxsize=1024)
def close_matches(name: str, candidates: tuple[str, ...], cutoff: float) -> tuple[str, ...]:
    """Up to three "did you mean" names; cached, as every version of a document asks again
    for the same names among the same candidates."""
    return tuple(difflib.get_close_matches(name, candidates, n=3, cutoff=cutoff))


def _defined_later(index: ScopeIndex, use: Use) -> Binding | None:
    if use.mode not in (DO, UNQUOTED):
        return None
    group = index.top.get(use.name)
    return group[0] if group and group[0].def_start > use.start else None


def namespace_members(index: ScopeIndex, config: Config,
                      taken: set[tuple[int, int]]) -> list[Diagnostic]:
    """Unknown members of known namespaces; effect namespaces the profile lacks."""
    from ..harness.config import EFFECT_NAMESPACES
    out = []
    for use in index.ns_members:
        root, member = namespace_root(use.name)
        known = members(root)
        if known is not None and member not in known:
            suggestions = [f"{root}/{m}" for m in close_matches(member, tuple(sorted(known)), 0.6)]
            hint = (f" Did you mean {' or '.join(f'`{s}`' for s in suggestions)}?"
                    if suggestions else f" Run (!describe {root}) to list its functions.")
            out.append(Diagnostic(
                "unknown-namespace-member", ERROR, use.start, use.end,
                f"`{root}` has no member `{member}`.{hint}", {"suggestions": suggestions}))
            continue
        if use.mode == DEAD or (use.start, use.end) in taken or root not in EFFECT_ROOTS:
            continue
        missing = _not_enabled(root, member, config, EFFECT_NAMESPACES)
        if missing is not None:
            out.append(Diagnostic("namespace-not-enabled", ERROR, use.start, use.end,
                                  missing, {"namespace": root, "profile": config.profile}))
    return out


def _not_enabled(root: str, member: str | None, config: Config,
                 configurable: tuple[str, ...]) -> str | None:
    """Why `root/member` is unavailable under the profile, or None."""
    enabled = set(config.namespaces)
    where = f"profile `{config.profile}`" + (f" ({config.source})" if config.source else "")
    if root == "io":
        if "io" in enabled:
            return None
        subsets = [s for s in IO_SUBSETS if s in enabled]
        if not subsets:
            return (f"The {where} does not enable `io`: add \"io\" (or a subset such as "
                    f"\"io-read\") to its namespaces in spell.toml.")
        allowed = [members(s) for s in subsets]
        if member is None or any(m is None for m in allowed) or any(
                member in m for m in allowed if m is not None):
            return None
        need = next((s for s in IO_SUBSETS if (members(s) or ()) and member in members(s)),
                    None)
        return (f"`io/{member}` belongs to `{need or 'io'}`, which the {where} does not "
                f"enable (enabled: {', '.join(subsets)}).")
    if root not in configurable or root in enabled:
        return None
    return (f"The {where} does not enable `{root}`: add \"{root}\" to its namespaces in "
            f"spell.toml.")


def user_arity(doc: "Document", index: ScopeIndex) -> list[Diagnostic]:
    """Calls of user functions with more or fewer arguments than parameters."""
    out = []
    for call in index.calls:
        b = call.callee
        if call.quiet or b.params is None or b.kind == "defmacro" or call.mode == DEAD:
            continue
        if len(index.top.get(b.name, ())) > 1 and b.top:
            shapes = {x.params for x in index.top[b.name]}
            if len(shapes) > 1:
                continue
        required, rest = b.params
        n = call.nargs
        if n > required and not rest:
            problem = "extra arguments are ignored"
        elif n < required:
            problem = "missing parameters are bound to nil"
        else:
            continue
        expected = f"{required}{'+' if rest else ''}"
        out.append(Diagnostic(
            "wrong-arity", WARNING, call.start, call.end,
            f"`{b.name}` takes {expected} argument{'' if expected == '1' else 's'}, this call "
            f"passes {n}: {problem}.", {"expected": expected, "given": n}))
    return out


# -- edit markers ----------------------------------------------------------------------------

def prune_counts(doc: "Document") -> list[Diagnostic]:
    """`(prune k)` / `(rethink N ...)` removing more forms than precede them."""
    out = []
    for i, node in enumerate(doc.program.body):
        name = head_name(node)
        if name not in ("prune", "rethink"):
            continue
        args = kids(node)[1:]
        count = args[0].value if args and args[0].kind == NUMBER else None
        if count is None and name == "prune" and not args:
            count = 1
        if not isinstance(count, int) or count <= i:
            continue
        out.append(Diagnostic(
            "prune-count-too-large", WARNING, node.start, node.end,
            f"`{name}` removes {count} preceding form{'' if count == 1 else 's'} but only "
            f"{i} precede{'s' if i == 1 else ''} it in the do-block; use "
            f"({name} {i}{'' if name == 'prune' else ' ...'}) or fewer.",
            {"count": count, "available": i}))
    return out
