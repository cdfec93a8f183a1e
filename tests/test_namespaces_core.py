"""The `strings` and `math` core namespaces: their functions, their maps and their guides."""

import math
import re
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from spell_lsp.lang.errors import BuiltinError
from spell_lsp.lang.table import Builtin
from spell_lsp.namespaces import math as math_ns, strings as strings_ns
from spell_lsp.syntax.values import SMap, SSet, SVector, Keyword, kw

NAMESPACES = {"strings": strings_ns, "math": math_ns}
NAN, INF = math.nan, math.inf


def ns_fn(ns, name):
    value = NAMESPACES[ns].NAMESPACE.get(kw(name))
    assert isinstance(value, Builtin), f"{ns}/{name} is not a callable"
    return value


def call(qualified, *args):
    ns, name = qualified.split("/", 1)
    f = ns_fn(ns, name)
    assert f.arity.accepts(len(args)), f"{qualified} does not take {len(args)} arguments"
    return f.fn(*args)


def detail(qualified, *args):
    with pytest.raises(BuiltinError) as info:
        call(qualified, *args)
    return info.value.detail


def same(actual, expected):
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return type(actual) is type(expected) and actual == expected


# ---------------------------------------------------------------------------------------
# strings


STRINGS = [
    ("strings/upper-case", ("ab",), "AB"),
    ("strings/lower-case", ("AbC",), "abc"),
    ("strings/upper-case", (None,), ""),
    ("strings/capitalize", ("hELLO wORLD",), "Hello world"),
    ("strings/capitalize", ("",), ""),
    ("strings/index-of", ("abcabc", "c"), 2),
    ("strings/index-of", ("abc", "z"), None),
    ("strings/index-of", ("a1b1", 1), 1),
    ("strings/last-index-of", ("abcabc", "c"), 5),
    ("strings/last-index-of", ("abc", "z"), None),
    ("strings/starts-with?", ("hello", "he"), True),
    ("strings/starts-with?", ("hello", "lo"), False),
    ("strings/ends-with?", ("hello", "lo"), True),
    ("strings/includes?", ("hello", "ell"), True),
    ("strings/includes?", (kw("abc"), "b"), True),
    ("strings/blank?", (None,), True),
    ("strings/blank?", ("",), True),
    ("strings/blank?", (" \t\n",), True),
    ("strings/blank?", (" x ",), False),
    ("strings/trim", ("  a b \n",), "a b"),
    ("strings/replace", ("hello world", "o", "0"), "hell0 w0rld"),
    ("strings/replace", ("a.b.c", ".", "/"), "a/b/c"),
    ("strings/replace", ("a+b", "\\s+", "_"), "a+b"),
    ("strings/replace", ("x1x", 1, 2), "x2x"),
    ("strings/split", ("a,b,c", ","), SVector(["a", "b", "c"])),
    ("strings/split", ("a,b,,", ","), SVector(["a", "b"])),
    ("strings/split", (",a,,b", ","), SVector(["", "a", "", "b"])),
    ("strings/split", ("one  two", "\\s+"), SVector(["one", "two"])),
    ("strings/split", ("abc", ""), SVector(["a", "b", "c"])),
    ("strings/split", ("", ","), SVector([""])),
    ("strings/split", (",,", ","), SVector()),
    ("strings/split", ("a.b", "."), SVector()),
    ("strings/split", ("a.b", "\\."), SVector(["a", "b"])),
    ("strings/split", ("no match", ","), SVector(["no match"])),
    ("strings/split-lines", ("a\nb\r\nc",), SVector(["a", "b", "c"])),
    ("strings/split-lines", ("a\n\nb\n\n",), SVector(["a", "", "b"])),
    ("strings/split-lines", ("",), SVector([""])),
    ("strings/join", (SVector(["a", 1, kw("k"), None]),), "a1:k"),
    ("strings/join", (", ", SVector([1, 2, 3])), "1, 2, 3"),
    ("strings/join", ("-", "abc"), "a-b-c"),
    ("strings/join", ("-", None), ""),
    ("strings/join", (" ", SSet([SVector([1])])), "[1]"),
    ("strings/join", (SMap([(kw("a"), 1)]),), "[:a 1]"),
]


@pytest.mark.parametrize("fn,args,expected", STRINGS)
def test_strings(fn, args, expected):
    assert same(call(fn, *args), expected)


def test_strings_misuse():
    assert detail("strings/split", "a", "(").startswith('invalid regex "("')
    assert detail("strings/join", ",", 5) == "expected a collection, got number 5"


# ---------------------------------------------------------------------------------------
# math


