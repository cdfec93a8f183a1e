"""Language layer: evaluator, special forms, macros, builtins (see docs/ARCHITECTURE.md)."""

from .core import evaluate_program, evaluate_text, run_deep  # noqa: F401
from .errors import FatalError, SpellError  # noqa: F401
