"""`spell check` runs the analysis: every diagnostic with its code, text and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BAD = """(quine completion (eval (do (def r (io/ls "."))
  (def n (cont [1 2]))
  '(!extend))))
"""


def spell(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "spell_lsp", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=cwd, timeout=60)


def test_check_prints_every_diagnostic_with_its_code(tmp_path):
    (tmp_path / "bad.spell").write_text(BAD, encoding="utf-8")
    done = spell("check", "bad.spell", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("bad.spell:1:37: error: `io/ls` is an effect")
    assert lines[0].endswith("[effect-outside-trailing]")
    assert lines[1].startswith("bad.spell:2:11: error: Unbound symbol: cont. Did you mean "
                               "`count`")
    assert lines[1].endswith("[unbound-symbol]")
    assert len(lines) == 2


def test_check_json_has_code_severity_and_range(tmp_path):
    (tmp_path / "bad.spell").write_text(BAD, encoding="utf-8")
    found = json.loads(spell("check", "--format", "json", ".", cwd=tmp_path).stdout)
    unbound = next(d for d in found if d["code"] == "unbound-symbol")
    assert unbound["severity"] == "error"
    assert unbound["range"] == {"start": {"line": 1, "character": 10},
                                "end": {"line": 1, "character": 14}}


def test_check_passes_correct_programs_and_uses_the_profile(tmp_path):
    program = "(quine completion (eval (do (def x 1) '(!call-now r (io/ls \".\")))))\n"
    (tmp_path / "ok.spell").write_text(program, encoding="utf-8")
    assert spell("check", "ok.spell", cwd=tmp_path).returncode == 0
    (tmp_path / "spell.toml").write_text('[profile]\nnamespaces = ["io-read"]\n')
    assert spell("check", "ok.spell", cwd=tmp_path).returncode == 0
    (tmp_path / "spell.toml").write_text("[profile]\nnamespaces = []\n")
    done = spell("check", "ok.spell", cwd=tmp_path)
    assert done.returncode == 1 and "[namespace-not-enabled]" in done.stdout
