"""Type predicates, `type`, and symbols and keywords (spec 3.1, 3.3, 4.9).

Functions, macros and futures are maps (spec 3.3): a Spell function answers `fn?` and
has type "function"; a future answers neither `map?` nor `fn?` but has type "map".
"""

from __future__ import annotations

from typing import Any

from spell_lsp.syntax.printer import str_of
from spell_lsp.syntax.values import (
    K_SPELL_FUTURE, Char, Keyword, Regex, SList, SMap, SSet, SVector, Symbol, is_number,
    is_spell_fn, is_truthy,
)

from ..errors import BuiltinError
from ..seqview import describe
from ..table import Builtin, builtin

_SIMPLE_TYPES = {
    type(None): "nil", bool: "boolean", str: "string", Char: "char", Keyword: "keyword",
    Symbol: "symbol", SList: "list", SVector: "vector", SSet: "set", Regex: "regex",
    Builtin: "function",
}


def type_of(x: Any) -> str:
    """The `(type x)` string of spec 3.1."""
    name = _SIMPLE_TYPES.get(type(x))
    if name is not None:
        return name
    if is_number(x):
        return "number"
    if isinstance(x, SMap):
        return "function" if is_spell_fn(x) else "map"
    return "object"


def is_future(x: Any) -> bool:
    """A future value: a map whose `:spell/future` is truthy."""
    return isinstance(x, SMap) and is_truthy(x.get(K_SPELL_FUTURE))


def _predicate(name: str, doc: str, test) -> None:
    """Register a one-argument type predicate."""
    builtin(name, 1, doc, "types", signature=f"({name} x)")(test)


_predicate("string?", "True for a string.", lambda x: type(x) is str)
_predicate("number?", "True for a number of any category (never for booleans).", is_number)
_predicate("list?", "True for a list, including every seq a builtin returns.",
           lambda x: type(x) is SList)
_predicate("seq?", "True for a list or seq (the same thing in Spell).",
           lambda x: type(x) is SList)
_predicate("vector?", "True for a vector.", lambda x: type(x) is SVector)
_predicate("set?", "True for a set.", lambda x: type(x) is SSet)
_predicate("keyword?", "True for a keyword.", lambda x: type(x) is Keyword)
_predicate("symbol?", "True for a symbol.", lambda x: type(x) is Symbol)
_predicate("coll?", "True for a list, vector, map or set.",
           lambda x: isinstance(x, (SList, SVector, SMap, SSet)))
_predicate("sequential?", "True for a list or vector.",
           lambda x: isinstance(x, (SList, SVector)))
_predicate("boolean?", "True for true and false.", lambda x: type(x) is bool)
_predicate("map?", "True for a map that is neither a Spell function nor a future.",
           lambda x: isinstance(x, SMap) and not is_spell_fn(x) and not is_future(x))
_predicate("fn?", "True for a Spell function or a builtin function.",
           lambda x: type(x) is Builtin or is_spell_fn(x))


@builtin("type", 1, "The type name of a value, as a string (\"number\", \"map\", ...).",
         "types", signature="(type x)")
def type_builtin(x: Any) -> str:
    return type_of(x)


# ---------------------------------------------------------------------------------------
# Symbols and keywords


def _split_name(x: Keyword | Symbol) -> tuple[str | None, str]:
    ns = x.namespace
    return ns, (x.name[len(ns) + 1:] if ns else x.name)


@builtin("name", 1, "The name part of a keyword or symbol; a string is its own name.",
         "types", signature="(name x)")
def name(x: Any) -> str:
    if type(x) is str:
        return x
    if type(x) is Keyword or type(x) is Symbol:
        return _split_name(x)[1]
    raise BuiltinError(f"expected a keyword, symbol or string, got {describe(x)}")


@builtin("namespace", 1, "The namespace part of a keyword or symbol, or nil.", "types",
         signature="(namespace x)")
def namespace(x: Any) -> str | None:
    if type(x) is Keyword or type(x) is Symbol:
        return _split_name(x)[0]
    raise BuiltinError(f"expected a keyword or symbol, got {describe(x)}")


def _name_text(x: Any) -> str:
    """Text of a name argument: strings as they are, keywords and symbols by their text."""
    if type(x) is str:
        return x
    if type(x) is Keyword or type(x) is Symbol:
        return x.name
    raise BuiltinError(f"expected a string, keyword or symbol, got {describe(x)}")


def _qualified(ns: Any, nm: Any) -> str:
    if type(nm) is not str:
        raise BuiltinError(f"expected a string name, got {describe(nm)}")
    if ns is None:
        return nm
    if type(ns) is not str:
        raise BuiltinError(f"expected a string namespace, got {describe(ns)}")
    return f"{ns}/{nm}"


@builtin("symbol", "1-2", "A symbol from a name, or from a namespace and a name.", "types",
         signature="(symbol [ns] name)")
def symbol(*args: Any) -> Symbol:
    if len(args) == 2:
        return Symbol(_qualified(*args))
    return Symbol(_name_text(args[0]))


@builtin("keyword", "1-2", "A keyword from a name, or from a namespace and a name; nil for "
         "other values.", "types", signature="(keyword [ns] name)")
def keyword(*args: Any) -> Keyword | None:
    if len(args) == 2:
        return Keyword(_qualified(*args))
    if type(args[0]) in (str, Keyword, Symbol):
        return Keyword(_name_text(args[0]))
    return None


@builtin("parse-boolean", 1, "true for \"true\", false for \"false\", nil for other text.",
         "types", signature="(parse-boolean s)")
def parse_boolean(s: Any) -> bool | None:
    if type(s) is not str:
        raise BuiltinError(f"expected a string, got {describe(s)}")
    return {"true": True, "false": False}.get(s)


@builtin("gensym", "0-1", "A fresh symbol G__<n> (or <prefix><n>); the counter is per run.",
         "types", signature="(gensym [prefix])", rt=True)
def gensym(rt: Any, prefix: Any = "G__") -> Symbol:
    return Symbol(f"{str_of(prefix)}{rt.ctx.next_gensym()}")
