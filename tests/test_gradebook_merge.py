"""Merging a private gradebook into the course's: what nbgrader's per-cell API would write, in a few queries."""

import shutil
import warnings

import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from sandbox._environment import tools_on_path
from sandbox.course.grade.gradebook import db_url, merge_submissions, open_gradebook, record_zero_submission

COURSE = "course101"
CELLS = (("q1", 1), ("q2", 2), ("q3", 3))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course gradebook (made once: nbgrader takes seconds to create one): one assignment, two notebooks of
    three grade cells and one solution cell each; students ann, bob and zoe."""
    path = tmp_path_factory.mktemp("merge") / "template.db"
    warnings.simplefilter("ignore", SAWarning)
    with tools_on_path(), Gradebook(db_url(path), COURSE) as gb:
        gb.update_or_create_assignment("a1")
        for nb in ("nb1", "nb2"):
            gb.update_or_create_notebook(nb, "a1")
            for cell, points in CELLS:
                gb.update_or_create_grade_cell(cell, nb, "a1", max_score=points, cell_type="code")
                gb.update_or_create_source_cell(cell, nb, "a1", cell_type="code", source="", checksum="",
                                                locked=True)
            gb.update_or_create_solution_cell("s1", nb, "a1")
            gb.update_or_create_source_cell("s1", nb, "a1", cell_type="code", source="", checksum="")
        for sid in ("ann", "bob", "zoe"):
            gb.add_student(sid)
    return path


def grade_privately(template, private, student, scores: dict, penalty=0.0):
    """A worker's private gradebook: the template plus one graded submission."""
    shutil.copyfile(template, private)
    with tools_on_path(), Gradebook(db_url(private), COURSE) as gb:
        gb.update_or_create_submission("a1", student, timestamp="2026-12-01 10:00:00")
        for (nb, cell), score in scores.items():
            grade = gb.find_grade(cell, nb, "a1", student)
            grade.auto_score, grade.needs_manual_grade = score, False
        for nb in ("nb1", "nb2"):
            gb.find_submission_notebook(nb, "a1", student).late_submission_penalty = penalty
            gb.find_comment("s1", nb, "a1", student).auto_comment = f"{student} {nb}"
        gb.db.commit()


def read(path, student):
    with Gradebook(db_url(path), COURSE) as gb:
        sub = gb.find_submission("a1", student)
        grades = {(nb.name, g.name): (g.auto_score, g.manual_score, g.needs_manual_grade)
                  for nb in sub.notebooks for g in nb.grades}
        comments = {(nb.name, c.name): c.auto_comment for nb in sub.notebooks for c in nb.comments}
        penalties = {nb.name: nb.late_submission_penalty for nb in sub.notebooks}
        return grades, comments, penalties, sub.timestamp and sub.timestamp.isoformat()


def test_merge_copies_grades_comments_penalties_and_keeps_manual_scores(tmp_path, template):
    course = tmp_path / "course.db"
    shutil.copyfile(template, course)
    scores = {(nb, cell): float(i) for i, (nb, cell) in enumerate((nb, c) for nb in ("nb1", "nb2") for c, _ in CELLS)}
    grade_privately(template, tmp_path / "ann.db", "ann", scores, penalty=0.5)
    with tools_on_path(), open_gradebook(course, COURSE) as gb:
        merge_submissions(tmp_path / "ann.db", gb, "ann", ["a1"])
    grades, comments, penalties, stamp = read(course, "ann")
    assert {k: v[0] for k, v in grades.items()} == scores
    assert not any(v[2] for v in grades.values())
    assert comments == {("nb1", "s1"): "ann nb1", ("nb2", "s1"): "ann nb2"}
    assert penalties == {"nb1": 0.5, "nb2": 0.5}
    assert stamp.startswith("2026-12-01T10:00")

    # a teacher grades one cell by hand; a regrade changes its automatic score: manual kept, flagged again
    with tools_on_path(), Gradebook(db_url(course), COURSE) as gb:
        gb.find_grade("q2", "nb2", "a1", "ann").manual_score = 1.5
        gb.db.commit()
    regraded = {**scores, ("nb2", "q2"): 0.0, ("nb1", "q1"): 1.0}
    grade_privately(template, tmp_path / "ann2.db", "ann", regraded)
    with tools_on_path(), open_gradebook(course, COURSE) as gb:
        merge_submissions(tmp_path / "ann2.db", gb, "ann", ["a1"])
        grade_privately(template, tmp_path / "bob.db", "bob", scores)
        merge_submissions(tmp_path / "bob.db", gb, "bob", ["a1"])  # the same open gradebook merges the next one
    grades, _, penalties, _ = read(course, "ann")
    assert grades[("nb2", "q2")] == (0.0, 1.5, True)
    assert grades[("nb1", "q1")] == (1.0, None, False)
    assert penalties == {"nb1": 0.0, "nb2": 0.0}
    assert {k: v[0] for k, v in read(course, "bob")[0].items()} == scores


def test_merge_adds_a_student_missing_from_the_course_and_records_zeros(tmp_path, template):
    course = tmp_path / "course.db"
    shutil.copyfile(template, course)
    with tools_on_path(), Gradebook(db_url(course), COURSE) as gb:
        gb.remove_student("zoe")  # added to the roster after the run started
    grade_privately(template, tmp_path / "zoe.db", "zoe", {("nb1", "q3"): 3.0})
    with tools_on_path(), open_gradebook(course, COURSE) as gb:
        merge_submissions(tmp_path / "zoe.db", gb, "zoe", ["a1"])
        record_zero_submission(gb, "ann", "a1")
    grades, _, _, _ = read(course, "zoe")
    assert grades[("nb1", "q3")][0] == 3.0
    zeros, _, _, _ = read(course, "ann")
    assert set(zeros.values()) == {(0, None, False)}


def test_a_failed_merge_leaves_the_open_gradebook_usable(tmp_path, template):
    course = tmp_path / "course.db"
    shutil.copyfile(template, course)
    grade_privately(template, tmp_path / "ann.db", "ann", {("nb1", "q1"): 1.0})
    with tools_on_path(), open_gradebook(course, COURSE) as gb:
        try:
            merge_submissions(tmp_path / "ann.db", gb, "ann", ["a1", "no_such_assignment"])
        except Exception:
            pass
        else:
            raise AssertionError("merging an assignment the private gradebook lacks must fail")
        merge_submissions(tmp_path / "ann.db", gb, "ann", ["a1"])
    grades, _, _, _ = read(course, "ann")
    assert grades[("nb1", "q1")][0] == 1.0
    with Gradebook(db_url(course), COURSE) as gb:
        assert [s.assignment.name for s in gb.find_student("bob").submissions] == []
