"""Semantic tokens: what each token is, for themes.

Legend (types): the standard `namespace function macro keyword variable parameter string
number regexp comment property`, plus two custom types: `effectCall` (a call of an effect
builtin or of a member of an effect namespace: `io/read-lines`, `leaf-llm`) and `turnForm`
(a turn-producing form: `!call-now`, `!peek-now`, `!extend`, `!llm-self`...). In `io/ls`
the namespace part is a `namespace` token and the member part an `effectCall` token.
Special forms are `keyword`, Spell keywords (`:k`) `property`, `nil`/`true`/`false`
`keyword` with `defaultLibrary`.

Modifiers: the standard `declaration` (the name a def/defn/persist binds) and
`defaultLibrary` (a builtin), plus the custom `inert`: every token of quoted history, i.e.
the quoted forms of the do-block other than the trailing expression and the inert
arguments of the wrapper's `quine` (themes can dim them), and `effect` on effect calls.
"""

from __future__ import annotations

from ..syntax.reader import (
    BOOLEAN, CHAR, KEYWORD, LIST, NIL, NUMBER, REGEX, STRING, SYMBOL, Branch, Token,
    _trivia_pieces,
)
from .document import Document
from .completion import table
from .names import EFFECT_ROOTS
from .scopes import Binding

TOKEN_TYPES = ("namespace", "function", "macro", "keyword", "variable", "parameter", "string",
               "number", "regexp", "comment", "property", "effectCall", "turnForm")
TOKEN_MODIFIERS = ("declaration", "defaultLibrary", "inert", "effect")
T = {name: i for i, name in enumerate(TOKEN_TYPES)}
DECLARATION, DEFAULT_LIBRARY, INERT, EFFECT = (1 << i for i in range(4))
_LITERAL_TYPES = {STRING: T["string"], CHAR: T["string"], NUMBER: T["number"],
                  REGEX: T["regexp"], KEYWORD: T["property"], NIL: T["keyword"],
                  BOOLEAN: T["keyword"]}

Token5 = tuple[int, int, int, int]  # start offset, end offset, type index, modifier bits


def _head(node: object) -> str | None:
    if isinstance(node, Branch) and node.kind == LIST:
        forms = node.forms()
        if forms and type(forms[0]) is Token and forms[0].kind == SYMBOL:
            return forms[0].src
    return None


def inert_nodes(doc: Document) -> set[int]:
    """ids of the quoted history forms of the wrapper (see the module docstring)."""
    program = doc.program
    return {id(n) for n in program.inert} | {id(n) for n in program.body
                                            if program.is_inert(n)}


def semantic_tokens(doc: Document, start: int = 0, end: int | None = None) -> list[Token5]:
    """The classified tokens intersecting [start, end), in document order."""
    tree = doc.parsed
    end = len(tree.text) if end is None else end
    names, inert_ids = table(), inert_nodes(doc)
    scopes = doc.scopes
    bound = {b.def_start: b for b in scopes.bindings}
    bound.update((r.start, r.binding) for r in scopes.refs if r.binding is not None)
    out: list[Token5] = []
    stack: list[tuple[object, int, str]] = [(tree.tree, 0, "")]
    while stack:
        node, mods, role = stack.pop()
        if node.end < start or node.start >= end:
            continue
        if type(node) is Token:
            out += classify(node, mods, role == "head", names, bound.get(node.start))
            continue
        if not isinstance(node, Branch):
            continue
        if id(node) in inert_ids:
            mods |= INERT
        pending: list[tuple[object, int, str]] = []
        forms = node.forms() if _head(node) else []
        pos = node.open_end
        for child in node.children:
            out += [(s, e, T["comment"], mods) for kind, s, e in
                    _trivia_pieces(tree.text, pos, child.start) if kind == "comment"]
            pos = child.end
            pending.append((child, mods, "head" if forms and child is forms[0] else ""))
        stop = node.close_start if node.close_start >= 0 else node.end
        out += [(s, e, T["comment"], mods) for kind, s, e in
                _trivia_pieces(tree.text, pos, stop) if kind == "comment"]
        stack.extend(reversed(pending))
    out.sort()
    return [t for t in out if t[1] > start and t[0] < end]


def classify(tok: Token, mods: int, head: bool, names, binding: Binding | None
             ) -> list[Token5]:
    """The semantic token(s) of one token (a qualified symbol gives two)."""
    if tok.kind != SYMBOL:
        kind = _LITERAL_TYPES.get(tok.kind)
        if kind is None:
            return []
        return [(tok.start, tok.end, kind, mods | (DEFAULT_LIBRARY if tok.kind in
                                                   (NIL, BOOLEAN) else 0))]
    if binding is not None and binding.def_start == tok.start:
        mods |= DECLARATION
    if binding is not None and tok.end - tok.start == len(binding.name):
        kind = (T["function"] if binding.params is not None else
                T["parameter"] if binding.kind == "param" else T["variable"])
        return [(tok.start, tok.end, kind, mods)]
    ns, slash, member = tok.src.partition("/")
    if slash and ns and member:
        split = tok.start + len(ns)
        if ns in EFFECT_ROOTS:
            kind, extra = T["effectCall"], EFFECT
        else:
            kind, extra = T["function"], DEFAULT_LIBRARY
        return [(tok.start, split, T["namespace"], mods),
                (split + 1, tok.end, kind, mods | extra)]
    entry = names.get(tok.src)
    if entry is None:
        return [(tok.start, tok.end, T["function"] if head else T["variable"], mods)]
    kind = {"special": T["keyword"], "macro": T["macro"], "turn": T["turnForm"],
            "effect": T["effectCall"]}.get(entry.kind, T["function"])
    extra = EFFECT if entry.kind in ("turn", "effect") else DEFAULT_LIBRARY
    return [(tok.start, tok.end, kind, mods | extra)]
