"""Run every benchmark and print its table: `make bench`."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_reader.py", "bench_eval.py", "bench_harness.py", "bench_lsp.py", "bench_dap.py"]


def main() -> int:
    status = 0
    for name in BENCHMARKS:
        sys.argv = [str(HERE / name)]
        try:
            runpy.run_path(str(HERE / name), run_name="__main__")
        except SystemExit as e:
            status = status or (e.code or 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
