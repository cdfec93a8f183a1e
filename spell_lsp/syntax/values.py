"""The Spell data model: the values the reader produces and the evaluator computes.

Forms are data, so this module sits in the syntax layer: the reader builds these values and
everything above it (evaluator, harness, analysis) shares them. Python scalars carry the
simple cases (None, bool, int, Fraction, float, Decimal, str); the classes here add the rest.

Equality follows Spell, not Python: numbers are equal only within a category (exact,
float, decimal), booleans never equal numbers, a list may equal a vector. Collections
implement that in ``__eq__``/``__hash__``; map keys and set members that are numbers are
wrapped in ``SpellKey`` so that ``1``, ``1.0`` and ``true`` stay distinct keys.
"""

from __future__ import annotations

import math

import regex
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Iterator


class Symbol:
    """A symbol; interned, so identity comparison is enough."""

    __slots__ = ("name",)
    _table: dict[str, "Symbol"] = {}

    def __new__(cls, name: str) -> "Symbol":
        sym = cls._table.get(name)
        if sym is None:
            sym = object.__new__(cls)
            sym.name = name
            cls._table[name] = sym
        return sym

    # Interned: the default identity hash and equality are exact (and run in C).

    def __repr__(self) -> str:
        return f"Symbol({self.name!r})"

    def __reduce__(self):
        return (Symbol, (self.name,))

    @property
    def namespace(self) -> str | None:
        """Namespace part of a qualified symbol (`io` in `io/ls`), else None."""
        ns, sep, rest = self.name.partition("/")
        return ns if sep and ns and rest else None


class Keyword:
    """A keyword `:name` or `:ns/name`; interned. `name` holds the text after the colon."""

    __slots__ = ("name",)
    _table: dict[str, "Keyword"] = {}

    def __new__(cls, name: str) -> "Keyword":
        kw = cls._table.get(name)
        if kw is None:
            kw = object.__new__(cls)
            kw.name = name
            cls._table[name] = kw
        return kw

    def __repr__(self) -> str:
        return f"Keyword({self.name!r})"

    def __reduce__(self):
        return (Keyword, (self.name,))

    @property
    def namespace(self) -> str | None:
        ns, sep, rest = self.name.partition("/")
        return ns if sep and ns and rest else None

    @property
    def local_name(self) -> str:
        ns, sep, rest = self.name.partition("/")
        return rest if sep and ns and rest else self.name


class Char:
    """A character value; never equal to a string."""

    __slots__ = ("ch",)

    def __init__(self, ch: str) -> None:
        self.ch = ch

    def __eq__(self, other: object) -> bool:
        return type(other) is Char and other.ch == self.ch

    def __hash__(self) -> int:
        return hash(("char", self.ch))

    def __repr__(self) -> str:
        return f"Char({self.ch!r})"


class Regex:
    """A regex literal: the pattern text as written plus the compiled Python pattern."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = compile_java_regex(self.source)
        return self._compiled

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"Regex({self.source!r})"


def compile_java_regex(pattern: str) -> Any:
    """Compile a Java-syntax pattern. The `regex` package understands what models write
    in Java patterns and `re` does not: `(?<name>...)`, `\\p{L}`, possessive quantifiers,
    atomic groups, `\\z`. Raises `regex.error` on an invalid pattern."""
    return regex.compile(pattern)


class _Seq(tuple):
    """Shared behaviour of lists and vectors: Spell equality across the two kinds.

    Instances may carry metadata attributes (`syntax`: the CST node the form was read
    from; `first_line` on vectors); metadata never takes part in equality or hashing.
    """

    syntax = None  # FormSyntax of a form read from text (set by the reader)
    _plain = False  # set by lang.edits: walking the edit markers can never change this form

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, _Seq) or len(self) != len(other):
            return False
        return all(map(spell_eq, self, other))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("seq", tuple(map(spell_hash, self))))


class SList(_Seq):
    """A list (also every seq)."""

    def __repr__(self) -> str:
        return f"SList({list(self)!r})"


class SVector(_Seq):
    """A vector; `first_line` metadata marks line-numbered file content."""

    first_line: int | None = None

    def __repr__(self) -> str:
        return f"SVector({list(self)!r})"


def vector_with_line(items: Iterable[Any], first_line: int | None) -> SVector:
    v = SVector(items)
    if first_line is not None:
        v.first_line = first_line
    return v


class SpellKey:
    """Wraps a value so Python dicts and sets compare it with Spell equality (maps wrap
    their number and boolean keys in it; builtins use it for any value)."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._hash = spell_hash(value)

    def __eq__(self, other: object) -> bool:
        return type(other) is SpellKey and spell_eq(self.value, other.value)

    def __hash__(self) -> int:
        return self._hash


_NUMBER_KEY_TYPES = frozenset((int, bool, float, Fraction, Decimal))


def _key(k: Any) -> Any:
    return SpellKey(k) if type(k) in _NUMBER_KEY_TYPES else k


def _unkey(k: Any) -> Any:
    return k.value if type(k) is SpellKey else k


