"""Validating a DAP `launch` request into what `start_run` needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPELL_SUFFIXES = (".spell", ".spl")
MODEL_KINDS = ("script:", "anthropic:", "anthropic-prefill:", "replay:")


class LaunchError(Exception):
    """A wrong launch attribute; the message names it."""


@dataclass
class LaunchSpec:
    source: str                  # program text or prompt
    program: Path | None         # the .spell file, when launched on one
    config: Any                  # RunConfig
    model: str
    stop_on_entry: bool = False
    debug_python: bool = False   # run under debugpy, with a Python child session attached


def field_of(args: dict, name: str, kind: type | tuple, default: Any = None) -> Any:
    """`args[name]` checked against `kind`; a wrong type is a LaunchError naming it."""
    value = args.get(name, default)
    if value is None:
        return default
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else "number"
        raise LaunchError(f"launch attribute '{name}' must be a {expected}, "
                          f"not {type(value).__name__}")
    return value


def program_of(args: dict) -> tuple[str, Path | None]:
    program = field_of(args, "program", str)
    prompt = field_of(args, "prompt", str)
    if (program is None) == (prompt is None):
        raise LaunchError("launch needs exactly one of 'program' (a .spell file) or 'prompt'")
    if prompt is not None:
        return prompt, None
    path = Path(program)
    if path.suffix not in SPELL_SUFFIXES:
        raise LaunchError(f"launch attribute 'program' must name a .spell or .spl file: {program}")
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape"), path.resolve()
    except OSError as e:
        raise LaunchError(f"launch attribute 'program': cannot read {program}: "
                          f"{e.strerror}") from None


def model_of(args: dict, profile_model: str | None, program: Path | None) -> str:
    model = field_of(args, "model", str) or profile_model
    if model is None and program is not None:
        script = program.with_name(program.name.rsplit(".", 1)[0] + ".script.jsonl")
        model = f"script:{script}" if script.is_file() else None
    if model is None:
        raise LaunchError("launch attribute 'model' is missing: give script:FILE, "
                          "anthropic:MODEL or replay:JOURNAL")
    if not model.startswith(MODEL_KINDS):
        raise LaunchError(f"launch attribute 'model' must be script:FILE, anthropic:MODEL or "
                          f"replay:JOURNAL, not {model!r}")
    return model


def parse_launch(args: dict) -> LaunchSpec:
    """The launch spec, or LaunchError naming the first wrong attribute."""
    from ..harness.config import ConfigError, RunConfig, resolve_profile, with_overrides
    source, program = program_of(args)
    folder = field_of(args, "workspace", str)
    workspace = Path(folder) if folder else (program.parent if program else Path.cwd())
    if not workspace.is_dir():
        raise LaunchError(f"launch attribute 'workspace' is not a folder: {workspace}")
    max_turns = field_of(args, "maxTurns", int)
    if max_turns is not None and max_turns < 0:
        raise LaunchError("launch attribute 'maxTurns' must not be negative")
    budget = field_of(args, "budget", (int, float))
    if budget is not None and budget < 0:
        raise LaunchError("launch attribute 'budget' must not be negative")
    try:
        profile, _ = resolve_profile(workspace, field_of(args, "profile", str))
    except ConfigError as e:
        raise LaunchError(f"launch attribute 'profile': {e}") from None
    profile = with_overrides(profile, allow_shell=field_of(args, "allowShell", bool),
                             max_turns=max_turns,
                             budget_usd=None if budget is None else float(budget))
    model = model_of(args, profile.model, program)
    return LaunchSpec(source, program, RunConfig(profile=profile, workspace=workspace.resolve()),
                      model, field_of(args, "stopOnEntry", bool, False),
                      field_of(args, "debugPython", bool, False))
