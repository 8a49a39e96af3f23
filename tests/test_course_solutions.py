"""The course tooling on the project's own exercise notebooks (solutions/), graded by real nbgrader."""

import csv
import json
import re
from collections import Counter

import pytest

import sandbox
from sandbox import cli
from sandbox.course.build.course import SOLUTIONS_DIR
from sandbox.course.build.worlds import student_dataset
from sandbox.course.grade.verdicts import read_verdicts
from sandbox.exercises import get_exercise
from synthetic import (MISTAKE, NOT_ATTEMPTED, WRONG, answer_code, class_plants, reported_counts, solution_answers,
                       submit)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SOLUTIONS_DIR / "01_first_look.ipynb").is_file(), reason="solutions/ not present"),
]

A = "01_first_look"
#: The planted student's answers, set by the fixture (they depend on the student's world).
PLANTS: list = []


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Built with every exercise and graded through the command line, as an instructor would.

    ``clean`` hands in every notebook's solution, ``slip`` only notebook 01 with one mistake, ``planted`` only
    notebook 01 with the synthetic class's plants (typical mistakes computed in their kernel, a question left,
    a wrong answer no mistake explains; see PLANTS).
    """
    base = tmp_path_factory.mktemp("solutions_course")
    roster = base / "roster.csv"
    roster.write_text("student_id\nclean\nslip\nplanted\n")
    course = base / "course"
    assert cli.main(["course", "build", str(course), "--roster", str(roster), "--salt", "s", "--scale", "tiny"]) == 0
    for assignment in assignments(course):
        submit(course, "clean", assignment)
    submit(course, "slip", A, {"q5_answer": "boosted_share = 0.999"})
    exercise = get_exercise(A)
    learner_world = sandbox.load_dataset(course / "release_students" / "planted" / A / "data")
    PLANTS[:] = class_plants(exercise, learner_world, sandbox.load_dataset(student_dataset(course, "planted")))
    solutions = solution_answers(course / "source" / A / f"{A}.ipynb")
    submit(course, "planted", A, {f"{p.question}_answer": answer_code(A, exercise[p.question], p,
                                                                      solutions[f"{p.question}_answer"])
                                  for p in PLANTS})
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


def test_every_judged_question_keeps_its_verdict_for_the_instructor(graded):
    course, _, _ = graded
    for assignment in assignments(course):
        [record] = read_verdicts(course, "clean", assignment)
        assert {q["status"] for q in record["questions"]} == {"passed"}, assignment
        assert [q["question"] for q in record["questions"]] == [q.id for q in get_exercise(assignment).questions]
    [slip] = read_verdicts(course, "slip", A)
    assert [(q["question"], q["status"]) for q in slip["questions"] if q["status"] != "passed"] == [("q5", "failed")]
    assert not (course / "verdicts" / "slip" / assignments(course)[1]).exists()  # missing: nothing judged
    assert not list((course / "feedback").rglob("*.json"))  # the records stay with the instructor


def test_planted_mistakes_computed_in_the_kernel_reach_the_class_report_by_name(graded, tmp_path, capsys):
    """End to end: isolated kernel, answers out as data, the judge, the verdicts, `sandbox course report`."""
    course, _, grades = graded
    assert {p.kind for p in PLANTS} == {MISTAKE, NOT_ATTEMPTED, WRONG}
    [record] = read_verdicts(course, "planted", A)
    verdicts = {q["question"]: q for q in record["questions"]}
    expected = Counter({(A, "q5", "wrong", ""): 1})  # slip's
    for p in PLANTS:
        mistake = p.mistake if p.kind == MISTAKE else None
        assert (verdicts[p.question]["status"], verdicts[p.question]["mistake"]) == (
            "not attempted" if p.kind == NOT_ATTEMPTED else "failed", mistake), p
        assert float(grades["planted"][f"{A}:{p.question}"]) == 0
        expected[(A, p.question, p.kind, mistake or "")] += 1
    out = tmp_path / "report.html"
    assert cli.main(["course", "report", str(course), "--assignment", A, "--out", str(out)]) == 0
    assert "3 students, 01_first_look" in capsys.readouterr().out
    assert reported_counts(out.with_suffix(".csv")) == expected
