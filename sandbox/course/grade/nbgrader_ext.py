"""nbgrader preprocessors that make autograding robust; named in the course's nbgrader_config.py.

- :class:`IsolatedExecute` (used by `sandbox course autograde`) runs a
  submission in an isolated kernel and judges the answer values outside it,
  against the student's own world; the verdicts become the outputs of the test
  cells, which nbgrader's SaveAutoGrades turns into scores.
- :class:`CourseExecute` (used by plain `nbgrader autograde`) runs a submission
  in nbgrader's own kernel on the student's own world, regenerated from (course
  salt, student id), and fails every cell left after the kernel dies instead of
  aborting the notebook. Its checks run in the student's kernel.
- :class:`DeduplicateCells` keeps one copy of a duplicated graded cell.
- :class:`RestoreCells` puts back graded cells a student deleted, wherever the
  neighbouring cells went.
- :class:`HideTests` keeps hidden tests and tracebacks out of feedback.
- :class:`FeedbackExporter` is nbgrader's feedback HTML exporter with its Jinja
  templates compiled once per process (grading workers render many).
"""

from __future__ import annotations

import copy
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import nbformat
from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer, Unicode

from ...dataset import DATA_DIR_ENV
from ...loading import load_dataset
from ..build.questions import course_questions, merged_exercise
from ..build.settings import CourseSettings
from ..build.worlds import learner_files, student_dataset
from ..kernel import isolation, kernel_template
from ..kernel.limits import DEFAULT_MEMORY, Limits
from .isolated_run import run_isolated
from .judge import answer_variables, judge
from .verdicts import write_verdicts

#: What stopped each isolated run early ("" if nothing), read by the grade worker after each notebook.
RUN_NOTES: list[str] = []

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


class IsolatedExecute(NbGraderPreprocessor):
    """Run the notebook in an isolated kernel; judge its answer values here, outside it.

    Test cells of the exercise's questions (ours and the course's own, see
    :mod:`sandbox.course.build.questions`) are emptied before the notebook
    leaves (the kernel never runs a check), then get the trusted verdict as
    their only output: a line of text when passed, a ``GradeFailure`` error with
    the learner-facing message otherwise. Other cells keep what the kernel
    printed. Expected values come from the world regenerated from (course salt,
    student id), never from the submission or the kernel. Each verdict, with the
    typical mistake it named, is also kept for the instructor (:mod:`.verdicts`).
    """

    isolation = Unicode("none", help="isolation mode (sandbox.course.kernel.isolation.MODES)").tag(config=True)
    memory = Integer(DEFAULT_MEMORY, help="memory limit of the kernel, bytes").tag(config=True)

    def preprocess(self, nb, resources):
        nbg = resources["nbgrader"]
        course = course_root_from_db_url(nbg["db_url"])
        settings = CourseSettings.load(course)
        data = student_dataset(course, nbg["student"])
        exercise = merged_exercise(resources.get("unique_key", ""), course_questions(course))
        questions = {q.id for q in exercise.questions} if exercise else set()
        judged = {i: grade_id(c) for i, c in enumerate(nb.cells) if is_test(c) and grade_id(c) in questions}
        sent = copy.deepcopy(nb)
        for i in judged:
            sent.cells[i].source = ""
        run = run_isolated(sent, data, answer_variables(exercise) if exercise else [],
                           timeout=settings.cell_timeout, mode=self.isolation, limits=Limits(self.memory),
                           hidden=hidden_folders(course), policy=settings.policy(),
                           template=kernel_template.shared() if self.isolation == "bwrap+nobody" else None)
        RUN_NOTES.append(run.stopped)
        fill_outputs(nb, run.outputs, run.stopped)
        if exercise:
            verdicts = judge(exercise, run.answers, load_dataset(data, tables=exercise.tables))
            for i, qid in judged.items():
                nb.cells[i].outputs = [verdict_output(verdicts[qid])]
            write_verdicts(course, nbg["student"], nbg["assignment"], nbg["notebook"], exercise, verdicts)
        return nb, resources


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_test(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def hidden_folders(course: Path) -> list[Path]:
    """Folders an isolated kernel must not see: this course, the real course it copies, the solutions."""
    from ..build.course import SOLUTIONS_DIR

    folders = [course]
    source = course / "source"
    if source.is_symlink():
        folders.append(source.resolve().parent)
    return folders + [SOLUTIONS_DIR]


def fill_outputs(nb, outputs, stopped: str) -> None:
    """Give each code cell the outputs the kernel reported, when they are valid notebook outputs."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    if outputs is None or len(outputs) != len(nb.cells):
        message = f"the notebook could not be run: {stopped or 'no outputs came back'}"
        for cell in code:
            cell.outputs = [error_output("NotebookNotRun", message)]
        return
    for cell, outs in zip(nb.cells, outputs):
        if cell.cell_type == "code":
            try:
                cell.outputs = [nbformat.from_dict(o) for o in outs]
                nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
            except Exception:  # not valid notebook outputs: show nothing rather than break the notebook
                cell.outputs = [error_output("InvalidOutput", "the output of this cell was not valid")]


def verdict_output(result) -> NotebookNode:
    """A test cell's output from the trusted verdict (nbgrader scores an error 0, anything else full)."""
    if result.passed:
        return NotebookNode(output_type="stream", name="stdout", text=f"✓ {result.question_id}: passed\n")
    return error_output("GradeFailure", f"{result.question_id} {result.status}: {result.message}")


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


class MemoryBytecodeCache(BytecodeCache):
    """Compiled Jinja templates kept in this process, keyed by Jinja on template name and source checksum."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = MemoryBytecodeCache()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter (HTML), sharing compiled templates between the exporters of a process."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment
