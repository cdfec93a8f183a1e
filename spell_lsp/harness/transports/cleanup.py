"""Response clean-up (spec 7.4.5), shared by the harness and every transport."""

from __future__ import annotations

from ...syntax.lenient import strip_code_fences, strip_echoed_prefix


def clean_response(text: str, prefix: str, prefill: bool) -> str:
    """The suffix to attach to `prefix`: code fences stripped and, unless the transport
    sent the prefix as assistant prefill (the model cannot echo it then), an echoed
    prefix dropped."""
    text = strip_code_fences(text)
    return text if prefill else strip_echoed_prefix(text, prefix)
