"""Benchmark: how long the command line and a notebook's first cell take to start (issue 13).

Each measurement runs in a fresh interpreter, as a user pays it; the best of ``--repeats`` runs is
kept. In the same run, a bare ``python -c pass`` is timed as the baseline (interpreter start-up,
which no change of ours can remove). The slowest imports of the notebook case are listed from
``python -X importtime``.

Targets: ``sandbox --help`` <= 0.3 s; ``import sandbox`` + ``ex.setup()`` <= 0.6 s.

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --repeats 10
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SANDBOX = Path(sys.executable).parent / "sandbox"
#: A notebook's first cell: the package and one exercise module, questions bound to the namespace.
NOTEBOOK_START = ("import sandbox\n"
                  "from sandbox.exercises import ex01_first_look as ex\n"
                  "questions = ex.setup(globals())\n")
#: What a warm grading worker imports before its first submission (``python -m sandbox.course.grade``).
GRADING_WORKER_START = ("from sandbox.course.kernel.inside.kernel_run import skip_iri_grammar\nskip_iri_grammar()\n"
                        "from sandbox.course.grade import grade_worker\ngrade_worker.warm_up()\n")
CASES = [
    # name, command, target seconds
    ("python -c pass (baseline)", [sys.executable, "-c", "pass"], None),
    ("sandbox --help", [str(SANDBOX), "--help"], 0.3),
    ("import sandbox + ex.setup()", [sys.executable, "-c", NOTEBOOK_START], 0.6),
    # paid once per warm grading worker (and by every `sandbox course` command's course imports)
    ("grading worker imports", [sys.executable, "-c", GRADING_WORKER_START], None),
]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def slowest_imports(code: str, n: int) -> list[tuple[float, str]]:
    """The ``n`` top-level-ish imports with the largest cumulative time (seconds, module)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    rows = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # the package's own imports and what they import directly
            rows.append((int(m.group(1)) / 1e6, m.group(2) + m.group(3)))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs per case; the best is reported")
    args = parser.parse_args()
    print(f"{'case':<30} {'best s':>7} {'target s':>9} {'net of baseline s':>18} {'met':>4}")
    baseline = None
    for name, cmd, target in CASES:
        best = min(wall(cmd) for _ in range(args.repeats))
        baseline = best if baseline is None else baseline
        met = "" if target is None else ("yes" if best <= target else "NO")
        print(f"{name:<30} {best:>7.3f} {target or '':>9} {best - baseline:>18.3f} {met:>4}")
    print(f"\nload average: {os.getloadavg()[0]:.1f} (2 cores busy with other work inflate every figure)")
    print("slowest imports of the notebook case (cumulative s):")
    for seconds, module in slowest_imports(NOTEBOOK_START, 8):
        print(f"  {seconds:6.3f}  {module}")


if __name__ == "__main__":
    main()
