"""Collections and maps builtins, called through the table with a stand-in runtime.

Results are compared strictly: same Python types all the way down (a vector is not a
list here, though Spell `=` says they are equal) and the same entry order.
"""

from fractions import Fraction

import pytest
from builtin_helpers import K, L, V, call, same

import spell_lsp  # noqa: F401  (registers the builtins)
from spell_lsp.lang.builtins.seqs import Reduced
from spell_lsp.lang.errors import BuiltinError
from spell_lsp.lang.table import TABLE
from spell_lsp.syntax.values import Char, SList, SMap, SSet, vector_with_line


def M(*kvs):
    return SMap(zip(kvs[::2], kvs[1::2]))


def C(s):
    return Char(s)


def inc(x):
    return x + 1


def add(*xs):
    return sum(xs)


CASES = [
    # constructors
    ("list", (), L()),
    ("list", (1, 2), L(1, 2)),
    ("vector", (1, L(2)), V(1, L(2))),
    ("list*", (1, 2, V(3, 4)), L(1, 2, 3, 4)),
    ("list*", (V(),), None),
    ("vec", (L(1, 2),), V(1, 2)),
    ("vec", (None,), V()),
    ("vec", ("ab",), V(C("a"), C("b"))),
    ("vec", (M(K("a"), 1),), V(V(K("a"), 1))),
    ("set", (V(1, 1, 1.0, True),), SSet([1, 1.0, True])),
    ("seq", (V(),), None),
    ("seq", (None,), None),
    ("seq", ("hi",), L(C("h"), C("i"))),
    ("seq", (M(K("a"), 1),), L(V(K("a"), 1))),
    ("seq", (V(1),), L(1)),
    # access
    ("first", (V(),), None),
    ("first", (None,), None),
    ("first", ("ab",), C("a")),
    ("first", (M(K("a"), 1),), V(K("a"), 1)),
    ("second", (L(1, 2),), 2),
    ("second", (V(1),), None),
    ("last", (V(1, 2, 3),), 3),
    ("last", (SSet([1, 2]),), 2),
    ("last", (None,), None),
    ("ffirst", (V(V(1, 2)),), 1),
    ("rest", (V(),), L()),
    ("rest", (None,), L()),
    ("rest", (V(1, 2, 3),), L(2, 3)),
    ("rest", ("abc",), L(C("b"), C("c"))),
    ("next", (V(1),), None),
    ("next", (V(1, 2),), L(2)),
    ("butlast", (V(1),), None),
    ("butlast", (V(1, 2, 3),), L(1, 2)),
    ("cons", (0, V(1)), L(0, 1)),
    ("cons", (0, None), L(0)),
    # conj on each kind
    ("conj", (V(1), 2, 3), V(1, 2, 3)),
    ("conj", (L(1), 2, 3), L(3, 2, 1)),
    ("conj", (None, 1, 2), L(2, 1)),
    ("conj", (SSet([1]), 1, 2), SSet([1, 2])),
    ("conj", (M(), V(K("a"), 1)), M(K("a"), 1)),
    ("conj", (M(K("a"), 1), M(K("b"), 2), None), M(K("a"), 1, K("b"), 2)),
    ("conj", (V(1),), V(1)),
    # get: maps by key, vectors/strings by index, sets by member
    ("get", (M(K("a"), 1), K("a")), 1),
    ("get", (M(K("a"), 1), K("b"), 5), 5),
    ("get", (M(K("a"), None), K("a"), 5), None),
    ("get", (V(10, 20), 1), 20),
    ("get", (V(10, 20), 2), None),
    ("get", (V(10, 20), True), None),
    ("get", ("abc", 1), C("b")),
    ("get", ("abc", 5, K("d")), K("d")),
    ("get", (SSet([K("x")]), K("x")), K("x")),
    ("get", (None, K("a"), 1), 1),
    ("get", (L(1, 2), 0), None),
    ("get", (M(1, K("int")), 1.0), None),
    # nth
    ("nth", (V(1, 2), 1), 2),
    ("nth", (L(1, 2), 0), 1),
    ("nth", ("ab", 0), C("a")),
    ("nth", (L(1), 3, K("d")), K("d")),
    ("nth", (None, 0), None),
    # assoc
    ("assoc", (None, K("k"), 2), M(K("k"), 2)),
    ("assoc", (V(1, 2), 2, 3), V(1, 2, 3)),
    ("assoc", (V(1, 2), 0, 9), V(9, 2)),
    ("assoc", (M(K("a"), 1), K("b"), 2, K("a"), 3), M(K("a"), 3, K("b"), 2)),
    # count, reverse, keys, vals
    ("count", (None,), 0),
    ("count", ("héllo",), 5),
    ("count", (M(1, 2, 3, 4),), 2),
    ("count", (SSet([1]),), 1),
    ("reverse", (L(1, 2, 3),), V(3, 2, 1)),
    ("reverse", (None,), V()),
    ("keys", (M(),), None),
    ("keys", (None,), None),
    ("keys", (M(K("a"), 1, K("b"), 2),), L(K("a"), K("b"))),
    ("vals", (M(),), None),
    ("vals", (M(K("a"), 1, K("b"), 2),), L(1, 2)),
    ("key", (V(K("a"), 1),), K("a")),
    ("val", (V(K("a"), 1),), 1),
    ("find", (M(K("a"), 1), K("a")), V(K("a"), 1)),
    ("find", (M(K("a"), 1), K("b")), None),
    ("find", (V(K("x")), 0), V(0, K("x"))),
    # into, concat
    ("into", (V(), L(1, 2)), V(1, 2)),
    ("into", (M(), V(V(K("a"), 1))), M(K("a"), 1)),
    ("into", (None, V(1, 2)), L(2, 1)),
    ("into", (L(0), V(1, 2)), L(2, 1, 0)),
    ("into", (SSet(), "aa"), SSet([C("a")])),
    ("into", (V(0), M(K("a"), 1)), V(0, V(K("a"), 1))),
    ("into", (None, None), None),
    ("concat", (), L()),
    ("concat", (V(1), L(2), None, "a"), L(1, 2, C("a"))),
    # peek, pop
    ("peek", (V(1, 2),), 2),
    ("peek", (L(1, 2),), 1),
    ("peek", (V(),), None),
    ("peek", (L(),), None),
    ("peek", (None,), None),
    ("pop", (V(1, 2),), V(1)),
    ("pop", (L(1, 2),), L(2)),
    ("pop", (None,), None),
    ("subvec", (V(1, 2, 3), 1), V(2, 3)),
    ("subvec", (V(1, 2, 3), 1, 2), V(2)),
    ("subvec", (V(1, 2, 3), 3), V()),
    ("not-empty", (V(),), None),
    ("not-empty", ("",), None),
    ("not-empty", (None,), None),
    ("not-empty", (V(1),), V(1)),
    # contains?: keys, indexes, members
    ("contains?", (M(K("a"), None), K("a")), True),
    ("contains?", (SSet([1]), 1), True),
    ("contains?", (SSet([1]), 1.0), False),
    ("contains?", (V(5), 0), True),
    ("contains?", (V(5), 1), False),
    ("contains?", ("ab", 1), True),
    ("contains?", (None, K("a")), False),
    ("disj", (SSet([1, 2]), 1, 3), SSet([2])),
    ("disj", (None, 1), None),
]


