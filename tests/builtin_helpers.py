"""Shared helpers for the builtin unit tests: a stand-in runtime, table calls, strict
structural comparison and short constructors."""

from spell_lsp.lang.table import TABLE, Builtin
from spell_lsp.syntax.values import Keyword, SList, SMap, SSet, SVector, spell_eq


class FakeRt:
    """Enough of the evaluator's runtime for unit tests: calls builtins and Python callables."""

    def call(self, f, *args):
        if isinstance(f, Builtin):
            return f.fn(self, *args) if f.takes_rt else f.fn(*args)
        return f(*args)


RT = FakeRt()


def call(name, *args):
    entry = TABLE[name]
    assert entry.arity.accepts(len(args)), f"{name} does not take {len(args)} args"
    return RT.call(entry.impl, *args)


def same(a, b):
    """Strict structural equality: equal values of the same types, in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (SList, SVector)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, SMap):
        return len(a) == len(b) and all(same(k1, k2) and same(v1, v2) for (k1, v1), (k2, v2)
                                        in zip(a.items(), b.items()))
    if isinstance(a, SSet):
        return len(a) == len(b) and all(map(same, a, b))
    return a is b or spell_eq(a, b)


def K(name):
    return Keyword(name)


def L(*xs):
    return SList(xs)


def V(*xs):
    return SVector(xs)
