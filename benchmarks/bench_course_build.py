"""Benchmark: what `sandbox course build` costs per student, against a world's generation (issue 23).

Builds a course of ``--few`` and of ``--many`` students (notebooks ``--exercises``, ``--scale`` worlds,
``--jobs 1``), each in its own process as an instructor runs it, and counts the CPU time of the whole
process tree. The difference per added student is the build's cost per student; the baseline, measured
in the same run, is generating and saving the same students' worlds alone (what a student's folder
cannot cost less than). What is left is the build's fixed cost (nbgrader's part, imports).

    python benchmarks/bench_course_build.py
    python benchmarks/bench_course_build.py --few 2 --many 10 --exercises 01,02 --scale small
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SANDBOX = Path(sys.executable).parent / "sandbox"
WORLDS = """\
import sys
from sandbox.course.build.seeds import student_seed
from sandbox.generator import generate
for i in range({n}):
    generate(seed=student_seed("salt", f"s{{i:03d}}"), scale={scale!r}).save(f"{out}/s{{i:03d}}", include_truth=False)
"""


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one command."""
    cpu, started = children_cpu(), time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{run.stderr[-3000:]}")
    return time.perf_counter() - started, children_cpu() - cpu


def roster(folder: Path, n: int) -> Path:
    path = folder / f"roster{n}.csv"
    path.write_text("student_id\n" + "".join(f"s{i:03d}\n" for i in range(n)))
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--few", type=int, default=2)
    p.add_argument("--many", type=int, default=10)
    p.add_argument("--exercises", default="01,02")
    p.add_argument("--scale", default="small")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-course-build-"))
    try:
        builds, worlds = {}, {}
        for n in (args.few, args.many):
            builds[n] = measure([str(SANDBOX), "course", "build", str(work / f"course{n}"), "--roster",
                                 str(roster(work, n)), "--exercises", args.exercises, "--scale", args.scale,
                                 "--jobs", "1"])
            worlds[n] = measure([sys.executable, "-c", WORLDS.format(n=n, scale=args.scale, out=work / f"worlds{n}")])
        added = args.many - args.few
        per_student = (builds[args.many][1] - builds[args.few][1]) / added
        per_world = (worlds[args.many][1] - worlds[args.few][1]) / added
        print(f"{args.exercises} on {args.scale} worlds, --jobs 1; CPU of every process of the run")
        print(f"{'students':>8} {'build wall':>11} {'build CPU':>10} {'worlds alone CPU':>17}")
        for n in (args.few, args.many):
            print(f"{n:>8} {builds[n][0]:>10.1f}s {builds[n][1]:>9.1f}s {worlds[n][1]:>16.1f}s")
        print(f"per added student: build {per_student:.2f} CPU s, its world alone {per_world:.2f} CPU s "
              f"({per_student / per_world:.2f}x)")
        print(f"fixed cost of a build (nbgrader's part, imports): {builds[args.few][1] - args.few * per_student:.1f} CPU s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
