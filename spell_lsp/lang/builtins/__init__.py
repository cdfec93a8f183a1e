"""The pure builtins (spec 4.9); importing this package registers them in the table."""

from . import (  # noqa: F401
    arith, bitwise, collections, combinators, errors, logic, maps, plumbing, seqs, text, types,
)
