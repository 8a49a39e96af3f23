"""sandbox_grades.csv: one row per student, one column per graded cell, late penalties, totals and a status.

Its name is not ``grades.csv``, which plain ``nbgrader export`` writes in the course folder by default.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook

from .gradebook import assignment_grade_cells, course_scores, db_url, late_penalties
from ..build.settings import CourseSettings

GRADES_FILE = "sandbox_grades.csv"


def write_grades(course_dir, settings: CourseSettings, status: dict) -> Path:
    """Write COURSE/sandbox_grades.csv from the gradebook and return its path.

    Columns: ``student_id``, ``<assignment>:<cell>`` points for every graded
    cell (empty while a cell waits for manual grading), ``<assignment>:late_penalty``
    (nbgrader's, from the course's ``LateSubmissionPlugin``), ``<assignment>:total``
    (the cells less the penalty, never below 0, as ``nbgrader export`` counts it),
    ``total``, ``max_total`` and ``status`` (what went wrong, or ``ok``).
    A missing or ungradable submission scores 0.
    """
    course_dir = Path(course_dir)
    path = course_dir / GRADES_FILE
    with Gradebook(db_url(course_dir / "gradebook.db"), settings.course_id) as gb:
        cells = {a: assignment_grade_cells(gb, a) for a in settings.assignments}
        submitted = course_scores(gb, list(settings.assignments))
        penalties = late_penalties(gb, list(settings.assignments))
        students = sorted({s.id for s in gb.students} | set(status))
        header = ["student_id"]
        for a, acells in cells.items():
            header += [f"{a}:{cell}" for _, cell, _ in acells] + [f"{a}:late_penalty", f"{a}:total"]
        header += ["total", "max_total", "status"]
        max_total = sum(points for acells in cells.values() for *_, points in acells)
        rows = []
        for sid in students:
            row, total = [sid], 0.0
            for a, acells in cells.items():
                scores = submitted.get((sid, a))
                subtotal = 0.0
                for nb, cell, _ in acells:
                    score = 0.0 if scores is None else scores.get((nb, cell))
                    row.append("" if score is None else fmt(score))
                    subtotal += score or 0.0
                penalty = penalties.get((sid, a), 0.0)
                subtotal = max(0.0, subtotal - penalty)
                row += [fmt(penalty), fmt(subtotal)]
                total += subtotal
            row += [fmt(total), fmt(max_total), status_text(status.get(sid, {}))]
            rows.append(row)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)
    return path


def fmt(x: float) -> str:
    return f"{x:g}"


def status_text(per_assignment: dict) -> str:
    problems = [f"{a}: {s['status']}" + (f" ({s['message'].splitlines()[0]})" if s["message"] else "")
                for a, s in sorted(per_assignment.items()) if s["status"] != "graded" or s["message"]]
    return "; ".join(problems) if problems else "ok"
