"""Benchmark: wall time of each exercise notebook, run top to bottom on the default dataset.

Each solution notebook (``solutions/NN_slug.ipynb``) is executed with nbclient
in a fresh kernel, the way ``sandbox check`` and nbgrader run it. The figure
includes kernel start-up and imports, which a learner pays once. As a
baseline in the same run, an empty notebook (kernel start-up only) is timed
too, and the notebooks' own cost is reported net of it.

Target (issue 3): every notebook runs in under 20 s on the default dataset.

    python benchmarks/bench_notebooks.py
    python benchmarks/bench_notebooks.py --repeats 3
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from sandbox._environment import tool_env
from sandbox._notebooks import notebook_paths, notebooks_dir

TARGET_SECONDS = 20


def run(nb, folder: Path) -> float:
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env=tool_env())  # the kernel runs this environment's Python, as `sandbox check` does
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=1, help="runs per notebook; the best is reported")
    args = parser.parse_args()
    os.environ.pop("SANDBOX_DATASET", None)
    solutions = notebooks_dir("solutions")
    empty = min(run(nbformat.v4.new_notebook(), solutions) for _ in range(args.repeats))
    print(f"kernel start-up (empty notebook): {empty:.1f} s")
    print(f"{'notebook':<24} {'wall s':>7} {'net s':>7} {'target s':>9} {'ok':>4}")
    for path in notebook_paths(solutions):
        best = min(run(nbformat.read(path, as_version=4), path.parent) for _ in range(args.repeats))
        ok = "yes" if best < TARGET_SECONDS else "NO"
        print(f"{path.stem:<24} {best:>7.1f} {best - empty:>7.1f} {TARGET_SECONDS:>9} {ok:>4}")


if __name__ == "__main__":
    main()
