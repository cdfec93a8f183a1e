"""`make demo`: check and evaluate the language examples, then run two offline agents
(scripted model, no network, no API key) in a scratch copy of their workspaces and show
their turns and journal. Exits non-zero if anything fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPELL = [sys.executable, "-m", "spell_lsp"]
AGENTS = ("hello-fork", "fix-bug")


def step(title: str, *args: str, cwd: Path | None = None) -> str:
    print(f"\n$ spell {' '.join(args)}", flush=True)
    done = subprocess.run([*SPELL, *args], cwd=cwd, text=True, capture_output=True)
    sys.stdout.write(done.stderr + done.stdout)
    if done.returncode != 0:
        raise SystemExit(f"demo step failed ({title}): exit {done.returncode}")
    return done.stderr


def main() -> int:
    print("== The language: reader diagnostics and evaluation")
    step("check", "check", str(HERE / "language"))
    for program in sorted((HERE / "language").glob("*.spell")):
        step("eval", "eval", str(program))
    print("\n== Agents: offline runs with the scripted model")
    with tempfile.TemporaryDirectory(prefix="spell-demo-") as tmp:
        journal = ""
        for name in AGENTS:
            workspace = Path(tmp) / name
            shutil.copytree(HERE / "agents" / name, workspace)
            stderr = step(name, "run", f"{name}.spell", cwd=workspace)
            journal = stderr.strip().splitlines()[-1].removeprefix("journal: ")
        step("trace", "trace", "show", journal)
    print("\ndemo finished: every step succeeded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
