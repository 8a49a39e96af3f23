"""A course's own settings (course.json) and the nbgrader_config.py written beside them.

course.json is the instructor's record of how the course was built: the salt
that derives every student's world, the dataset scale, the assignments and the
grading timeouts. Keep it private: with the salt, anyone can regenerate any
student's dataset.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .._scales import get_scale

SETTINGS_FILE = "course.json"
CONFIG_FILE = "nbgrader_config.py"
#: Folder (inside the course) caching each student's regenerated world, truth included.
GRADING_DATA_DIR = "grading_data"
#: Folder holding one release folder per student: notebooks + that student's data/.
STUDENT_RELEASE_DIR = "release_students"


class CourseError(ValueError):
    """A course folder or option is not usable; the message says why."""


@dataclass
class CourseSettings:
    """How a course was built.

    Parameters
    ----------
    course_id : str
        nbgrader's course id (the course folder's name by default).
    salt : str
        Secret mixed with each student id to derive the student's seed.
    scale : str
        Dataset scale of the per-student worlds (tiny, small, ...).
    assignments : list of str
        Assignment names, e.g. ``01_first_look``.
    cell_timeout : int
        Seconds a cell may run at autograde before it is interrupted and fails.
    """

    course_id: str
    salt: str
    scale: str = "small"
    assignments: list[str] = field(default_factory=list)
    cell_timeout: int = 60

    def __post_init__(self):
        get_scale(self.scale)
        if not self.salt:
            raise CourseError("the course salt must be a non-empty string")
        if self.cell_timeout < 1:
            raise CourseError(f"cell timeout must be at least 1 second, got {self.cell_timeout}")

    def save(self, course_dir: Path) -> None:
        (Path(course_dir) / SETTINGS_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, course_dir) -> "CourseSettings":
        """Read ``course_dir/course.json``; raise CourseError if it is not a course folder."""
        path = Path(course_dir) / SETTINGS_FILE
        if not path.is_file():
            raise CourseError(f"{course_dir} is not a course folder (no {SETTINGS_FILE}); "
                              f"make one with `sandbox course build {course_dir}`")
        try:
            return cls(**json.loads(path.read_text()))
        except (TypeError, json.JSONDecodeError) as e:
            raise CourseError(f"{path} is not a valid course settings file: {e}") from None


def nbgrader_config_text(settings: CourseSettings) -> str:
    """The nbgrader_config.py of a course: plain nbgrader commands pick it up too."""
    return f'''\
# nbgrader configuration written by `sandbox course build`. Plain nbgrader
# commands run in this folder use it too (the `sandbox` package must be importable).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {settings.course_id!r}
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "data"]

# Released notebooks keep `answer = ...` above each emptied solution, so an unanswered
# question reads "not attempted" instead of raising NotImplementedError.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograde: restore what students may have broken, and never let one cell stop the rest.
c.Autograde.create_student = True
# Autograde copies the extra files of source/<assignment>/ over the student's; files listed here
# are left as the student submitted them. These assignments ship only their notebook.
c.Autograde.exclude_overwriting = {dict.fromkeys(settings.assignments, [])!r}
# Graded cells a student deleted are put back from the source notebook; extra copies
# of duplicated ones become plain cells; locked cells are overwritten from source.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "sandbox.course.nbgrader_ext.DeduplicateCells",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "sandbox.course.nbgrader_ext.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.RestoreCells.add_missing_cells = True
# CourseExecute runs each notebook on the student's own regenerated world (never the
# data/ folder of the submission) and fails, instead of skipping, the cells left
# when the kernel dies.
c.Autograde.autograde_preprocessors = [
    "sandbox.course.nbgrader_ext.CourseExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
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
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "sandbox.course.nbgrader_ext.HideTests",
]
'''
