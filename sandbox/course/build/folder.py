"""What makes a folder a course, by name only: the rules `sandbox course` checks before heavy imports.

Light on purpose (no pandas, no nbgrader), so that a wrong course path is refused at once.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..._dataset_files import listing

SETTINGS_FILE = "course.json"
#: Seconds a cell may run at autograde, unless the course says otherwise.
CELL_TIMEOUT = 60
#: The gradebook formats `sandbox course export` writes (sandbox.course.grade.export.EXPORTERS).
EXPORT_FORMATS = ("canvas", "moodle", "csv")


class CourseError(ValueError):
    """A course folder or option is not usable; the message says why."""


def not_a_course(folder: Path) -> str:
    """Why ``folder`` is not a course folder; suggests `sandbox course build` only where it would work."""
    build = f"`sandbox course build {shlex.quote(str(folder))}` makes one there (with --roster CSV, its students)"
    why = f"{folder} is not a course folder (no {SETTINGS_FILE})"
    if not folder.exists():
        return f"{why}: it does not exist; {build}"
    if not folder.is_dir():
        return f"{why}: it is a file"
    entries = sorted(p.name + "/" * p.is_dir() for p in folder.iterdir())
    if not entries:
        return f"{why}: it is empty; {build}"
    return f"{why}; it holds {listing(entries)}"


def require_course_dir(folder) -> Path:
    """``folder`` as a Path if it holds a course; otherwise CourseError saying what it is instead."""
    path = Path(folder)
    if not (path / SETTINGS_FILE).is_file():
        raise CourseError(not_a_course(path))
    return path


def check_course_target(course_dir) -> Path:
    """The folder a new course goes to, resolved: new or empty, never one holding anything."""
    target = Path(course_dir).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise CourseError(f"course folder {target} is a file; choose a new folder")
    if target.exists() and any(target.iterdir()):
        entries = sorted(p.name + "/" * p.is_dir() for p in target.iterdir())
        raise CourseError(f"course folder {target} already exists and is not empty (it holds {listing(entries)}); "
                          "choose a new folder")
    return target


def check_export_args(course_dir, to: str, out=None) -> Path:
    """The argument rules of `sandbox course export`; returns the course folder."""
    course = require_course_dir(course_dir)
    if to not in EXPORT_FORMATS:
        raise CourseError(f"unknown export format {to!r}; allowed: {', '.join(EXPORT_FORMATS)}")
    if out is not None and Path(out).exists():
        raise CourseError(f"{out} exists already; name a new file (an export never replaces a file it did not write)")
    return course
