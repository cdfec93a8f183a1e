"""Quick fixes for diagnostics: quote the trailing expression, move an effect into the
trailing expression as `'(!call-now name call)`, add a missing namespace prefix, apply a
"did you mean" suggestion.

Diagnostics are any objects with `.code`, `.start`, `.end` and `.data` (a dict or None).
Edits are `(start, end, new_text)` on the document text, non-overlapping, applied together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..namespaces.nsdef import REGISTRY  # importing the package registers the core ones
from ..syntax.reader import LIST, QUOTE, SYMBOL, Branch, Node, Token
from .document import Document
from .program import forms_of, head_name

Edit = tuple[int, int, str]

QUOTE_TRAILING = "trailing-not-quoted"
EFFECT_OUTSIDE = "effect-outside-trailing"
UNBOUND = "unbound-symbol"
UNKNOWN_MEMBER = "unknown-namespace-member"

# Statements whose effect cannot be moved by wrapping them: wrapping would turn a
# definition or a note into a tool call.
_UNWRAPPABLE = frozenset({"defn", "defn-", "defmacro", "fn", "fn*", "think", "rethink",
                          "persist", "quine"})
_DEF_HEADS = frozenset({"def", "define"})
_CALL_NOW = frozenset({"!call-now", "!peek-now", "!peek"})
_DELIMS = r"\s,()\[\]{}\"';@^~`\\"


@dataclass(frozen=True)
class CodeAction:
    """One fix: its edits, the codes of the diagnostics it resolves (and the diagnostics)."""

    title: str
    kind: str  # an LSP code action kind: every fix here is a "quickfix"
    edits: tuple[Edit, ...]
    diagnostic_codes: tuple[str, ...]
    is_preferred: bool = False
    diagnostics: tuple[Any, ...] = field(default=(), compare=False)


def code_actions(source: str | Document, diagnostics: Iterable[Any], start: int, end: int,
                 namespaces: Mapping[str, Iterable[str]] | None = None) -> list[CodeAction]:
    """The fixes for the diagnostics that touch [start, end].

    `namespaces` maps a call prefix (`io`) to its member names; by default the registered
    namespaces other than documentation-only ones (the server passes the profile's)."""
    doc = source if isinstance(source, Document) else Document(source)
    spaces = _registered() if namespaces is None else namespaces
    out: list[CodeAction] = []
    for diag in diagnostics:
        if diag.start > end or diag.end < start:
            continue
        for action in _fixes(doc, diag, spaces):
            if all(action.edits != seen.edits for seen in out):
                out.append(action)
    return out


def _fixes(doc: Document, diag: Any, spaces: Mapping[str, Iterable[str]]) -> list[CodeAction]:
    """The actions fixing one diagnostic."""
    if diag.code == QUOTE_TRAILING:
        return _quote_trailing(doc, diag)
    if diag.code == EFFECT_OUTSIDE:
        return _move_effect(doc, diag)
    if diag.code in (UNBOUND, UNKNOWN_MEMBER):
        return _rename(doc, diag, spaces)
    return []


def _action(title: str, edits: list[Edit], diag: Any, preferred: bool) -> CodeAction:
    return CodeAction(title, "quickfix", tuple(edits), (diag.code,), preferred, (diag,))


# -- quote the trailing expression ------------------------------------------------------


def _quote_trailing(doc: Document, diag: Any) -> list[CodeAction]:
    """Insert `'` before the trailing expression."""
    trailing = doc.program.trailing
    if trailing is None or trailing.kind == QUOTE:
        return []
    return [_action("Quote the trailing expression", [(trailing.start, trailing.start, "'")],
                    diag, True)]


# -- move an effect into the trailing expression ----------------------------------------


def _move_effect(doc: Document, diag: Any) -> list[CodeAction]:
    """Move the statement holding the effect call into the trailing expression, so that
    the result is bound to a name on the next turn.

    `(def name value)` becomes `'(!call-now name value)`; any other statement `s` becomes
    `'(!call-now <member>-result s)`. It becomes the new trailing expression (the previous
    one stays as history: only the last form fires), or joins the bindings of a trailing
    `'(!call-now n1 e1 ...)` so that both run."""
    program = doc.program
    call = _call_at(doc, diag.start)
    if call is None or not program.body:
        return []
    stmt = next((f for f in program.body if f.start <= call.start < f.end), None)
    if stmt is None or head_name(stmt) in _UNWRAPPABLE:
        return []
    name, expr = _binding(doc, stmt, call)
    expr_text = doc.text[expr.start:expr.end]
    trailing = program.body[-1]
    if stmt is trailing:
        edits = [(stmt.start, stmt.end, f"'(!call-now {name} {expr_text})")]
        title = f"Move into the trailing expression as (!call-now {name} …)"
    elif (bindings := _call_now_bindings(trailing)) is not None:
        edits = [_deletion(doc.text, stmt),
                 (bindings.close_start, bindings.close_start, f" {name} {expr_text}")]
        title = f"Bind {name} in the trailing (!call-now …)"
    else:
        new = _separator(doc.text, trailing) + f"'(!call-now {name} {expr_text})"
        edits = [_deletion(doc.text, stmt), (trailing.end, trailing.end, new)]
        title = f"Move into the trailing expression as (!call-now {name} …)"
    return [_action(title, edits, diag, True)]


def _call_now_bindings(trailing: Node) -> Branch | None:
    """The list of a trailing `'(!call-now n1 e1 ...)` (or `!peek-now`) that takes more
    bindings: names and expressions in pairs, no `limit` argument."""
    if trailing.kind != QUOTE or not isinstance(trailing, Branch):
        return None
    inner = forms_of(trailing)
    if len(inner) != 1 or head_name(inner[0]) not in _CALL_NOW or inner[0].close_start < 0:
        return None
    args = forms_of(inner[0])[1:]
    return inner[0] if args and len(args) % 2 == 0 else None  # type: ignore[return-value]


def _call_at(doc: Document, offset: int) -> Branch | None:
    """The call a diagnostic points at: a list starting at `offset`, or the list whose
    head symbol contains `offset`."""
    path = doc.node_at(offset)
    if not path:
        return None
    node = path[-1]
    if node.kind == LIST and node.start == offset:
        return node  # type: ignore[return-value]
    if len(path) >= 2 and node.kind == SYMBOL and path[-2].kind == LIST:
        parent = path[-2]
        forms = forms_of(parent)
        if forms and forms[0] is node:
            return parent  # type: ignore[return-value]
    return None


def _binding(doc: Document, stmt: Node, call: Branch) -> tuple[str, Node]:
    """The name and the expression to bind: a `def`'s own, else a name made from the call."""
    if head_name(stmt) in _DEF_HEADS:
        parts = forms_of(stmt)
        if len(parts) in (3, 4) and parts[1].kind == SYMBOL and parts[-1].start <= call.start:
            return doc.text[parts[1].start:parts[1].end], parts[-1]
    return _fresh_name(doc.text, _result_name(head_name(call) or "")), stmt


def _result_name(head: str) -> str:
    """`io/read-lines` -> `read-lines-result`; `!llm-self` -> `llm-self-result`."""
    member = head.rpartition("/")[2].lstrip("!").rstrip("?!")
    member = re.sub(rf"[{_DELIMS}#]", "", member)
    return f"{member}-result" if member else "result"


def _fresh_name(text: str, name: str) -> str:
    """`name`, or `name-2`, `name-3`... when the text already uses it as a symbol."""
    candidate, n = name, 1
    while re.search(rf"(?<![^{_DELIMS}]){re.escape(candidate)}(?![^{_DELIMS}])", text):
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def _deletion(text: str, node: Node) -> Edit:
    """An edit removing a do-body form: its whole lines when it stands alone on them,
    else the form and the spaces next to it."""
    line_start = text.rfind("\n", 0, node.start) + 1
    line_end = text.find("\n", node.end)
    line_end = len(text) if line_end < 0 else line_end + 1
    before, after = text[line_start:node.start], text[node.end:line_end]
    if not before.strip(" \t") and not after.strip(" \t\r\n"):
        return line_start, line_end, ""
    right = len(after) - len(after.lstrip(" \t"))
    if after.strip(" \t\r\n"):  # more on the line: keep it where it starts
        return node.start, node.end + right, ""
    left = len(before) - len(before.rstrip(" \t"))
    return node.start - left, node.end + right, ""


def _separator(text: str, last: Node) -> str:
    """What goes before a form appended after `last`: a new line indented like `last`
    when `last` starts its line, else a space."""
    line_start = text.rfind("\n", 0, last.start) + 1
    indent = text[line_start:last.start]
    return "\n" + indent if not indent.strip(" \t") else " "


# -- namespace prefixes and "did you mean" ------------------------------------------------


def _rename(doc: Document, diag: Any, spaces: Mapping[str, Iterable[str]]) -> list[CodeAction]:
    """Replace the symbol: by `ns/name` when exactly one namespace has that member, and by
    each suggestion of the diagnostic (the first preferred when no prefix fix exists)."""
    token = _symbol_at(doc, diag.start)
    if token is None:
        return []
    old = doc.text[token.start:token.end]
    fixes: list[tuple[str, Edit]] = []
    if diag.code == UNBOUND and "/" not in old:
        owners = [prefix for prefix, names in spaces.items() if old in names]
        if len(owners) == 1:
            fixes.append((f"Use {owners[0]}/{old}", (token.start, token.end, f"{owners[0]}/{old}")))
    seen = {old} | {edit[2] for _, edit in fixes}
    for suggestion in (diag.data or {}).get("suggestions", []):
        edit = _replacement(doc.text, token, diag, str(suggestion))
        new = _result(doc.text, token, edit)
        if edit[2] and new not in seen:
            seen.add(new)
            fixes.append((f"Change to {new}", edit))
    return [_action(title, [edit], diag, i == 0) for i, (title, edit) in enumerate(fixes)]


def _symbol_at(doc: Document, offset: int) -> Token | None:
    """The symbol token containing `offset`."""
    path = doc.node_at(offset)
    if path and type(path[-1]) is Token and path[-1].kind == SYMBOL:
        return path[-1]
    return None


def _replacement(text: str, token: Token, diag: Any, suggestion: str) -> Edit:
    """The edit putting a suggestion in place: a qualified suggestion replaces the whole
    symbol; a plain one replaces the part the diagnostic marks (a namespace or a member),
    the member when an unknown-member diagnostic marks the whole `ns/member`."""
    if "/" in suggestion:
        return token.start, token.end, suggestion
    start, end = max(diag.start, token.start), min(diag.end, token.end)
    if (start, end) != (token.start, token.end) and start < end:
        return start, end, suggestion
    root, sep, member = text[token.start:token.end].partition("/")
    if diag.code == UNKNOWN_MEMBER and sep and root and member:
        return token.end - len(member), token.end, suggestion
    return token.start, token.end, suggestion


def _result(text: str, token: Token, edit: Edit) -> str:
    """The symbol's text after an edit inside it."""
    start, end, new = edit
    return text[token.start:start] + new + text[end:token.end]


def _registered() -> dict[str, frozenset[str]]:
    """Call prefix -> member names of every registered namespace that code can call."""
    out: dict[str, set[str]] = {}
    for info in REGISTRY.values():
        if info.tier != "docs":
            names = out.setdefault(info.call_prefix, set())
            names.update(f.name for f in info.functions)
            names.update(info.constants)
    return {prefix: frozenset(names) for prefix, names in out.items()}
