"""Signature help: the call around a position, its signature and the active parameter."""

from __future__ import annotations

from dataclasses import dataclass

from .document import Document
from ..syntax.reader import FN, LIST, SYMBOL, Branch, ParseResult, Token


@dataclass(frozen=True)
class Call:
    """A list form around a position: its node, head name and the argument index there."""

    node: Branch
    head: str
    arg: int


@dataclass(frozen=True)
class Signature:
    """A signature label, its parameters as (start, end) spans of the label, the active one."""

    label: str
    params: tuple[tuple[int, int], ...]
    active: int
    doc: str


def enclosing_call(tree: ParseResult, offset: int) -> Call | None:
    """The innermost list whose head is a symbol and whose arguments contain `offset`."""
    for node in reversed(tree.node_at(offset)):
        if not isinstance(node, Branch) or node.kind not in (LIST, FN):
            continue
        if offset < node.open_end or (node.close_start >= 0 and offset > node.close_start):
            continue
        forms = node.forms()
        if not forms or not is_symbol(forms[0]) or offset <= forms[0].end:
            continue
        arg = sum(1 for f in forms[1:] if f.end < offset)
        return Call(node, forms[0].src, arg)
    return None


def is_symbol(node: object) -> bool:
    return type(node) is Token and node.kind == SYMBOL


def split_signature(label: str) -> tuple[tuple[int, int], ...]:
    """Spans of the parameters of `(name p1 [p2] p3...)`: top-level pieces after the name."""
    spans, depth, start = [], 0, None
    inner_start = 1 if label.startswith("(") else 0
    for i in range(inner_start, len(label) + 1):
        ch = label[i] if i < len(label) else " "
        if depth == 0 and (ch.isspace() or (ch == ")" and i == len(label) - 1)):
            if start is not None:
                spans.append((start, i))
                start = None
            continue
        if start is None:
            start = i
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
    return tuple(spans[1:])


def active_parameter(label: str, params: tuple[tuple[int, int], ...], arg: int) -> int:
    """The parameter for argument `arg`: past `&`, the rest parameter after it; past the
    end, a variadic last parameter (`x ...`, `body...`) absorbs the rest."""
    names = [label[s:e] for s, e in params]
    if "&" in names and arg >= names.index("&"):
        return min(names.index("&") + 1, len(names) - 1)
    if arg < len(names) or not names:
        return arg
    return len(names) - 1 if "..." in names[-1] else arg


def signature_help(doc: Document, offset: int, lookup) -> Signature | None:
    """Signature of the call around `offset`; `lookup(name)` gives (signature, doc)."""
    call = enclosing_call(doc.parsed, offset)
    if call is None:
        return None
    found = lookup(call.head)
    if found is None or not found[0]:
        return None
    label, doc = found
    params = split_signature(label)
    return Signature(label, params, active_parameter(label, params, call.arg), doc)
