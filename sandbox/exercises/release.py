"""Every copy of a question's facts, made from its source: ``sandbox exercises release``.

A question's points, solution code and model written answer live in its ``Question``
(``sandbox/exercises/exNN_slug.py``); everything else is a copy that :func:`release` rewrites:

- ``solutions/NN_slug.ipynb``, the nbgrader source: the answer and test cells, their nbgrader points, the
  question headings, the written answers and the setup line (``_notebook.sync``); in a checkout, a new
  notebook laid out from an exercise module that has none yet (``_notebook.new_notebook``);
- ``exercises/NN_slug.ipynb``, the student copy: made from the synced solutions by the real
  ``nbgrader generate_assignment`` in a throwaway course (hidden tests and solutions stripped by nbgrader
  itself, so learners get exactly what a course hands out);
- in a checkout, the "graded questions" column of ``docs/exercises.md``'s table of notebooks, and
  ``sandbox/notebooks/`` if a build left one there (an installed package's copies, which
  ``sandbox._notebooks.notebooks_dir`` prefers to ``solutions/`` and ``exercises/``).

Everything is computed before anything is written; a file is rewritten only when its bytes change, so a
second run writes nothing. ``check=True`` writes nothing and returns the drift. What only an author can
fix (a missing cell, a notebook without an exercise module, a notebook without a row in the docs' table)
raises :class:`ReleaseError` before anything is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .._notebooks import CHECKOUT_DIR, KINDS, NOTEBOOK_GLOB, PACKAGED_DIR, authored_dir, notebook_paths
from ..course.nbgrader_adapter import plain_config_text, require, run_nbgrader, write_config
from . import NOTEBOOKS, get_exercise
from ._notebook import drift, new_notebook, sync


ASSIGNMENT = "exercises"
COURSE_ID = "social-analytics-sandbox"
#: The table of notebooks in a checkout's docs, whose "graded questions" column counts each notebook's questions.
DOCS_TABLE = Path("docs") / "exercises.md"
#: A row of that table: "| `01_first_look.ipynb` | what you practise | 9 + a written answer |".
DOCS_ROW = re.compile(r"^(?P<head>\| `(?P<name>\d\d_\w+)\.ipynb` \|.*\| )(?P<count>\d+)(?P<tail>[^|]*\|)[ \t]*$",
                      re.MULTILINE)


class ReleaseError(RuntimeError):
    """A copy that only its author can fix; the message names each one."""


@dataclass(frozen=True)
class Copy:
    """A file as its sources say it must be, and why the one on disk differs (empty when it does not)."""

    path: Path
    text: str
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Where the copies are: the solution and student notebooks, and in a checkout the docs and a build's copies."""

    solutions: Path
    exercises: Path
    docs: Path | None = None
    packaged: Path | None = None
    #: Every notebook of sandbox.exercises.NOTEBOOKS must be there (a checkout), not some of them.
    every_notebook: bool = False

    @classmethod
    def checkout(cls) -> "Layout":
        """The source checkout's copies (FileNotFoundError when ``sandbox`` does not run from one)."""
        return cls(authored_dir("solutions"), authored_dir("exercises"), CHECKOUT_DIR / DOCS_TABLE,
                   PACKAGED_DIR if PACKAGED_DIR.is_dir() else None, every_notebook=True)


def write_course(root: Path) -> Path:
    """Create an nbgrader course folder with the plain course config; returns it."""
    write_config(root, plain_config_text(COURSE_ID))
    return root


def generate(solutions: dict[str, str], workdir: Path) -> Path:
    """Run nbgrader generate_assignment on ``solutions`` (file name -> notebook text) in a course at ``workdir``;
    returns the release folder."""
    course = write_course(workdir)
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for name, text in solutions.items():
        (source / name).write_text(text, encoding="utf-8")
    require(run_nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course, time_limit=600))
    return course / "release" / ASSIGNMENT


def notebook_text(nb) -> str:
    """A notebook as nbformat writes it to a file."""
    return nbformat.writes(nb) + "\n"


def read_text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def synced_solutions(layout: Layout, problems: list[str]) -> list[Copy]:
    """Each solution notebook with its questions' copies rewritten from the Questions, and in a checkout a new one
    (``_notebook.new_notebook``) for an exercise module without it; what sync cannot fix goes to ``problems``."""
    paths = notebook_paths(layout.solutions)
    if layout.every_notebook:
        paths = sorted(set(paths) | {layout.solutions / f"{name}.ipynb" for name in NOTEBOOKS})
    if not paths:
        raise FileNotFoundError(f"no NN_slug.ipynb notebooks in {layout.solutions}")
    copies = []
    for path in paths:
        try:
            exercise = get_exercise(path.stem)
        except ValueError as e:
            problems.append(f"{path}: {e}; add its module to sandbox.exercises.NOTEBOOKS")
            continue
        on_disk = read_text(path)
        nb = nbformat.reads(on_disk, as_version=4) if on_disk is not None else new_notebook(exercise, NOTEBOOKS[path.stem])
        before = drift(nb, exercise)
        sync(nb, exercise)
        problems.extend(f"{path}: {p}" for p in drift(nb, exercise))
        text = notebook_text(nb)
        why = () if text == on_disk else (f"new: laid out from {NOTEBOOKS[path.stem]}; write its prose",) \
            if on_disk is None else (tuple(before) or ("not as nbformat writes it",))
        copies.append(Copy(path, text, why))
    return copies


