"""Debug adapter benchmarks over stdio, as a client sees them: `next` round trip,
`stepBack`/`reverseContinue` across 200 turns, `restartFrame` of the 200th turn (a branch
served from the journal), `variables` on a 1 MB effect result, and launch to first stop.

Run: python benchmarks/bench_dap.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.dap.client import DapClient  # noqa: E402

WRAP = '(quine completion (eval (do (quine prompt "bench")\n  {body})))\n'
FORMS = "\n  ".join(f"(def a{i} (+ {i} 1))" for i in range(400)) + "\n  '(!extend)"
TURNS = 200
STEPS = 300


def agent(folder: Path, body: str, suffixes: list[str]) -> Path:
    program = folder / "bench.spell"
    program.write_text(WRAP.format(body=body))
    (folder / "bench.script.jsonl").write_text(
        "".join(json.dumps({"suffix": s}) + "\n" for s in suffixes))
    return program


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def session(program: Path, **start) -> DapClient:
    dap = DapClient()
    dap.start({"program": str(program), **start.pop("launch", {})}, **start)
    return dap


def launch_to_first_stop(folder: Path) -> float:
    program = agent(folder, "'(!extend)", [])
    samples = []
    for _ in range(5):
        dap = DapClient()
        dap.ok("initialize", {"adapterID": "spell"})
        started = time.perf_counter()
        dap.ok("launch", {"program": str(program), "stopOnEntry": True})
        dap.ok("configurationDone")
        dap.stopped()
        samples.append((time.perf_counter() - started) * 1000)
        dap.close()
    return statistics.median(samples)


def next_round_trips(folder: Path) -> list[float]:
    dap = session(agent(folder, FORMS, []), launch={"stopOnEntry": True})
    dap.stopped()
    samples = []
    for _ in range(STEPS):
        samples.append(timed(lambda: (dap.ok("next", {"threadId": 1}), dap.stopped())))
    dap.close()
    return samples


def long_run(folder: Path) -> Path:
    """An agent of TURNS turns whose last turn calls `str`."""
    suffixes = [f"(def t{i} {i}) '(!extend)))" for i in range(TURNS - 1)] + ['(str "end"))))']
    return agent(folder, "'(!extend)", suffixes)


def travel_across_turns(folder: Path) -> tuple[float, float]:
    """(stepBack ms, reverseContinue over every recorded turn ms), each with its stack."""
    dap = session(long_run(folder), functions=["str"])
    dap.stopped(timeout=120)

    def move(command: str) -> None:
        dap.ok(command, {"threadId": 1})
        dap.stopped()
        dap.ok("stackTrace", {"threadId": 1, "levels": 20})
    back = timed(lambda: move("stepBack"))
    dap.ok("next", {"threadId": 1})
    dap.stopped()
    reverse = timed(lambda: move("reverseContinue"))
    dap.close()
    return back, reverse


def restart_last_turn(folder: Path) -> float:
    """restartFrame on the last of TURNS turns until the branch stops there (every earlier
    turn served from the journal)."""
    dap = session(long_run(folder), functions=["str"])
    dap.stopped(timeout=120)
    frame = next(f for f in dap.ok("stackTrace", {"threadId": 1})["stackFrames"]
                 if f["name"].startswith("turn "))

    def restart() -> None:
        dap.ok("restartFrame", {"frameId": frame["id"]})
        dap.stopped(timeout=120)
    elapsed = timed(restart)
    dap.close()
    return elapsed


def variables_on_big_effect(folder: Path) -> float:
    (folder / "big.txt").write_text("x" * 1_000_000)
    suffixes = ["'(!call-now big (io/slurp \"big.txt\")))))", "(count big))))"]
    dap = session(agent(folder, "'(!extend)", suffixes), filters=["selfEdit"])
    dap.stopped()
    frame = dap.top_frame()

    def effects() -> None:
        scopes = dap.ok("scopes", {"frameId": frame["id"]})["scopes"]
        ref = next(s["variablesReference"] for s in scopes if s["name"] == "Effects")
        dap.ok("variables", {"variablesReference": ref})
    elapsed = timed(effects)
    dap.close()
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("launch", "next", "travel", "restart", "big"):
            (root / name).mkdir()
        launch = launch_to_first_stop(root / "launch")
        steps = next_round_trips(root / "next")
        back, reverse = travel_across_turns(root / "travel")
        restart = restart_last_turn(root / "restart")
        big = variables_on_big_effect(root / "big")
    rows = [("measure", "ms", "target (ms)"),
            ("next round trip p50", f"{percentile(steps, 0.5):.2f}", "10"),
            ("next round trip p99", f"{percentile(steps, 0.99):.2f}", ""),
            (f"stepBack (of {TURNS} turns) + stackTrace", f"{back:.2f}", "100"),
            (f"reverseContinue across {TURNS} turns + stackTrace", f"{reverse:.2f}", "100"),
            (f"restartFrame of turn {TURNS - 1} to its stop", f"{restart:.2f}", ""),
            ("scopes + variables, 1 MB effect result", f"{big:.2f}", "20"),
            ("launch to first stop (median of 5)", f"{launch:.2f}", "500")]
    print("\nDebug adapter (client round trips over stdio)")
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
