"""nbgrader preprocessors that make autograding robust; named in the course's nbgrader_config.py.

- :class:`CourseExecute` runs a submission on the student's own world,
  regenerated from (course salt, student id), and fails every cell left after
  the kernel dies instead of aborting the notebook.
- :class:`DeduplicateCells` keeps one copy of a duplicated graded cell.
- :class:`RestoreCells` puts back graded cells a student deleted, wherever the
  neighbouring cells went.
- :class:`HideTests` keeps hidden tests and tracebacks out of feedback.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds, Execute, NbGraderPreprocessor, OverwriteCells

from ..dataset import DATA_DIR_ENV
from .grading_data import learner_files, student_dataset

KERNEL_DIED = "KernelDied"


def course_root_from_db_url(db_url: str) -> Path:
    """The course folder of a ``sqlite:///.../gradebook.db`` url."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        raise RuntimeError(f"cannot find the course folder from gradebook url {db_url!r}")
    return Path(db_url[len(prefix):]).resolve().parent


@contextmanager
def environ(name: str, value: str):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class CourseExecute(Execute):
    """nbgrader's Execute, on the student's world, surviving a dead kernel."""

    def preprocess(self, nb, resources=None, km=None):
        nbg = resources["nbgrader"]
        course = course_root_from_db_url(nbg["db_url"])
        data = student_dataset(course, nbg["student"])
        notebook_dir = Path((resources.get("metadata") or {}).get("path") or ".")
        link_learner_tables(data, notebook_dir / "data")
        self._kernel_died = False
        # The kernel inherits this process's environment when it starts.
        with environ(DATA_DIR_ENV, str(data)):
            return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._kernel_died:
            cell.outputs = [error_output(KERNEL_DIED, "not run: the kernel died in an earlier cell")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._kernel_died = True
            self.log.warning("Kernel died in cell %d; the remaining cells fail", index)
            cell.outputs.append(error_output(KERNEL_DIED, "the kernel died while running this cell"))
            return cell, resources


def link_learner_tables(dataset_dir: Path, target: Path) -> None:
    """Make ``target`` a data/ folder with the learner files of ``dataset_dir`` (truth left out)."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for src in learner_files(dataset_dir):
        dest = target / src.relative_to(dataset_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(src)


class DeduplicateCells(DeduplicateIds):
    """DeduplicateIds that leaves extra copies of a graded cell as plain cells.

    nbgrader's version leaves them an empty ``nbgrader`` metadata dict, which its
    own metadata check then rejects as an "old format", failing the notebook.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


class RestoreCells(OverwriteCells):
    """OverwriteCells whose restored cells go after the nearest surviving earlier cell.

    nbgrader's own version looks only at the source cell just before the
    missing one and fails when the student deleted that one too.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_ids = [c.name for c in source_nb.source_cells]
        source_by_id = {c.name: c for c in source_nb.source_cells}
        solution_ids = {c.name for c in source_nb.solution_cells}
        for grade_cell in sorted(source_nb.grade_cells, key=lambda c: source_ids.index(c.name)):
            present = {cell.metadata["nbgrader"]["grade_id"]: i for i, cell in enumerate(nb.cells)
                       if cell.metadata.get("nbgrader", {}).get("grade_id")}
            if grade_cell.name in present:
                continue
            self.log.warning("Graded cell %s is missing; restoring it from the source", grade_cell.name)
            new = nbformat.from_dict(self.missing_cell_transform(
                source_by_id[grade_cell.name], grade_cell.max_score, is_solution=grade_cell.name in solution_ids))
            earlier = [present[i] for i in source_ids[: source_ids.index(grade_cell.name)] if i in present]
            nb.cells.insert(max(earlier) + 1 if earlier else 0, new)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        # nbgrader's version fails on cells with an nbgrader metadata dict but no grade_id
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_by_id = {c.name: c for c in source_nb.source_cells}
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        for task in source_nb.task_cells:
            if task.name not in present:
                nb.cells.append(nbformat.from_dict(
                    self.missing_cell_transform(source_by_id[task.name], task.max_score, is_task=True)))
        return nb, resources


class HideTests(NbGraderPreprocessor):
    """For feedback: drop hidden-test regions and show only the message of a failed test.

    Test cells (graded, not answers) keep their visible source with hidden
    regions removed; an error keeps its name and message but loses the
    traceback (which would quote the test's code).
    """

    begin = "BEGIN HIDDEN TESTS"
    end = "END HIDDEN TESTS"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not (utils.is_grade(cell) or utils.is_locked(cell)) or utils.is_solution(cell):
            return cell, resources
        cell.source = self.strip_hidden(cell.source)
        outputs = []
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                outputs.append(error_output(out.ename, out.evalue))
            elif out.output_type == "stream" and out.name == "stdout":
                outputs.append(out)
        cell.outputs = outputs
        return cell, resources

    def strip_hidden(self, source: str) -> str:
        kept, hidden = [], False
        for line in source.split("\n"):
            if self.begin in line:
                hidden = True
            elif self.end in line:
                hidden = False
            elif not hidden:
                kept.append(line)
        return "\n".join(kept)
