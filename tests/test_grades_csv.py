"""grades.csv from a gradebook that went through manual grading: the whole class read in one query."""

import csv
import warnings
from dataclasses import dataclass

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from sandbox._environment import tools_on_path
from sandbox.course.grade.gradebook import db_url
from sandbox.course.grade.grades import write_grades


@dataclass
class Settings:
    course_id: str = "course101"
    assignments: tuple = ("a1", "a2")


def make_gradebook(course):
    """Two assignments of two code cells; ann and bob submitted a1, ann a2; cid is on the roster only."""
    warnings.simplefilter("ignore", SAWarning)
    with tools_on_path(), Gradebook(db_url(course / "gradebook.db"), Settings.course_id) as gb:
        for a in Settings.assignments:
            gb.update_or_create_assignment(a)
            gb.update_or_create_notebook(f"{a}_nb", a)
            for cell, points in (("q1", 1), ("q2", 2)):
                gb.update_or_create_grade_cell(cell, f"{a}_nb", a, max_score=points, cell_type="code")
                gb.update_or_create_source_cell(cell, f"{a}_nb", a, cell_type="code", source="", checksum="",
                                                locked=True)
        for sid in ("ann", "bob", "cid"):
            gb.add_student(sid)
        for sid, a in (("ann", "a1"), ("bob", "a1"), ("ann", "a2")):
            gb.update_or_create_submission(a, sid)
            for cell in ("q1", "q2"):
                gb.find_grade(cell, f"{a}_nb", a, sid).auto_score = 1.0
        late = gb.find_grade("q2", "a1_nb", "a1", "bob")  # graded by hand: manual wins, extra credit adds
        late.manual_score, late.extra_credit = 0.5, 0.25
        gb.find_grade("q1", "a2_nb", "a2", "ann").auto_score = None  # waits for manual grading
        gb.db.commit()


def test_grades_csv_reads_manual_scores_extra_credit_and_missing_submissions(tmp_path):
    make_gradebook(tmp_path)
    status = {"dan": {"a1": {"status": "missing", "message": ""}}}  # a folder off the roster
    with open(write_grades(tmp_path, Settings(), status), newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert list(rows) == ["ann", "bob", "cid", "dan"]
    assert [rows["ann"][k] for k in ("a1:q1", "a1:q2", "a1:total", "a2:q1", "a2:q2", "a2:total", "total")] == \
        ["1", "1", "2", "", "1", "1", "3"]
    assert [rows["bob"][k] for k in ("a1:q1", "a1:q2", "a1:total", "a2:total", "total")] == ["1", "0.75", "1.75",
                                                                                           "0", "1.75"]
    assert [rows[s]["total"] for s in ("cid", "dan")] == ["0", "0"]
    assert {r["max_total"] for r in rows.values()} == {"6"}
    assert rows["dan"]["status"] == "a1: missing" and rows["ann"]["status"] == "ok"