class SMap:
    """An immutable, insertion-ordered map with Spell key equality."""

    __slots__ = ("_d", "syntax", "__weakref__")

    def __init__(self, items: Iterable[tuple[Any, Any]] | None = None) -> None:
        d: dict = {}
        if items is not None:
            for k, v in items:
                d[_key(k)] = v
        self._d = d
        self.syntax = None

    @classmethod
    def _from_dict(cls, d: dict) -> "SMap":
        m = cls.__new__(cls)
        m._d = d
        m.syntax = None
        return m

    def get(self, key: Any, default: Any = None) -> Any:
        if type(key) in _NUMBER_KEY_TYPES:
            key = SpellKey(key)
        return self._d.get(key, default)

    def __contains__(self, key: Any) -> bool:
        return _key(key) in self._d

    def __len__(self) -> int:
        return len(self._d)

    def __iter__(self) -> Iterator[Any]:
        return map(_unkey, self._d)

    def keys(self) -> list[Any]:
        return [_unkey(k) for k in self._d]

    def values(self) -> list[Any]:
        return list(self._d.values())

    def items(self) -> Iterator[tuple[Any, Any]]:
        for k, v in self._d.items():
            yield _unkey(k), v

    def assoc(self, key: Any, value: Any) -> "SMap":
        d = dict(self._d)
        d[_key(key)] = value
        return self._from_dict(d)

    def assoc_many(self, pairs: Iterable[tuple[Any, Any]]) -> "SMap":
        d = dict(self._d)
        for k, v in pairs:
            d[_key(k)] = v
        return self._from_dict(d)

    def dissoc(self, *keys: Any) -> "SMap":
        d = dict(self._d)
        for k in keys:
            d.pop(_key(k), None)
        return self._from_dict(d)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, SMap) or len(self._d) != len(other._d):
            return False
        od = other._d
        missing = object()
        for k, v in self._d.items():
            ov = od.get(k, missing)
            if ov is missing or not spell_eq(v, ov):
                return False
        return True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("map", frozenset((hash(k), spell_hash(v)) for k, v in self._d.items())))

    def __repr__(self) -> str:
        return f"SMap({list(self.items())!r})"


class SSet:
    """An immutable, insertion-ordered set with Spell element equality."""

    __slots__ = ("_d", "syntax", "__weakref__")

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._d = dict.fromkeys(map(_key, items))
        self.syntax = None

    @classmethod
    def _from_dict(cls, d: dict) -> "SSet":
        s = cls.__new__(cls)
        s._d = d
        s.syntax = None
        return s

    def __contains__(self, item: Any) -> bool:
        return _key(item) in self._d

    def __len__(self) -> int:
        return len(self._d)

    def __iter__(self) -> Iterator[Any]:
        return map(_unkey, self._d)

    def conj(self, *items: Any) -> "SSet":
        d = dict(self._d)
        for x in items:
            d[_key(x)] = None
        return self._from_dict(d)

    def disj(self, *items: Any) -> "SSet":
        d = dict(self._d)
        for x in items:
            d.pop(_key(x), None)
        return self._from_dict(d)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, SSet) and self._d.keys() == other._d.keys()

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("set", frozenset(self._d)))

    def __repr__(self) -> str:
        return f"SSet({list(self)!r})"


# ---------------------------------------------------------------------------------------
# Equality and hashing


def number_category(x: Any) -> str | None:
    """'exact', 'float' or 'decimal' for numbers; None for everything else (incl. bool)."""
    t = type(x)
    if t is int or t is Fraction:
        return "exact"
    if t is float:
        return "float"
    if t is Decimal:
        return "decimal"
    return None


def is_number(x: Any) -> bool:
    t = type(x)
    return t is int or t is float or t is Fraction or t is Decimal


def spell_eq(a: Any, b: Any) -> bool:
    """Spell `=` on two values."""
    if a is b:
        return not (type(a) is float and a != a)
    ta, tb = type(a), type(b)
    if ta is tb:
        return a == b
    ca, cb = number_category(a), number_category(b)
    if ca is not None or cb is not None:
        return ca == cb and a == b
    if isinstance(a, _Seq) and isinstance(b, _Seq):
        return a == b
    if ta is bool or tb is bool:
        return False
    return a == b


def spell_hash(x: Any) -> int:
    """Hash consistent with `spell_eq`."""
    t = type(x)
    if t is bool:
        return hash(("bool", x))
    if t is int or t is Fraction:
        return hash(x)
    if t is float:
        return hash(("float", x))
    if t is Decimal:
        return hash(("dec", x))
    return hash(x)


# ---------------------------------------------------------------------------------------
# Common constructors and predicates

def sym(name: str) -> Symbol:
    return Symbol(name)


def kw(name: str) -> Keyword:
    return Keyword(name)


EMPTY_LIST = SList()
EMPTY_VECTOR = SVector()
EMPTY_MAP = SMap()

S_QUOTE = Symbol("quote")
S_QUASIQUOTE = Symbol("quasiquote")
S_UNQUOTE = Symbol("unquote")
S_UNQUOTE_SPLICING = Symbol("unquote-splicing")
S_DEREF = Symbol("deref")
S_FN_STAR = Symbol("fn*")
S_AMP = Symbol("&")
S_FIRST_LINE = Symbol("first-line")

K_SPELL_FN = Keyword("spell/fn")
K_SPELL_MACRO = Keyword("spell/macro")
K_SPELL_FUTURE = Keyword("spell/future")
K_SPELL_EXCEPTION = Keyword("spell/exception")
K_PARAMS = Keyword("params")
K_BODY = Keyword("body")


def is_truthy(x: Any) -> bool:
    return x is not None and x is not False


def is_spell_fn(x: Any) -> bool:
    """A map whose `:spell/fn` is truthy is a Spell function."""
    return type(x) is SMap and is_truthy(x._d.get(K_SPELL_FN))


def is_float_nan(x: Any) -> bool:
    return type(x) is float and math.isnan(x)
