"""The CLI run exactly as users run it: the venv's `sandbox` script by absolute path,
with PATH reduced to the system folders (nobody activated the venv).

A real process is the point here: nbgrader runs `alembic`, jupyter starts kernels,
and both find executables by PATH (issue 8, section 1).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sandbox._notebooks import notebook_paths, notebooks_dir

pytestmark = pytest.mark.slow

#: The venv's console script, reached the way the README does (``.venv/bin/sandbox``).
SANDBOX = Path(sys.executable).parent / "sandbox"
USER_PATH = "/usr/bin:/bin"


def user_env() -> dict:
    """This environment without any trace of the venv: PATH holds only the system folders."""
    drop = {"PATH", "VIRTUAL_ENV", "PYTHONPATH", "SANDBOX_DATASET"}
    return {k: v for k, v in os.environ.items() if k not in drop} | {"PATH": USER_PATH}


def run_sandbox(*args, cwd, timeout=600) -> subprocess.CompletedProcess:
    run = subprocess.run([str(SANDBOX), *map(str, args)], cwd=cwd, env=user_env(), capture_output=True,
                         text=True, timeout=timeout)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def auto_points(notebook: Path) -> int:
    """Points of a notebook's autograded (code) cells, from its nbgrader metadata."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in nb.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A tiny two-student course made by `sandbox course build`, as an instructor would."""
    work = tmp_path_factory.mktemp("user")
    (work / "roster.csv").write_text("student_id\nann\nbob\n")
    run = run_sandbox("course", "build", "c", "--roster", "roster.csv", "--scale", "tiny", "--exercises", "01",
                      "--jobs", "1", cwd=work)
    assert run.returncode == 0, run.stderr
    assert "1 assignment(s) (01_first_look), 2 student(s)" in run.stdout
    return work / "c"


def test_the_script_is_not_on_the_users_path():
    assert SANDBOX.is_file()
    for tool in ("sandbox", "alembic", "jupyter"):
        assert not any((Path(d) / tool).exists() for d in USER_PATH.split(":")), (
            f"a global {tool} in {USER_PATH} would hide the missing-PATH bugs these tests are for")


def test_course_build(course):
    for student in ("ann", "bob"):
        folder = course / "release_students" / student / "01_first_look"
        assert (folder / "01_first_look.ipynb").is_file() and (folder / "data" / "dataset.json").is_file()
    assert (course / "gradebook.db").is_file()


def test_course_autograde(course):
    source = course / "source" / "01_first_look" / "01_first_look.ipynb"
    submitted = course / "submitted" / "ann" / "01_first_look"
    submitted.mkdir(parents=True)
    (submitted / source.name).write_bytes(source.read_bytes())  # ann hands in the reference solution
    run = run_sandbox("course", "autograde", course, "--jobs", "1", cwd=course.parent)
    assert run.returncode == 0, run.stderr
    assert "graded 1 submission(s)" in run.stdout
    status = json.loads((course / "autograde_status.json").read_text())
    assert status["ann"]["01_first_look"]["status"] == "graded"
    assert status["bob"]["01_first_look"]["status"] == "missing"
    rows = {r.split(",")[0]: r.split(",") for r in (course / "sandbox_grades.csv").read_text().splitlines()}
    total = rows["student_id"].index("01_first_look:total")
    assert float(rows["ann"][total]) == auto_points(source)  # the kernel ran and every check passed


def test_check_a_students_notebook(course):
    notebook = course / "release_students" / "bob" / "01_first_look" / "01_first_look.ipynb"
    run = run_sandbox("check", notebook, "--timeout", "120", cwd=course.parent)
    assert run.returncode == 0, run.stderr
    assert f"score: 0/{auto_points(notebooks_dir('solutions') / notebook.name)}" in run.stdout
    assert "cells that raised an error" not in run.stderr


