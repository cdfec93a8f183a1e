"""Spell plumbing builtins (spec 4.9): quine forms, edit markers, serialization, the store.

The algorithms live in `lang.edits`; these are the thin Spell-facing entries.
"""

from __future__ import annotations

from typing import Any

from ...syntax.values import Keyword, SMap, is_number
from .. import edits
from ..errors import BuiltinError
from ..table import builtin

CATEGORY = "spell"

K_DOCS = Keyword("docs")
K_GUIDE = Keyword("guide")
K_DETAIL = Keyword("detail")
_NO_KEY = object()


@builtin("wrap-cat", "0+", "Build the quine form `(quine completion (eval (do a …)))` from the "
         "argument values.", CATEGORY, signature="(wrap-cat a …)")
def wrap_cat(*values: Any) -> Any:
    return edits.wrap_cat(*values)


@builtin("serialize-prefix", 1, "The open prefix text of a quine form: its source without the "
         "closers of the quine, eval and do lists, plus one space.", CATEGORY,
         signature="(serialize-prefix q)")
def serialize_prefix(q: Any) -> str:
    return edits.serialize_prefix(q)


@builtin("prune-and-reopen", 1, "Apply the edit markers (prune, rethink, persist) to a form, "
         "using the current environment for persist.", CATEGORY,
         signature="(prune-and-reopen q)", rt=True)
def prune_and_reopen(rt: Any, q: Any) -> Any:
    return edits.prune_and_reopen(q, rt.scope)


@builtin("serialize", "1-2", "Value-literal text for a value; large values are truncated or "
         "stored out of band as (stored \"ref-N\"). Default limit 10000, negative: inline.",
         CATEGORY, signature="(serialize v [limit])", rt=True)
def serialize(rt: Any, v: Any, limit: Any = edits.DEFAULT_LIMIT) -> str:
    return edits.serialize(v, _int_arg(limit, "limit"), store=rt.ctx.store)


@builtin("stored", 1, "Look up a value stored out of band by serialize.", CATEGORY,
         signature="(stored id)", rt=True)
def stored(rt: Any, ref: Any) -> Any:
    return rt.ctx.store.get(ref)


@builtin("deep-truncate", 2, "Truncate every string leaf longer than limit when printed; lists "
         "and vectors become vectors.", CATEGORY, signature="(deep-truncate v limit)")
def deep_truncate(v: Any, limit: Any) -> Any:
    return edits.deep_truncate(v, _int_arg(limit, "limit"))


@builtin("strip-parens", 2, "Remove n trailing `)` (ignoring trailing whitespace) from a string; "
         "other values are printed first.", CATEGORY, signature="(strip-parens n s)")
def strip_parens(n: Any, s: Any) -> str:
    return edits.strip_parens(n, s)


@builtin("describe-fn", "1-2", "A namespace's guide, or the documentation of one of its keys.",
         CATEGORY, signature="(describe-fn ns [k])")
def describe_fn(ns: Any, k: Any = _NO_KEY) -> Any:
    if k is _NO_KEY:
        return _first_some(_get_in(ns, K_DOCS, K_GUIDE), _get_in(ns, K_DOCS))
    return _first_some(_get_in(ns, K_DETAIL, k), _get_in(ns, K_DOCS, k), _get_in(ns, k))


def _get_in(m: Any, *keys: Any) -> Any:
    for k in keys:
        if not isinstance(m, SMap):
            return None
        m = m.get(k)
    return m


def _first_some(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _int_arg(x: Any, what: str) -> int:
    if not is_number(x):
        raise BuiltinError(f"{what} must be a number")
    return int(x)
