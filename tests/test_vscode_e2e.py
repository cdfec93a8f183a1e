"""End-to-end test of the VS Code extension: the packaged .vsix in a real VS Code (code-server),
driven by headless Chromium as a user would (vscode-extension/e2e/scenario.mjs)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "vscode-extension"
E2E = EXTENSION / "e2e"
STEPS = ("01-workspace", "02-highlighting", "03-effect-problem-fix", "04-hover", "05-completion",
         "06-self-edit-stop", "07-effects-scope", "08-step-back", "09-ended", "10-spell-run-view")
# Build outputs and tests do not make a packaged .vsix stale (syntaxes/ is copied from grammars/).
NOT_PACKAGED = {"node_modules", "e2e", "out", "dist", "syntaxes", "test"}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and not Path("/usr/bin/chromium").exists(),
    reason="needs /usr/bin/chromium, and installing it (apt) needs root: "
           "run vscode-extension/e2e/install.sh as root once")


def run(cmd: list[str], cwd: Path, timeout: int) -> None:
    """Runs a build step; its output is part of the failure message."""
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"


def newest_source_mtime() -> float:
    """Latest change among the files the .vsix is built from."""
    sources = list((ROOT / "grammars").glob("*.tmLanguage.json"))
    for entry in EXTENSION.iterdir():
        if entry.name in NOT_PACKAGED or entry.suffix == ".vsix":
            continue
        sources += [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in sources)


def packaged_vsix() -> Path:
    """The extension's .vsix, rebuilt (npm ci when needed, npm run package) unless up to date."""
    version = json.loads((EXTENSION / "package.json").read_text())["version"]
    vsix = EXTENSION / f"spell-{version}.vsix"
    if vsix.exists() and vsix.stat().st_mtime >= newest_source_mtime():
        return vsix
    installed = EXTENSION / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (EXTENSION / "package-lock.json").stat().st_mtime:
        run(["npm", "ci", "--no-audit", "--no-fund"], EXTENSION, timeout=600)
    run(["npm", "run", "package"], EXTENSION, timeout=600)
    assert vsix.exists(), f"npm run package did not produce {vsix.name}"
    return vsix


def test_extension_works_in_code_server_as_a_user_sees_it():
    run(["bash", str(E2E / "install.sh")], E2E, timeout=900)
    artifacts = Path(os.environ.get("SPELL_E2E_ARTIFACTS", E2E / "artifacts"))
    env = {**os.environ, "SPELL_PYTHON": sys.executable, "SPELL_VSIX": str(packaged_vsix()),
           "SPELL_E2E_ARTIFACTS": str(artifacts)}
    result = subprocess.run(["node", "scenario.mjs"], cwd=E2E, env=env, capture_output=True, text=True,
                            timeout=600)
    print(result.stdout)
    assert result.returncode == 0, f"scenario failed:\n{result.stdout[-8000:]}\n{result.stderr[-12000:]}"
    missing = [step for step in STEPS if not (artifacts / f"{step}.png").exists()]
    assert not missing, f"no screenshot for {missing} in {artifacts}"
