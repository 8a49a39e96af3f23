"""Benchmark: autograde a synthetic class with 1 and 2 warm workers, on a Dask cluster, and with plain nbgrader.

Builds a course from solutions/ (notebooks 01-03 by default) for ``--students``
students, regenerates every student's world once (the grading cache), hands in
the reference solutions for everyone with planted mistakes (tests/synthetic.py:
per notebook, three typical mistakes the judge names, given to about a half, a
third and a fifth of the class and fewer in later notebooks, a question left, a
wrong answer no mistake explains; one student submits nothing for the second
exercise), then times ``autograde_course(jobs=1)`` and ``autograde_course(jobs=2)``,
the same on a 2-worker Dask ``LocalCluster`` (``--dask``), on the same
submissions, from the same empty state, in the same run, and plain ``nbgrader
autograde`` + ``generate_feedback`` (one process, checks inside the student's
kernel, no isolation) on the same submissions as the baseline cost.

CPU is the user + system time of every process of the run (this one, the
workers, nbgrader, bubblewrap and the kernels inside it): counted exactly by a
cpuacct cgroup where the benchmark may make one (as root), else sampled from
/proc every 0.1 s (kernels in bubblewrap's pid namespace never reach our
rusage). Each run also prints the whole machine's busy, idle and stolen CPU
(other work on the machine shows there) and, for local workers, when each was
busy and how long one waited for the other at the end.

Prints wall time, seconds per submission of each, CPU per submission against
plain nbgrader (target <= 0.6x), the speed-up of --jobs 2 (target >= 1.8x on
2 cores) and the load average (other work on the machine slows every run),
and checks that every run wrote the same scores, which caught every planted
mistake. After each run it builds the class report (``sandbox course report``,
target < 5 CPU s) and checks that it counts every planted mistake exactly.

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # synthetic submissions: a test helper

import pandas as pd  # noqa: E402

from sandbox.course import autograde_course, build_course  # noqa: E402
from sandbox.course.build.worlds import student_dataset  # noqa: E402
from sandbox.course.grade.grades import write_grades  # noqa: E402
from sandbox.course.kernel.isolation import detect_mode  # noqa: E402
from sandbox.course.nbgrader_adapter import require, run_nbgrader  # noqa: E402
from synthetic import planted_counts, reported_counts, submit_planted_class  # noqa: E402

TARGET_SPEEDUP = 1.8
TARGET_CPU = 0.6
TARGET_REPORT = 5.0


def reset(course: Path, gradebook_copy: Path) -> None:
    for name in ("autograded", "feedback", "verdicts"):
        shutil.rmtree(course / name, ignore_errors=True)
    for name in ("sandbox_grades.csv", "autograde_status.json"):
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
    t = time.perf_counter()
    for sid in students:
        student_dataset(course, sid)
    print(f"grading worlds regenerated once (cached for every run): {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    planted, missing = submit_planted_class(course, students, assignments)
    skip = {missing} if missing else set()
    n_submissions = len(students) * len(assignments) - len(skip)
    print(f"submissions with planted mistakes handed in (each checked on its student's worlds): "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    gradebook_copy = work / "gradebook.clean.db"
    shutil.copyfile(course / "gradebook.db", gradebook_copy)

    runs = [(f"sandbox --jobs {j}", {"jobs": j}) for j in jobs_list]
    if args.dask:
        runs.append(("sandbox dask 2 workers", {"scheduler": "local"}))
    times, cpus, grades, reports = {}, {}, {}, {}
    for name, options in runs:
        reset(course, gradebook_copy)
        load = os.getloadavg()[0]
        with TreeCPU() as cpu, cluster_for(options) as options, WorkerTimeline() as timeline, MachineCPU() as machine:
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
        print(f"  machine: {machine.summary()}", flush=True)
        if timeline.jobs:
            print(f"  workers: {timeline.summary(t, times[name])}", flush=True)
        reports[name] = class_report(course, work / f"class_report_{len(reports)}.html")
        print(f"  class report: {reports[name][0]:.2f} CPU s, {reports[name][1]:.2f} s wall; its counts equal the "
              f"planted ones: {reports[name][2] == planted_counts(planted)}", flush=True)

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
        cores = min(jobs_list[1], os.cpu_count())
        used = cpus[base] / times[base]
        print(f"  {base} kept {used:.2f} cores busy on average, so {cores} cores can give at most "
              f"{cores / used:.2f}x (if more jobs add no CPU)")
    same = all(g.equals(grades[base]) for g in grades.values())
    print(f"identical grades.csv across runs: {same}")
    ok &= same
    g = grades[base].set_index("student_id")
    caught = all(float(g.loc[sid, f"{a}:{p.question}"]) == 0 for (sid, a), plants in planted.items() for p in plants)
    skipped = all(f"{a}: missing" in g.loc[sid, "status"] for sid, a in skip)
    perfect = [sid for sid in students if not any(k[0] == sid for k in list(planted) + list(skip))]
    full = all(float(g.loc[sid, col]) == top for sid in perfect for col, top in autograded_max(course).items())
    print(f"planted mistakes scored 0: {caught}; missing submission reported: {skipped}; "
          f"clean students have every autograded point: {full}")
    counted = all(counts == planted_counts(planted) for _, _, counts in reports.values())
    worst = max(cpu for cpu, _, _ in reports.values())
    print(f"class report (sandbox course report, {len(planted_counts(planted))} planted outcomes): every run's "
          f"counts equal the planted ones: {counted}; CPU {worst:.2f} s at most "
          f"({'meets' if worst < TARGET_REPORT else 'MISSES'} the < {TARGET_REPORT:.0f} s target)")
    ok &= caught and skipped and full and counted
    if args.keep:
        print(f"course kept in {course}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


def class_report(course: Path, out: Path) -> tuple[float, float, object]:
    """(CPU s, wall s, counts) of `sandbox course report` on the course, run as an instructor runs it."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sandbox", "course", "report", str(course), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, wall, reported_counts(out.with_suffix(".csv"))


