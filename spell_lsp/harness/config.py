"""Agent profiles and run configuration, and the project file `spell.toml`.

`spell.toml` (searched upwards from the program or workspace) holds named agent profiles:

    [profile]                      # the default profile
    model = "script:task.script.jsonl"   # or "anthropic:claude-sonnet-4-5", "replay:JOURNAL"
    namespaces = ["io"]            # effect namespaces: io, io-read, io-write, io-exec
    max_turns = 50
    budget_usd = 1.0
    allow_shell = false

    [profiles.reader]              # another profile, chosen with --profile reader
    namespaces = ["io-read"]

Unknown keys are configuration errors (a typo must not silently change a run).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

CONFIG_NAME = "spell.toml"
EFFECT_NAMESPACES = ("io", "io-read", "io-write", "io-exec")


class ConfigError(Exception):
    """A configuration problem, reported to the user with the file and the key."""


@dataclass(frozen=True)
class Profile:
    """An agent profile (spec 7.1): model, transport mode, namespaces, budgets, prompt."""

    name: str = "default"
    model: str | None = None             # transport spec: script:F, anthropic:M, replay:J
    mode: str = "tool-call"              # anthropic transport: tool-call | prefill
    namespaces: tuple[str, ...] = ()     # effect namespaces, bound under "io" for io subsets
    system_prompt: str | None = None     # replaces the base text of the system prompt
    recover: bool = True
    max_tokens: int = 8192
    max_turns: int | None = None
    max_fork_depth: int = 32
    budget_usd: float | None = None
    max_total_tokens: int | None = None
    max_seconds: float | None = None
    allow_shell: bool = False
    shell_timeout: float = 30.0


PROFILE_KEYS = {f.name for f in fields(Profile)} - {"name"}


def find_config(start: Path) -> Path | None:
    """The nearest spell.toml at or above `start` (a file or a folder)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def profile_from_table(name: str, table: dict[str, Any], source: str) -> Profile:
    unknown = sorted(set(table) - PROFILE_KEYS)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in profile {name!r}: {', '.join(unknown)}")
    values = dict(table)
    if "namespaces" in values:
        namespaces = values["namespaces"]
        if not isinstance(namespaces, list) or not all(isinstance(n, str) for n in namespaces):
            raise ConfigError(f"{source}: profile {name!r}: namespaces must be a list of names")
        bad = [n for n in namespaces if n not in EFFECT_NAMESPACES]
        if bad:
            raise ConfigError(f"{source}: profile {name!r}: unknown namespace(s): "
                              f"{', '.join(bad)} (known: {', '.join(EFFECT_NAMESPACES)})")
        values["namespaces"] = tuple(namespaces)
    try:
        return Profile(name=name, **values)
    except TypeError as e:
        raise ConfigError(f"{source}: profile {name!r}: {e}") from None


def load_profiles(path: Path) -> dict[str, Profile]:
    """All profiles of a spell.toml: `default` from [profile], others from [profiles.*]."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from None
    unknown = sorted(set(data) - {"profile", "profiles"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s): {', '.join(unknown)}")
    profiles = {"default": profile_from_table("default", data.get("profile", {}), str(path))}
    for name, table in data.get("profiles", {}).items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [profiles.{name}] must be a table")
        profiles[name] = profile_from_table(name, table, str(path))
    return profiles


def resolve_profile(start: Path, name: str | None = None) -> tuple[Profile, Path | None]:
    """The named (or default) profile from the nearest spell.toml, else the built-in
    default profile (all io functions, no shell)."""
    path = find_config(start)
    if path is None:
        if name not in (None, "default"):
            raise ConfigError(f"profile {name!r} requested but no {CONFIG_NAME} was found")
        return Profile(namespaces=("io",)), None
    profiles = load_profiles(path)
    key = name or "default"
    if key not in profiles:
        raise ConfigError(f"{path}: no profile named {key!r} "
                          f"(defined: {', '.join(sorted(profiles))})")
    return profiles[key], path


def with_overrides(profile: Profile, **overrides: Any) -> Profile:
    """The profile with command-line overrides applied (None means: keep)."""
    return replace(profile, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class RunConfig:
    """Everything a run needs besides the program text (spec 7.1)."""

    profile: Profile = field(default_factory=Profile)
    workspace: Path = field(default_factory=Path.cwd)
    runs_dir: Path | None = None          # default: <workspace>/.spell/runs
    unsafe_upstream_eval: bool = False
    allow_multiple_top_level: bool = False

    @property
    def journal_root(self) -> Path:
        return self.runs_dir or (self.workspace / ".spell" / "runs")
