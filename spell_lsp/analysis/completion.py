"""Completion at a position: names of the table, namespaces and their members, definitions
and local bindings in scope, keywords seen in the document, and snippets for the wrapper and
the common turn patterns. Every item carries its documentation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..lang.core import load_modules
from ..lang.table import TABLE, Entry
from ..namespaces.nsdef import REGISTRY, NamespaceInfo
from .document import Document
from ..syntax.reader import (
    KEYWORD, LIST, STRING, VECTOR, Branch, ParseResult, Token, _trivia_pieces,
)
from .scopes import Binding, visible_at

FN_HEADS = frozenset({"fn", "fn*", "defn", "defn-", "defmacro"})
WRAPPER_NAMES = ("completion", "prompt")
_PREFIX_RE = re.compile(r"[^\s,()\[\]{}\"';@^~\\`]*\Z")


@dataclass(frozen=True)
class Item:
    """One completion candidate. `insert` is snippet text ($1 placeholders) for snippets."""

    label: str
    kind: str  # special macro function effect turn namespace member variable keyword snippet
    detail: str = ""
    doc: str = ""
    insert: str | None = None
    filter: str | None = None


SNIPPETS = (  # (label, filter text, body, documentation)
    ("wrapper", "quine", "(quine completion\n  (eval\n    (do\n      (quine prompt \"${1:task}\")\n"
     "      $0)))", "The completion wrapper: a program with its prompt."),
    ("'(!call-now ...)", "!call-now",
     "'(!call-now ${1:result} (io/${2:read-lines} ${3:\"path\"}))",
     "Call a tool in the trailing expression; its value comes back as (def result ...)."),
    ("'(!peek-now ...)", "!peek-now",
     "'(!peek-now ${1:result} (io/${2:read-lines} ${3:\"path\"}))",
     "Like !call-now, pruned at the following extension: persist what you need."),
    ("(persist ...)", "persist", "(persist ${1:name} ${2:expr})",
     "Bind a name whose value is written into the source at the next extension."),
    ("(rethink ...)", "rethink", "(rethink ${1:1} \"${2:what was learned}\")",
     "Delete the preceding forms at the next extension, keeping a note."),
    ("'(!extend)", "!extend", "'(!extend)",
     "Apply the edit markers and continue for another turn."),
    ("(think ...)", "think", "(think \"${1:reasoning}\")", "Reasoning kept as source."),
)


def table() -> dict[str, Entry]:
    """The table of names with every registering module loaded."""
    load_modules()
    return TABLE


def visible_namespaces(enabled: Iterable[str] | None) -> dict[str, list[NamespaceInfo]]:
    """Namespace symbol -> the infos bound under it: core namespaces always, effect ones
    only when the profile enables them (io subsets are bound under `io`)."""
    load_modules()
    out: dict[str, list[NamespaceInfo]] = {}
    for name, info in REGISTRY.items():
        if info.tier != "effect":
            out.setdefault(name, []).append(info)
    for name in enabled if enabled is not None else ("io",):
        info = REGISTRY.get(name)
        if info is not None and info.tier == "effect":
            out.setdefault(info.bound_as or info.name, []).append(info)
    return out


def namespace_doc(infos: list[NamespaceInfo]) -> str:
    """What `(!describe ns)` shows: the guide (the short docs when there is none)."""
    return "\n\n".join(info.guide or info.short_docs for info in infos)


def member_doc(info: NamespaceInfo, name: str) -> str:
    """What `(!describe ns :name)` shows, as Markdown: the detail text (plain text laid
    out in columns, so kept preformatted), else the one-line doc."""
    detail = info.detail.get(name)
    if detail:
        return f"```text\n{detail.strip()}\n```"
    return next((f.doc for f in info.functions if f.name == name), "")


def members(infos: list[NamespaceInfo]) -> dict[str, tuple[str, str, str]]:
    """Member name -> (signature, one-line doc, describe text) across the bound infos."""
    out = {}
    for info in infos:
        for f in info.functions:
            out.setdefault(f.name, (f.signature, f.doc, member_doc(info, f.name)))
        for const in info.constants:
            out.setdefault(const, (f"{info.name}/{const}", "constant", ""))
    return out


# -- the document ---------------------------------------------------------------------------

@lru_cache(maxsize=2)  # the current version of the one or two documents being edited
def document_keywords(tree: ParseResult) -> frozenset[str]:
    """Every keyword written in a document (cached per parse)."""
    found: set[str] = set()
    stack: list = [tree.tree]
    while stack:
        node = stack.pop()
        if type(node) is Token:
            if node.kind == KEYWORD:
                found.add(node.src)
        elif isinstance(node, Branch):
            stack.extend(node.children)
    return frozenset(found)


def parameter_vector(node: object) -> Branch | None:
    """The (first) parameter vector of a fn/defn list: `[params] body` or `([params] ...)`."""
    if not isinstance(node, Branch):
        return None
    for form in node.forms()[1:]:
        if isinstance(form, Branch) and form.kind == VECTOR:
            return form
        if isinstance(form, Branch) and form.kind == LIST:
            inner = form.forms()
            if inner and isinstance(inner[0], Branch) and inner[0].kind == VECTOR:
                return inner[0]
    return None


def docstring(node: object) -> str:
    """The docstring of a `(defn name "doc" ...)` list, or empty."""
    forms = node.forms() if isinstance(node, Branch) else []
    if len(forms) > 3 and type(forms[2]) is Token and forms[2].kind == STRING:
        return forms[2].value
    return ""


def binding_signature(b: Binding) -> str:
    """`(name params...)` of a function binding, else empty."""
    if b.params is None:
        return ""
    vector = parameter_vector(b.value_node)
    params = " ".join(vector.src[1:len(vector.src) - len(vector.close)].split()) \
        if vector is not None else ""
    return f"({b.name}{' ' + params if params else ''})"


def binding_doc(b: Binding, limit: int = 300) -> str:
    """A binding shown as code: a function's signature and docstring, a def's value."""
    if b.params is not None:
        doc = docstring(b.value_node)
        return f"```spell\n{binding_signature(b)}\n```" + (f"\n\n{doc}" if doc else "")
    if not b.top:
        return f"`{b.name}`: local binding ({b.kind})"
    head = "def" if b.kind == "message" else b.kind
    value = f" {truncate(b.value_node.src, limit)}" if b.value_node is not None else ""
    return f"```spell\n({head} {b.name}{value})\n```"


# -- completion --------------------------------------------------------------------------

def in_string_or_comment(tree: ParseResult, offset: int) -> bool:
    """Is `offset` inside a string literal or a comment (where nothing completes)?"""
    path = tree.node_at(offset)
    if path and type(path[-1]) is Token and path[-1].kind == STRING and offset > path[-1].start:
        return True
    parent = next((n for n in reversed(path) if isinstance(n, Branch)), tree.tree)
    pos = parent.open_end
    for child in parent.children:
        if child.start >= offset:
            break
        pos = child.end
    stop = min(offset, len(tree.text))
    return any(kind == "comment" and start < offset for kind, start, _ in
               _trivia_pieces(tree.text, pos, stop)) if pos < stop else False


def prefix_at(text: str, offset: int) -> tuple[int, str]:
    """Start and text of the symbol or keyword being typed before `offset`."""
    m = _PREFIX_RE.search(text, max(0, offset - 200), offset)
    prefix = m.group(0) if m else ""
    return offset - len(prefix), prefix


def complete(doc: Document, offset: int, enabled: Iterable[str] | None = None
             ) -> tuple[int, list[Item]]:
    """The start of the text to replace and the candidates at `offset`."""
    tree = doc.parsed
    offset = max(0, min(offset, len(tree.text)))
    if in_string_or_comment(tree, offset):
        return offset, []
    start, prefix = prefix_at(tree.text, offset)
    namespaces = visible_namespaces(enabled)
    if prefix.startswith(":"):
        keywords = sorted(document_keywords(tree) - {prefix})
        return start, [Item(k, "keyword") for k in keywords]
    ns, slash, _ = prefix.partition("/")
    if slash and ns in namespaces:
        return start, [Item(f"{ns}/{name}", "member", sig, doc + ("\n\n" + more
                            if more and more != doc else ""))
                       for name, (sig, doc, more) in members(namespaces[ns]).items()]
    items = name_items(namespaces) + scope_items(doc, offset) + snippet_items()
    if prefix:
        first = prefix[0].lower()
        items = [i for i in items if (i.filter or i.label)[:1].lower() == first]
    return start, items


def name_items(namespaces: dict[str, list[NamespaceInfo]]) -> list[Item]:
    """The table's names and the visible namespaces."""
    items = [Item(e.name, e.kind if e.kind in ("special", "macro", "effect", "turn")
                  else "function", e.signature, e.doc) for e in table().values()]
    items += [Item(name, "namespace", infos[0].short_docs, namespace_doc(infos))
              for name, infos in namespaces.items()]
    return items


def scope_items(doc: Document, offset: int) -> list[Item]:
    """The bindings visible at `offset` and the wrapper's names."""
    items = [Item(b.name, "function" if b.params is not None else "variable",
                  binding_signature(b) or b.kind, binding_doc(b))
             for b in visible_at(doc, offset)]
    seen = {i.label for i in items}
    return items + [Item(name, "variable", "quine name") for name in WRAPPER_NAMES
                    if name not in seen]


def snippet_items() -> list[Item]:
    return [Item(label, "snippet", label, doc, body, filter)
            for label, filter, body, doc in SNIPPETS]


def truncate(text: str, limit: int = 300, lines: int = 12) -> str:
    """At most `limit` characters and `lines` lines, with an ellipsis when cut."""
    cut = "\n".join(text.split("\n", lines)[:lines])[:limit]
    return cut if cut == text else cut + " …"
