"""Reading and writing nbgrader's gradebook (one writer at a time: the parent process)."""

from __future__ import annotations

import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning


def db_url(path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def course_students(course_dir) -> list[str]:
    """Ids of the students in the course's gradebook."""
    with Gradebook(db_url(Path(course_dir) / "gradebook.db")) as gb:
        return sorted(s.id for s in gb.students)


def ensure_student(gb: Gradebook, student_id: str) -> None:
    try:
        gb.find_student(student_id)
    except MissingEntry:
        gb.add_student(student_id)


def merge_submissions(src_db, dest_db, course_id: str, student_id: str, assignments: list[str]) -> None:
    """Copy a student's automatic grades and comments of ``assignments`` from ``src_db`` into ``dest_db``.

    Manual scores already in ``dest_db`` are kept; a changed automatic score of
    a manually graded cell flags it for review again, as nbgrader does. Both
    gradebooks are opened once for all the assignments, in one transaction.
    """
    with Gradebook(db_url(src_db), course_id) as src, Gradebook(db_url(dest_db), course_id) as dest, \
            warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy autoflush warnings; they are harmless
        warnings.simplefilter("ignore", SAWarning)
        ensure_student(dest, student_id)
        for assignment in assignments:
            sub = src.find_submission(assignment, student_id)
            dest.update_or_create_submission(assignment, student_id, timestamp=sub.timestamp)
            for nb in sub.notebooks:
                dest_nb = dest.find_submission_notebook(nb.name, assignment, student_id)
                dest_nb.late_submission_penalty = nb.late_submission_penalty
                for grade in nb.grades:
                    g = dest.find_grade(grade.name, nb.name, assignment, student_id)
                    g.auto_score = grade.auto_score
                    g.needs_manual_grade = grade.needs_manual_grade or g.manual_score is not None
                for comment in nb.comments:
                    c = dest.find_comment(comment.name, nb.name, assignment, student_id)
                    c.auto_comment = comment.auto_comment
        dest.db.commit()


def record_zero_submission(dest_db, course_id: str, student_id: str, assignment: str) -> None:
    """Record an ungradable submission: every automatic score 0, nothing left to grade by hand."""
    with Gradebook(db_url(dest_db), course_id) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        ensure_student(gb, student_id)
        sub = gb.update_or_create_submission(assignment, student_id)
        for nb in sub.notebooks:
            for grade in nb.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gb.db.commit()


def assignment_grade_cells(gb: Gradebook, assignment: str) -> list[tuple[str, str, float]]:
    """(notebook, grade cell, max points) of an assignment, in notebook order."""
    cells = []
    for nb in gb.find_assignment(assignment).notebooks:
        order = {c.name: i for i, c in enumerate(nb.source_cells)}
        for cell in sorted(nb.grade_cells, key=lambda c: order.get(c.name, 0)):
            cells.append((nb.name, cell.name, float(cell.max_score)))
    return cells


def course_scores(gb: Gradebook, assignments: list[str]) -> dict[tuple[str, str], dict[tuple[str, str], float | None]]:
    """(student, assignment) -> {(notebook, grade cell) -> score} of every submission of ``assignments``.

    A score is None while its cell waits for manual grading; a submission that
    is not in the gradebook has no key. One query for the whole class: asking
    submission by submission took minutes on a class of a thousand.
    """
    from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook

    rows = (gb.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name, BaseCell.name,
                        Grade.auto_score, Grade.manual_score, Grade.score)
            .select_from(Grade)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id)
            .filter(Assignment.name.in_(assignments)))
    scores: dict = {}
    for student, assignment, notebook, cell, auto, manual, score in rows:
        unscored = auto is None and manual is None
        scores.setdefault((student, assignment), {})[(notebook, cell)] = None if unscored else float(score)
    # a submission whose notebooks hold no grade cell still counts as handed in
    for student, assignment in (gb.db.query(SubmittedAssignment.student_id, Assignment.name)
                                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                                .filter(Assignment.name.in_(assignments))):
        scores.setdefault((student, assignment), {})
    return scores
