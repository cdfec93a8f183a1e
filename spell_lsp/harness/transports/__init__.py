"""Model transports behind one small interface (`base.Transport`), chosen by a spec string:

- `script:FILE` (also `scripted:FILE`): answers from a script file, the offline default;
- `anthropic:MODEL` (also `anthropic-tc:MODEL`): Claude, tool-call transport;
- `anthropic-prefill:MODEL` (also `anthropic-pf:MODEL`): Claude, prefill transport;
- `replay:JOURNAL`: the answers recorded in a run journal.

A relative FILE or JOURNAL is looked up in the current directory, then in the workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import Response, Transport, TransportError, Usage

DEFAULT_MODEL = "claude-sonnet-4-6"
SPEC_FORMS = "script:FILE, anthropic:MODEL, anthropic-prefill:MODEL or replay:JOURNAL"


ANTHROPIC_KINDS = ("anthropic", "anthropic-tc", "anthropic-prefill", "anthropic-pf")
PREFILL_KINDS = ("anthropic-prefill", "anthropic-pf")


def uses_prefill(spec: str, mode: str | None = None, *,
                 workspace: str | Path | None = None) -> bool:
    """Does the transport `spec` names continue an assistant prefill (which changes the
    system prompt's answer channel)? Decided without contacting a model; `mode` is the
    profile's Anthropic mode."""
    kind = spec.partition(":")[0]
    if kind in PREFILL_KINDS:
        return True
    if kind in ANTHROPIC_KINDS:
        return mode == "prefill"
    if kind == "replay":
        return make_transport(spec, workspace=workspace).prefill
    return False


def make_transport(spec: str, *, workspace: str | Path | None = None,
                   journal_records: list[dict] | None = None, **options: Any) -> Transport:
    """The transport named by `spec`. `options` go to the Anthropic transport (mode,
    max_tokens, api_key, base_url, timeout, retries, retry_delays, thinking, model) and
    are ignored by the offline transports. `journal_records`, when given, are the parsed
    journal for `replay:` (the file is then not read again)."""
    kind, _, arg = spec.partition(":")
    if kind in ("script", "scripted"):
        from .scripted import ScriptedTransport
        return ScriptedTransport(_locate(arg, workspace, spec))
    if kind in ANTHROPIC_KINDS:
        from .anthropic import AnthropicTransport
        model = arg or options.pop("model", None) or DEFAULT_MODEL
        options.pop("model", None)     # a model named in the spec wins over the option
        if kind in PREFILL_KINDS:
            options["mode"] = "prefill"
        return AnthropicTransport(model, **options)
    if kind == "replay":
        from .replay import ReplayTransport, journal_calls
        if journal_records is None:
            journal_records = journal_calls(_locate(arg, workspace, spec))
        return ReplayTransport(journal_records)
    raise ValueError(f"unknown transport {spec!r} (expected {SPEC_FORMS})")


def _locate(arg: str, workspace: str | Path | None, spec: str) -> Path:
    """The file a spec names: as given, else relative to the workspace when it is there."""
    if not arg:
        raise ValueError(f"transport {spec!r} needs a file name after the colon")
    path = Path(arg).expanduser()
    if not path.is_absolute() and not path.exists() and workspace is not None:
        candidate = Path(workspace) / path
        if candidate.exists():
            return candidate
    return path


__all__ = ["DEFAULT_MODEL", "Response", "Transport", "TransportError", "Usage",
           "make_transport", "uses_prefill"]
