"""Sequence, higher-order and combinator builtins, called through the table with a
stand-in runtime. Results are compared strictly (types and order), so "→ vec" really
means a vector."""

from fractions import Fraction

import pytest
from builtin_helpers import RT, FakeRt, K, L, V, call, same

import spell_lsp  # noqa: F401  (registers the builtins)
from spell_lsp.lang.builtins.seqs import Reduced
from spell_lsp.lang.errors import BuiltinError, SpellError
from spell_lsp.lang.table import TABLE, Builtin
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import Char, SMap, SVector


def C(s):
    return Char(s)


def inc(x):
    return x + 1


def add(*xs):
    return sum(xs)


def mul(*xs):
    out = 1
    for x in xs:
        out *= x
    return out


def is_odd(x):
    return x % 2 == 1


def never(*args):
    raise AssertionError("must not be called")


def add_until_over_2(acc, x):
    return Reduced(acc) if x > 2 else acc + x


CASES = [
    ("apply", (add, 1, 2, V(3, 4)), 10),
    ("apply", (TABLE["list"].impl, None), L()),
    ("map", (inc, V(1, 2)), V(2, 3)),
    ("map", (inc, L()), V()),
    ("map", (TABLE["first"].impl, SMap([(K("a"), 1)])), V(K("a"))),
    ("map-indexed", (lambda i, x: V(i, x), "ab"), V(V(0, C("a")), V(1, C("b")))),
    ("filter", (is_odd, L(1, 2, 3)), V(1, 3)),
    ("remove", (is_odd, V(1, 2, 3)), V(2)),
    # reduce without init: (f) for empty, the element itself for one
    ("reduce", (add, V()), 0),
    ("reduce", (never, V(6)), 6),
    ("reduce", (add, V(1, 2)), 3),
    ("reduce", (add, 10, V(1, 2)), 13),
    ("reduce", (never, 10, V()), 10),
    ("reduce", (add_until_over_2, 0, V(1, 2, 3, 4)), 3),
    ("reduce", (lambda acc, e: acc + e[1], 0, SMap([(K("a"), 1), (K("b"), 2)])), 3),
    ("reductions", (add, V(1, 2, 3)), V(1, 3, 6)),
    ("reductions", (add, V()), V(0)),
    ("reductions", (add, 10, V(1, 2)), V(10, 11, 13)),
    ("reductions", (add_until_over_2, 0, V(1, 2, 3, 4)), V(0, 1, 3, 3)),
    ("keep", (lambda x: None if is_odd(x) else x * 10, V(1, 2, 3, 4)), V(20, 40)),
    ("keep", (lambda x: False, V(1)), V(False)),
    ("keep-indexed", (lambda i, x: x if i else None, V(K("a"), K("b"))), V(K("b"))),
    ("some", (lambda x: x > 2 and x * 10, V(1, 3, 4)), 30),
    ("some", (lambda x: x > 5, V(1, 3)), None),
    ("every?", (is_odd, V()), True),
    ("every?", (is_odd, V(1, 2)), False),
    ("not-any?", (is_odd, V(2, 4)), True),
    ("not-every?", (is_odd, V(1, 2)), True),
    ("find-first", (lambda x: x > 1, V(1, 2, 3)), 2),
    ("find-first", (lambda x: x > 5, V(1)), None),
    ("mapcat", (lambda x: V(x, x), V(1, 2)), V(1, 1, 2, 2)),
    ("mapcat", (lambda x: None, V(1)), V()),
    # slicing
    ("take", (2, V(1, 2, 3)), V(1, 2)),
    ("take", (5, L(1)), V(1)),
    ("take", (-1, V(1)), V()),
    ("take", (Fraction(3, 2), V(1, 2, 3)), V(1, 2)),
    ("take", (2, "abc"), V(C("a"), C("b"))),
    ("drop", (2, V(1, 2, 3)), V(3)),
    ("drop", (0, None), V()),
    ("take-last", (2, V(1, 2, 3)), V(2, 3)),
    ("take-last", (5, V(1)), V(1)),
    ("take-last", (0, V(1)), V()),
    ("drop-last", (V(1, 2, 3),), V(1, 2)),
    ("drop-last", (2, V(1, 2, 3)), V(1)),
    ("drop-last", (5, V(1)), V()),
    ("take-while", (is_odd, V(1, 3, 4, 5)), V(1, 3)),
    ("drop-while", (is_odd, V(1, 3, 4, 5)), V(4, 5)),
    ("take-nth", (2, V(1, 2, 3, 4, 5)), V(1, 3, 5)),
    ("split-at", (2, V(1, 2, 3)), V(V(1, 2), V(3))),
    ("split-at", (9, V(1)), V(V(1), V())),
    ("split-with", (is_odd, L(1, 2, 3)), V(V(1), V(2, 3))),
    # partitioning: partition drops an incomplete tail, partition-all keeps it
    ("partition", (2, V(1, 2, 3, 4, 5)), V(V(1, 2), V(3, 4))),
    ("partition-all", (2, V(1, 2, 3, 4, 5)), V(V(1, 2), V(3, 4), V(5))),
    ("partition", (2, 1, V(1, 2, 3)), V(V(1, 2), V(2, 3))),
    ("partition-all", (2, 1, V(1, 2, 3)), V(V(1, 2), V(2, 3), V(3))),
    ("partition", (2, 3, V(1, 2, 3, 4, 5, 6, 7)), V(V(1, 2), V(4, 5))),
    ("partition", (3, V(1, 2)), V()),
    ("partition-by", (is_odd, V(1, 1, 2, 3, 3)), V(V(1, 1), V(2), V(3, 3))),
    ("partition-by", (is_odd, V()), V()),
    # ordering and de-duplication
    ("sort", (V(3, 1, 2),), V(1, 2, 3)),
    ("sort", (L("b", "a"),), V("a", "b")),
    ("sort-by", (len, V("ccc", "a", "bb", "d")), V("a", "d", "bb", "ccc")),
    ("distinct", (V(1, 1.0, 1, True, L(2), V(2)),), V(1, 1.0, True, L(2))),
    ("dedupe", (V(1, 1, 2, 1),), V(1, 2, 1)),
    ("flatten", (V(1, L(2, V(3)), V()),), V(1, 2, 3)),
    ("flatten", (V(SMap([(1, V(2))]), "ab"),), V(SMap([(1, V(2))]), "ab")),
    ("flatten", (None,), V()),
    ("flatten", (5,), V()),
    ("interleave", (V(1, 2, 3), V(K("a"), K("b"))), V(1, K("a"), 2, K("b"))),
    ("interleave", (), V()),
    ("interpose", (K("x"), V(1, 2, 3)), V(1, K("x"), 2, K("x"), 3)),
    ("interpose", (K("x"), V()), V()),
    # range with 1-3 arguments
    ("range", (3,), V(0, 1, 2)),
    ("range", (1, 4), V(1, 2, 3)),
    ("range", (0, 10, 3), V(0, 3, 6, 9)),
    ("range", (5, 0, -2), V(5, 3, 1)),
    ("range", (3, 0), V()),
    ("range", (0, 0, 0), V()),
    ("range", (0, 1, 0.25), V(0, 0.25, 0.5, 0.75)),
    ("range", (0.5, 2), V(0.5, 1.5)),
    ("range", (1, -1, -0.5), V(1, 0.5, 0.0, -0.5)),
    ("range", (0, 1, Fraction(1, 3)), V(0, Fraction(1, 3), Fraction(2, 3))),
    ("repeat", (3, K("x")), V(K("x"), K("x"), K("x"))),
    ("repeat", (0, K("x")), V()),
    ("repeatedly", (2, lambda: 7), V(7, 7)),
]


