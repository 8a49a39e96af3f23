"""Benchmark: autograde a synthetic class with 1 and 2 warm workers, on a Dask cluster, and with plain nbgrader.

Builds a course from solutions/ (notebooks 01-03 by default) for ``--students``
students, hands in the reference solutions for everyone with a few planted
mistakes (every 4th student gets question 1 of the first exercise wrong, every
5th misses the last exercise's question 2, one student submits nothing for
the second exercise), regenerates every student's world once (the grading
cache), then times ``autograde_course(jobs=1)`` and ``autograde_course(jobs=2)``,
the same on a 2-worker Dask ``LocalCluster`` (``--dask``), on the same
submissions, from the same empty state, in the same run, and plain ``nbgrader
autograde`` + ``generate_feedback`` (one process, checks inside the student's
kernel, no isolation) on the same submissions as the baseline cost.

CPU is the user + system time of every process of the run (this one, the
workers, nbgrader, bubblewrap and the kernels inside it), sampled from /proc
every 0.1 s: kernels in bubblewrap's pid namespace never reach our rusage.

Prints wall time, seconds per submission of each, CPU per submission against
plain nbgrader (target <= 0.6x), the speed-up of --jobs 2 (target >= 1.8x on
2 cores) and the load average (other work on the machine slows every run),
and checks that every run wrote the same scores, which caught every planted
mistake.

    python benchmarks/bench_autograde.py                  # 30 students x 01-03
    python benchmarks/bench_autograde.py --students 4 --scale tiny   # quick
    python benchmarks/bench_autograde.py --no-plain --no-dask        # only the --jobs speed-up
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from sandbox.course import autograde_course, build_course  # noqa: E402
from sandbox.course.grades import write_grades  # noqa: E402
from sandbox.course.isolation import detect_mode  # noqa: E402
from sandbox.course.nbgrader_adapter import require, run_nbgrader  # noqa: E402
from sandbox.course.grading_data import student_dataset  # noqa: E402
from sandbox.course.synthetic import submit  # noqa: E402

TARGET_SPEEDUP = 1.8
TARGET_CPU = 0.6
WRONG = "__wrong__ = None\nraise RuntimeError('planted mistake')"


def planted_mistakes(students: list[str], assignments: list[str]) -> dict:
    """(student, assignment) -> overrides; a missing key in `skip` means no submission."""
    overrides, skip = {}, set()
    for i, sid in enumerate(students):
        if i % 4 == 1:
            overrides[(sid, assignments[0])] = {"q1_answer": WRONG}
        if i % 5 == 2:
            overrides[(sid, assignments[-1])] = {"q2_answer": WRONG}
    if len(students) > 3 and len(assignments) > 1:
        skip.add((students[3], assignments[1]))
    return overrides, skip


def reset(course: Path, gradebook_copy: Path) -> None:
    for name in ("autograded", "feedback"):
        shutil.rmtree(course / name, ignore_errors=True)
    for name in ("grades.csv", "autograde_status.json"):
        (course / name).unlink(missing_ok=True)
    shutil.copyfile(gradebook_copy, course / "gradebook.db")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--exercises", default="01,02,03")
    parser.add_argument("--scale", default="small", help="scale of each student's world")
    parser.add_argument("--jobs", default="1,2", help="worker counts to compare; the first is the baseline")
    parser.add_argument("--dask", action=argparse.BooleanOptionalAction, default=True,
                        help="also grade on a 2-worker Dask LocalCluster (default: yes)")
    parser.add_argument("--plain", action=argparse.BooleanOptionalAction, default=True,
                        help="also grade with plain nbgrader, the CPU baseline (default: yes)")
    parser.add_argument("--keep", action="store_true", help="keep the course folder and print its path")
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",")]

    work = Path(tempfile.mkdtemp(prefix="bench_autograde-"))
    course = work / "bench_course"
    roster = work / "roster.csv"
    students = [f"s{i:03d}" for i in range(args.students)]
    roster.write_text("student_id\n" + "\n".join(students) + "\n")
    print(f"cores: {os.cpu_count()}; students: {args.students}; exercises: {args.exercises}; "
          f"worlds: {args.scale}", flush=True)

    t = time.perf_counter()
    built = build_course(course, roster=roster, salt="bench", exercises=args.exercises.split(","),
                         scale=args.scale, jobs=max(jobs_list), progress=False)
    assignments = built.settings.assignments
    print(f"build (course + {len(students)} release worlds, {max(jobs_list)} jobs): {time.perf_counter() - t:.1f} s",
          flush=True)
    overrides, skip = planted_mistakes(students, assignments)
    n_submissions = 0
    for sid in students:
        for a in assignments:
            if (sid, a) not in skip:
                submit(course, sid, a, overrides.get((sid, a)))
                n_submissions += 1
    t = time.perf_counter()
    for sid in students:
        student_dataset(course, sid)
    print(f"grading worlds regenerated once (cached for every run): {time.perf_counter() - t:.1f} s", flush=True)
    gradebook_copy = work / "gradebook.clean.db"
    shutil.copyfile(course / "gradebook.db", gradebook_copy)

    runs = [(f"sandbox --jobs {j}", {"jobs": j}) for j in jobs_list]
    if args.dask:
        runs.append(("sandbox dask 2 workers", {"scheduler": "local"}))
    times, cpus, grades = {}, {}, {}
    for name, options in runs:
        reset(course, gradebook_copy)
        load = os.getloadavg()[0]
        with TreeCPU() as cpu, cluster_for(options) as options:
            t = time.perf_counter()
            report = autograde_course(course, progress=False, **options)
            times[name] = time.perf_counter() - t
        cpus[name] = cpu.seconds
        grades[name] = pd.read_csv(report.grades_csv, dtype=str)
        ungradable = [o for o in report.outcomes if o.status == "ungradable"]
        print(f"{name}: {times[name]:.1f} s wall, {times[name] / n_submissions:.2f} s per submission "
              f"({n_submissions} submissions, {len(ungradable)} ungradable); CPU {cpu.seconds:.0f} s = "
              f"{cpu.seconds / n_submissions:.2f} s per submission; load average before: {load:.2f}", flush=True)
        print(f"  CPU by process: {cpu.breakdown()}; the sampler thread (not counted): {cpu.own:.1f} s", flush=True)

    plain = plain_cpu = plain_grades = None
    if args.plain:
        reset(course, gradebook_copy)
        load = os.getloadavg()[0]
        with TreeCPU() as cpu:
            t = time.perf_counter()
            for a in assignments:
                require(run_nbgrader(["autograde", a, "--force"], course, time_limit=24 * 3600))
                require(run_nbgrader(["generate_feedback", a, "--force"], course, time_limit=24 * 3600))
            plain = time.perf_counter() - t
        plain_cpu = cpu.seconds
        plain_grades = pd.read_csv(write_grades(course, built.settings, {}), dtype=str)
        print(f"plain nbgrader autograde + generate_feedback (1 process, in-kernel checks, no isolation): "
              f"{plain:.1f} s wall, {plain / n_submissions:.2f} s per submission; CPU {plain_cpu:.0f} s; "
              f"load average before: {load:.2f}", flush=True)

    base = runs[0][0]
    print(f"\nisolation: {detect_mode()}; {n_submissions} submissions; load average now: {os.getloadavg()[0]:.2f}")
    print("run                      wall_s  s/submission  CPU_s/submission  CPU vs plain")
    if plain is not None:
        print(f"{'plain nbgrader':24} {plain:6.1f}  {plain / n_submissions:12.2f}  "
              f"{plain_cpu / n_submissions:16.2f}  {1:11.2f}x")
    for name, _ in runs:
        ratio = f"{cpus[name] / plain_cpu:11.2f}x" if plain is not None else f"{'-':>12}"
        print(f"{name:24} {times[name]:6.1f}  {times[name] / n_submissions:12.2f}  "
              f"{cpus[name] / n_submissions:16.2f}  {ratio}")
    ok = True
    if plain is not None:
        per_1 = cpus[base] / plain_cpu
        print(f"CPU per submission, {base} vs plain nbgrader: {per_1:.2f}x "
              f"({'meets' if per_1 <= TARGET_CPU else 'MISSES'} the <= {TARGET_CPU}x target)")
        scores = [c for c in plain_grades.columns if c != "status"]
        same_as_plain = plain_grades[scores].equals(grades[base][scores])
        print(f"plain nbgrader gave the same scores: {same_as_plain}")
    if len(jobs_list) > 1:
        speedup = times[base] / times[runs[1][0]]
        verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
        print(f"speed-up {runs[1][0]} vs {base}: {speedup:.2f}x ({verdict} the {TARGET_SPEEDUP}x target)")
    same = all(g.equals(grades[base]) for g in grades.values())
    print(f"identical grades.csv across runs: {same}")
    ok &= same
    g = grades[base].set_index("student_id")
    caught = all(float(g.loc[sid, f"{a}:{next(iter(o))[:-7]}"]) == 0 for (sid, a), o in overrides.items())
    skipped = all(f"{a}: missing" in g.loc[sid, "status"] for sid, a in skip)
    perfect = [sid for sid in students if not any(k[0] == sid for k in list(overrides) + list(skip))]
    full = all(float(g.loc[sid, col]) == top for sid in perfect for col, top in autograded_max(course).items())
    print(f"planted mistakes scored 0: {caught}; missing submission reported: {skipped}; "
          f"clean students have every autograded point: {full}")
    ok &= caught and skipped and full
    if args.keep:
        print(f"course kept in {course}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def process_kind(p, me) -> str:
    """What a process of the grading run is: this process, a worker, a kernel template, a kernel, bubblewrap..."""
    if p.pid == me.pid:
        return "bench (parent)"
    cmd = " ".join(p.cmdline())
    if "kernel_template" in cmd:
        return "kernel" if p.uids().real != 0 else "template"
    for needle, kind in (("grade_worker", "grade worker"), ("ipykernel", "kernel"), ("kernel_run", "kernel"),
                         ("bwrap", "bubblewrap"), ("nbgrader", "nbgrader"), ("distributed", "dask")):
        if needle in cmd:
            return kind
    return p.name() or "other"


class TreeCPU:
    """CPU seconds (user + system) of this process and every descendant, sampled every 0.1 s.

    A process's last sample before it exits counts, so up to 0.1 s of each
    process's life may be missed; the same holds for every run compared.
    """

    def __init__(self):
        import psutil

        self.me = psutil.Process()
        self.seen: dict[tuple[int, float], float] = {}
        self.system: dict[tuple[int, float], float] = {}
        self.kinds: dict[tuple[int, float], str] = {}
        self.stop = threading.Event()
        self.seconds = 0.0

    def sample(self) -> None:
        import psutil

        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                t = p.cpu_times()
                key = (p.pid, p.create_time())
                self.seen[key] = t.user + t.system
                self.system[key] = t.system
                if key not in self.kinds or self.kinds[key] == "template":  # a template's fork becomes a kernel
                    self.kinds[key] = process_kind(p, self.me)
            except psutil.Error:
                pass

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.sample()
        self.own = time.thread_time()

    def __enter__(self):
        self.sample()
        self.start = dict(self.seen)
        self.start_system = dict(self.system)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sample()
        # the sampler thread's own CPU is not the run's
        self.seconds = sum(self.seen.values()) - sum(self.start.values()) - self.own
        self.by_kind: dict[str, list[float]] = {}  # kind -> [CPU s, of which system s, processes]
        for key, seconds in self.seen.items():
            row = self.by_kind.setdefault(self.kinds.get(key, "other"), [0.0, 0.0, 0])
            before = self.start.get(key, 0.0)
            row[0] += seconds - before - (self.own if key[0] == self.me.pid else 0.0)
            row[1] += self.system[key] - (self.start_system.get(key, 0.0))
            row[2] += key not in self.start

    def breakdown(self) -> str:
        """CPU seconds by kind of process (user+system, system, new processes), largest first."""
        rows = sorted(self.by_kind.items(), key=lambda kv: -kv[1][0])
        return "; ".join(f"{kind} {cpu:.1f} s (sys {sys_:.1f}, {n} procs)" for kind, (cpu, sys_, n) in rows)


@contextlib.contextmanager
def cluster_for(options: dict):
    """``options`` with a 2-worker Dask LocalCluster's address for ``scheduler="local"``."""
    if options.get("scheduler") != "local":
        yield options
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield {**options, "scheduler": cluster.scheduler_address}


def autograded_max(course: Path) -> dict[str, float]:
    """grades.csv column -> max points, for the autograded (code test) cells."""
    from nbgrader.api import Gradebook

    from sandbox.course.gradebook import db_url

    with Gradebook(db_url(course / "gradebook.db")) as gb:
        return {f"{a.name}:{c.name}": float(c.max_score) for a in gb.assignments for nb in a.notebooks
                for c in nb.grade_cells if c.cell_type == "code"}


if __name__ == "__main__":
    sys.exit(main())