@pytest.mark.parametrize("name,args,expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_collection_builtin(name, args, expected):
    result = call(name, *args)
    assert same(result, expected), f"({name} ...) gave {result!r}"


ERRORS = [
    ("nth", (V(1), 5), "index out of bounds"),
    ("nth", (V(1), -1), "index out of bounds"),
    ("nth", ("", 0), "index out of bounds"),
    ("nth", (V(1), True), "index must be an integer, got boolean true"),
    ("nth", (M(), 0), "cannot index into a map"),
    ("assoc", (V(1), 5, 0), "index out of bounds"),
    ("assoc", (V(1), K("a"), 0), "vector index must be an integer, got keyword :a"),
    ("assoc", (M(), K("a"), 1, K("b")),
     "expected key/value pairs after the collection, got an odd number of arguments"),
    ("assoc", (L(1), 0, 1), "cannot set keys of a list"),
    ("pop", (V(),), "cannot pop an empty vector"),
    ("pop", (L(),), "cannot pop an empty list"),
    ("peek", (SSet([1]),), "expected a vector or a list, got a set"),
    ("subvec", (V(1), 2), "index out of bounds"),
    ("subvec", (V(1, 2), 2, 1), "index out of bounds"),
    ("subvec", (L(1, 2), 0), "expected a vector, got a list"),
    ("count", (5,), "cannot count number 5"),
    ("first", (K("a"),), "expected a collection, got keyword :a"),
    ("rest", (True,), "expected a collection, got boolean true"),
    ("conj", ("ab", 1), 'cannot add elements to string "ab"'),
    ("conj", (M(), V(1, 2, 3)), "a map takes [key value] vectors or maps, got a vector"),
    ("keys", (V(1),), "expected a map, got a vector"),
    ("key", (V(1),), "expected a map entry [key value], got a vector"),
    ("contains?", (L(1), 1),
     "a list has no keys to look up (use some to search its elements)"),
    ("disj", (V(1), 1), "expected a set, got a vector"),
    ("merge", (M(), V()), "expected a map, got a vector"),
    ("dissoc", (V(1), 0), "expected a map, got a vector"),
]


@pytest.mark.parametrize("name,args,detail", ERRORS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ERRORS)])
def test_collection_misuse(name, args, detail):
    with pytest.raises(BuiltinError) as err:
        call(name, *args)
    assert err.value.detail == detail


