"""The `builtins` core namespace (spec 9.3): documentation only, generated from the one
table, so what a model reads about builtins is exactly what the evaluator provides."""

from __future__ import annotations

from ..lang.core import load_modules
from ..lang.table import TABLE, Entry
from ..syntax.values import SMap
from .nsdef import build_namespace

# Detail topics (spec 9.3) and the table categories each one gathers.
TOPICS: dict[str, tuple[str, ...]] = {
    "special-forms": ("special-forms",),
    "macros": ("macros",),
    "effect": ("effect",),
    "math": ("arithmetic", "coercion", "predicates"),
    "comparison": ("comparison",),
    "types": ("types",),
    "strings": ("strings",),
    "collections": ("collections",),
    "maps": ("maps",),
    "sequences": ("sequences",),
    "combinators": ("combinators",),
    "bitwise": ("bitwise",),
    "spell": ("spell",),
    "concurrency": ("concurrency",),
    "error": ("errors",),
}

SHORT_DOCS = "Every builtin function, macro and special form, by category (documentation only)"

GUIDE_HEAD = """BUILTINS — The functions, macros and special forms every program can use.

Categories (details: (!describe builtins :<category>)):
"""

GUIDE_TAIL = """
One name in detail: (!describe builtins :<name>), for example (!describe builtins :reduce).
Effects (!llm-self, leaf-llm, !ask-await and every turn-producing form) work only inside the
quoted trailing expression; everything else works anywhere.

Common mistakes:

1. Calling an effect builtin (!llm-self, !ask-await, leaf-llm) outside the quoted trailing
   expression: it is unbound there. Quote the call and make it the last form.
2. Confusing def with let: def stays visible to later forms; let bindings end with the let.
3. Forgetting to quote the trailing expression: unquoted, it runs during the do-block, where
   effects are not available.
4. Using str where pr-str is meant: str drops the quotes of strings; pr-str gives readable
   data.
5. Calling read-string on text you do not control: it returns code as data; only evaluate
   what you have checked.
"""


def topic_entries(categories: tuple[str, ...]) -> list[Entry]:
    return sorted((e for e in TABLE.values() if e.category in categories),
                  key=lambda e: e.name)


def topic_text(topic: str, categories: tuple[str, ...]) -> str:
    lines = [f"{topic.upper()}"]
    lines += [f"  {e.signature or e.name} — {e.doc}" for e in topic_entries(categories)]
    return "\n".join(lines)


def guide_text() -> str:
    rows = []
    for topic, categories in TOPICS.items():
        names = [e.name for e in topic_entries(categories)][:6]
        if names:
            rows.append(f"  :{topic:<14} {' '.join(names)} ...")
    return GUIDE_HEAD + "\n".join(rows) + "\n" + GUIDE_TAIL


def form_text(name: str) -> str:
    e = TABLE[name]
    return f"{e.signature or name}\n{e.doc}"


def build() -> SMap:
    load_modules()
    detail = {topic: topic_text(topic, cats) for topic, cats in TOPICS.items()}
    detail.update((name, form_text(name)) for name in sorted(TABLE) if name not in detail)
    return build_namespace("builtins", SHORT_DOCS, guide_text(), (), detail, tier="docs")
