"""Evaluator benchmarks: a recursive `defn` (against the same function in plain Python,
measured in the same run) and evaluating the 2 MB transcript-shaped program.

Run: python benchmarks/bench_eval.py (or `make bench` for every table).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import spell_lsp  # noqa: E402,F401  (registers the core namespaces)
from spell_lsp.lang import evaluate_program, run_deep  # noqa: E402
from spell_lsp.syntax.lenient import read_lenient  # noqa: E402

FIB_N = 20
FIB_SOURCE = (f"(do (defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) "
              f"(fib {FIB_N}))")
TARGET_2MB_MS = 150.0


def best_of(fn: Callable[[], object], runs: int) -> float:
    """Best wall time in seconds over `runs` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def py_fib(n: int) -> int:
    return n if n < 2 else py_fib(n - 1) + py_fib(n - 2)


def calls_of_fib(n: int) -> int:
    return 1 if n < 2 else 1 + calls_of_fib(n - 1) + calls_of_fib(n - 2)


def bench_fib() -> list[tuple[str, str, str, str]]:
    form = read_lenient(FIB_SOURCE).form
    ours = best_of(lambda: run_deep(lambda: evaluate_program(form)), 3)
    python = best_of(lambda: py_fib(FIB_N), 5)
    calls = calls_of_fib(FIB_N)
    return [(f"recursive defn (fib {FIB_N}, {calls} calls)", f"{ours * 1000:.1f} ms",
             f"{python * 1000:.2f} ms (plain Python)", f"{ours / python:.0f}x")]


def bench_transcript() -> list[tuple[str, str, str, str]]:
    from inputs import transcript_program
    text = transcript_program()
    form = read_lenient(text).form
    eval_only = best_of(lambda: run_deep(lambda: evaluate_program(form)), 5)
    read_and_eval = best_of(lambda: run_deep(
        lambda: evaluate_program(read_lenient(text).form)), 3)
    size = f"{len(text.encode()) / 1e6:.1f} MB"
    verdict = "ok" if eval_only * 1000 <= TARGET_2MB_MS else "OVER TARGET"
    return [(f"evaluate {size} transcript (forms already read)", f"{eval_only * 1000:.1f} ms",
             f"target {TARGET_2MB_MS:.0f} ms", f"{eval_only * 1000 / TARGET_2MB_MS:.2f} ({verdict})"),
            (f"read + evaluate {size} transcript", f"{read_and_eval * 1000:.1f} ms", "", "")]


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    print(f"\n{title}")
    for r in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def main() -> int:
    rows = bench_fib() + bench_transcript()
    print_table("Evaluator", ("benchmark", "ours", "reference", "ratio"), rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
