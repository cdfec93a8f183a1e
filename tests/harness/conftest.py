"""Fixtures of the harness acceptance suite: write a JSONL script, run a program with
`run_program` and a real `Journal` in a temporary workspace, and look at what happened."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from spell_lsp.harness.config import Profile, RunConfig
from spell_lsp.harness.events import EventBus
from spell_lsp.harness.journal import Journal, JournalReader
from spell_lsp.harness.run import RunResult, run_program
from spell_lsp.harness.session import effect_namespaces
from spell_lsp.harness.transports.scripted import ScriptedTransport

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:          # fake_anthropic lives in tests/
    sys.path.insert(0, str(TESTS))

REPO = TESTS.parent
EXAMPLES = REPO / "examples" / "agents"


class RecordingTransport(ScriptedTransport):
    """The scripted transport, remembering every prefix it was asked to continue."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.prefixes: list[str] = []

    def complete(self, handle: str, turn: int, prefix: str, system: str):
        self.prefixes.append(prefix)
        return super().complete(handle, turn, prefix, system)


@dataclass
class Outcome:
    """What one scripted run produced."""

    result: RunResult
    reader: JournalReader
    prefixes: list[str]
    workspace: Path
    events: list[Any] = field(default_factory=list)

    def of_type(self, type_: str) -> list[dict]:
        return self.reader.of_type(type_)

    @property
    def programs(self) -> list[str]:
        """Program text of every turn record, in order."""
        return [self.reader.program_text(r) for r in self.reader.turns()]


def write_script(path: Path, entries: list[Any]) -> Path:
    """Entries as a JSONL script: a string is a plain suffix, a dict is written as is."""
    lines = [json.dumps({"suffix": e} if isinstance(e, str) else e) for e in entries]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


class Harness:
    """Runs programs against scripts in one workspace folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workspace = root / "ws"
        self.workspace.mkdir(exist_ok=True)
        self.count = 0

    def run(self, source: str, script: list[Any] = (), *, incremental: bool = True,
            bus: EventBus | None = None, record_events: bool = False,
            unsafe_upstream_eval: bool = False, **profile: Any) -> Outcome:
        """Run `source` with the scripted answers `script`; profile fields as keywords
        (namespaces default to all of `io`)."""
        self.count += 1
        profile.setdefault("namespaces", ("io",))
        config = RunConfig(profile=Profile(**profile), workspace=self.workspace,
                           runs_dir=self.root / "runs",
                           unsafe_upstream_eval=unsafe_upstream_eval)
        transport = RecordingTransport(
            write_script(self.root / f"script-{self.count}.jsonl", list(script)))
        bus = bus or EventBus()
        seen: list[Any] = []
        if record_events:
            bus.subscribe(seen.append)
        path = self.root / "runs" / f"run-{self.count}" / "journal.jsonl"
        with Journal(path) as journal:
            result = run_program(source, config, transport, journal=journal, bus=bus,
                                 effect_namespaces=effect_namespaces(config),
                                 incremental=incremental, run_id=f"run-{self.count}")
        return Outcome(result, JournalReader(path), transport.prefixes, self.workspace, seen)


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    return Harness(tmp_path)


@pytest.fixture(scope="session")
def harness_factory(tmp_path_factory: pytest.TempPathFactory):
    """A fresh Harness per call: hypothesis examples must not share a workspace."""
    return lambda: Harness(tmp_path_factory.mktemp("run"))


def first_prefix(prompt: str) -> str:
    """The open prefix of the first model call for a plain ASCII prompt (spec 7.2)."""
    return f"(quine completion (eval (do (quine prompt {json.dumps(prompt)}) '(!extend) "
