"""Assembling a run: journal, transport, effect namespaces, system prompt, replay.

`start_run` is what `spell run` and the debug adapter call; everything a run needs is
derived from the source text, the `RunConfig` and a model spec."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from .. import __version__
from ..syntax.values import Keyword, SMap
from . import events as ev
from .config import ConfigError, RunConfig
from .journal import Journal, JournalReader, new_run
from .run import RunResult, run_program
from .transports.base import TransportError

SECRET_ENV = ("ANTHROPIC_API_KEY",)
PAID_DEFAULT_USD = 1.0  # spec 7.7: a paid run without a budget stops at one dollar


def effect_namespaces(config: RunConfig) -> dict[str, Any]:
    """The profile's effect namespaces, bound for the run. `io` subsets are bound under
    `io` (merged when several are listed) so programs always write `io/grep`."""
    from ..namespaces.io import make_io_namespaces
    profile = config.profile
    wanted = [n for n in profile.namespaces if n == "io" or n.startswith("io-")]
    if not wanted:
        return {}
    all_io = make_io_namespaces(config.workspace, allow_shell=profile.allow_shell,
                                shell_timeout=profile.shell_timeout)
    if "io" in wanted:
        return {"io": all_io["io"]}
    return {"io": merge_namespaces([all_io[n] for n in wanted])}


def merge_namespaces(parts: list[SMap]) -> SMap:
    """One namespace map holding the callables and docs of several subsets."""
    if len(parts) == 1:
        return parts[0]
    merged: dict[Any, Any] = {}
    docs: dict[Any, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key == Keyword("docs") and isinstance(value, SMap):
                docs.update(value.items())
            elif key not in merged:
                merged[key] = value
    merged[Keyword("docs")] = SMap(docs.items())
    return SMap(merged.items())


def namespace_infos(names: tuple[str, ...]) -> list[Any]:
    """Documentation records of the profile's effect namespaces (for the system prompt)."""
    from ..namespaces.nsdef import REGISTRY
    return [REGISTRY[n] for n in names if n in REGISTRY]


def secrets() -> list[str]:
    return [os.environ[name] for name in SECRET_ENV if os.environ.get(name)]


def replay_effects_of(spec: str) -> list[dict]:
    """The effect records of the journal a `replay:` spec names."""
    return JournalReader(spec.split(":", 1)[1]).of_type("effect")


@dataclass
class RunParts:
    """What a run is assembled from; `start_run`'s `customize` hook may replace parts (the
    debugger's branches serve recorded answers and effects this way)."""

    source: str
    config: RunConfig
    transport: Any
    namespaces: dict[str, Any]
    replay_effects: list[dict] | None
    options: dict[str, Any]


def prepare_run(source: str, config: RunConfig, model: str,
                program: Path | None) -> RunParts:
    """Transport, effect namespaces, replay material and run options for a run."""
    from .transports import make_transport
    try:
        transport = make_transport(model, workspace=config.workspace,
                                   mode=config.profile.mode,
                                   max_tokens=config.profile.max_tokens)
    except (ValueError, OSError, TransportError) as e:
        raise ConfigError(str(e)) from None
    if transport.name.startswith("anthropic") and config.profile.budget_usd is None:
        config = replace(config, profile=replace(config.profile, budget_usd=PAID_DEFAULT_USD))
    replay_effects = replay_effects_of(model) if model.startswith("replay:") else None
    return RunParts(source, config, transport, effect_namespaces(config), replay_effects,
                    run_options(config, program))


def start_run(source: str, config: RunConfig, model: str, *,
              bus: ev.EventBus | None = None, incremental: bool = True,
              program: Path | None = None,
              customize: Callable[[RunParts], RunParts] | None = None,
              on_journal: Callable[[str], None] | None = None) -> RunResult:
    """Run `source` (read from `program`, when it came from a file) with the transport
    `model` names; the journal goes under the runs folder of the workspace (its path is
    told to `on_journal` before turn 0). Raises ConfigError for a bad model spec."""
    from .prompt import system_prompt
    parts = prepare_run(source, config, model, program)
    if customize is not None:
        parts = customize(parts)
    config, transport = parts.config, parts.transport
    run_id, path = new_run(config.journal_root)
    journal = Journal(path, secrets=secrets())
    journal.run(run_id=run_id, profile=config.profile.name, transport=transport.name,
                model=transport.model, workspace=str(config.workspace),
                options=parts.options, spell_version=__version__)
    if on_journal is not None:
        on_journal(str(path))
    prompt = system_prompt(namespace_infos(config.profile.namespaces),
                           prefill=transport.prefill, base=config.profile.system_prompt)
    try:
        return run_program(parts.source, config, transport, journal=journal, bus=bus,
                           system_prompt=prompt, effect_namespaces=parts.namespaces,
                           replay_effects=parts.replay_effects, incremental=incremental,
                           run_id=run_id)
    finally:
        journal.close()


def run_options(config: RunConfig, program: Path | None) -> dict[str, Any]:
    """The run record's options; `program` names the file so tools (inlay hints, the
    debugger) can find the runs of a file."""
    p = config.profile
    return {"program": str(program.resolve()) if program is not None else None,
            "namespaces": list(p.namespaces), "allow_shell": p.allow_shell,
            "max_turns": p.max_turns, "budget_usd": p.budget_usd,
            "unsafe_upstream_eval": config.unsafe_upstream_eval, "recover": p.recover}

