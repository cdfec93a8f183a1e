"""spell_lsp: reader, evaluator, agent harness, language server and debug adapter for Spell.

Importing the package registers the core namespaces (strings, math, ...) with the language
layer; the layers themselves only import downwards (see docs/ARCHITECTURE.md).
"""

import sys

__version__ = "0.1.0"

# Spell integers are unbounded; printing and parsing must be too.
sys.set_int_max_str_digits(0)

from . import namespaces as _namespaces  # noqa: E402,F401  (registers core namespaces)
