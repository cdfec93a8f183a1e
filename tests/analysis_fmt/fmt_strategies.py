"""Hypothesis strategies for Spell-ish text: well-formed programs laid out with arbitrary
whitespace and line breaks, and noise that breaks the reader in every way it can."""

from __future__ import annotations

from hypothesis import strategies as st

ATOMS = ["defn", "let", "do", "when", "fn", "quine", "think", "!call-now", "first-line", "foo",
         "io/ls", "x", "1", "2.5", ":k", "nil", '"s"', '"multi\n  line  "', "\\a", "\\ ",
         "#\"re\"", "%", "08", ":bad:"]
GAPS = [" ", "  ", "\t", "\n", "\n  ", "\n\t ", "   \n", "\r\n", "\r", ", ", " ; note  \n",
        "\n\n"]
# Fragments that also break the text: lone delimiters, quotes, backslashes, dispatches.
NOISE = ["(", ")", "[", "]", "{", "}", "#{", "#(", "'", "`", "~", "~@", "@", "^", "#_", '"',
         "\\", "#!x\n", "#", ";", "\u00a0", "\x00", "é", "😀"]

gaps = st.sampled_from(GAPS)


def forms(depth: int = 3) -> st.SearchStrategy[str]:
    """Well-formed forms with arbitrary whitespace and line breaks between elements."""
    atom = st.sampled_from(ATOMS)
    if depth == 0:
        return atom

    def container(parts: tuple[str, list[tuple[str, str]], str]) -> str:
        open_, items, gap = parts
        close = {"(": ")", "[": "]", "{": "}", "#{": "}", "#(": ")", "'(": ")"}[open_]
        return open_ + "".join(sep + item for sep, item in items) + gap + close

    inner = st.tuples(st.sampled_from(["(", "(", "[", "{", "#{", "'("]),
                      st.lists(st.tuples(gaps, forms(depth - 1)), max_size=5), gaps)
    return st.one_of(atom, inner.map(container),
                     st.tuples(forms(depth - 1), gaps).map(lambda t: "#_" + t[0]),
                     st.builds(lambda n, items: f"(first-line {n} [\n"
                               + "\n".join(f' "{i}" ; {n + k}' for k, i in enumerate(items))
                               + "\n])", st.integers(1, 9), st.lists(st.sampled_from(
                                   ["a", "  b  ", ""]), max_size=3)))


programs = st.lists(st.tuples(gaps, forms()), max_size=4).map(
    lambda items: "".join(gap + form for gap, form in items))
noisy = st.lists(st.one_of(st.sampled_from(ATOMS + GAPS + NOISE), forms(2)), max_size=30).map(
    "".join)
texts = st.one_of(programs, noisy)
