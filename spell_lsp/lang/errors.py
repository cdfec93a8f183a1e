"""Spell errors (catchable by `try`) and fatal errors (never caught by Spell code)."""

from __future__ import annotations

from typing import Any

_NOT_THROWN = object()


class SpellError(Exception):
    """A Spell-level error: the `message` users and models see, plus where it happened.

    `expr` is the form being evaluated when the error was created; `containing_form` the
    outermost `do`-style body it propagated through; `trace` the Spell functions it left,
    innermost first; `thrown` the value given to `throw` (or the `_NOT_THROWN` marker).
    """

    def __init__(self, message: str, expr: Any = None, thrown: Any = _NOT_THROWN) -> None:
        super().__init__(message)
        self.message = message
        self.expr = expr
        self.containing_form: Any = None
        self.trace: list[Any] = []
        self.thrown = thrown

    @property
    def has_thrown(self) -> bool:
        return self.thrown is not _NOT_THROWN

    def rewrapped(self, prefix: str) -> "SpellError":
        """The same error with `prefix` put in front of its message (thrown value kept)."""
        err = SpellError(prefix + self.message, self.expr, self.thrown)
        err.containing_form = self.containing_form
        err.trace = list(self.trace)
        return err

    def __str__(self) -> str:
        return self.message


class FatalError(Exception):
    """Budget exhausted, depth limit, transport failure...: aborts every evaluation."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BuiltinError(Exception):
    """Raised by builtin implementations; the evaluator turns it into
    `Function call failed: <head>: <detail>`."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def clean_error_message(message: str) -> str:
    """The message as shown to a model during recovery (spec 4.1)."""
    prefix = "Function call failed: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    for marker in ("Unbound symbol: ", "Namespace lookup failed: "):
        at = message.find(marker)
        if at >= 0:
            message = message[at:]
            break
    if message.endswith("}"):
        at = message.rfind(" {")
        if at >= 0:
            message = message[:at]
    return message
