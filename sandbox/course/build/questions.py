"""An instructor's own questions, judged outside the student's kernel like ours.

A course may hold a Python module, ``COURSE/questions.py`` (``sandbox course build --questions FILE``),
that defines ``EXERCISES``: :class:`~sandbox.exercises.Exercise` objects whose questions are ordinary
:class:`~sandbox.exercises.Question` objects. Each exercise is named after a notebook of the course (its
own, from ``--solutions DIR``, or one of ours, whose questions it adds to). A question is scored in the
notebook's graded test cell whose ``grade_id`` is the question's id; the test cell's code is never run:
the trusted grader reads the question's variables from the kernel as data and judges them
(:mod:`sandbox.course.grade.judge`), like ours.

The module runs in the instructor's process and the grader's, never in a student's kernel, and is kept
private in the course folder (students cannot read a reference they were never given). Test cells that
no question judges would run inside the student's kernel, where a student can defeat them (an input
transformer that skips ``assert`` lines): :func:`kernel_tests` finds them, and ``course build`` refuses
them unless told ``--allow-kernel-tests``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

from ...exercises import NOTEBOOKS, Exercise, get_exercise
from .settings import QUESTIONS_FILE, CourseError


def load_questions(path) -> dict[str, Exercise]:
    """Notebook name -> Exercise of the questions module ``path``; CourseError naming what is wrong."""
    path = Path(path)
    return _load(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load(path: str, mtime: int) -> dict[str, Exercise]:
    name = "sandbox_course_questions_" + hashlib.sha256(path.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise CourseError(f"questions module {path} failed to load: {type(e).__name__}: {e}") from None
    exercises = getattr(module, "EXERCISES", None)
    if not isinstance(exercises, (list, tuple)) or not all(isinstance(e, Exercise) for e in exercises):
        raise CourseError(f"questions module {path} must define EXERCISES, a list of sandbox.exercises.Exercise")
    names = [e.name for e in exercises]
    if len(set(names)) != len(names):
        raise CourseError(f"questions module {path} names a notebook twice: {names}")
    return {e.name: e for e in exercises}


def course_questions(course_dir) -> dict[str, Exercise]:
    """The course's own questions (``COURSE/questions.py``), none if it has no such module."""
    path = Path(course_dir) / QUESTIONS_FILE
    return load_questions(path) if path.is_file() else {}


def merged_exercise(notebook: str, own: dict[str, Exercise]) -> Exercise | None:
    """The questions judged outside the kernel in ``notebook``: ours, then the instructor's (``own``)."""
    ours = get_exercise(notebook) if notebook in NOTEBOOKS else None
    theirs = own.get(notebook)
    if ours is None or theirs is None:
        return ours or theirs
    ids = [q.id for q in ours.questions + theirs.questions]
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise CourseError(f"questions of notebook {notebook} reuse the ids of its own questions: {', '.join(clash)}")
    return dataclasses.replace(ours, questions=ours.questions + theirs.questions,
                               tables=tuple(dict.fromkeys(ours.tables + theirs.tables)))


def kernel_tests(notebook_path: Path, exercise: Exercise | None) -> list[str]:
    """grade_ids of the graded test cells of a source notebook that no question judges (they would run in the
    student's kernel)."""
    import nbformat
    from nbgrader import utils

    nb = nbformat.read(notebook_path, as_version=4)
    judged = {q.id for q in exercise.questions} if exercise else set()
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and utils.is_grade(c) and not utils.is_solution(c)
            and c.metadata["nbgrader"].get("grade_id") not in judged]


def unjudged_questions(notebook_path: Path, exercise: Exercise) -> list[str]:
    """Ids of ``exercise``'s questions with no graded test cell of that id in the notebook (never scored)."""
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    return [q.id for q in exercise.questions if q.id not in cells]
