"""Benchmark: reading a class's scores for grades.csv, one query against nbgrader's per-submission API.

`sandbox course autograde` rewrites grades.csv every few seconds while it runs and at its end, so its
cost grows with the class. Builds a synthetic gradebook (``--students`` x ``--assignments`` of 8 code
cells, every submission scored), then in the same run times:

- nbgrader's API, submission by submission (``gb.find_submission`` and its grades): the baseline;
- :func:`sandbox.course.grade.gradebook.course_scores`, one query for the class;
- the whole :func:`sandbox.course.grade.grades.write_grades`;

checks that both readings give the same scores, and prints the ratio.

    python benchmarks/bench_grades_csv.py                  # 300 students x 3 assignments
    python benchmarks/bench_grades_csv.py --students 1000 --assignments 12
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nbgrader.api import Gradebook  # noqa: E402
from sqlalchemy.exc import SAWarning  # noqa: E402

from sandbox._environment import tools_on_path  # noqa: E402
from sandbox.course.grade.gradebook import course_scores, db_url  # noqa: E402
from sandbox.course.grade.grades import write_grades  # noqa: E402

CELLS = 8


@dataclass
class Settings:
    course_id: str
    assignments: list[str]


def build(folder: Path, students: int, assignments: list[str]) -> None:
    with tools_on_path(), Gradebook(db_url(folder / "gradebook.db"), "bench") as gb:
        for a in assignments:
            gb.update_or_create_assignment(a)
            gb.update_or_create_notebook(a, a)
            for c in range(CELLS):
                gb.update_or_create_grade_cell(f"q{c}", a, a, max_score=1, cell_type="code")
                gb.update_or_create_source_cell(f"q{c}", a, a, cell_type="code", source="", checksum="", locked=True)
        for s in range(students):
            sid = f"s{s:05d}"
            gb.add_student(sid)
            for a in assignments:
                for grade in gb.update_or_create_submission(a, sid).notebooks[0].grades:
                    grade.auto_score = float((s + len(grade.name)) % 2)
        gb.db.commit()


def per_submission(gb: Gradebook, assignments: list[str]) -> dict:
    """The baseline: what nbgrader's API offers, one submission at a time."""
    scores = {}
    for student in gb.students:
        for a in assignments:
            sub = gb.find_submission(a, student.id)
            scores[(student.id, a)] = {(nb.name, g.name): float(g.score) for nb in sub.notebooks for g in nb.grades}
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", SAWarning)
    assignments = [f"a{i:02d}" for i in range(args.assignments)]
    folder = Path(tempfile.mkdtemp(prefix="bench_grades-"))
    t = time.perf_counter()
    build(folder, args.students, assignments)
    print(f"gradebook: {args.students} students x {args.assignments} assignments x {CELLS} cells, "
          f"built in {time.perf_counter() - t:.1f} s")
    with Gradebook(db_url(folder / "gradebook.db"), "bench") as gb:
        t = time.perf_counter()
        baseline = per_submission(gb, assignments)
        base_s = time.perf_counter() - t
        t = time.perf_counter()
        ours = course_scores(gb, assignments)
        ours_s = time.perf_counter() - t
    t = time.perf_counter()
    write_grades(folder, Settings("bench", assignments), {})
    csv_s = time.perf_counter() - t
    same = baseline == ours
    print(f"nbgrader API, submission by submission: {base_s:.2f} s")
    print(f"course_scores, one query:               {ours_s:.2f} s  ({base_s / ours_s:.0f}x faster)")
    print(f"write_grades (grades.csv, whole):       {csv_s:.2f} s")
    print(f"same scores: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