MATH = [
    ("math/round", (2.5,), 3),
    ("math/round", (-2.5,), -2),
    ("math/round", (2.4,), 2),
    ("math/round", (0.49999999999999994,), 0),
    ("math/round", (F(7, 2),), 4),
    ("math/round", (D("-0.5"),), 0),
    ("math/round", (10 ** 30,), 10 ** 30),
    ("math/abs", (-3,), 3.0),
    ("math/abs", (F(-1, 2),), 0.5),
    ("math/sign", (-3,), -1.0),
    ("math/sign", (0,), 0.0),
    ("math/sign", (NAN,), NAN),
    ("math/floor", (-2.5,), -3),
    ("math/floor", (F(7, 2),), 3),
    ("math/floor", (2.0 ** 70,), 2 ** 70),
    ("math/ceil", (2.1,), 3),
    ("math/ceil", (D("-2.1"),), -2),
    ("math/trunc", (-2.7,), -2),
    ("math/sqrt", (16,), 4.0),
    ("math/sqrt", (-4,), NAN),
    ("math/cbrt", (64,), 4.0),
    ("math/cbrt", (27,), 3.0),
    ("math/cbrt", (-27.0,), -3.0),
    ("math/pow", (2, 10), 1024.0),
    ("math/pow", (0, -1), INF),
    ("math/pow", (-0.0, -3), -INF),
    ("math/pow", (-8, F(1, 3)), NAN),
    ("math/pow", (10.0, 400), INF),
    ("math/pow", (-10.0, 401), -INF),
    ("math/pow", (1, INF), NAN),
    ("math/pow", (NAN, 0), 1.0),
    ("math/pow", (2, NAN), NAN),
    ("math/exp", (0,), 1.0),
    ("math/exp", (1000,), INF),
    ("math/expm1", (1000,), INF),
    ("math/log", (0,), -INF),
    ("math/log", (-1,), NAN),
    ("math/log", (math.e,), 1.0),
    ("math/log10", (1000,), 3.0),
    ("math/log10", (0.0,), -INF),
    ("math/log2", (8,), 3.0),
    ("math/log1p", (-1,), -INF),
    ("math/log1p", (-2,), NAN),
    ("math/sin", (0,), 0.0),
    ("math/sin", (INF,), NAN),
    ("math/cos", (0,), 1.0),
    ("math/tan", (0,), 0.0),
    ("math/asin", (2,), NAN),
    ("math/acos", (1,), 0.0),
    ("math/atan", (INF,), math.pi / 2),
    ("math/atan2", (1, 1), math.pi / 4),
    ("math/sinh", (-1000,), -INF),
    ("math/cosh", (-1000,), INF),
    ("math/tanh", (1000,), 1.0),
    ("math/degrees", (math.pi,), 180.0),
    ("math/radians", (180,), math.pi),
    ("math/hypot", (3, 4), 5.0),
    ("math/factorial", (0,), 1),
    ("math/factorial", (6,), 720),
    ("math/factorial", (25,), 15511210043330985984000000),
    ("math/factorial", (5.0,), 120),
    ("math/gcd", (-12, 18), 6),
    ("math/gcd", (0, 0), 0),
    ("math/lcm", (4, 6), 12),
    ("math/lcm", (0, 5), 0),
    ("math/lcm", (-4, 6), 12),
    ("math/NaN?", (NAN,), True),
    ("math/NaN?", (1,), False),
    ("math/infinite?", (-INF,), True),
    ("math/infinite?", (10 ** 400,), False),
]


@pytest.mark.parametrize("fn,args,expected", MATH)
def test_math(fn, args, expected):
    assert same(call(fn, *args), expected)


@pytest.mark.parametrize("fn,args,expected", [
    ("math/factorial", (-1,), "factorial: negative argument"),
    ("math/factorial", (2.5,), "expected an integer, got number 2.5"),
    ("math/gcd", (1.5, 2), "expected an integer, got number 1.5"),
    ("math/floor", (NAN,), "cannot round ##NaN to an integer"),
    ("math/round", (INF,), "cannot round ##Inf to an integer"),
    ("math/sqrt", ("4",), 'expected a number, got string "4"'),
    ("math/NaN?", (None,), "expected a number, got nil"),
])
def test_math_misuse(fn, args, expected):
    assert detail(fn, *args) == expected


def test_math_rand_and_constants():
    ns = math_ns.NAMESPACE
    assert all(0 <= call("math/rand") < 1 for _ in range(100))
    assert ns.get(kw("PI")) == math.pi and ns.get(kw("E")) == math.e
    assert ns.get(kw("INF")) == INF and ns.get(kw("NEG-INF")) == -INF
    assert math.isnan(ns.get(kw("NaN")))


def test_cbrt_is_exact_on_every_small_perfect_cube():
    assert all(call("math/cbrt", n ** 3) == float(n) for n in range(-300, 301))


# ---------------------------------------------------------------------------------------
# The namespace maps (spec 9.0-9.2)


STRINGS_KEYS = {"index-of", "last-index-of", "starts-with?", "ends-with?", "includes?",
                "blank?", "trim", "replace", "split", "split-lines", "join", "lower-case",
                "upper-case", "capitalize"}
MATH_KEYS = {"sqrt", "cbrt", "exp", "expm1", "log", "log10", "log2", "log1p", "sin", "cos",
             "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "degrees", "radians",
             "pow", "atan2", "hypot", "abs", "sign", "floor", "ceil", "trunc", "round",
             "factorial", "gcd", "lcm", "rand", "NaN?", "infinite?"}
