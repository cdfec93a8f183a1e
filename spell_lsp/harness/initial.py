"""The initial program of a run (spec 7.2): a program verbatim, or a prompt wrapped."""

from __future__ import annotations

_PROMPT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"})
DEFAULT_TRAILING = "'(!extend)"


def is_program_text(source: str) -> bool:
    """A program starts with `(` after leading whitespace and `;` comment lines."""
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        return stripped.startswith("(")
    return False


def escape_prompt(text: str) -> str:
    return text.translate(_PROMPT_ESCAPES)


def build_init(prompt: str, trailing: str = DEFAULT_TRAILING) -> str:
    """`(quine completion (eval (do (quine prompt "<escaped>") '(!extend))))`"""
    return f'(quine completion (eval (do (quine prompt "{escape_prompt(prompt)}") {trailing})))'


def initial_program(source: str) -> str:
    return source if is_program_text(source) else build_init(source)
