"""Reading and writing nbgrader's gradebook (one writer at a time: the parent process)."""

from __future__ import annotations

import warnings
from pathlib import Path

from nbgrader.api import (Assignment, BaseCell, Comment, Grade, Gradebook, MissingEntry, Notebook,
                          SubmittedAssignment, SubmittedNotebook)
from sqlalchemy import func
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import joinedload


def db_url(path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def open_gradebook(path, course_id: str) -> Gradebook:
    """nbgrader's Gradebook of the sqlite file ``path`` (a context manager that closes it)."""
    return Gradebook(db_url(path), course_id)


def course_students(course_dir) -> list[str]:
    """Ids of the students in the course's gradebook."""
    with Gradebook(db_url(Path(course_dir) / "gradebook.db")) as gb:
        return sorted(s.id for s in gb.students)


def ensure_student(gb: Gradebook, student_id: str) -> None:
    try:
        gb.find_student(student_id)
    except MissingEntry:
        gb.add_student(student_id)


def merge_submissions(src_db, dest: Gradebook, student_id: str, assignments: list[str]) -> None:
    """Copy a student's automatic grades and comments of ``assignments`` from ``src_db`` into the open ``dest``.

    Manual scores already in ``dest`` are kept; a changed automatic score of a
    manually graded cell flags it for review again, as nbgrader does. One
    transaction for all the assignments. Grades and comments are read and
    written a submission at a time (one query each), not cell by cell, and the
    grader keeps ``dest`` open for a whole run (its engine compiles each query
    once): the grader merges while its workers grade, and per-cell lookups in a
    newly opened gradebook cost it 0.1 s of CPU per submission.
    """
    with open_gradebook(src_db, dest.course_id) as src, warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy autoflush warnings; they are harmless
        warnings.simplefilter("ignore", SAWarning)
        try:
            ensure_student(dest, student_id)
            for assignment in assignments:
                sub = src.find_submission(assignment, student_id)
                dest.update_or_create_submission(assignment, student_id, timestamp=sub.timestamp)
                penalties = {nb.name: nb.late_submission_penalty for nb in sub.notebooks}
                for nb in submission_rows(dest, SubmittedNotebook, assignment, student_id):
                    nb.late_submission_penalty = penalties[nb.notebook.name]
                grades = dict(cell_rows(src, Grade, assignment, student_id))
                for key, g in cell_rows(dest, Grade, assignment, student_id):
                    g.auto_score = grades[key].auto_score
                    g.needs_manual_grade = grades[key].needs_manual_grade or g.manual_score is not None
                comments = dict(cell_rows(src, Comment, assignment, student_id))
                for key, c in cell_rows(dest, Comment, assignment, student_id):
                    c.auto_comment = comments[key].auto_comment
            dest.db.commit()
        except BaseException:
            dest.db.rollback()  # the open gradebook stays usable for the next submission
            raise


def submission_rows(gb: Gradebook, table, assignment: str, student_id: str):
    """The SubmittedNotebook rows of one submission, in one query."""
    return (gb.db.query(table)
            .join(SubmittedAssignment, SubmittedAssignment.id == table.assignment_id)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .filter(Assignment.name == assignment, SubmittedAssignment.student_id == student_id)
            .options(joinedload(table.notebook)))


def cell_rows(gb: Gradebook, table, assignment: str, student_id: str):
    """((notebook, cell), row) of every Grade or Comment row of one submission, in one query."""
    rows = (with_cell_context(gb.db.query(Notebook.name, BaseCell.name, table), table)
            .filter(Assignment.name == assignment, SubmittedAssignment.student_id == student_id))
    return [((notebook, cell), row) for notebook, cell, row in rows]


def with_cell_context(query, table):
    """``query`` over ``table`` (Grade or Comment rows) joined to each row's submission, assignment,
    notebook and cell."""
    return (query.select_from(table)
            .join(SubmittedNotebook, SubmittedNotebook.id == table.notebook_id)
            .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
            .join(BaseCell, BaseCell.id == table.cell_id))


def record_zero_submission(gb: Gradebook, student_id: str, assignment: str) -> None:
    """Record an ungradable submission in the open ``gb``: every automatic score 0, nothing left to grade by hand."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        try:
            ensure_student(gb, student_id)
            sub = gb.update_or_create_submission(assignment, student_id)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()
        except BaseException:
            gb.db.rollback()
            raise


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
    rows = (with_cell_context(gb.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name,
                                          BaseCell.name, Grade.auto_score, Grade.manual_score, Grade.score), Grade)
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


def late_penalties(gb: Gradebook, assignments: list[str]) -> dict[tuple[str, str], float]:
    """(student, assignment) -> the late-submission penalty nbgrader assigned (the sum over its notebooks),
    for the submissions that have one; one query for the class."""
    rows = (gb.db.query(SubmittedAssignment.student_id, Assignment.name,
                        func.sum(SubmittedNotebook.late_submission_penalty))
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .filter(Assignment.name.in_(assignments))
            .group_by(SubmittedAssignment.student_id, Assignment.name))
    return {(student, assignment): float(penalty) for student, assignment, penalty in rows if penalty}