MATH_CONSTANTS = {"PI", "E", "INF", "NEG-INF", "NaN"}
DOC_KEYS = {"short-docs", "docs", "detail"}


def callables(ns):
    return {k.name for k, v in NAMESPACES[ns].NAMESPACE.items() if isinstance(v, Builtin)}


@pytest.mark.parametrize("ns,fns,constants", [
    ("strings", STRINGS_KEYS, set()), ("math", MATH_KEYS, MATH_CONSTANTS),
])
def test_namespace_keys_are_exactly_the_spec_tables(ns, fns, constants):
    keys = {k.name for k in NAMESPACES[ns].NAMESPACE.keys()}
    assert callables(ns) == fns
    assert keys == fns | constants | DOC_KEYS
    assert {f.name for f in NAMESPACES[ns].FUNCTIONS} == fns


@pytest.mark.parametrize("absent", ["subs", "re-find", "+'", "max"])
def test_builtins_are_not_namespace_members(absent):
    assert strings_ns.NAMESPACE.get(kw(absent)) is None
    assert math_ns.NAMESPACE.get(kw(absent)) is None


@pytest.mark.parametrize("ns", NAMESPACES)
def test_callables_are_named_builtins_with_matching_arities(ns):
    module = NAMESPACES[ns]
    for f in module.FUNCTIONS:
        value = module.NAMESPACE.get(kw(f.name))
        assert value.name == f"{ns}/{f.name}" and value.fn is f.fn and not value.takes_rt
        assert f.signature.startswith(f"({ns}/{f.name}")
        assert repr(value) == f"#<fn {ns}/{f.name}>"


@pytest.mark.parametrize("ns", NAMESPACES)
def test_docs_and_detail_maps(ns):
    nsmap = NAMESPACES[ns].NAMESPACE
    docs, detail_map = nsmap.get(kw("docs")), nsmap.get(kw("detail"))
    assert type(nsmap.get(kw("short-docs"))) is str
    assert isinstance(docs, SMap) and isinstance(detail_map, SMap)
    for name in callables(ns):
        one_line = docs.get(kw(name))
        assert type(one_line) is str and "\n" not in one_line and one_line.endswith(".")
    assert set(detail_map.keys()) <= {Keyword(n) for n in callables(ns)}


def test_required_detail_entries():
    detail_map = strings_ns.NAMESPACE.get(kw("detail"))
    assert {"split", "replace"} <= {k.name for k in detail_map.keys()}
    assert "Example:" in detail_map.get(kw("split"))
    assert "Example:" in detail_map.get(kw("replace"))


# ---------------------------------------------------------------------------------------
# Guide lint (spec 10.1, 10.4)


TITLE = re.compile(r"^[A-Z][A-Z0-9-]* — .+\.$")
CURSOR_LINE = ("In examples, | marks the cursor: the text before it is the prefix, the text "
               "after it is\nwhat you write. Never type the |.")


def guide(ns):
    return NAMESPACES[ns].NAMESPACE.get(kw("docs")).get(kw("guide"))


@pytest.mark.parametrize("ns", NAMESPACES)
def test_guide_title_line(ns):
    first = guide(ns).splitlines()[0]
    assert TITLE.match(first) and first.startswith(ns.upper() + " — ")


def test_strings_title_is_the_spec_one():
    assert guide("strings").splitlines()[0] == \
        "STRINGS — Mirrors clojure.string; regex arguments are strings."


@pytest.mark.parametrize("ns", NAMESPACES)
def test_guide_signature_table_lists_every_callable(ns):
    table = [line for line in guide(ns).splitlines() if line.startswith(f"  ({ns}/")]
    listed = {re.match(rf"  \({ns}/(\S+?)[ )]", line).group(1) for line in table}
    assert listed == callables(ns)
    assert all(" — " in line for line in table)


@pytest.mark.parametrize("ns", NAMESPACES)
def test_guide_layout_rules(ns):
    text = guide(ns)
    for line in text.splitlines():
        assert len(line) <= 100 and "\t" not in line and line == line.rstrip()
    mistakes = re.findall(r"^(\d+)\. ", text.split("Common mistakes:")[1].split("In examples")[0],
                          re.M)
    assert mistakes == [str(i) for i in range(1, len(mistakes) + 1)] and mistakes
    assert CURSOR_LINE in text
    assert "Recommended usage pattern: " in text
    order = [text.index(s) for s in ("Common mistakes:", "In examples,",
                                     "Recommended usage pattern:")]
    assert order == sorted(order)


@pytest.mark.parametrize("ns", NAMESPACES)
def test_guide_examples_read_strictly(ns):
    from spell_lsp.syntax.lower import read_one
    snippets = [line.strip().removeprefix("...").replace("|", "", 1)
                for line in guide(ns).splitlines() if line.startswith("  ...")
                or line.startswith("  '") or line.startswith("  |")]
    assert snippets
    for snippet in snippets:
        read_one(snippet)


def test_math_guide_mentions_float_comparison_and_antipattern():
    text = guide("math")
    assert "(= 4 (math/sqrt 16)) is false" in text
    assert "!call-now" in text and "Antipattern:" in text
