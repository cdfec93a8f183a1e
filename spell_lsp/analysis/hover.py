"""Hover: the signature and documentation of a name (namespace guides and details are the
text the model gets from `!describe`), a definition's value, the message behind `msg-N`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..syntax.reader import KEYWORD, SYMBOL, ParseResult, Token
from .completion import (
    binding_doc, binding_signature, members, namespace_doc, table, visible_namespaces,
)
from .document import Document
from .scopes import binding_at, visible_at


@dataclass(frozen=True)
class Hover:
    """Markdown text for the span [start, end)."""

    text: str
    start: int
    end: int


def token_at(tree: ParseResult, offset: int) -> Token | None:
    """The symbol or keyword token at `offset`, or just before it (cursor at its end)."""
    for at in (offset, offset - 1):
        path = tree.node_at(at) if at >= 0 else []
        if path and type(path[-1]) is Token and path[-1].kind in (SYMBOL, KEYWORD):
            return path[-1]
    return None


def make_lookup(doc: Document, enabled: Iterable[str] | None, offset: int
                ) -> Callable[[str], tuple[str, str] | None]:
    """name -> (signature, markdown doc): bindings visible at `offset` first, then the
    namespaces and the table."""
    namespaces = visible_namespaces(enabled)
    local = {b.name: b for b in visible_at(doc, offset)}

    def lookup(name: str) -> tuple[str, str] | None:
        if name in local:
            return binding_signature(local[name]), binding_doc(local[name])
        ns, slash, member = name.partition("/")
        if slash and member and ns in namespaces:
            found = members(namespaces[ns]).get(member)
            return (found[0], found[2] or found[1]) if found else None
        if name in namespaces:
            infos = namespaces[name]
            return name, f"{infos[0].short_docs}\n\n{namespace_doc(infos)}"
        entry = table().get(name)
        if entry is not None:
            return entry.signature or f"({name})", f"{entry.doc}\n\n*{entry.kind}*"
        return None

    return lookup


def hover(doc: Document, offset: int, enabled: Iterable[str] | None = None
          ) -> Hover | None:
    """Documentation of the name at `offset`, or None."""
    tok = token_at(doc.parsed, offset)
    if tok is None or tok.kind != SYMBOL:
        return None
    binding = binding_at(doc, tok.start)
    if binding is not None and binding.name == tok.src:
        return Hover(binding_doc(binding), tok.start, tok.end)
    name = tok.src
    ns, slash, _ = name.partition("/")
    if slash and offset <= tok.start + len(ns):
        name = ns  # hovering the namespace part of `io/ls`
    found = make_lookup(doc, enabled, tok.start)(name)
    if found is None:
        return None
    signature, text = found
    head = f"```spell\n{signature}\n```\n\n" if signature and not text.startswith("```spell") else ""
    return Hover(head + text, tok.start, tok.end)