@pytest.mark.parametrize("name,args,expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_sequence_builtin(name, args, expected):
    result = call(name, *args)
    assert same(result, expected), f"({name} ...) gave {result!r}"


ERRORS = [
    ("take", (K("a"), V()), "expected a number as the count, got keyword :a"),
    ("take-nth", (0, V(1)), "n must be a positive integer, got number 0"),
    ("partition", (0, V(1)), "size must be a positive integer, got number 0"),
    ("partition-all", (2, -1, V(1)), "step must be a positive integer, got number -1"),
    ("range", (0, 1, 0), "step must not be zero"),
    ("range", (K("a"),), "expected numbers, got keyword :a"),
    ("range", (0, float("inf"), 0.5), "cannot build an infinite range"),
    ("map", (inc, 5), "expected a collection, got number 5"),
]


@pytest.mark.parametrize("name,args,detail", ERRORS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ERRORS)])
def test_sequence_misuse(name, args, detail):
    with pytest.raises(BuiltinError) as err:
        call(name, *args)
    assert err.value.detail == detail


def test_sort_of_incomparable_values_fails():
    with pytest.raises(BuiltinError, match="cannot compare"):
        call("sort", V(1, K("a")))


def test_map_takes_exactly_one_collection():
    # the evaluator reports `Function call failed: map: wrong number of args (3)`
    assert str(TABLE["map"].arity) == "2"
    assert not TABLE["map"].arity.accepts(3)


def test_float_range_accumulates_by_repeated_addition():
    # as Clojure: 0.1 added ten times stays below 1, so the range has 11 elements
    assert len(call("range", 0, 1, 0.1)) == 11


def test_errors_from_callbacks_propagate_unchanged():
    thrown = K("stop")

    def throw(x):
        raise SpellError(":stop", thrown=thrown)

    with pytest.raises(SpellError) as err:
        call("filter", throw, V(1))
    assert err.value.thrown is thrown


