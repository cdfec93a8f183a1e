"""Deterministic Spell programs used by the reader and evaluator benchmarks.

`dense_program()` is hand-written-looking code (about 2,000 lines); `transcript_program()`
is shaped like a long agent transcript (about 2 MB): the completion wrapper around inert
quoted history, `first-line` file dumps, big tool-output strings, thinks and map literals.
Both read without errors; the transcript also evaluates with core builtins only (every
effect call in it is quoted and its trailing expression is pure).
"""

from __future__ import annotations

import random

from spell_lsp.syntax.printer import pr_string

_WORDS = ("alpha beta gamma delta parse score total items row name value index result "
          "config path line count cache token error retry batch chunk query merge").split()

_DENSE_TEMPLATES = [
    """(defn {a}-{i} [{b} {c}]
  (let [[x y & more] {b}
        total (+ x y {n})
        ratio (/ total {m}/7)]
    (if (> total 0x1F)
      {{:id {i}, :{a} total, :ratio ratio, :rest (vec more)}}
      (str "{a} " {c} " is small: " total))))""",
    """(def {a}-table-{i}
  {{:name "{a}-{i}" :tags #{{:x :y :{b}}} :weights [1.5 -2.25 3e2 {n}N]
   :path "src/{a}/{b}_{i}.py" :enabled true :parent nil}})""",
    """;; {a} helper {i}: keeps the {b} of every {c}
(defn keep-{a}-{i} [coll]
  (->> coll
       (filter #(> (count %) {n}))
       (map (fn [{{:keys [{b} {c}]}}] [{b} {c}]))
       (reduce (fn [acc [k v]] (assoc acc k (conj (get acc k []) v))) {{}})))""",
    """(think "Step {i}: check the {a} of {b} before merging {c}."
  (def {a}-{i} (count (strings/split "{a},{b},{c}" #",")))
  (def {b}-{i} (cond (= {a}-{i} 3) :three
                     (> {a}-{i} 3) :many
                     :else \\x)))""",
    """(defmacro unless-{a}-{i} [t & body]
  `(if ~t nil (do ~@body)))
'(!call-now {a}-out-{i} (io/read-lines "{a}/{b}.txt"))""",
    """(loop [i 0 acc []]
  (if (< i {n})
    (recur (inc i) (conj acc (* i i {m}/3)))
    (def {c}-{i} {{:sum (reduce + acc), :first (first acc), :q '(quote {a})}})))""",
]


def _fill(template: str, rng: random.Random, i: int) -> str:
    a, b, c = rng.sample(_WORDS, 3)
    return template.format(a=a, b=b, c=c, i=i, n=rng.randint(1, 999), m=rng.randint(1, 99))


def dense_program(lines: int = 2000, seed: int = 1) -> str:
    """A densely written Spell program of about `lines` lines inside the wrapper."""
    rng = random.Random(seed)
    parts = ['(quine completion (eval (do (quine prompt "Refactor the scoring module.")']
    count, i = 1, 0
    while count < lines:
        form = _fill(rng.choice(_DENSE_TEMPLATES), rng, i)
        parts.append("  " + form.replace("\n", "\n  "))
        count += form.count("\n") + 1
        i += 1
    parts.append("  '(count [1 2 3]))))")
    return "\n".join(parts) + "\n"


_CODE_LINES = [
    "import os", "import sys", "from pathlib import Path", "", "class {A}Handler:",
    '    """Handle {a} requests."""', "    def __init__(self, {b}, {c}=None):",
    "        self.{b} = {b}", "        self.{c} = {c} or {{}}", "",
    "    def run(self, path):", '        with open(path, "r") as fh:',
    "            for line in fh:", '                if line.startswith("#"):',
    "                    continue", '                key, _, value = line.partition("=")',
    '                self.{c}[key.strip()] = value.strip().replace("\\\\t", " ")',
    "        return len(self.{c})", "",
    "def {a}_{b}(items, limit={n}):", '    """Return the first {n} {b} items."""',
    "    return [x for x in items if x is not None][:limit]", "",
    '    raise ValueError(f"bad {a}: {{value!r}}")', '    print("done", file=sys.stderr)',
]


