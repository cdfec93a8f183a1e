"""Syntax layer: the data model of forms, the lossless reader and the printer."""

from .lenient import (
    LenientResult, balance_delimiters, read_lenient, repair, repair_comment_markers,
    repair_string_escapes, strip_code_fences, strip_echoed_prefix,
)
from .lower import FormSyntax, ReaderError, lower, lower_document, read_first, read_forms, read_one
from .positions import LineIndex
from .printer import pr, str_of
from .reader import Branch, Node, ParseResult, ReadError, Token, iter_tokens, parse

__all__ = [
    "Branch", "FormSyntax", "LenientResult", "LineIndex", "Node", "ParseResult", "ReadError",
    "ReaderError", "Token", "balance_delimiters", "iter_tokens", "lower", "lower_document",
    "parse", "pr", "read_first", "read_forms", "read_lenient", "read_one", "repair",
    "repair_comment_markers", "repair_string_escapes", "str_of", "strip_code_fences",
    "strip_echoed_prefix",
]
