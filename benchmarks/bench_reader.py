"""Reader throughput against tree-sitter's Clojure grammar, measured in the same run.

Usage: python benchmarks/bench_reader.py [--runs N]

For each input (a dense 2,000-line program and a 2 MB agent transcript, see inputs.py)
it reports the best of N runs of: our `parse` (lossless tree), our `parse` + lowering to
forms (`read_forms`), and tree-sitter's `parse` of the UTF-8 bytes. Targets: ours within
3x of tree-sitter, and at least 10 MB/s on the transcript. Always exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.inputs import dense_program, transcript_program  # noqa: E402
from spell_lsp.syntax.lower import read_forms  # noqa: E402
from spell_lsp.syntax.reader import parse  # noqa: E402

MAX_RATIO = 3.0
MIN_TRANSCRIPT_MBPS = 10.0


def best_time(fn: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` calls, in seconds (freeing the result is not timed)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        del result
    return best


def tree_sitter_parser() -> Callable[[bytes], object] | None:
    """tree-sitter's Clojure parser, or None (with a note) when it cannot be loaded."""
    try:
        from tree_sitter_language_pack import get_parser
        return get_parser("clojure").parse
    except Exception as error:  # ImportError, or a missing grammar
        print(f"NOTE: tree-sitter is not available ({error}); "
              "install the `bench` extra to compare. Showing our numbers only.\n")
        return None


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--runs", type=int, default=7, help="runs per measurement (best kept)")
    runs = args.parse_args().runs
    ts_parse = tree_sitter_parser()
    inputs = [("dense 2,000 lines", dense_program()), ("transcript 2 MB", transcript_program())]
    header = (f"{'input':<20} {'size':>10} {'parse MB/s':>11} {'+lower MB/s':>12} "
              f"{'tree-sitter MB/s':>17} {'ratio parse':>12} {'ratio +lower':>13}")
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, text in inputs:
        data = text.encode("utf-8")
        mb = len(data) / 1e6
        ours = best_time(lambda: parse(text), runs)
        lowered = best_time(lambda: read_forms(text), runs)
        row = f"{name:<20} {len(data):>10,} {mb / ours:>11.2f} {mb / lowered:>12.2f}"
        if ts_parse is not None:
            theirs = best_time(lambda: ts_parse(data), runs)
            row += (f" {mb / theirs:>17.2f} {ours / theirs:>11.2f}x"
                    f" {lowered / theirs:>12.2f}x")
            for label, ours_time in (("parse", ours), ("parse + lower", lowered)):
                ok = ours_time / theirs <= MAX_RATIO
                verdicts.append(f"{name}: {label} within {MAX_RATIO:.0f}x of tree-sitter: "
                                f"{'yes' if ok else 'NO'}")
        print(row)
        if name.startswith("transcript"):
            verdicts.append(f"{name}: parse + lower >= {MIN_TRANSCRIPT_MBPS:.0f} MB/s: "
                            f"{'yes' if mb / lowered >= MIN_TRANSCRIPT_MBPS else 'NO'}")
    print()
    print(f"best of {runs} runs; ratio = our time / tree-sitter's time (lower is better)")
    for verdict in verdicts:
        print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