def released_exercises(solutions: list[Copy], out: Path) -> list[Copy]:
    """The student notebooks nbgrader makes from ``solutions`` (the synced texts), to go into ``out``."""
    with tempfile.TemporaryDirectory(prefix="sandbox-release-") as tmp:
        released = generate({c.path.name: c.text for c in solutions}, Path(tmp) / "course")
        copies = []
        for c in solutions:
            text = (released / c.path.name).read_text(encoding="utf-8")
            mine = read_text(out / c.path.name)
            why = () if text == mine else (
                (f"missing: made by nbgrader from {c.path.parent.name}/{c.path.name}",) if mine is None else
                (f"differs from nbgrader's release of {c.path.parent.name}/{c.path.name}",))
            copies.append(Copy(out / c.path.name, text, why))
    return copies


def docs_table(docs: Path, names: list[str], problems: list[str]) -> Copy:
    """``docs`` with each notebook row's count of graded questions taken from its Exercise."""
    text = docs.read_text(encoding="utf-8")
    rows = {m.group("name") for m in DOCS_ROW.finditer(text)}
    problems.extend(f"{docs}: no row for {n}.ipynb in the table of notebooks (what it practises, its graded "
                    f"questions)" for n in names if n not in rows)
    problems.extend(f"{docs}: a row for {n}.ipynb, which is not a notebook of solutions/" for n in sorted(rows - set(names)))
    why = []

    def count(row: re.Match) -> str:
        if row.group("name") not in names:
            return row.group(0)
        questions = len(get_exercise(row.group("name")).questions)
        if int(row.group("count")) != questions:
            why.append(f"{row.group('name')}: the table says {row.group('count')} graded questions, the Exercise has "
                       f"{questions}")
        return f"{row.group('head')}{questions}{row.group('tail')}"

    return Copy(docs, DOCS_ROW.sub(count, text), tuple(why))


def packaged_copies(packaged: Path, authored: dict[str, list[Copy]]) -> list[Copy]:
    """A build's copies in ``packaged`` (sandbox/notebooks/KIND/), the same bytes as the authored ones."""
    copies = []
    for kind, wanted in authored.items():
        for c in wanted:
            path = packaged / kind / c.path.name
            if read_text(path) != c.text:
                copies.append(Copy(path, c.text, (f"differs from {kind}/{c.path.name}",)))
    return copies


def stale_files(layout: Layout, names: set[str]) -> list[Path]:
    """Notebooks in the student (and packaged) folders that no solution notebook makes any more."""
    folders = [layout.exercises] + ([layout.packaged / k for k in KINDS] if layout.packaged else [])
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob(NOTEBOOK_GLOB))
            if p.name not in names]


def plan(layout: Layout) -> tuple[list[Copy], list[Path], list[str]]:
    """(every copy, the stale notebooks to delete, what only an author can fix)."""
    problems: list[str] = []
    solutions = synced_solutions(layout, problems)
    names = [c.path.stem for c in solutions]
    docs = [docs_table(layout.docs, names, problems)] if layout.docs is not None else []
    if problems:
        return [], [], problems
    exercises = released_exercises(solutions, layout.exercises)
    copies = solutions + exercises + docs
    if layout.packaged is not None:
        copies += packaged_copies(layout.packaged, {"solutions": solutions, "exercises": exercises})
    return copies, stale_files(layout, {f"{n}.ipynb" for n in names}), problems


def release(solutions_dir=None, out=None, check: bool = False) -> list[str]:
    """Bring every copy of the questions' facts in line with the Questions; returns what changed (or, with
    ``check``, what differs, writing nothing), one line per file.

    Without ``solutions_dir`` and ``out``: the source checkout's ``solutions/``, ``exercises/``,
    ``docs/exercises.md`` and any ``sandbox/notebooks/`` (see :class:`Layout`). With them, those two
    folders only. Raises ReleaseError, writing nothing, when a copy needs its author (see :func:`plan`), and
    NbgraderError when nbgrader fails.
    """
    if solutions_dir is None and out is None:
        return apply(Layout.checkout(), check)
    return apply(Layout(Path(solutions_dir) if solutions_dir else authored_dir("solutions"),
                        Path(out) if out else authored_dir("exercises")), check)


def apply(layout: Layout, check: bool = False) -> list[str]:
    """:func:`release` on the copies of ``layout``."""
    copies, stale, problems = plan(layout)
    if problems:
        raise ReleaseError("fix these by hand, then run `sandbox exercises release` again:\n  " + "\n  ".join(problems))
    changed = [c for c in copies if c.why]
    report = [f"{c.path}: {'; '.join(c.why)}" for c in changed]
    report += [f"{p}: no solution notebook makes it any more" for p in stale]
    if check:
        return report
    for c in changed:  # each file swapped in whole
        c.path.parent.mkdir(parents=True, exist_ok=True)
        staged = c.path.with_name(f".{c.path.name}.tmp")
        staged.write_text(c.text, encoding="utf-8")
        os.replace(staged, c.path)
    for path in stale:
        path.unlink()
    return report
