"""The CLI run exactly as users run it: the venv's `sandbox` script by absolute path,
with PATH reduced to the system folders (nobody activated the venv).

A real process is the point here: nbgrader runs `alembic`, jupyter starts kernels,
and both find executables by PATH (issue 8, section 1).
"""

from __future__ import annotations

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
    released[0].write_text(text.replace("# YOUR CODE HERE", "# edited by hand"))
    check = run_sandbox("exercises", "release", "--solutions", "src", "--out", "out", "--check", cwd=tmp_path)
    assert check.returncode == 1 and f"{released[0].name}: differs from nbgrader's release" in check.stderr, check
    assert "# edited by hand" in released[0].read_text()  # --check writes nothing
