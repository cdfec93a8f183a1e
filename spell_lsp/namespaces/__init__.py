"""Namespaces: each module holds a namespace's functions and its guide (the text models
read). The core namespaces are registered with the language layer here, on import."""

from ..lang.table import register_namespace
from . import builtins, io, math, reminders, strings  # noqa: F401  (io: docs for tools)

register_namespace("strings", strings.NAMESPACE)
register_namespace("math", math.NAMESPACE)
register_namespace("builtins", builtins.build())
register_namespace("reminders", reminders.build())
