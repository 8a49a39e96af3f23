"""nbgrader's Validate button in a self-learner's folder (issue 23), with real nbgrader.

`sandbox exercises get` writes an nbgrader_config.py beside the notebooks (no "No nbgrader_config.py"
warning), and Validate lists what a learner midway needs: the wrong answer first, then one row for the
questions not attempted yet, each with a short first line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sandbox._notebooks import get_exercises
from sandbox.exercises import GradeFailure

pytestmark = pytest.mark.slow

NBGRADER = Path(sys.executable).parent / "nbgrader"


def test_validate_lists_the_wrong_answer_then_what_is_left(tmp_path):
    get_exercises(tmp_path)
    notebook = tmp_path / "01_first_look.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    (answer,) = [c for c in nb.cells if c.source.startswith("n_posts = ...")]
    answer.source = answer.source.replace("n_posts = ...", "n_posts = 1", 1)  # q1 answered, wrongly
    nbformat.write(nb, notebook)
    run = subprocess.run([str(NBGRADER), "validate", notebook.name], cwd=tmp_path, capture_output=True, text=True,
                         timeout=600)
    out = run.stdout + run.stderr
    assert "No nbgrader_config.py" not in out
    errors = [block.split("The error was:")[1].split("=====")[0].strip()
              for block in out.split("The following cell failed:")[1:]]
    assert errors[0].splitlines()[0] == "q1 failed:" and "too low" in errors[0]
    assert errors[1].splitlines()[0] == "not attempted yet (8 of 9):"
    assert errors[1].splitlines()[1].strip() == "q2, q3, q4, q5, q6, q7, q8, q9"
    assert len(errors) == 3 and "did not provide a response" in errors[2]  # the written answer, graded by hand
    assert all(len(line.strip()) <= GradeFailure.WIDTH for e in errors[:2] for line in e.splitlines())
