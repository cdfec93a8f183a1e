"""The TextMate grammar tests (grammars/run-tests.sh) run as part of the Python suite."""

import shutil
import subprocess
from pathlib import Path

import pytest

RUN_TESTS = Path(__file__).resolve().parent.parent / "grammars" / "run-tests.sh"


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed: cannot run the grammar tests")
def test_grammar_assertions_pass_and_a_wrong_scope_fails():
    result = subprocess.run(["bash", str(RUN_TESTS)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
