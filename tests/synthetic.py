"""Synthetic submissions for tests and benchmarks/bench_autograde.py: a student's released notebook with the
reference solutions filled in, optionally with some answers replaced (planted mistakes)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def solution_answers(source_notebook) -> dict[str, str]:
    """grade_id -> the reference answer (code or text) of every solution cell of an nbgrader source notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    answers = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        found = SOLUTION.findall(cell.source)
        answers[meta["grade_id"]] = "\n".join(m.strip("\n") for m in found) if found else cell.source
    return answers


def submit(course_dir, student_id: str, assignment: str, overrides: dict[str, str] | None = None) -> Path:
    """Copy release_students/<id>/<assignment>/ to submitted/<id>/<assignment>/ with answers filled in.

    Every answer is the reference solution except those in ``overrides``
    (grade_id -> code). Returns the submitted folder.
    """
    course_dir = Path(course_dir)
    dest = course_dir / "submitted" / student_id / assignment
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(course_dir / "release_students" / student_id / assignment, dest)
    answers = solution_answers(course_dir / "source" / assignment / f"{assignment}.ipynb")
    answers.update(overrides or {})
    for path in dest.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        nbformat.write(nb, path)
    return dest
