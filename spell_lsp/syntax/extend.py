"""Reading a program that only grew: the harness's fast path for long runs.

A turn's completion text is the previous program's open prefix plus the model's response.
When the previous program was read from text and its open prefix is a byte-prefix of the
new text (nothing before the end of its last body form changed), only the tail needs
reading: the lenient repairs and the parser run over the new end, and the new program
reuses every earlier body form as the identical object (so incremental evaluation can skip
them). Whenever anything is unusual the caller falls back to a full `read_lenient`, which
this must equal (property-tested).
"""

from __future__ import annotations

from typing import Any

from .lenient import (
    LenientResult, balance_delimiters, repair_comment_markers, repair_string_escapes,
)
from .lower import FormSyntax, lower
from .reader import UNMATCHED, Branch, ErrorToken, Source, is_form, parse
from .values import SList

WRAPPER_OPEN = 3  # quine, eval and do lists are open at the end of an open prefix
_TRIVIA = " \t\r\n\f,"


def wrapper_nodes(program: Any) -> tuple[Branch, Branch, Branch] | None:
    """The quine, eval and do list nodes of a program read from text, if it has them."""
    syn = getattr(program, "syntax", None)
    if type(syn) is not FormSyntax or type(program) is not SList or len(program) < 3:
        return None
    tail = program[-1]
    if type(tail) is not SList or len(tail) != 2 or type(getattr(tail, "syntax", None)) \
            is not FormSyntax:
        return None
    body = tail[1]
    if type(body) is not SList or type(getattr(body, "syntax", None)) is not FormSyntax:
        return None
    nodes = (syn.node, tail.syntax.node, body.syntax.node)
    if any(n.kind != "list" or n.close_start < 0 for n in nodes):
        return None
    if nodes[0].children[-1] is not nodes[1] or nodes[1].children[-1] is not nodes[2]:
        return None
    return nodes


def repaired_tail(tail: str, at_line_start: bool) -> str:
    """The lenient repairs (spec 2.6 steps 2-4) of text that continues an open prefix."""
    marked = tail if at_line_start else "x" + tail
    text = repair_comment_markers(marked)
    text = text if at_line_start else text[1:]
    text = repair_string_escapes(text)
    return balance_delimiters("(" * WRAPPER_OPEN + text)[WRAPPER_OPEN:]


def extend_program(previous: Any, text: str) -> LenientResult | None:
    """The lenient read of `text` when it extends `previous` (a program read from text):
    new forms read from the tail only. None when the fast path does not apply."""
    nodes = wrapper_nodes(previous)
    if nodes is None:
        return None
    quine_node, eval_node, do_node = nodes
    last = next((c for c in reversed(do_node.children) if is_form(c)), None)
    if last is None or quine_node.start != 0:
        return None
    cut = last.end
    old = quine_node.source.text
    if not text.startswith(old[:cut]) or not text[cut:cut + 1] in ("", *_TRIVIA):
        return None
    tail = text[cut:]
    repaired = repaired_tail(tail, text[cut - 1:cut] == "\n")
    new_text = text if repaired == tail else text[:cut] + repaired
    result = parse(new_text, cut)
    closers = [c for c in result.tree.children if type(c) is ErrorToken]
    forms = [c for c in result.tree.children if is_form(c)]
    if not closers_close_the_wrapper(result, closers, forms):
        return None
    source = result.tree.source
    do_close, eval_close, quine_close = (c.start for c in closers[:3])
    new_do = rebranch(do_node, source, [*do_node.children, *forms], do_close)
    new_eval = rebranch(eval_node, source, [*eval_node.children[:-1], new_do], eval_close)
    new_quine = rebranch(quine_node, source, [*quine_node.children[:-1], new_eval],
                         quine_close)
    if new_text[quine_close + 1:].strip(_TRIVIA):
        return None  # text after the program: the full reader words the warning
    program = build_program(previous, forms, new_quine, new_eval, new_do)
    return LenientResult(program, new_text, [])


def closers_close_the_wrapper(result: Any, closers: list, forms: list) -> bool:
    """The tail is forms, then the three `)` that close do, eval and quine; every reader
    error is one of those closers or a stray closer after them."""
    if len(closers) < WRAPPER_OPEN:
        return False
    wrapper = closers[:WRAPPER_OPEN]
    if any(c.message != UNMATCHED + ")" for c in wrapper):
        return False
    if forms and forms[-1].start > wrapper[0].start:
        return False
    limit = wrapper[-1].end
    return all(e.start >= limit or e.message == UNMATCHED + ")" and
               any(c.start == e.start for c in wrapper) for e in result.errors)


def rebranch(node: Branch, source: Source, children: list, close_start: int) -> Branch:
    """A copy of a list node over the new text with new children and closer."""
    new = Branch(node.kind, node.start, node.open_end, source)
    new.children = children
    new.close_start = close_start
    new.end = close_start + 1
    return new


def build_program(previous: SList, forms: list, quine_node: Branch, eval_node: Branch,
                  do_node: Branch) -> SList:
    """The new program form: earlier body forms reused, new ones lowered."""
    old_eval = previous[-1]
    old_do = old_eval[1]
    do_list = SList((*old_do, *(lower(f) for f in forms)))
    do_list.syntax = FormSyntax(do_node, old_do.syntax.form_nodes() + forms)
    eval_list = SList((old_eval[0], do_list))
    eval_list.syntax = FormSyntax(eval_node)
    program = SList((*previous[:-1], eval_list))
    program.syntax = FormSyntax(quine_node)
    return program
