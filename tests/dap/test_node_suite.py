"""The extension's DebugClient suite (node, @vscode/debugadapter-testsupport) against
`python -m spell_lsp dap`, so `make test` runs it too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .client import ROOT

SUITE = ROOT / "vscode-extension" / "test" / "dap"
NPM = shutil.which("npm")


def npm(*args: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, SPELL_PYTHON=sys.executable)
    return subprocess.run([NPM, *args], cwd=SUITE, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.skipif(NPM is None, reason="npm is not installed")
def test_debug_client_suite_passes():
    if not (SUITE / "node_modules" / "@vscode" / "debugadapter-testsupport").is_dir():
        installed = npm("ci", "--no-audit", "--no-fund", timeout=180)
        assert installed.returncode == 0, installed.stderr
    run = npm("test", timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 3" in run.stdout
