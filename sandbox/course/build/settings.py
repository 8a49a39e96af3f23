"""A course's own settings (course.json); its nbgrader_config.py is rendered by nbgrader_adapter.

course.json is the instructor's record of how the course was built: the salt
that derives every student's world, the dataset scale, the assignments and the
grading timeouts. Keep it private: with the salt, anyone can regenerate any
student's dataset.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..._scales import DEFAULT_SCALE, get_scale
from ...exercises._policy import HINT_MODES, Policy

from .folder import CELL_TIMEOUT, SETTINGS_FILE, CourseError, not_a_course  # noqa: F401  (re-exported)
CONFIG_FILE = "nbgrader_config.py"
#: The instructor's own questions, if any (see :mod:`sandbox.course.build.questions`).
QUESTIONS_FILE = "questions.py"
#: Folder (inside the course) caching each student's regenerated world, truth included.
GRADING_DATA_DIR = "grading_data"
#: Folder holding one release folder per student: notebooks + that student's data/.
STUDENT_RELEASE_DIR = "release_students"
#: What autograde did to each submission (student -> assignment -> status, message), kept by autograde.
STATUS_FILE = "autograde_status.json"
#: Key of autograde_status.json holding facts about the last run (not a student).
RUN_KEY = "_autograde"


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
    show_solutions : bool
        Whether ``qN.solution()`` shows the reference code to students.
    hints : str
        ``"on"`` or ``"off"``: whether ``qN.hint()`` shows hints.
    exchange : str
        nbgrader's exchange folder (release, fetch, submit, collect); empty: ``COURSE/exchange``.
    """

    course_id: str
    salt: str
    scale: str = DEFAULT_SCALE
    assignments: list[str] = field(default_factory=list)
    cell_timeout: int = CELL_TIMEOUT
    show_solutions: bool = False
    hints: str = "on"
    exchange: str = ""

    def __post_init__(self):
        self.scale = get_scale(self.scale).name  # "Small" is "small", as the worlds record it
        if not self.salt:
            raise CourseError("the course salt must be a non-empty string")
        if self.cell_timeout < 1:
            raise CourseError(f"cell timeout must be at least 1 second, got {self.cell_timeout}")
        if self.hints not in HINT_MODES:
            raise CourseError(f"hints must be one of {', '.join(HINT_MODES)}, got {self.hints!r}")

    def policy(self) -> Policy:
        """What students' ``qN.solution()`` and ``qN.hint()`` may show."""
        return Policy(solutions=self.show_solutions, hints=self.hints == "on")

    def save(self, course_dir: Path) -> None:
        (Path(course_dir) / SETTINGS_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, course_dir) -> "CourseSettings":
        """Read ``course_dir/course.json``; raise CourseError if it is not a course folder."""
        path = Path(course_dir) / SETTINGS_FILE
        if not path.is_file():
            raise CourseError(not_a_course(Path(course_dir)))
        try:
            return cls(**json.loads(path.read_text()))
        except (TypeError, json.JSONDecodeError) as e:
            raise CourseError(f"{path} is not a valid course settings file: {e}") from None