def test_exercises_release(tmp_path):
    solutions = notebook_paths(notebooks_dir("solutions"))[:1]
    (tmp_path / "src").mkdir()
    for nb in solutions:
        (tmp_path / "src" / nb.name).write_bytes(nb.read_bytes())
    run = run_sandbox("exercises", "release", "--solutions", "src", "--out", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    released = notebook_paths(tmp_path / "out")
    assert [p.name for p in released] == [nb.name for nb in solutions]
    text = released[0].read_text()
    assert "### BEGIN SOLUTION" not in text and "# YOUR CODE HERE" in text


def run_nbgrader(*args, cwd) -> subprocess.CompletedProcess:
    run = subprocess.run([str(SANDBOX.parent / "nbgrader"), *map(str, args)], cwd=cwd, env=user_env(),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stdout + run.stderr
    return run


def test_release_and_collect_through_the_courses_own_exchange(course, tmp_path):
    """nbgrader's exchange lives in the course folder: formgrader's release and collect work without root."""
    exchange = course / "exchange"
    assert exchange.is_dir()
    run_nbgrader("release_assignment", "01_first_look", cwd=course)
    student = tmp_path / "student"
    student.mkdir()
    on_the_exchange = [f"--Exchange.root={exchange}", "--course", course.name]
    run_nbgrader("fetch_assignment", "01_first_look", *on_the_exchange, cwd=student)
    fetched = student / "01_first_look"
    assert (fetched / "01_first_look.ipynb").is_file()
    assert json.loads((fetched / "exercise_settings.json").read_text())["solutions"] is False  # the course's policy
    # nbgrader's exchange releases one version to everyone, without the student's own world: the notebook says so
    # at its first cell instead of quietly working on the default world
    checked = run_sandbox("check", fetched / "01_first_look.ipynb", cwd=student)
    assert "belongs to a course" in checked.stderr and "release_students/<your id>/" in checked.stderr
    run_nbgrader("submit", "01_first_look", *on_the_exchange, cwd=student)
    run_nbgrader("collect", "01_first_look", cwd=course)
    assert list((course / "submitted").glob("*/01_first_look/01_first_look.ipynb"))


def test_grades_export_to_canvas_and_moodle_with_written_answers_once_graded(course, tmp_path):
    """After autograde (ann handed in the reference solution; bob nothing): the LMS files, before and after the
    written answer is graded by hand, by `sandbox course export` and by plain `nbgrader export` with our plugin."""
    from nbgrader.api import Gradebook

    source = course / "source" / "01_first_look" / "01_first_look.ipynb"
    written = [c for c in nbformat.read(source, as_version=4).cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    (narrative,) = written
    auto, manual = auto_points(source), narrative.metadata["nbgrader"]["points"]

    run = run_sandbox("course", "export", course, "--to", "canvas", cwd=course.parent)
    assert run.returncode == 0, run.stderr
    assert "ann 01_first_look" in run.stderr  # her written answer waits for a grade, and counts 0 meanwhile
    rows = list(csv.reader((course / "grades-canvas.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_first_look"]
    assert rows[1] == ["    Points Possible", "", "", "", "", f"{auto + manual:g}"]
    scores = {r[2]: float(r[5]) for r in rows[2:]}
    assert scores == {"ann": auto, "bob": 0.0}

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course.name) as gb:  # what formgrader does
        gb.find_grade(narrative.metadata["nbgrader"]["grade_id"], "01_first_look", "01_first_look", "ann").manual_score \
            = manual
        gb.db.commit()
    run = run_sandbox("course", "export", course, "--to", "moodle", "--out", tmp_path / "moodle.csv", cwd=course.parent)
    assert run.returncode == 0 and "not graded yet" not in run.stderr, run.stderr
    rows = list(csv.reader((tmp_path / "moodle.csv").open()))
    assert rows[0] == ["ID number", "Email address", "First name", "Last name", "01_first_look"]
    assert {r[0]: float(r[4]) for r in rows[1:]} == {"ann": auto + manual, "bob": 0.0}

    # the same file through nbgrader's own command and our export plugin
    run_sandbox("course", "export", course, "--to", "canvas", cwd=course.parent)
    run_nbgrader("export", "--exporter=sandbox.course.grade.export.CanvasExport", f"--to={tmp_path / 'nb.csv'}",
                 cwd=course)
    assert (tmp_path / "nb.csv").read_bytes() == (course / "grades-canvas.csv").read_bytes()
    refused = run_sandbox("course", "export", course, "--to", "csv", "--out", tmp_path / "moodle.csv", cwd=course.parent)
    assert refused.returncode == 2 and "exists already" in refused.stderr  # never over a file it did not write
