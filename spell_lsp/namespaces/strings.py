"""The `strings` core namespace (spec 9.1): clojure.string's functions on text.

Every argument except `join`'s collection is converted with `str` first, so nil reads as
the empty string. Patterns are regexes given as strings (a regex value works too).
"""

from __future__ import annotations

import re
from typing import Any

from ..lang.builtins.text import compile_pattern
from ..lang.seqview import iter_seq
from ..syntax.printer import str_of
from ..syntax.values import SVector
from .nsdef import NsFunction, build_namespace


def java_split(s: str, pattern: re.Pattern) -> list[str]:
    """Java's `String.split`: no leading empty part from a zero-width match at the start,
    trailing empty parts removed, and the whole input when nothing matches."""
    parts: list[str] = []
    start = 0
    for m in pattern.finditer(s):
        if m.end() == 0:
            continue
        parts.append(s[start:m.start()])
        start = m.end()
    if not parts:
        return [s]
    parts.append(s[start:])
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def index_of(s: Any, sub: Any) -> int | None:
    at = str_of(s).find(str_of(sub))
    return None if at < 0 else at


def last_index_of(s: Any, sub: Any) -> int | None:
    at = str_of(s).rfind(str_of(sub))
    return None if at < 0 else at


def starts_with(s: Any, prefix: Any) -> bool:
    return str_of(s).startswith(str_of(prefix))


def ends_with(s: Any, suffix: Any) -> bool:
    return str_of(s).endswith(str_of(suffix))


def includes(s: Any, sub: Any) -> bool:
    return str_of(sub) in str_of(s)


def blank(s: Any) -> bool:
    return str_of(s).strip() == ""


def trim(s: Any) -> str:
    return str_of(s).strip()


def replace(s: Any, match: Any, replacement: Any) -> str:
    return str_of(s).replace(str_of(match), str_of(replacement))


def split(s: Any, pattern: Any) -> SVector:
    return SVector(java_split(str_of(s), compile_pattern(str_of(pattern))))


_LINE_BREAK = re.compile(r"\r?\n")


def split_lines(s: Any) -> SVector:
    return SVector(java_split(str_of(s), _LINE_BREAK))


def join(*args: Any) -> str:
    sep, coll = ("", args[0]) if len(args) == 1 else (str_of(args[0]), args[1])
    return sep.join(map(str_of, iter_seq(coll)))


def lower_case(s: Any) -> str:
    return str_of(s).lower()


def upper_case(s: Any) -> str:
    return str_of(s).upper()


def capitalize(s: Any) -> str:
    text = str_of(s)
    return text[:1].upper() + text[1:].lower()


FUNCTIONS = (
    NsFunction("index-of", "(strings/index-of s sub)", 2,
               "Index of the first occurrence of sub in s, or nil.", index_of),
    NsFunction("last-index-of", "(strings/last-index-of s sub)", 2,
               "Index of the last occurrence of sub in s, or nil.", last_index_of),
    NsFunction("starts-with?", "(strings/starts-with? s prefix)", 2,
               "True when s begins with prefix.", starts_with),
    NsFunction("ends-with?", "(strings/ends-with? s suffix)", 2,
               "True when s ends with suffix.", ends_with),
    NsFunction("includes?", "(strings/includes? s sub)", 2,
               "True when sub occurs in s.", includes),
    NsFunction("blank?", "(strings/blank? s)", 1,
               "True for nil, the empty string or whitespace only.", blank),
    NsFunction("trim", "(strings/trim s)", 1,
               "s without leading and trailing whitespace.", trim),
    NsFunction("replace", "(strings/replace s match replacement)", 3,
               "s with every literal occurrence of match replaced.", replace),
    NsFunction("split", "(strings/split s pattern)", 2,
               "Vector of the parts of s between matches of the regex pattern string.",
               split),
    NsFunction("split-lines", "(strings/split-lines s)", 1,
               "Vector of the lines of s (\\n or \\r\\n line ends).", split_lines),
    NsFunction("join", "(strings/join [sep] coll)", "1-2",
               "The elements of coll as text, joined by sep (default nothing).", join),
    NsFunction("lower-case", "(strings/lower-case s)", 1, "s in lower case.", lower_case),
    NsFunction("upper-case", "(strings/upper-case s)", 1, "s in upper case.", upper_case),
    NsFunction("capitalize", "(strings/capitalize s)", 1,
               "s with its first character in upper case and the rest in lower case.",
               capitalize),
)

