"""The one place that runs nbgrader and renders its configuration.

- :func:`course_config_text` / :func:`plain_config_text`: the ``nbgrader_config.py``
  of a built course and of the throwaway course `sandbox exercises release` uses;
- :func:`run_nbgrader` / :func:`run_python`: the real ``nbgrader`` command (or a
  Python module) in a course folder, killed with its kernels after a time limit;
- :func:`load_api`: nbgrader's Python API on a course folder, with the trusted
  grading pipeline swapped in (used by :mod:`sandbox.course.grade.grade_worker`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from .._environment import PACKAGE_PARENT, tool_env
from ..dataset import DATA_DIR_ENV
from ..exercises._question import TEXT_STUB
from .build.settings import CONFIG_FILE

if TYPE_CHECKING:
    from .build.settings import CourseSettings


def nbgrader_env(extra: dict | None = None) -> dict:
    """This process's environment, with the sandbox package importable and this environment's scripts on PATH."""
    env = tool_env()
    paths = [PACKAGE_PARENT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop(DATA_DIR_ENV, None)  # the course decides which world a notebook sees
    env.update(extra or {})
    return env


@dataclass
class NbgraderRun:
    args: list[str]
    returncode: int | None  # None: killed after the time limit
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_nbgrader(args: list[str], course_dir, time_limit: float | None = None) -> NbgraderRun:
    """Run ``nbgrader ARGS`` in ``course_dir``; kill it (and its kernels) after ``time_limit`` seconds."""
    return run_python(["-m", "nbgrader", *args], course_dir, time_limit)


def run_python(args: list[str], course_dir, time_limit: float | None = None) -> NbgraderRun:
    """Run ``python ARGS`` in ``course_dir`` like :func:`run_nbgrader`."""
    cmd = [sys.executable, *args]
    proc = subprocess.Popen(cmd, cwd=course_dir, env=nbgrader_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=time_limit)
        return NbgraderRun(args, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return NbgraderRun(args, None, out, err + f"\n[killed after {time_limit:.0f} s]")


class NbgraderError(RuntimeError):
    """nbgrader failed; the message holds its log."""


def require(run: NbgraderRun) -> NbgraderRun:
    """``run`` if it succeeded, else NbgraderError with its log."""
    if not run.ok:
        status = "timed out" if run.returncode is None else f"exit {run.returncode}"
        raise NbgraderError(f"`{' '.join(run.args)}` failed ({status}):\n{run.output[-6000:]}")
    return run


def write_config(course_dir, text: str) -> Path:
    """Write ``nbgrader_config.py`` into ``course_dir``; returns its path."""
    path = Path(course_dir) / CONFIG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


_STUBS = f"""\
# Released notebooks keep `answer = ...` above each emptied solution, so an unanswered
# question reads "not attempted" instead of raising NotImplementedError.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}
c.ClearSolutions.text_stub = {TEXT_STUB!r}
"""


def plain_config_text(course_id: str, cell_timeout: int = 120) -> str:
    """nbgrader settings of a plain course (no per-student worlds): `sandbox exercises release`, tests."""
    return (f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {course_id!r}\n" + _STUBS
            + f"c.Execute.timeout = {cell_timeout}\nc.Execute.startup_timeout = 120\n")


def course_config_text(settings: "CourseSettings") -> str:
    """The nbgrader_config.py of a built course: plain nbgrader commands pick it up too."""
    return f'''\
# nbgrader configuration written by `sandbox course build`. Plain nbgrader
# commands run in this folder use it too (the `sandbox` package must be importable);
# `sandbox course autograde` replaces CourseExecute by IsolatedExecute (answers
# judged outside the student's kernel; see docs/grading.md in the project).
import os

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {settings.course_id!r}
# nbgrader's exchange, where release and fetch, submit and collect meet (formgrader's release and collect
# buttons). {"Chosen at build (--exchange)" if settings.exchange else "In the course folder, so they work without root; on a JupyterHub, give every user one shared exchange (docs/course.md)"}.
c.Exchange.root = {repr(settings.exchange) if settings.exchange else 'os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")'}
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "data"]

{_STUBS}
# Autograde: restore what students may have broken, and never let one cell stop the rest.
c.Autograde.create_student = True
# Autograde copies the extra files of source/<assignment>/ over the student's; files listed here
# are left as the student submitted them. These assignments ship only their notebook.
c.Autograde.exclude_overwriting = {dict.fromkeys(settings.assignments, [])!r}
# Graded cells a student deleted are put back from the source notebook; extra copies
# of duplicated ones become plain cells; locked cells are overwritten from source.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "sandbox.course.grade.nbgrader_ext.DeduplicateCells",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "sandbox.course.grade.nbgrader_ext.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.RestoreCells.add_missing_cells = True
# CourseExecute runs each notebook on the student's own regenerated world (never the
# data/ folder of the submission) and fails, instead of skipping, the cells left
# when the kernel dies.
c.Autograde.autograde_preprocessors = [
    "sandbox.course.grade.nbgrader_ext.CourseExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "sandbox.course.grade.sanitize.SanitizeNotebook",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = {settings.cell_timeout}            # seconds per cell
c.Execute.interrupt_on_timeout = True   # a cell that runs too long fails; the next cells still run
c.Execute.raise_on_iopub_timeout = False
# Warnings and anything else on stderr never cost points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\\s\\S]"

# Feedback shows the messages of failed checks, never hidden tests or tracebacks into them.
# What the student's notebook shows (HTML, markdown, written answers) is made inert, here and in the
# autograded notebook formgrader shows (SanitizeNotebook, after the scores are saved).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "sandbox.course.grade.nbgrader_ext.HideTests",
    "sandbox.course.grade.sanitize.SanitizeNotebook",
]
'''


COURSE_EXECUTE = "sandbox.course.grade.nbgrader_ext.CourseExecute"
ISOLATED_EXECUTE = "sandbox.course.grade.nbgrader_ext.IsolatedExecute"


def load_api(course_dir: Path, isolation: str | None = None, memory: int | None = None):
    """nbgrader's Python API on ``course_dir``.

    With ``isolation`` (a mode of :mod:`sandbox.course.kernel.isolation`), autograde runs
    IsolatedExecute instead of the in-kernel CourseExecute of the course config.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()
    config.CourseDirectory.root = str(course_dir)
    if isolation is not None:
        steps = list(config.Autograde.autograde_preprocessors)
        config.Autograde.autograde_preprocessors = [ISOLATED_EXECUTE if s == COURSE_EXECUTE else s for s in steps]
        config.IsolatedExecute.isolation = isolation
        if memory is not None:
            config.IsolatedExecute.memory = memory
        # the grading workers render feedback for one student after another: compile its templates once
        config.GenerateFeedback.exporter_class = "sandbox.course.grade.nbgrader_ext.FeedbackExporter"
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)
