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

from ..course import nbgrader_cli
from ._question import TEXT_STUB


ASSIGNMENT = "exercises"

#: Course-level nbgrader settings shared by `sandbox exercises release` and the tests.
#: The code stub keeps the `answer = ...` line above each solution runnable: an
#: unanswered question reads as "not attempted" instead of stopping the notebook.
NBGRADER_CONFIG = f"""\
c = get_config()
c.CourseDirectory.course_id = "social-analytics-sandbox"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}
c.ClearSolutions.text_stub = "{TEXT_STUB}"
c.Execute.timeout = 120
c.Execute.startup_timeout = 120
"""


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def solution_notebooks(solutions_dir: Path) -> list[Path]:
    notebooks = sorted(p for p in Path(solutions_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no NN_slug.ipynb notebooks in {solutions_dir}")
    return notebooks


def write_course(root: Path) -> Path:
    """Create an nbgrader course folder with the shared config; returns it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
    return root


def run_nbgrader(course: Path, *args: str, timeout: float = 600):
    """Run ``nbgrader ARGS`` in ``course`` (see sandbox.course.nbgrader_cli); RuntimeError with its log on failure."""
    run = nbgrader_cli.run_nbgrader(list(args), course, time_limit=timeout)
    if not run.ok:
        status = "timed out" if run.returncode is None else f"exit {run.returncode}"
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed ({status}):\n{run.output}")
    return run


def generate(solutions: list[Path], workdir: Path) -> Path:
    """Run nbgrader generate_assignment on ``solutions`` in a course at ``workdir``; returns release folder."""
    course = write_course(workdir)
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for nb in solutions:
        shutil.copy(nb, source / nb.name)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course / "release" / ASSIGNMENT


def release(solutions_dir=None, out=None) -> list[Path]:
    """Regenerate the student notebooks from ``solutions_dir`` into ``out`` (replacing it).

    Defaults are the repository's ``solutions/`` and ``exercises/``. Returns
    the written notebook paths. Nothing is written when nbgrader fails.
    """
    solutions_dir = Path(solutions_dir) if solutions_dir else repo_root() / "solutions"
    out = Path(out) if out else repo_root() / "exercises"
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