def test_subvec_shifts_line_metadata():
    lines = vector_with_line(["a", "b", "c"], 3)
    part = call("subvec", lines, 1, 3)
    assert same(part, V("b", "c")) and part.first_line == 4
    assert call("subvec", V(1, 2), 1).first_line is None


@pytest.mark.parametrize("name,args,first_line", [
    ("conj", (4,), 7), ("assoc", (0, "x"), 7), ("pop", (), 7), ("vec", (), 7),
    ("rest", (), None), ("reverse", (), None),
])
def test_which_results_keep_line_metadata(name, args, first_line):
    lines = vector_with_line(["a", "b"], 7)
    assert getattr(call(name, lines, *args), "first_line", None) == first_line


def test_into_keeps_line_metadata_of_target():
    assert call("into", vector_with_line(["a"], 2), V("b")).first_line == 2


def test_seq_results_are_lists():
    # `list?` is true for every seq (Appendix A.21) because these are SList values
    for name, args in [("rest", (V(1, 2, 3),)), ("next", (V(1, 2),)), ("cons", (0, V())),
                       ("concat", (V(1),)), ("seq", (V(1),)), ("keys", (M(1, 2),)),
                       ("butlast", (V(1, 2),))]:
        assert type(call(name, *args)) is SList, name


# ---------------------------------------------------------------------------------------
# Maps and grouping

def default_zero(x):
    return 0 if x is None else x


def acc_vals(acc, k, v):
    return acc + v


def stop_at_b(acc, k, v):
    return Reduced(acc) if k is K("b") else acc + v


def is_odd(x):
    return x % 2 == 1


