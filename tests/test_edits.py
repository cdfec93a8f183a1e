"""Source-preserving emission, edit markers, open prefixes and serialization (spec 3.6, 5.5,
6.1-6.5; vectors P1-P17 of 12.4)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spell_lsp.lang import edits
from spell_lsp.lang.builtins import plumbing
from spell_lsp.lang.edits import (
    RebuiltSyntax, ValueStore, deep_truncate, emit, prefix_for, prune_and_reopen,
    quote_value, reopen_body, same_form, serialize, serialize_prefix, strip_parens,
    wrap_cat,
)
from spell_lsp.lang.core import evaluate_text
from spell_lsp.lang.errors import BuiltinError, SpellError
from spell_lsp.lang.table import TABLE
from spell_lsp.syntax.lower import read_one
from spell_lsp.syntax.printer import pr
from spell_lsp.syntax.values import (
    K_BODY, K_PARAMS, K_SPELL_FN, Keyword, SList, SMap, SSet, SVector, Symbol,
    vector_with_line,
)


def read(text: str):
    return read_one(text)


def sym(name: str) -> Symbol:
    return Symbol(name)


def quine(body_text: str) -> str:
    return f"(quine completion (eval (do {body_text})))"


# ---------------------------------------------------------------------------------------
# Spec vectors P1-P17


@pytest.mark.parametrize("text, expected", [
    ("(quine completion (eval (do a b (prune) c)))", "(quine completion (eval (do a c)))"),  # P1
    ('(do a b c (rethink 2 "sum"))', '(do a (think "sum"))'),                                # P2
    ("(do a '(b (prune)) (prune 5) d)", "(do d)"),                                           # P3
    ("(do a (prune 0) b)", "(do a b)"),                                                      # P4
    ("(do (fn [] a (prune)) b)", "(do (fn [] a (prune)) b)"),                                # P5
    ('(quine completion (eval (do x)) (rethink "r") (eval (do y)))',
     '(quine completion (think "r") (eval (do y)))'),                                        # P6
    ("(do a b (prune 2) c)", "(do c)"),
    ("(do a (prune -1) b)", "(do a b)"),
    ("(do a b (prune 1.9) c)", "(do a c)"),
    ("(do a (prune x) b)", "(do a (prune x) b)"),          # not a marker: count not a number
    ("(do a (prune 1 2) b)", "(do a (prune 1 2) b)"),
    ('(do a b (rethink "r" (def x 1)))', '(do a (think "r" (def x 1)))'),
    ('(do a (rethink 0 "r"))', '(do a (think "r"))'),
    ("(do a (rethink))", "(do (think))"),
    ("(do [a (do b (prune))] {:k (do c (prune))})", "(do [a (do)] {:k (do)})"),
    ("(prune (prune))", "(prune)"),                        # the head is never a sibling
    ("(do `(a (prune)) (fn* [] b (prune)))", "(do `(a (prune)) (fn* [] b (prune)))"),
    ("(do #{(do a (prune))})", "(do #{(do a (prune))})"),  # sets are not walked
    ("(f (do x (prune)) (prune))", "(f)"),
    ("(do (do a (prune)) b (rethink \"r\"))", '(do (do) (think "r"))'),
])
def test_prune_and_reopen_vectors(text, expected):
    result = prune_and_reopen(read(text), {})
    assert pr(result) == expected
    assert emit(result) == expected


def test_p7_persist_materialised():
    env = {sym("x"): SVector([1, 2]), sym("y"): 3}
    result = prune_and_reopen(read("(do (persist x) (persist y (+ 1 2)) (persist z 9))"), env)
    assert pr(result) == "(do (persist x '[1 2]) (persist y 3) (persist z 9))"
    assert emit(result) == "(do (persist x '[1 2]) (persist y 3) (persist z 9))"


def test_p8_persist_of_line_vector_uses_first_line_layout():
    env = {sym("s"): vector_with_line(["b"], 2)}
    result = prune_and_reopen(read("(do (persist s))"), env)
    expected = '(do (persist s (first-line 2 [\n "b" ; 2\n])))'
    assert pr(result) == expected
    assert emit(result) == expected


@pytest.mark.parametrize("form, expected", [
    (lambda: read('(quine completion (eval (do (quine prompt "hi") 1)))'),
     '(quine completion (eval (do (quine prompt "hi") 1 '),                              # P9
    (lambda: wrap_cat("a", 1), '(quine completion (eval (do "a" 1 '),                    # P10
    (lambda: wrap_cat(), "(quine completion (eval (do "),
    (lambda: read("(quine completion (eval (do)))"), "(quine completion (eval (do "),
    (lambda: read("(quine completion (eval (do   )))"), "(quine completion (eval (do "),
    (lambda: read("(quine c  ;; name\n  (eval\n (do a\n  b ; last\n  )) )"),
     "(quine c  ;; name\n  (eval\n (do a\n  b "),
    (lambda: read('(quine completion "inert" (eval (do 1)))'),
     '(quine completion "inert" (eval (do 1 '),
    (lambda: read("(quine completion (eval (do 0x10 0x1F)))"),
     "(quine completion (eval (do 0x10 0x1F "),
])
def test_serialize_prefix(form, expected):
    assert serialize_prefix(form()) == expected


@pytest.mark.parametrize("text, message", [
    ('(quine prompt "x")', edits.BAD_QUINE_TAIL),                                        # P11
    ("(quine completion (eval (do 1) 2))", edits.BAD_QUINE_TAIL),
    ("(quine completion (eval (let [] 1)))", edits.BAD_QUINE_TAIL),
    ("(quine completion)", edits.NOT_A_QUINE),
    ("(do 1)", edits.NOT_A_QUINE),
    ("[quine completion (eval (do))]", edits.NOT_A_QUINE),
])
def test_serialize_prefix_errors(text, message):
    with pytest.raises(BuiltinError) as err:
        serialize_prefix(read(text))
    assert err.value.detail == message


@pytest.mark.parametrize("value, expected", [
    (42, "42"),                                                                          # P12
    ("a\nb", '"a\\nb"'),
    (SMap([(Keyword("a"), SVector([1, 2]))]), "{:a [1 2]}"),
    (SList([2, 3]), "'(2 3)"),                                                           # P13
    (sym("x"), "'x"),
    (SVector([1, SList([2])]), "'[1 (2)]"),
    (SMap([(SList([1]), 2)]), "'{(1) 2}"),
    (None, "nil"),
    (Keyword("k"), ":k"),
    (SMap([(K_SPELL_FN, True), (K_PARAMS, SVector([sym("x")])), (K_BODY, SList([sym("x")]))]),
     "'{:spell/fn true, :params [x], :body (x)}"),
    (vector_with_line(["x", "y"], 7), '(first-line 7 [\n "x" ; 7\n "y" ; 8\n])'),     # P14
    (vector_with_line([], 3), "(first-line 3 [])"),
    (SVector([TABLE["serialize"].impl]), '["#<fn serialize>"]'),
])
def test_serialize_small_values(value, expected):
    assert serialize(value) == expected


def test_p15_large_string_is_truncated_with_note():
    text = serialize("a" * 20000)
    assert text == pr("a" * 9912 + "\n... [truncated, 20000 chars total]")


def test_large_string_keeps_at_least_100_characters():
    assert serialize("b" * 500, 10) == pr("b" * 100 + "\n... [truncated, 500 chars total]")


def test_p16_large_value_is_stored_and_looked_up():
    store = ValueStore()
    value = SList(range(5000))
    assert serialize(value, store=store) == '(stored "ref-1")'
    assert store.get("ref-1") is value
    assert serialize(SVector(range(5000)), store=store) == '(stored "ref-2")'


def test_p17_source_preserving_prefix_after_call_now():
    text = quine("(quine prompt \"p\") '(!extend) (think \"a\")   ;; note\n'(!call-now n 0x10)")
    program = read(text)
    extended = reopen_body(prune_and_reopen(program, {}), [SList([sym("def"), sym("n"), 16])])
    assert serialize_prefix(extended) == text[:-3] + " (def n 16) "


# ---------------------------------------------------------------------------------------
# serialize: the remaining rules of 6.5


def test_negative_limit_always_inlines():
    big = SVector(range(5000))
    assert serialize(big, -1) == pr(big)
    assert serialize("a" * 20000, -1) == pr("a" * 20000)
    lines = vector_with_line(["x"] * 3000, 1)
    assert serialize(lines, -1).startswith("(first-line 1 [\n")


def test_large_value_with_long_strings_is_deep_truncated_inline():
    value = SMap([(Keyword("out"), "z" * 30000), (Keyword("code"), 0)])
    text = serialize(value, 1000, store=ValueStore())
    kept = 1000 - 38 - 50  # limit - len(pr(note)) - 50
    expected = SMap([(Keyword("out"), "z" * kept + "\n... [truncated, 30000 chars total]"),
                     (Keyword("code"), 0)])
    assert text == pr(expected)


def test_line_vector_too_large_for_layout_falls_back_to_plain_or_store():
    store = ValueStore()
    lines = vector_with_line(["x"] * 30, 1)
    assert serialize(lines, 130, store=store) == pr(SVector(["x"] * 30))
    assert serialize(lines, 20, store=store) == '(stored "ref-1")'
    assert store.get("ref-1") is lines


def test_serialize_without_store_refuses_to_drop_a_large_value():
    with pytest.raises(BuiltinError):
        serialize(SVector(range(5000)))


@pytest.mark.parametrize("value, limit, expected", [
    ("short", 100, "short"),
    (SList(["a", SVector(["b"])]), 100, SVector(["a", SVector(["b"])])),
    (SMap([("k" * 300, "v" * 300)]), 50,
     SMap([("k" * 300, "v" * 100 + "\n... [truncated, 300 chars total]")])),
    (SSet(["s" * 300]), 50, SSet(["s" * 300])),
])
def test_deep_truncate(value, limit, expected):
    result = deep_truncate(value, limit)
    assert result == expected and type(result) is type(expected)


# ---------------------------------------------------------------------------------------
# quote-value, strip-parens, wrap-cat, prefix_for


@pytest.mark.parametrize("value, expected", [
    (None, "nil"), (3, "3"), (1.5, "1.5"), ("s", '"s"'), (True, "true"), (Keyword("k"), ":k"),
    (sym("x"), "'x"),
    (SList([1]), "'(1)"),
    (SVector([1]), "'[1]"),
    (SMap([(K_SPELL_FN, True), (K_PARAMS, SVector([sym("x")])),
           (K_BODY, SList([sym("x"), 1]))]), "(fn [x] x 1)"),
    (vector_with_line(["a"], 4), '(first-line 4 [\n "a" ; 4\n])'),
])
def test_quote_value(value, expected):
    assert pr(quote_value(value)) == expected


@pytest.mark.parametrize("n, s, expected", [
    (1, "(do 1))", "(do 1)"),
    (3, "(do (+ 1 2)))", "(do (+ 1 2"),
    (0, "(+ 1 2)  ", "(+ 1 2)"),
    (1, "(do 1))  \n", "(do 1)"),
    (2, SList([1, SList([2])]), "(1 (2"),
])
def test_strip_parens(n, s, expected):
    assert strip_parens(n, s) == expected


@pytest.mark.parametrize("n, s, message", [
    (5, "))))", "strip: not enough closing parens"),
    (2, "(+ 1)x)", "strip: expected ')'"),
    (2, ") )", "strip: expected ')'"),
    (-1, "()", "strip: expected ')'"),
])
def test_strip_parens_errors(n, s, message):
    with pytest.raises(BuiltinError) as err:
        strip_parens(n, s)
    assert err.value.detail == message


def test_wrap_cat_keeps_the_text_of_forms_read_from_text():
    prompt = read('(quine prompt   "Do it.\\n")')
    plan = read("'(def  x 0x1F)")[1]
    assert emit(wrap_cat(prompt, plan, "s", 2)) == (
        '(quine completion (eval (do (quine prompt   "Do it.\\n") (def  x 0x1F) "s" 2)))')


@pytest.mark.parametrize("p, expected", [
    ("Fix it", '(quine completion (eval (do (quine prompt "Fix it") '),
    ('a\\b "q"\n\tz', '(quine completion (eval (do (quine prompt "a\\\\b \\"q\\"\\n\\tz") '),
    (42, '(quine completion (eval (do (quine prompt "42") '),
    (Keyword("k"), '(quine completion (eval (do (quine prompt ":k") '),
    ("  (quine completion (eval (do 1 ", "  (quine completion (eval (do 1 "),
    (wrap_cat("a"), '(quine completion (eval (do "a" '),
])
def test_prefix_for_strings_values_and_quines(p, expected):
    assert prefix_for(p, {}) == expected


def test_prefix_for_quine_with_other_tail_fails():
    with pytest.raises(BuiltinError) as err:
        prefix_for(read('(quine prompt "x")'), {})
    assert err.value.detail == edits.BAD_QUINE_TAIL


def test_prefix_for_list_substitutes_free_symbols_bound_in_env():
    env = {sym("task"): "t", sym("xs"): SVector([1]), sym("y"): 2, sym("serialize"): 9,
           sym("io/ls"): 1, sym("z"): 0,
           sym("f"): SMap([(K_SPELL_FN, True), (K_PARAMS, SVector([])), (K_BODY, SList([1]))])}
    p = read("(do (def y 1) (let [[a b] xs] (f task y serialize io/ls 'task)) (fn [z] z))")
    assert prefix_for(p, env) == (
        "(do (def y 1) (let [[a b] '[1]] ((fn [] 1) \"t\" y serialize io/ls 'task)) (fn [z] z))")


# ---------------------------------------------------------------------------------------
# Identity preservation and D3 emission


def test_unchanged_program_is_returned_identically():
    program = read(quine("(think \"a\" (def x 1)) [1 {:a (b)}] '(!extend)"))
    assert prune_and_reopen(program, {sym("x"): 1}) is program
    assert reopen_body(program, []) is program


def test_unchanged_subtrees_keep_their_identity():
    program = read("(do (think \"a\" (def x 1)) [1 {:a (b)}] z (prune) (do q (prune)) w)")
    result = prune_and_reopen(program, {})
    assert pr(result) == '(do (think "a" (def x 1)) [1 {:a (b)}] (do) w)'
    assert result[1] is program[1] and result[2] is program[2] and result[4] is program[6]
    assert type(result.syntax) is RebuiltSyntax


def test_persist_already_holding_its_value_is_unchanged():
    program = read("(do (persist x '[1 0x2]) (persist f (fn [a] a)))")
    fn = SMap([(K_SPELL_FN, True), (K_PARAMS, program[2][2][1]), (K_BODY, SList([sym("a")]))])
    env = {sym("x"): SVector([1, 2]), sym("f"): fn}
    assert prune_and_reopen(program, env) is program


def test_message_injection_walk_leaves_persist_alone():
    program = read(quine("(persist x (+ 1 2)) a b (prune) (rethink \"r\") c"))
    result = prune_and_reopen(program, None)
    assert emit(result) == quine('(persist x (+ 1 2)) (think "r") c')
    assert result[2][1][1] is program[2][1][1]


def test_appending_reproduces_the_earlier_text_exactly():
    text = quine("(quine prompt \"p\")\n  ;; plan\n  (def x 0x1F) ,, '(!extend)  ")
    program = read(text)
    extras = [SList([sym("def"), sym("y"), SVector([1, "two"])]), "done", sym("z")]
    out = emit(reopen_body(program, extras))
    original_end = text.rindex("'(!extend)") + len("'(!extend)")
    assert out.startswith(text[:original_end])
    assert out[original_end:] == " (def y [1 \"two\"]) \"done\" z)))"


def test_comments_and_line_breaks_between_kept_forms_survive():
    text = quine("a ; one\n  b\n\n  ;; two\n  c (rethink \"drop c\")\n  d ;; three\n  e")
    result = prune_and_reopen(read(text), {})
    assert emit(result) == quine('a ; one\n  b (think "drop c")\n  d ;; three\n  e')


def test_numbers_keep_their_spelling_in_unchanged_positions():
    program = read("(do [0x1F 017 1.50] (persist y) (do 0x10 x (prune)))")
    result = prune_and_reopen(program, {sym("y"): 0x1F})
    assert emit(result) == "(do [0x1F 017 1.50] (persist y 31) (do 0x10))"


def test_reader_sugar_keeps_its_spelling_inside_rebuilt_lists():
    program = read("(do #(+ % 1) 'x ~@y @w (prune) `(z ~v))")
    assert emit(prune_and_reopen(program, {})) == "(do #(+ % 1) 'x ~@y `(z ~v))"


def test_deepest_readable_program_is_walked_and_emitted():
    depth = 250  # the reader refuses more than 256 levels
    result = prune_and_reopen(read(quine("(do " * depth + "a (prune)" + ")" * depth)), {})
    assert emit(result) == quine("(do " * (depth - 1) + "(do)" + ")" * (depth - 1))


def test_rebuilt_map_keeps_entry_text():
    program = read("{:a  0x1,\n :b (do 1 (prune)) :c 3}")
    assert emit(prune_and_reopen(program, {})) == "{:a  0x1,\n :b (do) :c 3}"


def test_reopen_after_prune_keeps_leads_of_retained_forms():
    text = quine("(quine prompt \"p\")\n  (def big 1)\n  (prune)\n  '(!extend)")
    result = reopen_body(prune_and_reopen(read(text), {}), [SList([sym("def"), sym("n"), 1])])
    assert emit(result) == quine("(quine prompt \"p\")\n  '(!extend) (def n 1)")


def test_peek_and_persist_turn_by_turn():
    """Spec 11.3: the turn-3 prefix after a persist, a (prune 2) and a !call-now."""
    prefix2 = serialize_prefix(read(quine(
        "(quine prompt \"Fix.\") '(!extend) (think \"Read.\") "
        "'(!peek src (io/read-lines \"app.py\")) (def src (first-line 1 [\n \"a\" ; 1\n "
        "\"b\" ; 2\n \"c\" ; 3\n])) (prune 2)")))
    response = "(persist add-fn (subvec src 1 3)) '(!call-now _ (io/ok)))))"
    program = read(prefix2 + response)
    env = {sym("add-fn"): vector_with_line(["b", "c"], 2)}
    def_form = SList([sym("def"), sym("_"), SMap([(Keyword("ok"), "app.py")])])
    prefix3 = serialize_prefix(reopen_body(prune_and_reopen(program, env), [def_form]))
    assert prefix3 == (
        "(quine completion (eval (do (quine prompt \"Fix.\") '(!extend) (think \"Read.\") "
        "(persist add-fn (first-line 2 [\n \"b\" ; 2\n \"c\" ; 3\n])) "
        "'(!call-now _ (io/ok)) (def _ {:ok \"app.py\"}) ")


def test_prompt_cache_property_prefix_plus_response():
    prefix = serialize_prefix(read(quine("(quine prompt \"p\")")))
    response = "(think \"x\")\n'(!call-now r (io/ls \".\")))))  \n"
    program = read(prefix + response)
    extended = reopen_body(prune_and_reopen(program, {}), [SList([sym("def"), sym("r"), 1])])
    assert serialize_prefix(extended).startswith(prefix + response.rstrip()[:-3])


# ---------------------------------------------------------------------------------------
# ValueStore


def test_value_store_ids_lookups_and_errors():
    seen = []
    store = ValueStore(on_put=lambda ref, v: seen.append((ref, v)))
    assert [store.put("a"), store.put("b")] == ["ref-1", "ref-2"]
    assert store.get("ref-2") == "b" and seen == [("ref-1", "a"), ("ref-2", "b")]
    with pytest.raises(BuiltinError) as err:
        store.get("ref-9")
    assert err.value.detail == "No stored value: ref-9"


def test_value_store_restore_continues_the_counter():
    store = ValueStore()
    store.restore("ref-4", "x")
    assert store.get("ref-4") == "x" and store.put("y") == "ref-5"
    assert store.items() == [("ref-4", "x"), ("ref-5", "y")]


def test_value_store_is_thread_safe():
    store = ValueStore()
    refs: list[str] = []

    def worker() -> None:
        refs.extend(store.put(i) for i in range(200))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(refs) == sorted(f"ref-{n}" for n in range(1, 801))


# ---------------------------------------------------------------------------------------
# The builtins


def rt_with(scope=None, store=None):
    return SimpleNamespace(scope=scope or {}, ctx=SimpleNamespace(store=store or ValueStore()))


@pytest.mark.parametrize("name, arity", [
    ("wrap-cat", "0+"), ("serialize-prefix", "1"), ("prune-and-reopen", "1"),
    ("serialize", "1-2"), ("stored", "1"), ("deep-truncate", "2"), ("strip-parens", "2"),
    ("describe-fn", "1-2"),
])
def test_plumbing_builtins_are_registered(name, arity):
    entry = TABLE[name]
    assert (entry.kind, str(entry.arity), entry.category) == ("pure", arity, "spell")


def test_builtins_use_the_runtime_env_and_store():
    rt = rt_with({sym("x"): 5})
    form = plumbing.prune_and_reopen(rt, read("(do (persist x) (prune))"))
    assert pr(form) == "(do)"
    form = plumbing.prune_and_reopen(rt, read("(do (persist x))"))
    assert pr(form) == "(do (persist x 5))"
    assert plumbing.serialize(rt, SVector(range(3000)), 100) == '(stored "ref-1")'
    assert plumbing.stored(rt, "ref-1") == SVector(range(3000))


NS = SMap([(Keyword("docs"), SMap([(Keyword("guide"), "G"), (Keyword("a"), "doc a")])),
           (Keyword("detail"), SMap([(Keyword("b"), "detail b")])),
           (Keyword("c"), 3)])


@pytest.mark.parametrize("args, expected", [
    ((NS,), "G"),
    ((SMap([(Keyword("docs"), "plain")]),), "plain"),
    ((NS, Keyword("a")), "doc a"),
    ((NS, Keyword("b")), "detail b"),
    ((NS, Keyword("c")), 3),
    ((NS, Keyword("zzz")), None),
    ((5,), None),
])
def test_describe_fn(args, expected):
    assert plumbing.describe_fn(*args) == expected


# ---------------------------------------------------------------------------------------
# Property: emitted text reads back as the walked program


ATOMS = ["a", "b", "x", "y", "0x1F", "017", "42", '"s"', '"two words"', ":k", "nil", "1.50"]
MARKERS = ["(prune)", "(prune 2)", "(prune 0)", '(rethink "r")', '(rethink 2 "r" (def y 1))',
           "(persist x)", "(persist y (+ 1 2))", "(persist q 7)"]
SEPARATORS = [" ", "  ", "\n  ", " ; note\n ", ", ", "\n\n", " #_ignored "]


def forms(depth: int = 3):
    leaf = st.sampled_from(ATOMS + MARKERS)
    if depth == 0:
        return leaf

    inner = forms(depth - 1)
    seqs = st.lists(st.tuples(st.sampled_from(SEPARATORS), inner), max_size=5)

    @st.composite
    def coll(draw):
        opener, closer = draw(st.sampled_from([("(do", ")"), ("(f", ")"), ("[", "]"),
                                               ("'(", ")"), ("(fn [a]", ")")]))
        items = draw(seqs)
        body = "".join(sep + item for sep, item in items)
        if opener == "[":
            body = body.lstrip()
        return opener + body + draw(st.sampled_from(["", " ", " ;c\n"])) + closer

    @st.composite
    def mapping(draw):
        items = draw(st.lists(st.tuples(st.sampled_from(SEPARATORS), inner), max_size=3))
        body = " ".join(f":k{i}{sep}{item}" for i, (sep, item) in enumerate(items))
        return "{" + body + "}"

    return st.one_of(leaf, coll(), mapping())


ENV = {sym("x"): SVector([1, SList([sym("p")])]), sym("y"): 3,
       sym("q"): vector_with_line(["l1", "l2"], 5)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SEPARATORS), forms()), max_size=8),
       st.sampled_from([ENV, None]))
def test_emit_of_walked_program_reads_back_as_the_walked_program(items, env):
    text = quine("".join(sep + item for sep, item in items))
    program = read(text)
    assert emit(program) == text
    assert serialize_prefix(program) == text[:-3].rstrip() + " "
    walked = prune_and_reopen(program, env)
    again = read(emit(walked))
    assert again == walked and same_form(again, walked)
    extended = reopen_body(walked, [SList([sym("def"), sym("n"), 1])])
    assert same_form(read(emit(extended)), extended)
    assert serialize_prefix(extended) == emit(extended)[:-3] + " "


# ---------------------------------------------------------------------------------------
# The spec vectors as Spell programs, through the evaluator


@pytest.mark.parametrize("source, expected", [
    ("(prune-and-reopen '(quine completion (eval (do a b (prune) c))))",
     "(quine completion (eval (do a c)))"),
    ("(prune-and-reopen '(do a '(b (prune)) (prune 5) d))", "(do d)"),
    ("(do (def x [1 2]) (def y 3)"
     " (prune-and-reopen '(do (persist x) (persist y (+ 1 2)) (persist z 9))))",
     "(do (persist x '[1 2]) (persist y 3) (persist z 9))"),
    ('(do (def s (subvec (first-line 1 ["a" "b" "c"]) 1 2))'
     " (pr-str (prune-and-reopen '(do (persist s)))))",
     pr('(do (persist s (first-line 2 [\n "b" ; 2\n])))')),
    ("(serialize-prefix '(quine completion (eval (do (quine prompt \"hi\") 1))))",
     pr('(quine completion (eval (do (quine prompt "hi") 1 ')),
    ('(serialize-prefix (wrap-cat "a" 1))', pr('(quine completion (eval (do "a" 1 ')),
    ('[(serialize 42) (serialize "a\\nb") (serialize {:a [1 2]})]',
     pr(SVector(["42", '"a\\nb"', "{:a [1 2]}"]))),
    ("[(serialize '(2 3)) (serialize 'x)]", pr(SVector(["'(2 3)", "'x"]))),
    ('(serialize (first-line 7 ["x" "y"]))', pr('(first-line 7 [\n "x" ; 7\n "y" ; 8\n])')),
    ('[(serialize (range 5000)) (= (stored "ref-1") (range 5000))]',
     pr(SVector(['(stored "ref-1")', True]))),
    ('(strip-parens 2 "(a (b))  ")', pr("(a (b")),
    ("(deep-truncate '(\"s\" (1)) 10)", '["s" [1]]'),
    ("(describe-fn {:docs {:guide \"G\"}})", pr("G")),
])
def test_spec_vectors_through_the_evaluator(source, expected):
    assert pr(evaluate_text(source)) == expected


@pytest.mark.parametrize("source, message", [
    ("(serialize-prefix '(quine prompt \"x\"))",                                       # P11
     "Function call failed: serialize-prefix: " + edits.BAD_QUINE_TAIL),
    ('(stored "ref-7")', "Function call failed: stored: No stored value: ref-7"),
    ('(strip-parens 1 "(a")', "Function call failed: strip-parens: strip: expected ')'"),
])
def test_plumbing_errors_through_the_evaluator(source, message):
    with pytest.raises(SpellError) as err:
        evaluate_text(source)
    assert err.value.message == message
