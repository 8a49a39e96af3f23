"""Course tooling: nbgrader courses with a private world per student.

``build_course`` makes the course folder, ``autograde_course`` grades every
submission in parallel; see docs/grading.md. The folders are trust zones:

``build/``
    The course, its roster and settings, each student's world (trusted, the instructor's side).
``grade/``
    Autograde, its workers (local or Dask), the judge, the gradebook and sandbox_grades.csv (trusted:
    no student code ever runs in these processes).
``kernel/``
    Starting a student's kernel: isolation modes, resource limits, kernel templates (root's side of
    the sandbox; never imports ``grade/``).
``kernel/inside/``
    What runs inside the sandbox, as untrusted as the student's code; imports nothing from ``sandbox``.

``nbgrader_adapter`` is the one module that runs nbgrader and renders its configuration (build and grade).

Public names are imported on first use (as in :mod:`sandbox`): ``import sandbox.course`` imports
nothing else and changes nothing.
"""

from __future__ import annotations

import importlib

#: Public names and the module defining each.
_PUBLIC = {
    "AutogradeReport": "sandbox.course.grade.autograde",
    "autograde_course": "sandbox.course.grade.autograde",
    "refresh_grades": "sandbox.course.grade.autograde",
    "Outcome": "sandbox.course.grade.warm",
    "BuildResult": "sandbox.course.build.course",
    "build_course": "sandbox.course.build.course",
    "RosterError": "sandbox.course.build.roster",
    "Student": "sandbox.course.build.roster",
    "read_roster": "sandbox.course.build.roster",
    "student_seed": "sandbox.course.build.seeds",
    "CourseError": "sandbox.course.build.settings",
    "CourseSettings": "sandbox.course.build.settings",
    "export_grades": "sandbox.course.grade.export",
}

__all__ = list(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sandbox.course' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted([*globals(), *_PUBLIC])