MAP_CASES = [
    ("merge", (), None),
    ("merge", (None, None), None),
    ("merge", (M(K("a"), 1), M(K("a"), 2, K("b"), 3)), M(K("a"), 2, K("b"), 3)),
    ("merge", (None, M(K("a"), 1)), M(K("a"), 1)),
    ("merge-with", (add,), None),
    ("merge-with", (add, M(K("a"), 1), None, M(K("a"), 2, K("b"), 3)), M(K("a"), 3, K("b"), 3)),
    ("update", (M(K("n"), 1), K("n"), inc), M(K("n"), 2)),
    ("update", (M(K("n"), 1), K("n"), add, 10, 100), M(K("n"), 111)),
    ("update", (None, K("n"), default_zero), M(K("n"), 0)),
    ("update", (V(1, 2), 0, inc), V(2, 2)),
    ("update-in", (M(K("a"), M(K("b"), 1)), V(K("a"), K("b")), inc), M(K("a"), M(K("b"), 2))),
    ("update-in", (M(), V(K("a"), K("b")), default_zero), M(K("a"), M(K("b"), 0))),
    ("update-in", (M(K("a"), V(1, 2)), V(K("a"), 1), add, 5), M(K("a"), V(1, 7))),
    ("update-in", (1, V(), inc), 2),
    ("get-in", (M(K("a"), M(K("b"), 1)), V(K("a"), K("b"))), 1),
    ("get-in", (M(K("a"), M(K("b"), 1)), V(K("a"), K("x")), K("d")), K("d")),
    ("get-in", (M(K("a"), M(K("b"), None)), V(K("a"), K("b")), K("d")), None),
    ("get-in", (M(K("a"), 1), V()), M(K("a"), 1)),
    ("get-in", (M(K("v"), V(10, 20)), V(K("v"), 1)), 20),
    ("get-in", (None, V(K("a")), 3), 3),
    ("assoc-in", (M(), V(K("a"), K("b")), 1), M(K("a"), M(K("b"), 1))),
    ("assoc-in", (None, V(K("a")), 1), M(K("a"), 1)),
    ("assoc-in", (M(K("v"), V(1, 2)), V(K("v"), 0), 9), M(K("v"), V(9, 2))),
    ("dissoc", (M(K("a"), 1, K("b"), 2), K("a"), K("z")), M(K("b"), 2)),
    ("dissoc", (None, K("a")), None),
    ("select-keys", (M(K("a"), 1, K("b"), 2, K("c"), None), V(K("c"), K("a"), K("z"))),
     M(K("c"), None, K("a"), 1)),
    ("select-keys", (None, V(K("a"))), M()),
    ("reduce-kv", (acc_vals, 0, M(K("a"), 1, K("b"), 2)), 3),
    ("reduce-kv", (stop_at_b, 0, M(K("a"), 1, K("b"), 2, K("c"), 4)), 1),
    ("reduce-kv", (acc_vals, 7, None), 7),
    ("update-keys", (M(1, K("a"), 2, K("b")), inc), M(2, K("a"), 3, K("b"))),
    ("update-vals", (M(K("a"), 1), inc), M(K("a"), 2)),
    ("update-vals", (None, inc), M()),
    ("zipmap", (V(K("a"), K("b"), K("c")), V(1, 2)), M(K("a"), 1, K("b"), 2)),
    ("frequencies", (V(K("a"), K("b"), K("a"), 1, 1.0, V(1), L(1)),),
     M(K("a"), 2, K("b"), 1, 1, 1, 1.0, 1, V(1), 2)),
    ("frequencies", ("aba",), M(C("a"), 2, C("b"), 1)),
    ("group-by", (is_odd, V(1, 2, 3)), M(True, V(1, 3), False, V(2))),
    ("group-by", (is_odd, V()), M()),
]


@pytest.mark.parametrize("name,args,expected", MAP_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(MAP_CASES)])
def test_map_builtin(name, args, expected):
    result = call(name, *args)
    assert same(result, expected), f"({name} ...) gave {result!r}"


def test_merge_with_calls_f_with_old_then_new():
    seen = []

    def record(old, new):
        seen.append((old, new))
        return new

    call("merge-with", record, M(K("a"), 1), M(K("a"), 2), M(K("a"), 3))
    assert seen == [(1, 2), (2, 3)]


def test_sorted_constructors_order_by_compare():
    assert same(call("sorted-map", 3, K("c"), 1, K("a"), 2, K("b")),
                M(1, K("a"), 2, K("b"), 3, K("c")))
    assert same(call("sorted-set", "b", "a", "c", "a"), SSet(["a", "b", "c"]))
    assert same(call("sorted-set", Fraction(1, 2), 0.25, 1), SSet([0.25, Fraction(1, 2), 1]))
    assert same(call("sorted-map"), M())


def test_sorted_map_needs_pairs():
    assert not TABLE["sorted-map"].arity.accepts(3)
    with pytest.raises(BuiltinError, match="odd number"):
        call("sorted-map-by", lambda a, b: a < b, 1, 2, 3)


def test_sorted_of_incomparable_values_fails():
    with pytest.raises(BuiltinError, match="cannot compare"):
        call("sorted-set", 1, K("a"))


@pytest.mark.parametrize("comparator", [
    lambda a, b: a > b,                       # boolean: "a sorts before b"
    lambda a, b: b - a,                       # number: its sign
])
def test_sorted_by_comparator(comparator):
    assert same(call("sorted-set-by", comparator, 1, 3, 2), SSet([3, 2, 1]))
    assert same(call("sorted-map-by", comparator, 1, K("a"), 2, K("b")),
                M(2, K("b"), 1, K("a")))


def test_sorted_by_collapses_keys_the_comparator_calls_equal():
    by_length = lambda a, b: len(a) - len(b)  # noqa: E731
    assert same(call("sorted-set-by", by_length, "bb", "a", "cc"), SSet(["a", "bb"]))
    assert same(call("sorted-map-by", by_length, "bb", 1, "cc", 2), M("bb", 2))


def test_comparator_must_answer_number_or_boolean():
    with pytest.raises(BuiltinError, match="comparator must return"):
        call("sorted-set-by", lambda a, b: K("x"), 1, 2)
