"""The VS Code extension builds from a clean checkout: its unit tests pass under the node
test runner and `npm run package` produces a .vsix holding what VS Code loads (manifest,
bundle, grammars, language configuration) and none of the sources or node_modules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[1] / "vscode-extension"
MIN_UNIT_TESTS = 35

pytestmark = pytest.mark.skipif(shutil.which("npm") is None,
                                reason="npm is not installed: cannot build the extension")


def npm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["npm", *args], cwd=EXTENSION, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def installed() -> Path:
    """node_modules from the lockfile (once; later runs reuse it)."""
    if not (EXTENSION / "node_modules" / ".package-lock.json").is_file():
        done = npm("ci", "--no-audit", "--no-fund")
        assert done.returncode == 0, done.stdout + done.stderr
    return EXTENSION


def test_unit_tests_pass(installed):
    done = npm("test")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    counts = {k: int(v) for k, v in re.findall(r"^# (pass|fail) (\d+)$", output, re.M)}
    assert counts.get("fail") == 0, output
    assert counts.get("pass", 0) >= MIN_UNIT_TESTS, output


def test_package_builds_a_vsix_with_only_what_vscode_loads(installed):
    manifest = json.loads((EXTENSION / "package.json").read_text())
    vsix = EXTENSION / f"{manifest['name']}-{manifest['version']}.vsix"
    vsix.unlink(missing_ok=True)
    done = npm("run", "package")
    assert done.returncode == 0, done.stdout + done.stderr
    assert vsix.is_file()
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        packaged = json.loads(z.read("extension/package.json"))
        bundle = z.read("extension/dist/extension.js").decode()
        grammar = json.loads(z.read("extension/syntaxes/spell.tmLanguage.json"))
    for name in ("extension/package.json", "extension/dist/extension.js",
                 "extension/syntaxes/spell.tmLanguage.json",
                 "extension/syntaxes/spell-markdown-injection.tmLanguage.json",
                 "extension/language-configuration.json", "extension/readme.md",
                 "extension/changelog.md", "extension/LICENSE.txt", "extension.vsixmanifest"):
        assert name in names, sorted(names)
    assert not [n for n in names if "node_modules/" in n or n.startswith("extension/src/")
                or n.startswith("extension/test/") or n.endswith((".ts", ".map"))], sorted(names)
    # the packaged grammar is the generated one, and every path the manifest names is there
    source = json.loads((EXTENSION.parent / "grammars" / "spell.tmLanguage.json").read_text())
    assert grammar == source
    contributed = [g["path"] for g in packaged["contributes"]["grammars"]] + \
        [l["configuration"] for l in packaged["contributes"]["languages"]] + \
        [s["media"]["markdown"] for w in packaged["contributes"]["walkthroughs"] for s in w["steps"]]
    for path in contributed:
        assert "extension/" + path.removeprefix("./") in names, path
    # the language client is bundled (vscode is the only external module)
    assert re.search(r'require\("vscode"\)', bundle)
    assert not re.search(r'require\("vscode-languageclient', bundle)