def process_kind(p, me) -> str:
    """What a process of the grading run is: this process, a worker, a kernel template, a kernel, bubblewrap..."""
    if p.pid == me.pid:
        return "bench (parent)"
    cmd = " ".join(p.cmdline())
    if "kernel_template" in cmd:
        return "kernel" if p.uids().real != 0 else "template"
    for needle, kind in (("sandbox.course.grade ", "grade worker"), ("ipykernel", "kernel"), ("kernel_run", "kernel"),
                         ("bwrap", "bubblewrap"), ("nbgrader", "nbgrader"), ("distributed", "dask")):
        if needle in cmd:
            return kind
    return p.name() or "other"


CGROUP_CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class TreeCPU:
    """CPU seconds (user + system) of this process and every descendant.

    Exact where this process may make a cgroup (v1 cpuacct, as root): the run's
    processes are counted by the kernel, the short-lived ones and those in
    bubblewrap's pid namespace included. The breakdown by kind of process is
    sampled (every 0.5 s then, else every 0.1 s, which is also the total):
    a process's last sample before it exits counts, so some of each process's
    life may be missed there; the same holds for every run compared.
    """

    def __init__(self):
        import psutil

        self.me = psutil.Process()
        self.group = None  # the cgroup folder while the run is counted there
        self.exact = None  # its CPU seconds (None without a cgroup)
        self.interval = 0.1
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
        while not self.stop.wait(self.interval):
            self.sample()
        self.own = time.thread_time()

    def enter_cgroup(self) -> None:
        """Move this process into a new cpuacct cgroup (its children then start there); no-op where not allowed."""
        group = CGROUP_CPUACCT / f"sandbox-bench-{os.getpid()}"
        try:
            group.mkdir()
            (group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            return
        self.group, self.interval = group, 0.5
        self.usage_start = int((group / "cpuacct.usage").read_text())

    def leave_cgroup(self) -> None:
        """The cgroup's CPU seconds since entering; move back and remove it (once its processes are gone)."""
        self.exact = (int((self.group / "cpuacct.usage").read_text()) - self.usage_start) / 1e9
        (CGROUP_CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        for _ in range(50):
            try:
                self.group.rmdir()
                break
            except OSError:
                time.sleep(0.1)  # a process of the run still exiting

    def __enter__(self):
        self.enter_cgroup()
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
        self.sampled = sum(self.seen.values()) - sum(self.start.values()) - self.own
        if self.group is not None:
            self.leave_cgroup()
            self.exact -= self.own
        self.seconds = self.exact if self.exact is not None else self.sampled
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
        text = "; ".join(f"{kind} {cpu:.1f} s (sys {sys_:.1f}, {n} procs)" for kind, (cpu, sys_, n) in rows)
        if self.exact is not None:
            text += f"; not seen by sampling (exits, short lives) {self.exact - self.sampled:.1f} s"
        return text


class MachineCPU:
    """The whole machine's CPU time during a run, from /proc/stat: busy, idle and stolen core-seconds.

    Shows what the process tree's CPU cannot: cores left idle (waits) and time the
    hypervisor gave to others (steal), which a per-process count never sees.
    """

    FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")

    def read(self) -> dict[str, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        values = Path("/proc/stat").read_text().splitlines()[0].split()[1:1 + len(self.FIELDS)]
        return {k: int(v) / ticks for k, v in zip(self.FIELDS, values)}

    def __enter__(self):
        self.start, self.t0 = self.read(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        end = self.read()
        self.wall = time.perf_counter() - self.t0
        self.delta = {k: end[k] - self.start[k] for k in self.FIELDS}

    def summary(self) -> str:
        d = self.delta
        busy = d["user"] + d["nice"] + d["system"] + d["irq"] + d["softirq"]
        idle = d["idle"] + d["iowait"]
        cores = os.cpu_count() or 1
        return (f"busy {busy:.1f} core-s, idle {idle:.1f} core-s ({idle / (cores * self.wall):.0%} of "
                f"{cores} cores x {self.wall:.1f} s), stolen {d['steal']:.1f} core-s")


class WorkerTimeline:
    """When each local warm worker graded which student: where a run's wall time goes besides grading."""

    def __init__(self):
        self.jobs: list[tuple[str, float, float]] = []  # (worker log name, start, end), perf_counter

    def __enter__(self):
        from sandbox.course.grade.warm import WarmWorker

        self.original = original = WarmWorker.grade
        jobs = self.jobs

        def timed(worker, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(worker, *args, **kwargs)
            finally:
                jobs.append((worker.log_path.name, start, time.perf_counter()))

        WarmWorker.grade = timed
        return self

    def __exit__(self, *exc):
        from sandbox.course.grade.warm import WarmWorker

        WarmWorker.grade = self.original

    def summary(self, t0: float, wall: float) -> str:
        """First student's start, busy share of each worker, and the tail (one worker idle, the other not)."""
        workers = sorted({w for w, _, _ in self.jobs})
        first = min(s for _, s, _ in self.jobs) - t0
        ends = {w: max(e for v, _, e in self.jobs if v == w) - t0 for w in workers}
        busy = {w: sum(e - s for v, s, e in self.jobs if v == w) for w in workers}
        parts = [f"first student sent at {first:.1f} s"]
        parts += [f"{w.lstrip('.')} busy {busy[w]:.1f} s ({busy[w] / wall:.0%}), last done at {ends[w]:.1f} s"
                  for w in workers]
        if len(workers) > 1:
            parts.append(f"tail (a worker idle, another grading) {max(ends.values()) - min(ends.values()):.1f} s")
        parts.append(f"after the last student {wall - max(ends.values()):.1f} s")
        return "; ".join(parts)


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

    from sandbox.course.grade.gradebook import db_url

    with Gradebook(db_url(course / "gradebook.db")) as gb:
        return {f"{a.name}:{c.name}": float(c.max_score) for a in gb.assignments for nb in a.notebooks
                for c in nb.grade_cells if c.cell_type == "code"}


if __name__ == "__main__":
    sys.exit(main())
