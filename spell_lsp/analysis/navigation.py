"""Navigation: go to definition, references, document highlight, rename, document and
workspace symbols. Spans are (start, end) offsets into the document text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..syntax.reader import QUOTE, STRING, SYMBOL, Node, Token, parse
from .names import entry, is_global
from .program import PROGRAM, forms_of, head_name
from .scopes import Binding, binding_at, references as binding_references, same_variable

if TYPE_CHECKING:
    from .document import Document

Span = tuple[int, int]


class RenameError(Exception):
    """A rename that cannot be done; the message says why."""


def definition(doc: "Document", offset: int) -> list[Span]:
    """Where the name at `offset` is bound (empty for names the language defines)."""
    b = binding_at(doc, offset)
    if b is None or b.def_end <= b.def_start:
        return []
    return [(b.def_start, b.def_end)]


def references(doc: "Document", offset: int, include_declaration: bool = True) -> list[Span]:
    """Every reference to the binding at `offset` (and its definitions)."""
    b = binding_at(doc, offset)
    if b is None:
        return []
    return binding_references(doc, b, include_declaration)


def highlights(doc: "Document", offset: int) -> list[tuple[int, int, str]]:
    """(start, end, "write" | "read") for the binding at `offset` in this document."""
    b = binding_at(doc, offset)
    if b is None:
        return []
    writes = {(x.def_start, x.def_end) for x in same_variable(doc, b)}
    return [(s, e, "write" if (s, e) in writes else "read")
            for s, e in binding_references(doc, b, True)]


def prepare_rename(doc: "Document", offset: int) -> Span:
    """The span of the name to rename at `offset`; RenameError when it cannot be."""
    b = binding_at(doc, offset)
    if b is None:
        token = doc.symbol_at(offset)
        if token is None:
            raise RenameError("No symbol here to rename.")
        name = token.value.name
        e = entry(name)
        if e is not None:
            kind = {"special": "a special form", "macro": "a built-in macro",
                    "turn": "a built-in turn form", "effect": "an effect builtin"}.get(
                        e.kind, "a builtin")
            raise RenameError(f"`{name}` is {kind}; only names defined in this document "
                              f"can be renamed.")
        if is_global(name):
            raise RenameError(f"`{name}` is defined by the language; only names defined in "
                              f"this document can be renamed.")
        raise RenameError(f"`{name}` is not defined in this document.")
    for probe in (offset, offset - 1):
        for s, e in binding_references(doc, b, True):
            if s <= probe < e:
                return s, e
    return b.def_start, b.def_end


def rename(doc: "Document", offset: int, new_name: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, new_text) renaming the binding at `offset` everywhere it is
    used; RenameError for language names, invalid names, or a clash."""
    prepare_rename(doc, offset)
    b = binding_at(doc, offset)
    assert b is not None
    check_new_name(new_name)
    if b.top and new_name in doc.scopes.top and new_name != b.name:
        raise RenameError(f"`{new_name}` is already defined in this document.")
    return [(s, e, new_name) for s, e in binding_references(doc, b, True)]


def check_new_name(name: str) -> None:
    """A new name must read as one plain symbol that the language does not define."""
    result = parse(name)
    forms = result.tree.forms()
    if (result.errors or len(forms) != 1 or type(forms[0]) is not Token
            or forms[0].kind != SYMBOL or forms[0].end != len(name) or "/" in name):
        raise RenameError(f"`{name}` is not a valid plain symbol name.")
    if is_global(name):
        raise RenameError(f"`{name}` is defined by the language; choose another name.")


# -- symbols -------------------------------------------------------------------------------

@dataclass
class DocSymbol:
    """A document symbol: `kind` is one of wrapper, prompt, def, defn, defmacro, define,
    persist, message, quine, think, rethink, trailing. `sel_*` spans the name."""

    name: str
    kind: str
    start: int
    end: int
    sel_start: int
    sel_end: int
    detail: str = ""
    children: list["DocSymbol"] = field(default_factory=list)


LABEL_WIDTH = 60


def short(text: str, width: int = LABEL_WIDTH) -> str:
    """One line of at most `width` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def document_symbols(doc: "Document") -> list[DocSymbol]:
    """Definitions, thinks and the trailing expression, nested under the wrapper."""
    program = doc.program
    by_form = {id(b.form): b for b in doc.scopes.bindings if b.top and b.form is not None}
    if program.kind != PROGRAM:
        return [s for node in program.top_level for s in form_symbols(doc, node, by_form)]
    wrapper = program.wrapper
    name = program.name
    sel = (name.start, name.end) if name is not None else (wrapper.start, wrapper.start + 1)
    root = DocSymbol(name.value.name if name is not None else "quine", "wrapper",
                     wrapper.start, wrapper.end, *sel)
    trailing = program.trailing
    for node in program.body:
        if node is trailing:
            root.children.append(DocSymbol(
                "trailing expression", "trailing", node.start, node.end, node.start,
                min(node.end, node.start + 1), short(doc.text[node.start:node.end])))
        elif node.kind != QUOTE:
            root.children.extend(form_symbols(doc, node, by_form))
    return [root]


def form_symbols(doc: "Document", node: Node, by_form: dict) -> list[DocSymbol]:
    """Symbols of one do-body form: a definition, a think with its inner definitions."""
    b = by_form.get(id(node))
    if b is not None:
        return [binding_symbol(doc, b)]
    head = head_name(node)
    if head in ("think", "rethink"):
        parts = forms_of(node)[1:]
        if head == "rethink" and parts and parts[0].kind == "number":
            parts = parts[1:]
        label = parts[0] if parts else None
        text = (label.value if type(label) is Token and label.kind == STRING
                else doc.text[label.start:label.end] if label is not None else head)
        sel = (label.start, label.end) if label is not None else (node.start, node.end)
        sym = DocSymbol(short(text) or head, head, node.start, node.end, *sel)
        for inner in parts[1:]:
            sym.children.extend(form_symbols(doc, inner, by_form))
        return [sym]
    if head in ("do", "when", "if"):
        return [s for inner in forms_of(node)[1:] for s in form_symbols(doc, inner, by_form)]
    return []


def binding_symbol(doc: "Document", b: Binding) -> DocSymbol:
    form = b.form
    assert form is not None
    detail = ""
    if b.kind == "quine" and b.value_node is not None:
        parts = forms_of(b.value_node)
        if len(parts) >= 3 and type(parts[-1]) is Token and parts[-1].kind == STRING:
            detail = short(parts[-1].value)
    elif b.params is not None:
        detail = "[" + " ".join(p for p in param_names(b)) + "]"
    return DocSymbol(b.name, b.kind, form.start, form.end, b.def_start, b.def_end, detail)


def param_names(b: Binding) -> list[str]:
    """The parameter vector of a function binding, as written."""
    node = b.value_node
    if node is None:
        return []
    for part in forms_of(node)[1:]:
        if part.kind == "vector":
            return [p.src for p in forms_of(part)]
    return []


def workspace_symbols(docs: Iterable["Document"], query: str = ""
                      ) -> list[tuple[str | None, DocSymbol]]:
    """(uri, symbol) for the do-level definitions of every document whose name contains
    `query` (case-insensitive; empty matches all)."""
    needle = query.lower()
    out = []
    for doc in docs:
        for b in doc.scopes.bindings:
            if b.top and b.form is not None and needle in b.name.lower():
                out.append((doc.uri, binding_symbol(doc, b)))
    return out
