"""Fixtures: an adapter subprocess per test and copies of the offline example agents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .client import ROOT, DapClient


@pytest.fixture
def dap():
    client = DapClient()
    yield client
    client.close()


@pytest.fixture
def agent(tmp_path):
    """Copy examples/agents/<name>/ to tmp_path (agents write files); the .spell path."""
    def copy(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(ROOT / "examples" / "agents" / name, folder)
        return folder / f"{name}.spell"
    return copy
