"""The shape of a program: the completion wrapper `(quine NAME inert... (eval (do BODY...)))`
(spec 5.1), its do-body, the trailing expression and the inert quoted history.

A document without a top-level `quine` list is plain code (every top-level form is
analysed as pure code) or, when it does not start with `(` (after comment lines), a prompt
that the harness wraps as it is (spec 7.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..syntax.reader import LIST, QUOTE, SYMBOL, Branch, Node, Token, is_form

if TYPE_CHECKING:
    from .document import Document

PROGRAM, CODE, PROMPT = "program", "code", "prompt"


def head_name(node: Node) -> str | None:
    """The name of a list's head symbol, or None (not a list, or another head)."""
    if node.kind != LIST:
        return None
    for child in node.children:  # type: ignore[attr-defined]
        if is_form(child):
            if type(child) is Token and child.kind == SYMBOL:
                return child.value.name
            return None
    return None


def forms_of(node: Node) -> list[Node]:
    """The form children of a branch (none for a token)."""
    if isinstance(node, Branch):
        return [c for c in node.children if is_form(c)]
    return []


def is_wrapper_tail(node: Node) -> bool:
    """Is `node` an `(eval (do ...))` call, the tail a live wrapper needs?"""
    if head_name(node) != "eval":
        return False
    args = forms_of(node)[1:]
    return len(args) >= 1 and head_name(args[0]) == "do"


def is_bare_quine(node: Node) -> bool:
    """A `(quine name ...)` list whose last argument is not `(eval (do ...))`."""
    if head_name(node) != "quine":
        return False
    parts = forms_of(node)
    return len(parts) < 3 or not is_wrapper_tail(parts[-1])


@dataclass
class Program:
    """What the document is and where the wrapper's pieces are (nodes of its tree)."""

    kind: str                                   # "program", "code" or "prompt"
    wrapper: Branch | None = None               # the quine list
    name: Token | None = None                   # its name symbol (usually `completion`)
    inert: list[Node] = field(default_factory=list)  # quine arguments never evaluated
    eval_node: Branch | None = None             # the wrapper's outer `(eval ...)`
    do_node: Branch | None = None               # the `(do ...)` list
    body: list[Node] = field(default_factory=list)   # do-body forms, in order
    before: list[Node] = field(default_factory=list)  # top-level forms before the wrapper
    after: list[Node] = field(default_factory=list)   # top-level forms after the wrapper
    strays: list[Node] = field(default_factory=list)  # forms pushed out of a do closed early
    top_level: list[Node] = field(default_factory=list)

    @property
    def trailing(self) -> Node | None:
        """The trailing expression: the last do-body form."""
        return self.body[-1] if self.body else None

    @property
    def trailing_quoted(self) -> bool:
        trailing = self.trailing
        return trailing is not None and trailing.kind == QUOTE

    def is_inert(self, node: Node) -> bool:
        """Quoted history: a quoted do-body form that is not the trailing expression."""
        return node.kind == QUOTE and node is not self.trailing


def recognise(doc: "Document") -> Program:
    """Find the wrapper (the first top-level `quine` list) and its parts."""
    top = doc.tree.forms()
    index = next((i for i, node in enumerate(top) if head_name(node) == "quine"), None)
    if index is None:
        from ..harness.initial import is_program_text
        return Program(CODE if is_program_text(doc.text) else PROMPT, top_level=top)
    wrapper = top[index]
    assert isinstance(wrapper, Branch)
    program = Program(PROGRAM, wrapper=wrapper, before=top[:index], after=top[index + 1:],
                      top_level=top)
    parts = forms_of(wrapper)
    if len(parts) >= 2 and type(parts[1]) is Token and parts[1].kind == SYMBOL:
        program.name = parts[1]
    args = parts[2:]
    # The live tail is the last argument when it is an `(eval (do ...))`; otherwise the do
    # was closed early and the last such call (followed by the strays) is what was meant.
    tail = next((i for i in range(len(args) - 1, -1, -1) if is_wrapper_tail(args[i])), None)
    if tail is None:
        if args and head_name(args[-1]) == "eval":
            tail = len(args) - 1
        else:
            program.inert = args
            return program
    program.inert = args[:tail]
    program.strays = args[tail + 1:]
    eval_node = args[tail]
    assert isinstance(eval_node, Branch)
    program.eval_node = eval_node
    eval_args = forms_of(eval_node)[1:]
    program.strays = eval_args[1:] + program.strays
    if eval_args and head_name(eval_args[0]) == "do":
        program.do_node = eval_args[0]  # type: ignore[assignment]
        program.body = forms_of(eval_args[0])[1:]
    elif eval_args:
        program.body = eval_args[:1]
    return program
