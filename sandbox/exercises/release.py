"""Make the student notebooks (exercises/) from the nbgrader sources (solutions/).

``release()`` builds a throwaway nbgrader course, copies the solution notebooks
into ``source/exercises/``, runs the real ``nbgrader generate_assignment`` and
copies the released notebooks out. Hidden tests and solutions are stripped by
nbgrader itself, so what learners get is exactly what a course would hand out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .._notebooks import authored_dir
from ..course.nbgrader_adapter import plain_config_text, require, run_nbgrader, write_config


ASSIGNMENT = "exercises"
COURSE_ID = "social-analytics-sandbox"


def solution_notebooks(solutions_dir: Path) -> list[Path]:
    notebooks = sorted(p for p in Path(solutions_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no NN_slug.ipynb notebooks in {solutions_dir}")
    return notebooks


def write_course(root: Path) -> Path:
    """Create an nbgrader course folder with the plain course config; returns it."""
    write_config(root, plain_config_text(COURSE_ID))
    return root


def generate(solutions: list[Path], workdir: Path) -> Path:
    """Run nbgrader generate_assignment on ``solutions`` in a course at ``workdir``; returns release folder."""
    course = write_course(workdir)
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for nb in solutions:
        shutil.copy(nb, source / nb.name)
    require(run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course, time_limit=600))
    return course / "release" / ASSIGNMENT


def release(solutions_dir=None, out=None) -> list[Path]:
    """Regenerate the student notebooks from ``solutions_dir`` into ``out`` (replacing it).

    Defaults are the source checkout's ``solutions/`` and ``exercises/`` (see sandbox._notebooks). Returns
    the written notebook paths. Nothing is written when nbgrader fails.
    """
    solutions_dir = Path(solutions_dir) if solutions_dir else authored_dir("solutions")
    out = Path(out) if out else authored_dir("exercises")
    notebooks = solution_notebooks(solutions_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sandbox-release-") as tmp:
        released = generate(notebooks, Path(tmp) / "course")
        # Everything is generated before anything in `out` changes; each file is then swapped in atomically.
        for nb in notebooks:
            staged = out / f".{nb.name}.tmp"
            shutil.copy(released / nb.name, staged)
            os.replace(staged, out / nb.name)
    wanted = {nb.name for nb in notebooks}
    for stale in out.glob("[0-9][0-9]_*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    return [out / nb.name for nb in notebooks]
