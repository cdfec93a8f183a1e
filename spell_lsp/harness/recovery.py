"""Error recovery (spec 7.6): namespace fix-up, quine-extension recovery, reader recovery.

Every rebuilt program keeps the model's text for the forms it does not change (D3): the
failed body becomes an inert quine argument emitted from its original text."""

from __future__ import annotations

from typing import Any

from ..lang.edits import children_of, rebuild
from ..lang.errors import FatalError, SpellError, clean_error_message
from ..syntax.printer import pr, pr_string
from ..syntax.values import Keyword, SList, SMap, SVector, Symbol

S_QUINE, S_COMPLETION, S_EVAL, S_DO = (Symbol(n) for n in ("quine", "completion", "eval", "do"))

RECOVERY_TEXT = (
    "The previous Spell program raised an error. Write a new program that achieves what it "
    "intended while avoiding the error. The previous program is inert text and will not run "
    "again; it is removed from your context after this turn, so restate anything you still "
    "need (for example the task). Respond with Spell code only. Error: ")
RETHINK_NOTE = "Recovered from an error; details in _error."


class RecoveryLimit(FatalError):
    """The chain used its two recovery attempts."""


# -- namespace fix-up (free) ---------------------------------------------------------------

def fixup_target(message: str, namespaces: dict[str, Any]) -> tuple[Symbol, Symbol] | None:
    """(wrong symbol, qualified replacement) when exactly one namespace has the key."""
    cleaned = clean_error_message(message)
    for prefix in ("Unbound symbol: ", "Namespace lookup failed: "):
        if cleaned.startswith(prefix):
            name = cleaned[len(prefix):].strip()
            key = name.rpartition("/")[2] if prefix.startswith("Namespace") else name
            if not key or "/" in key and prefix.startswith("Unbound"):
                return None
            owners = [ns for ns, value in namespaces.items()
                      if isinstance(value, SMap) and Keyword(key) in value
                      and Keyword(key).name not in ("docs", "detail", "short-docs")]
            if len(owners) == 1:
                return Symbol(name), Symbol(f"{owners[0]}/{key}")
    return None


def replace_symbol(form: Any, old: Symbol, new: Symbol) -> Any:
    """`form` with every `old` replaced by `new`; unchanged subtrees are identical."""
    if form is old:
        return new
    if not isinstance(form, (SList, SVector, SMap)):
        return form
    children = children_of(form)
    replaced = [replace_symbol(c, old, new) for c in children]
    if all(a is b for a, b in zip(children, replaced)):
        return form
    return rebuild(form, replaced, range(len(replaced)))


def namespace_fixup(program: Any, error: SpellError, namespaces: dict[str, Any],
                    effects_ran: bool) -> Any | None:
    """The fixed program, or None when the fix-up does not apply (spec 7.6.1)."""
    if effects_ran:
        return None
    target = fixup_target(error.message, namespaces)
    if target is None:
        return None
    fixed = replace_symbol(program, *target)
    return None if fixed is program else fixed


# -- quine-extension recovery -------------------------------------------------------------

def error_map(error: SpellError) -> SMap:
    """`{:error "<cleaned>" :in '<containing form> :trace [<names>]}`"""
    entries: list[tuple[Any, Any]] = [(Keyword("error"), clean_error_message(error.message))]
    if error.containing_form is not None:
        entries.append((Keyword("in"), SList((Symbol("quote"), error.containing_form))))
    if error.trace:
        entries.append((Keyword("trace"), SVector(error.trace)))
    return SMap(entries)


def def_form(name: str, value: Any) -> SList:
    return SList((Symbol("def"), Symbol(name), value))


def quine_recovery_program(program: Any, error: SpellError) -> SList:
    """The failed program as an inert quine argument, a rethink, and a self-call that
    shows the error (spec 7.6.2)."""
    if not (type(program) is SList and len(program) >= 2 and program[0] is S_QUINE
            and program[1] is S_COMPLETION):
        program = SList((S_QUINE, S_COMPLETION, program))
    rethink = SList((Symbol("rethink"), RETHINK_NOTE))
    message = clean_error_message(error.message)
    trailing = SList((Symbol("quote"), SList((Symbol("!llm-self"),
                                              SList((Symbol("reopen"), S_COMPLETION))))))
    body = SList((S_DO, def_form("_recovery_prompt", RECOVERY_TEXT + message),
                  def_form("_error", error_map(error)), trailing))
    tail = SList((S_EVAL, body))
    old = children_of(program)
    return rebuild(program, [*old, rethink, tail], [*range(len(old)), None, None])


# -- reader recovery ----------------------------------------------------------------------

def reader_recovery_text(raw: str, message: str) -> str:
    """The program evaluated when a completion cannot be read (spec 7.6.3)."""
    error = f"Reader error: {message}"
    prompt = pr_string(RECOVERY_TEXT + error)
    return ("(quine completion (eval (do "
            f"(def _recovery_prompt {prompt}) "
            f"(def _previous_program {pr_string(raw)}) "
            f"(def _error {pr(SMap([(Keyword('error'), error), (Keyword('raw'), raw)]))}) "
            "'(!extend))))")