SHORT_DOCS = "Text functions mirroring clojure.string (split, join, trim, replace, ...)."

GUIDE = r"""STRINGS — Mirrors clojure.string; regex arguments are strings.

  (strings/index-of s sub)               — index of the first sub in s, or nil
  (strings/last-index-of s sub)          — index of the last sub in s, or nil
  (strings/starts-with? s prefix)        — true when s begins with prefix
  (strings/ends-with? s suffix)          — true when s ends with suffix
  (strings/includes? s sub)              — true when sub occurs in s
  (strings/blank? s)                     — true for nil, "" or whitespace only
  (strings/trim s)                       — s without surrounding whitespace
  (strings/replace s match replacement)  — every literal match replaced
  (strings/split s pattern)              — vector of the parts between regex matches
  (strings/split-lines s)                — vector of the lines
  (strings/join coll)                    — the elements as text, concatenated
  (strings/join sep coll)                — the same, with sep between elements
  (strings/lower-case s)                 — s in lower case
  (strings/upper-case s)                 — s in upper case
  (strings/capitalize s)                 — first character upper case, the rest lower

Every argument except join's collection goes through str first, so nil counts as "".
Results are strings, booleans, integers or nil; split and split-lines give vectors.
Related builtins (no prefix): subs, str, format, re-find, re-matches, re-seq.
Details of one function: (!describe strings :split).

Common mistakes:

1. Expecting a regex in strings/replace: match is literal text, so "\\s+" only replaces
   those four characters. Split on the pattern and join the parts instead.
2. Splitting on a regex metacharacter: (strings/split "a.b" ".") gives [] because "."
   matches every character; escape it as "\\.".
3. Expecting empty trailing fields: split drops trailing empty strings, so
   (strings/split "a,b,," ",") is ["a" "b"]; count fields before relying on positions.
4. Writing strings/subs or strings/re-find: those are builtins, written subs and re-find.

In examples, | marks the cursor: the text before it is the prefix, the text after it is
what you write. Never type the |. A ... before the cursor stands for earlier program text.

Recommended usage pattern: Parse text in a pure function, then look at the result.
Parsing mistakes are cheap to see and fix before anything depends on them.

1. Define the parser and bind what it returns for the text you have.
  ...(def text "alice, 3\nbob, 5\n")
  |(defn parse-line [line] (strings/split (strings/trim line) ",\\s*"))
  '(!call-now rows (map parse-line (strings/split-lines text)))

2. Next turn: the rows are visible; use them once they look right.
  ...(def rows [["alice" "3"] ["bob" "5"]])
  |(persist names (strings/join ", " (map first rows)))
  '(!extend)
"""

DETAIL = {
    "split": r"""(strings/split s pattern)

  s        text to split (converted with str)
  pattern  a regex written as a string, e.g. "," or "\\s+"

Returns a vector of the parts of s between matches. Java semantics: trailing empty
parts are removed, and text with no match gives a one-element vector.

Example:
  (strings/split "a,b,c" ",")          ;; => ["a" "b" "c"]
  (strings/split "one  two" "\\s+")    ;; => ["one" "two"]
  (strings/split "a,b,," ",")          ;; => ["a" "b"]""",
    "replace": """(strings/replace s match replacement)

  s            source text
  match        literal text to find (not a regex)
  replacement  text to put in its place

Returns s with every occurrence of match replaced.

Example:
  (strings/replace "hello world" "o" "0")   ;; => "hell0 w0rld"
  (strings/replace "a.b.c" "." "/")         ;; => "a/b/c\"""",
    "join": """(strings/join coll)
(strings/join sep coll)

Returns the str text of each element of coll, separated by sep (default nothing).

Example:
  (strings/join ["a" 1 :k])      ;; => "a1:k"
  (strings/join ", " [1 2 3])    ;; => "1, 2, 3\"""",
}

NAMESPACE = build_namespace("strings", SHORT_DOCS, GUIDE, FUNCTIONS, DETAIL)
