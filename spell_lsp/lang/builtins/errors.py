"""`throw` and exception values (spec 3.3, 4.10).

An exception value is the map `{:spell/exception true :message m :data d [:cause c]}`.
"""

from __future__ import annotations

from typing import Any

from spell_lsp.syntax.printer import pr, str_of
from spell_lsp.syntax.values import K_SPELL_EXCEPTION, SMap, is_truthy, kw

from ..errors import BuiltinError, SpellError
from ..seqview import describe
from ..table import builtin

K_MESSAGE = kw("message")
K_DATA = kw("data")
K_CAUSE = kw("cause")


def is_exception(x: Any) -> bool:
    """An exception value: a map whose `:spell/exception` is truthy."""
    return isinstance(x, SMap) and is_truthy(x.get(K_SPELL_EXCEPTION))


def thrown_message(x: Any) -> str:
    """The error message for a thrown value: a string itself, an exception's :message,
    else the printed value."""
    if type(x) is str:
        return x
    if is_exception(x):
        return str_of(x.get(K_MESSAGE))
    return pr(x)


@builtin("throw", 1, "Raise an error carrying the value; try/catch receives the value.",
         "errors", signature="(throw x)")
def throw(x: Any) -> Any:
    raise SpellError(thrown_message(x), thrown=x)


@builtin("ex-info", "2-3", "An exception value with a message, a data map and an optional "
         "cause.", "errors", signature="(ex-info msg data [cause])")
def ex_info(msg: Any, data: Any, cause: Any = None) -> SMap:
    if type(msg) is not str:
        raise BuiltinError(f"expected a string message, got {describe(msg)}")
    if data is None:
        data = SMap()
    elif not isinstance(data, SMap):
        raise BuiltinError(f"expected a data map, got {describe(data)}")
    entries = [(K_SPELL_EXCEPTION, True), (K_MESSAGE, msg), (K_DATA, data)]
    if cause is not None:
        entries.append((K_CAUSE, cause))
    return SMap(entries)


def _field(x: Any, key: Any) -> Any:
    return x.get(key) if is_exception(x) else None


@builtin("ex-data", 1, "The data map of an exception value, else nil.", "errors",
         signature="(ex-data e)")
def ex_data(x: Any) -> Any:
    return _field(x, K_DATA)


@builtin("ex-message", 1, "The message of an exception value, else nil.", "errors",
         signature="(ex-message e)")
def ex_message(x: Any) -> Any:
    return _field(x, K_MESSAGE)


@builtin("ex-cause", 1, "The cause of an exception value, else nil.", "errors",
         signature="(ex-cause e)")
def ex_cause(x: Any) -> Any:
    return _field(x, K_CAUSE)
