"""Benchmark: autograde a synthetic class with 1 and with 2 worker processes.

Builds a course from solutions/ (notebooks 01-03 by default) for ``--students``
students, hands in the reference solutions for everyone with a few planted
mistakes (every 4th student gets question 1 of the first exercise wrong, every
5th misses the last exercise's question 2, one student submits nothing for
the second exercise), regenerates every student's world once (the grading
cache), then times ``autograde_course(jobs=1)`` and ``autograde_course(jobs=2)``
on the same submissions, from the same empty state, in the same run, and plain
``nbgrader autograde`` (one process, checks inside the student's kernel, no
isolation) on the same submissions as the baseline cost.

Prints wall time, seconds per submission of each, the speed-up (target >= 1.7x
on 2 cores), the cost per submission against plain nbgrader (target with
isolation: no more), and checks that every run wrote the same scores, which
caught every planted mistake.

    python benchmarks/bench_autograde.py                  # 30 students x 01-03
    python benchmarks/bench_autograde.py --students 4 --scale tiny   # quick
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
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

TARGET_SPEEDUP = 1.7
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

    times, grades = {}, {}
    for jobs in jobs_list:
        reset(course, gradebook_copy)
        load = os.getloadavg()[0]
        cpu = children_cpu()
        t = time.perf_counter()
        report = autograde_course(course, jobs=jobs, progress=True)
        times[jobs] = time.perf_counter() - t
        cpu = children_cpu() - cpu
        grades[jobs] = pd.read_csv(report.grades_csv, dtype=str)
        ungradable = [o for o in report.outcomes if o.status == "ungradable"]
        # CPU seconds of the grading processes / wall time: how many cores the run kept busy
        # (the machine's load average says how many other processes competed for the 2 cores).
        # Kernels inside bubblewrap's pid namespace are not counted: their parent is not our child.
        print(f"--jobs {jobs}: {times[jobs]:.1f} s wall, {times[jobs] / n_submissions:.2f} s per submission "
              f"({n_submissions} submissions, {len(ungradable)} ungradable); grading CPU {cpu:.0f} s = "
              f"{cpu / times[jobs]:.2f} cores busy; load average before: {load:.2f}", flush=True)

    reset(course, gradebook_copy)
    load = os.getloadavg()[0]
    cpu = children_cpu()
    t = time.perf_counter()
    for a in assignments:
        require(run_nbgrader(["autograde", a, "--force"], course, time_limit=24 * 3600))
    plain = time.perf_counter() - t
    cpu = children_cpu() - cpu
    plain_grades = pd.read_csv(write_grades(course, built.settings, {}), dtype=str)
    print(f"plain `nbgrader autograde` (1 process, in-kernel checks, no isolation): {plain:.1f} s wall, "
          f"{plain / n_submissions:.2f} s per submission; CPU {cpu:.0f} s; load average before: {load:.2f}", flush=True)

    base = jobs_list[0]
    print(f"\nisolation: {detect_mode()}")
    print("run                 wall_s  s/submission  vs plain nbgrader")
    print(f"plain nbgrader      {plain:6.1f}  {plain / n_submissions:12.2f}  {1:16.2f}x")
    for jobs in jobs_list:
        print(f"sandbox --jobs {jobs:<4} {times[jobs]:6.1f}  {times[jobs] / n_submissions:12.2f}  "
              f"{times[jobs] / plain:16.2f}x")
    per_1 = times[base] / plain
    print(f"cost per submission, --jobs {base} vs plain nbgrader: {per_1:.2f}x "
          f"({'meets' if per_1 <= 1 else 'MISSES'} the <= 1x target)")
    ok = True
    scores = [c for c in plain_grades.columns if c != "status"]
    same_as_plain = plain_grades[scores].equals(grades[base][scores])
    print(f"plain nbgrader gave the same scores: {same_as_plain}")
    if len(jobs_list) > 1:
        speedup = times[base] / times[jobs_list[1]]
        verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
        print(f"speed-up --jobs {jobs_list[1]} vs --jobs {base}: {speedup:.2f}x ({verdict} the {TARGET_SPEEDUP}x target)")
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


def children_cpu() -> float:
    """User + system CPU seconds of finished child processes (workers, nbgrader, kernels)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def autograded_max(course: Path) -> dict[str, float]:
    """grades.csv column -> max points, for the autograded (code test) cells."""
    from nbgrader.api import Gradebook

    from sandbox.course.gradebook import db_url

    with Gradebook(db_url(course / "gradebook.db")) as gb:
        return {f"{a.name}:{c.name}": float(c.max_score) for a in gb.assignments for nb in a.notebooks
                for c in nb.grade_cells if c.cell_type == "code"}


if __name__ == "__main__":
    sys.exit(main())
