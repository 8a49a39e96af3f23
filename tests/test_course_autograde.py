"""Build a course and autograde a class full of faulty submissions with real nbgrader.

One module-scoped run grades every fault-student at once (nbgrader is slow);
the tests then read its grades, gradebook, statuses and feedback. The source
notebook is a tiny fixture made here, so these tests do not depend on the
exercise notebooks in solutions/.
"""

import csv
import json
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import sandbox
from sandbox.course import autograde_course, build_course, student_seed
from sandbox.course.grade.gradebook import db_url
from sandbox.course.nbgrader_adapter import nbgrader_env

pytestmark = pytest.mark.slow

A = "01_fixture"
SALT = "test-salt"
CELL_TIMEOUT = 15


def meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        m["points"] = points
    return {"nbgrader": m}


def fixture_notebook():
    """An nbgrader source notebook: 3 questions (1 + 1 + 2 points) on the dataset in use."""
    return new_notebook(cells=[
        new_markdown_cell("# Fixture exercise"),
        new_code_cell("import sandbox\nds = sandbox.load_dataset()"),
        new_code_cell("### BEGIN SOLUTION\ntotal_likes = int(ds.posts['likes'].sum())\n### END SOLUTION",
                      metadata=meta("q1_answer", solution=True)),
        new_code_cell("assert isinstance(total_likes, int), 'total_likes must be an int'\n"
                      "### BEGIN HIDDEN TESTS\n"
                      "expected_q1 = int(sandbox.load_dataset().posts['likes'].sum())  # HIDDEN-MARKER-Q1\n"
                      "assert total_likes == expected_q1, 'total_likes is not the total number of likes'\n"
                      "### END HIDDEN TESTS", metadata=meta("q1_test", grade=True, locked=True, points=1)),
        new_code_cell("### BEGIN SOLUTION\nn_posts = len(ds.posts)\n### END SOLUTION",
                      metadata=meta("q2_answer", solution=True)),
        new_code_cell("### BEGIN HIDDEN TESTS\n"
                      "assert n_posts == len(sandbox.load_dataset().posts), 'n_posts is wrong'  # HIDDEN-MARKER-Q2\n"
                      "### END HIDDEN TESTS", metadata=meta("q2_test", grade=True, locked=True, points=1)),
        new_code_cell("### BEGIN SOLUTION\ndef engagement(df):\n    return df['likes'] + df['comments']\n"
                      "### END SOLUTION", metadata=meta("q3_answer", solution=True)),
        new_code_cell("result = engagement(ds.posts)\nassert len(result) == len(ds.posts), 'one value per post'\n"
                      "### BEGIN HIDDEN TESTS\n"
                      "assert (result == ds.posts['likes'] + ds.posts['comments']).all(), 'not likes + comments'  # HIDDEN-MARKER-Q3\n"
                      "### END HIDDEN TESTS", metadata=meta("q3_test", grade=True, locked=True, points=2)),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


RIGHT = {
    "q1_answer": "total_likes = int(ds.posts['likes'].sum())",
    "q2_answer": "n_posts = len(ds.posts)",
    "q3_answer": "def engagement(df):\n    return df['likes'] + df['comments']",
}


def grading_world(course, sid):
    return sandbox.load_dataset(course / "grading_data" / sid)


def submit(course, sid, answers=None, edit=None):
    """Hand in the student's released notebook with ``answers`` (grade_id -> code) filled in."""
    dest = course / "submitted" / sid / A
    shutil.copytree(course / "release_students" / sid / A, dest)
    path = dest / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    answers = {**RIGHT, **(answers or {})}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    if edit:
        edit(nb)
    nbformat.write(nb, path)
    return dest


def cell_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def delete_and_duplicate(nb):
    nb.cells.pop(cell_index(nb, "q1_test"))
    i = cell_index(nb, "q2_test")
    twin = nbformat.from_dict(json.loads(json.dumps(nb.cells[i])))
    twin.id = "twin-of-q2-test"  # JupyterLab gives a copied cell a new id
    nb.cells.insert(i, twin)


STUDENTS = ["good", "wrong", "loop", "dies", "tamper", "noisy", "badjson", "absent", "copier", "csvreader"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A built course with one submission per fault, autograded once with 2 workers."""
    base = tmp_path_factory.mktemp("course")
    solutions = base / "solutions"
    solutions.mkdir()
    nbformat.write(fixture_notebook(), solutions / f"{A}.ipynb")
    roster = base / "roster.csv"
    roster.write_text("student_id,first_name\n" + "".join(f"{s},{s.title()}\n" for s in STUDENTS))
    course = base / "stats101"
    # the fixture's test cells are plain nbgrader asserts, run in the kernel: unprotected, on purpose
    build_course(course, roster=roster, salt=SALT, scale="tiny", cell_timeout=CELL_TIMEOUT,
                 solutions_dir=solutions, jobs=2, progress=False, allow_kernel_tests=True)

    submit(course, "good")
    submit(course, "wrong", {"q1_answer": "total_likes = 0"})
    submit(course, "loop", {"q1_answer": "while True:\n    pass"})
    submit(course, "dies", {"q2_answer": "import os\nos._exit(1)"})
    submit(course, "tamper", edit=delete_and_duplicate)
    submit(course, "noisy", {"q3_answer": "import sys, warnings\ndef engagement(df):\n"
                                          "    warnings.warn('this is slow')\n    print('debug', file=sys.stderr)\n"
                                          "    return df['likes'] + df['comments']"})
    (submit(course, "badjson") / f"{A}.ipynb").write_text('{"cells": [ this is not json')
    # copier hands in good's numbers together with good's dataset
    friend = grading_world(course, "good") if (course / "grading_data" / "good").exists() else None
    friend = friend or sandbox.generate(seed=student_seed(SALT, "good"), scale="tiny")
    dest = submit(course, "copier", {"q1_answer": f"total_likes = {int(friend.posts['likes'].sum())}",
                                     "q2_answer": f"n_posts = {len(friend.posts)}"})
    shutil.rmtree(dest / "data")
    shutil.copytree(course / "release_students" / "good" / A / "data", dest / "data")
    # csvreader reads data/ directly, after swapping in good's data: grading must use its own world
    dest = submit(course, "csvreader", {
        "q1_answer": "import pandas as pd\ntotal_likes = int(pd.read_csv('data/posts.csv')['likes'].sum())",
        "q2_answer": "n_posts = len(pd.read_csv('data/posts.csv'))"})
    shutil.rmtree(dest / "data")
    shutil.copytree(course / "release_students" / "good" / A / "data", dest / "data")

    report = autograde_course(course, jobs=2, progress=False)
    return course, report


@pytest.fixture(scope="module")
def grades(course):
    with open(course[0] / "sandbox_grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def points(grades, sid):
    row = grades[sid]
    return [float(row[f"{A}:{q}_test"]) for q in ("q1", "q2", "q3")]


def test_release_folders_hold_each_students_own_world_without_truth(course):
    course, _ = course
    worlds = {}
    for sid in ("good", "wrong"):
        data = course / "release_students" / sid / A / "data"
        meta = json.loads((data / "dataset.json").read_text())
        assert "seed" not in meta  # released data cannot regenerate the world
        assert not (data / "truth.json").exists() and not (data / "truth").exists()
        assert (course / "release_students" / sid / A / f"{A}.ipynb").is_file()
        worlds[sid] = sandbox.load_dataset(data)
    assert int(worlds["good"].posts["likes"].sum()) != int(worlds["wrong"].posts["likes"].sum())
    released = (course / "release_students" / "good" / A / f"{A}.ipynb").read_text()
    assert "HIDDEN-MARKER" not in released and "BEGIN SOLUTION" not in released


def test_gradebook_has_the_roster(course):
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course[0] / "gradebook.db")) as gb:
        assert sorted(s.id for s in gb.students) == sorted(STUDENTS)
        assert gb.find_student("good").first_name == "Good"


def test_correct_submission_gets_full_marks(grades):
    assert points(grades, "good") == [1, 1, 2]
    assert grades["good"]["total"] == "4" and grades["good"]["max_total"] == "4"
    assert grades["good"]["status"] == "ok"


def test_wrong_answer_loses_only_its_points(grades):
    assert points(grades, "wrong") == [0, 1, 2]


def test_endless_loop_is_timed_out_and_the_rest_is_graded(grades):
    assert points(grades, "loop") == [0, 1, 2]


def test_dead_kernel_fails_the_remaining_cells(grades, course):
    assert points(grades, "dies") == [1, 0, 0]
    nb = nbformat.read(course[0] / "autograded" / "dies" / A / f"{A}.ipynb", as_version=4)
    last = nb.cells[cell_index(nb, "q3_test")]
    assert [o.get("ename") for o in last.outputs] == ["KernelDied"]


def test_deleted_and_duplicated_graded_cells_are_restored(grades, course):
    assert points(grades, "tamper") == [1, 1, 2]
    nb = nbformat.read(course[0] / "autograded" / "tamper" / A / f"{A}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids.count("q1_test") == 1 and ids.count("q2_test") == 1
    assert ids.index("q1_answer") < ids.index("q1_test") < ids.index("q2_answer")


def test_warnings_on_stderr_cost_nothing(grades):
    assert points(grades, "noisy") == [1, 1, 2]


def test_invalid_notebook_is_reported_ungradable_and_others_still_graded(grades, course):
    assert points(grades, "badjson") == [0, 0, 0]
    assert "ungradable" in grades["badjson"]["status"] and "not a valid notebook" in grades["badjson"]["status"]
    by_student = {o.student_id: o for o in course[1].outcomes}
    assert by_student["badjson"].status == "ungradable"
    assert sum(o.status == "graded" for o in course[1].outcomes) == 8


def test_missing_submission_is_reported_with_zero(grades, course):
    assert grades["absent"]["total"] == "0"
    assert "missing" in grades["absent"]["status"]
    assert {o.student_id: o.status for o in course[1].outcomes}["absent"] == "missing"


def test_friends_answers_and_dataset_do_not_pass(grades, course):
    own, friend = grading_world(course[0], "copier"), grading_world(course[0], "good")
    assert int(own.posts["likes"].sum()) != int(friend.posts["likes"].sum())
    assert len(own.posts) != len(friend.posts)
    assert points(grades, "copier") == [0, 0, 2]


def test_grading_ignores_the_data_folder_of_the_submission(grades):
    # csvreader's code read data/posts.csv, where a friend's data had been put:
    # at grading, data/ is the student's own regenerated world, so the code is right
    assert points(grades, "csvreader") == [1, 1, 2]


def test_feedback_shows_messages_but_never_hidden_tests_or_expected_values(course):
    course, _ = course
    html = (course / "feedback" / "wrong" / A / f"{A}.html").read_text()
    expected = int(grading_world(course, "wrong").posts["likes"].sum())
    assert "total_likes is not the total number of likes" in html
    assert "total_likes must be an int" in html  # visible tests stay visible
    for secret in ("HIDDEN-MARKER", "HIDDEN TESTS", "expected_q1", str(expected)):
        assert secret not in html, secret
    for sid in ("good", "loop", "dies", "tamper", "noisy", "copier", "csvreader"):
        assert "HIDDEN-MARKER" not in (course / "feedback" / sid / A / f"{A}.html").read_text()


def test_grading_does_not_leave_work_folders(course):
    assert not (course[0] / ".autograde_work").exists()


def test_plain_nbgrader_works_in_the_course_folder(course, tmp_path):
    copy = tmp_path / "stats101"
    shutil.copytree(course[0], copy, symlinks=True)
    env = nbgrader_env()
    for args in (["generate_assignment", A, "--force"], ["autograde", A, "--student", "copier", "--force"],
                 ["generate_feedback", A, "--student", "copier", "--force"]):
        run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=copy, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
    from nbgrader.api import Gradebook

    with Gradebook(db_url(copy / "gradebook.db")) as gb:
        sub = gb.find_submission(A, "copier")
        scores = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
    # plain nbgrader also grades on the student's own world, not the friend's data handed in
    assert scores == {"q1_test": 0, "q2_test": 0, "q3_test": 2}
    assert "HIDDEN-MARKER" not in (copy / "feedback" / "copier" / A / f"{A}.html").read_text()