def _file_lines(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        a, b, c = rng.sample(_WORDS, 3)
        out.append(rng.choice(_CODE_LINES).format(a=a, b=b, c=c, A=a.title(),
                                                   n=rng.randint(1, 99)))
    return out


def _first_line_def(name: str, first: int, lines: list[str]) -> str:
    width = len(str(first + len(lines) - 1))
    rows = "".join(f" {pr_string(s)} ; {str(first + k).rjust(width)}\n"
                   for k, s in enumerate(lines))
    return f"(def {name} (first-line {first} [\n{rows}]))"


def _tool_output(rng: random.Random, size: int) -> str:
    """A test-log-like text of about `size` characters (quotes, tabs, backslashes)."""
    chunks, total = [], 0
    while total < size:
        a, b = rng.sample(_WORDS, 2)
        line = rng.choice([
            f"tests/test_{a}.py::test_{b} PASSED",
            f'E   AssertionError: assert "{a}" == "{b}"',
            f"E   \tat {a}.{b}(C:\\work\\{a}\\{b}.py:{rng.randint(1, 900)})",
            f"    {a} = {b}({rng.randint(0, 99)}, key='{a}')  # {b}",
            f"===== {rng.randint(1, 50)} passed, {rng.randint(0, 5)} failed "
            f"in 0.{rng.randint(10, 99)}s =====",
        ])
        chunks.append(line)
        total += len(line) + 1
    return "\n".join(chunks)


def _turn(rng: random.Random, t: int) -> list[str]:
    """The forms one model turn plus its injected results add to a transcript."""
    a, b, c = rng.sample(_WORDS, 3)
    path = f"src/{a}/{b}_{t}.py"
    kind = t % 4
    forms = [f'(think "Turn {t}: look at {path}; the {c} logic may drop {a} values '
             f'when {b} is empty, so read it and compare with the tests.")']
    if kind == 0:
        lines = _file_lines(rng, rng.randint(60, 160))
        forms += [f"'(!peek lines-{t} (io/read-lines {pr_string(path)}))",
                  _first_line_def(f"lines-{t}", 1, lines), "(prune 2)"]
    elif kind == 1:
        forms += [f"'(!call-now out-{t} (io/sh \"pytest -q tests/test_{a}.py\"))",
                  f"(def out-{t} {pr_string(_tool_output(rng, rng.randint(8000, 40000)))})"]
    elif kind == 2:
        files = " ".join(pr_string(f"src/{w}/{x}.py") for w, x in
                         (rng.sample(_WORDS, 2) for _ in range(rng.randint(5, 30))))
        forms += [f"'(!call-now r-{t} (io/ls \"src/{a}\"))",
                  f"(def r-{t} {{:status \"ok\", :files [{files}], "
                  f":count {rng.randint(1, 99)}, :ratio {rng.randint(1, 9)}/{rng.randint(10, 19)}, "
                  f":elapsed {rng.random():.4f}}})",
                  f"(def n-{t} (count (:files r-{t})))"]
    else:
        lines = _file_lines(rng, rng.randint(20, 60))
        first = rng.randint(1, 400)
        forms += [f"'(!call-now lines-{t} (io/read-lines {pr_string(path)} {first} "
                  f"{first + len(lines) - 1}))",
                  _first_line_def(f"lines-{t}", first, lines),
                  f"(persist head-{t} (subvec lines-{t} 0 3))",
                  f"(rethink \"Kept the first three lines of {path}.\")"]
    return forms


def transcript_program(size: int = 2_000_000, seed: int = 7) -> str:
    """An agent-transcript-shaped program of about `size` characters."""
    rng = random.Random(seed)
    head = ('(quine completion (eval (do (quine prompt "Fix the failing tests in this '
            'repository.\\nRun the test suite, read the failing modules and patch them.")')
    parts, total, t = [head], len(head), 0
    while total < size:
        for form in _turn(rng, t):
            parts.append(form)
            total += len(form) + 1
        t += 1
    parts.append("'(str \"turns: \" " + str(t) + ")))) ")
    return "\n".join(parts) + "\n"
