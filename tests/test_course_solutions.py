"""The course tooling on the project's own exercise notebooks (solutions/), graded by real nbgrader."""

import csv
import json
import re

import pytest

import sandbox
from sandbox import cli
from sandbox.course.build.course import SOLUTIONS_DIR
from synthetic import submit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SOLUTIONS_DIR / "01_first_look.ipynb").is_file(), reason="solutions/ not present"),
]

A = "01_first_look"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Built with every exercise and graded through the command line, as an instructor would.

    ``clean`` hands in every notebook's solution, ``slip`` only notebook 01 with one mistake.
    """
    base = tmp_path_factory.mktemp("solutions_course")
    roster = base / "roster.csv"
    roster.write_text("student_id\nclean\nslip\n")
    course = base / "course"
    assert cli.main(["course", "build", str(course), "--roster", str(roster), "--salt", "s", "--scale", "tiny"]) == 0
    for assignment in assignments(course):
        submit(course, "clean", assignment)
    submit(course, "slip", A, {"q5_answer": "boosted_share = 0.999"})
    assert cli.main(["course", "autograde", str(course), "--jobs", "2"]) == 0
    status = json.loads((course / "autograde_status.json").read_text())
    with open(course / "sandbox_grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course, status, grades


def test_released_notebooks_report_unanswered_questions_instead_of_raising(graded):
    course, _, _ = graded
    released = (course / "release_students" / "clean" / A / f"{A}.ipynb").read_text()
    assert "NotImplementedError" not in released and "YOUR CODE HERE" in released


def assignments(course) -> list[str]:
    return sorted(p.name for p in (course / "source").iterdir() if p.is_dir())


def autograded_questions(course, assignment=A):
    from nbgrader.api import Gradebook

    from sandbox.course.grade.gradebook import db_url

    with Gradebook(db_url(course / "gradebook.db")) as gb:
        nb = gb.find_notebook(assignment, assignment)
        return {c.name: c.max_score for c in nb.grade_cells if c.cell_type == "code"}


def test_reference_solutions_get_every_autograded_point_in_every_notebook(graded):
    """Every answer of every notebook leaves the isolated kernel and is judged right (charts included)."""
    course, status, grades = graded
    every = assignments(course)
    assert every == sorted(p.stem for p in SOLUTIONS_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert {status["clean"][a]["status"] for a in every} == {"graded"} and status["slip"][A]["status"] == "graded"
    for assignment in every:
        questions = autograded_questions(course, assignment)
        assert len(questions) >= 5
        for q, top in questions.items():
            assert float(grades["clean"][f"{assignment}:{q}"]) == top, (assignment, q, status["clean"][assignment])


def test_a_planted_mistake_costs_exactly_its_question(graded):
    course, _, grades = graded
    for q, top in autograded_questions(course).items():
        assert float(grades["slip"][f"{A}:{q}"]) == (0 if q == "q5" else top), q


def test_feedback_of_the_real_notebook_hides_tests_and_the_expected_value(graded):
    course, _, _ = graded
    html = (course / "feedback" / "slip" / A / f"{A}.html").read_text()
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)  # page styling is not feedback
    world = sandbox.load_dataset(course / "grading_data" / "slip")
    expected = float(world.posts["is_boosted"].mean())
    assert "q5" in html and "GradeFailure" in html  # the student sees that q5 failed, and why
    for secret in ("BEGIN HIDDEN TESTS", ".grade()", repr(expected), f"{expected:.4f}", f"{expected:.3f}",
                   f"{expected:.2%}", f"{expected:.1%}"):
        assert secret not in html, secret
    meta = json.loads((course / "release_students" / "slip" / A / "data" / "dataset.json").read_text())
    assert "seed" not in meta and meta["rows"] == world.meta["rows"]  # their world, which cannot be regenerated