def test_sort_by_calls_keyfn_once_per_element():
    calls = []

    def key(x):
        calls.append(x)
        return -x

    assert same(call("sort-by", key, V(1, 3, 2)), V(3, 2, 1))
    assert sorted(calls) == [1, 2, 3]


def test_flatten_deep_nesting_is_iterative():
    nested = V(0)
    for i in range(1, 5000):
        nested = V(i, nested)
    assert len(call("flatten", nested)) == 5000


def test_tree_seq_is_depth_first():
    tree = V(1, V(2, V(3)), 4)
    is_vector = lambda x: type(x) is SVector  # noqa: E731
    result = call("tree-seq", is_vector, lambda x: x, tree)
    assert same(result, V(tree, 1, V(2, V(3)), 2, V(3), 3, 4))


def test_reduced_wraps_its_value():
    r = call("reduced", 5)
    assert type(r) is Reduced and r.value == 5
    assert pr(r) == "#<reduced 5>"


def test_memoize_caches_by_spell_equal_arguments():
    calls = []

    def slow(*args):
        calls.append(args)
        return len(calls)

    fast = call("memoize", slow)
    assert isinstance(fast, Builtin) and pr(fast) == "#<fn memoize>"
    assert RT.call(fast, V(1), 2) == 1
    assert RT.call(fast, L(1), 2) == 1      # (1) equals [1]
    assert RT.call(fast, V(1.0), 2) == 2    # 1.0 does not equal 1
    assert RT.call(fast) == 3
    assert RT.call(fast) == 3
    assert len(calls) == 3


def test_memoize_does_not_cache_failures():
    attempts = []

    def flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise SpellError("first call fails")
        return x

    f = call("memoize", flaky)
    with pytest.raises(SpellError):
        RT.call(f, 1)
    assert RT.call(f, 1) == 1


# ---------------------------------------------------------------------------------------
# Function combinators

def test_spec_vector_e37():
    assert [call("reduce", add, V()), call("reduce", mul, V(6)),
            RT.call(call("comp", inc, mul), 2, 3)] == [0, 6, 7]


def test_spec_vector_e21():
    assert call("reduce", add_until_over_2, 0, V(1, 2, 3, 4)) == 3


def test_spec_vector_e23():
    mapped, tail = call("map", inc, V(1, 2)), call("rest", V(1, 2, 3))
    assert same(mapped, V(2, 3)) and same(tail, L(2, 3))


def test_empty_comp_is_identity():
    f = call("comp")
    assert RT.call(f, K("x")) is K("x")
    assert f.arity.accepts(1) and not f.arity.accepts(2)


def test_comp_applies_right_to_left():
    f = call("comp", lambda x: V(K("outer"), x), lambda x: V(K("inner"), x))
    assert same(RT.call(f, 1), V(K("outer"), V(K("inner"), 1)))


COMBINATOR_CASES = [
    ("partial", (add, 1, 2), (3,), 6),
    ("partial", (V,), (1,), V(1)),
    ("juxt", (TABLE["first"].impl, TABLE["count"].impl), (V(7, 8),), V(7, 2)),
    ("complement", (is_odd,), (2,), True),
    ("complement", (lambda: None,), (), True),
    ("constantly", (K("k"),), (1, 2, 3), K("k")),
    ("constantly", (None,), (), None),
    ("every-pred", (is_odd, lambda x: x > 0), (1, 3), True),
    ("every-pred", (is_odd, lambda x: x > 0), (1, 2), False),
    ("every-pred", (never,), (), True),
    ("some-fn", (lambda x: x % 2 == 0,), (1, 3), None),        # never false
    ("some-fn", (lambda x: x > 1 and x * 10,), (1, 2), 20),
    ("some-fn", (lambda x: None, lambda x: K("second")), (1,), K("second")),
    ("fnil", (add, 10), (None, 1), 11),
    ("fnil", (add, 10, 20), (None, None), 30),
    ("fnil", (lambda x: x, 5), (False,), False),
    ("fnil", (lambda *xs: L(*xs), 1), (None, None), L(1, None)),
]


@pytest.mark.parametrize("name,make_args,call_args,expected", COMBINATOR_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(COMBINATOR_CASES)])
def test_combinator(name, make_args, call_args, expected):
    f = call(name, *make_args)
    assert isinstance(f, Builtin) and f.takes_rt and pr(f) == f"#<fn {name}>"
    assert f.arity.accepts(len(call_args)) and f.arity.accepts(5)
    assert same(RT.call(f, *call_args), expected)


def test_combinators_use_the_runtime_of_the_call():
    seen = []

    class RecordingRt(FakeRt):
        def call(self, f, *args):
            seen.append(self)
            return super().call(f, *args)

    rt = RecordingRt()
    f = call("partial", inc)
    rt.call(f, 1)
    assert seen == [rt, rt]


def test_nested_combinators_compose():
    f = call("comp", call("partial", add, 100), call("fnil", inc, 0))
    assert RT.call(f, None) == 101
