"""The language reference generated from the one table: `docs/builtins.md`.

Regenerate with `python -m spell_lsp.lang.reference > docs/builtins.md`; a test keeps the
committed file equal to this output.
"""

from __future__ import annotations

from .core import load_modules
from .table import TABLE, Entry

KIND_TITLES = [
    ("special", "Special forms"),
    ("macro", "Built-in macros"),
    ("turn", "Turn-producing forms (effects)"),
    ("effect", "Effect builtins"),
    ("pure", "Builtin functions"),
]


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def entry_row(e: Entry) -> str:
    signature = cell(e.signature or f"({e.name} ...)")
    return f"| `{cell(e.name)}` | `{signature}` | {e.arity} | {cell(e.doc)} |"


def render_markdown() -> str:
    load_modules()
    lines = ["# Spell reference", "",
             "Generated from the one table (`spell_lsp/lang/table.py`); do not edit by hand.",
             ""]
    for kind, title in KIND_TITLES:
        group = [e for e in TABLE.values() if e.kind == kind]
        if not group:
            continue
        lines += [f"## {title}", ""]
        for category in sorted({e.category for e in group}):
            if kind == "pure":
                lines += [f"### {category}", ""]
            lines += ["| Name | Signature | Arity | Description |", "|---|---|---|---|"]
            lines += [entry_row(e) for e in sorted(group, key=lambda e: e.name)
                      if e.category == category]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
