"""Grades in the files instructors import into their LMS: Canvas, Moodle, or one plain table.

Built on nbgrader's export plugin interface, so both of these write the same file::

    sandbox course export stats101 --to canvas
    cd stats101 && nbgrader export --exporter=sandbox.course.grade.export.CanvasExport --to grades-canvas.csv

A student's score on an assignment is every graded cell's score: the autograded checks, and the
written answers once graded by hand in formgrader (until then they count 0, and the export says
which submissions still wait), minus nbgrader's late penalty. A student without a submission scores 0.
The formats (see docs/course.md for how to import them):

- **canvas**: Canvas's gradebook CSV, columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment, and the ``Points Possible`` row of Canvas's own export.
  The roster's ``student_id`` is the ``SIS User ID``, its ``email`` the ``SIS Login ID``.
- **moodle**: Moodle's CSV grade import, columns ``ID number`` (the ``student_id``), ``Email address``,
  ``First name``, ``Last name``, then one column per assignment; map the students by ID number or email.
- **csv**: one row per student: id, names, email, a score column per assignment, ``total``, ``max_total``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Assignment, Gradebook, SubmittedAssignment
from nbgrader.plugins import ExportPlugin

from ..build.folder import EXPORT_FORMATS, check_export_args
from ..build.settings import CourseSettings
from .gradebook import assignment_grade_cells, course_scores, open_gradebook
from .grades import fmt


@dataclass
class StudentScores:
    """One student's score per assignment, and the assignments whose written answers wait for a grade."""

    student_id: str
    first_name: str
    last_name: str
    email: str
    scores: dict[str, float] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)


@dataclass
class ClassScores:
    assignments: list[str]
    max_points: dict[str, float]
    students: list[StudentScores]

    def waiting(self) -> list[tuple[str, str]]:
        """(student, assignment) of every submission with a written answer not graded yet."""
        return [(s.student_id, a) for s in self.students for a in s.waiting]


def class_scores(gb: Gradebook, assignments: list[str] | None = None,
                 students: list[str] | None = None) -> ClassScores:
    """Every student's score per assignment, from the open gradebook (three queries for the whole class)."""
    names = assignments or sorted(a.name for a in gb.assignments)
    cells = {a: assignment_grade_cells(gb, a) for a in names}
    submitted = course_scores(gb, names)
    penalties = dict(((student, assignment), float(penalty or 0)) for student, assignment, penalty in
                     gb.db.query(SubmittedAssignment.student_id, Assignment.name,
                                 SubmittedAssignment.late_submission_penalty)
                     .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                     .filter(Assignment.name.in_(names)))
    rows = []
    for s in sorted(gb.students, key=lambda s: s.id):
        if students and s.id not in students:
            continue
        row = StudentScores(s.id, s.first_name or "", s.last_name or "", s.email or "")
        for a in names:
            scores = submitted.get((s.id, a))
            if scores is None:
                row.scores[a] = 0.0
                continue
            row.scores[a] = max(0.0, sum(v for v in scores.values() if v is not None) - penalties.get((s.id, a), 0.0))
            if any(v is None for v in scores.values()):
                row.waiting.append(a)
        rows.append(row)
    return ClassScores(names, {a: sum(points for *_, points in c) for a, c in cells.items()}, rows)


class LmsExport(ExportPlugin):
    """An export plugin writing one CSV file; subclasses say its columns (``header``, ``rows``)."""

    #: The file written when ``--to`` is not given.
    default_to = "grades.csv"

    def header(self, grades: ClassScores) -> list[str]:
        raise NotImplementedError

    def rows(self, grades: ClassScores) -> list[list[str]]:
        raise NotImplementedError

    def export(self, gradebook: Gradebook) -> None:
        grades = class_scores(gradebook, [str(a) for a in self.assignment], [str(s) for s in self.student])
        dest = Path(self.to or self.default_to)
        write_csv(dest, [self.header(grades), *self.rows(grades)])
        self.log.info("Exported %d students x %d assignments to %s", len(grades.students), len(grades.assignments), dest)
        waiting = grades.waiting()
        if waiting:
            self.log.warning("%d submission(s) have written answers not graded yet, counted 0: %s", len(waiting),
                             ", ".join(f"{s} {a}" for s, a in waiting))
        self.exported = grades


class CanvasExport(LmsExport):
    """Canvas's gradebook CSV (Grades > Import)."""

    default_to = "grades-canvas.csv"
    IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

    def header(self, grades):
        return self.IDENTITY + grades.assignments

    def rows(self, grades):
        possible = ["    Points Possible", "", "", "", ""] + [fmt(grades.max_points[a]) for a in grades.assignments]
        return [possible] + [[", ".join(n for n in (s.last_name, s.first_name) if n) or s.student_id, "", s.student_id,
                              s.email, ""] + [fmt(s.scores[a]) for a in grades.assignments] for s in grades.students]


class MoodleExport(LmsExport):
    """Moodle's CSV grade import (Grades > Import > CSV file), students mapped by ID number or email."""

    default_to = "grades-moodle.csv"

    def header(self, grades):
        return ["ID number", "Email address", "First name", "Last name"] + grades.assignments

    def rows(self, grades):
        return [[s.student_id, s.email, s.first_name, s.last_name] + [fmt(s.scores[a]) for a in grades.assignments]
                for s in grades.students]


class TableExport(LmsExport):
    """One row per student: scores per assignment, total and the most there is to score."""

    default_to = "grades-table.csv"

    def header(self, grades):
        return ["student_id", "first_name", "last_name", "email"] + grades.assignments + ["total", "max_total"]

    def rows(self, grades):
        most = fmt(sum(grades.max_points.values()))
        return [[s.student_id, s.first_name, s.last_name, s.email] + [fmt(s.scores[a]) for a in grades.assignments]
                + [fmt(sum(s.scores.values())), most] for s in grades.students]


#: ``--to`` of `sandbox course export`: the plugin writing each format.
EXPORTERS = dict(zip(EXPORT_FORMATS, (CanvasExport, MoodleExport, TableExport)))


def export_grades(course_dir, to: str, out=None) -> tuple[Path, ClassScores]:
    """Write the course's grades as ``to`` (canvas, moodle or csv) to ``out``; returns the file and the scores.

    ``out`` defaults to the format's file in the course folder (``grades-canvas.csv``...), rewritten by
    each export; a file named by ``out`` must not exist yet.
    """
    course_dir = check_export_args(course_dir, to, out)
    settings = CourseSettings.load(course_dir)
    plugin = EXPORTERS[to](assignment=list(settings.assignments))
    dest = Path(out) if out is not None else course_dir / plugin.default_to
    plugin.to = str(dest)
    with open_gradebook(course_dir / "gradebook.db", settings.course_id) as gb:
        plugin.export(gb)
    return dest, plugin.exported


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Write ``rows`` as UTF-8 CSV (what Canvas and Moodle read), replacing ``path`` whole at the end."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    tmp.replace(path)
