"""The question model: one small object per exercise question.

A :class:`Question` says which notebook variable(s) it reads, how to compute
the expected answer from the dataset in use (``reference``), how to compare
(``comparison``, see ``_compare.py``), its hints (gentle -> explicit), its
solution snippet, the steps its text teaches and the typical mistakes it
recognises: a dropped :class:`Step` is a :class:`Mistake` too, one mechanism
(a targeted message when exactly one of them explains the learner's answer).
``verify`` raises :class:`NotAttempted` or :class:`CheckFailed`; nothing here
formats output (``_view.py`` does).

An :class:`Exercise` groups the questions of one notebook. In the notebook,
``exercise.setup(globals())`` returns one :class:`BoundQuestion` per question,
bound to the notebook's variables, with ``check()``, ``hint()``,
``solution()`` and ``grade()`` (the nbgrader hidden test).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import _view
from ._policy import HINTS_OFF, SOLUTIONS_HIDDEN, current_policy
from ._compare import Mismatch


#: Set by nbgrader while it validates or autogrades a notebook ("validate", "autograde").
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"


class CheckError(Exception):
    """Base of check outcomes other than success; ``str()`` is the learner-facing message."""


class NotAttempted(CheckError):
    """The answer variable is missing, ``None`` or ``...``."""


class CheckFailed(CheckError):
    """The answer is wrong; the message says how (never what the right answer is)."""


class GradeFailure(AssertionError):
    """Raised by ``grade()`` in an nbgrader test cell: ``headline`` ("q3 failed") and the learner-facing message.

    IPython renders it as its message alone (``_render_traceback_``), so the feedback shows neither test
    code nor a stack trace; under nbgrader's Validate, as a short first line and the message wrapped to
    fit its dialog.
    """

    #: Characters per line of the rendered message (nbgrader's Validate dialog cuts longer lines).
    WIDTH = 64

    def __init__(self, headline: str, message: str):
        super().__init__(f"{headline}: {message}")
        self.headline, self.message = headline, message

    def _render_traceback_(self):
        import textwrap

        if os.environ.get(NBGRADER_EXECUTION) != "validate":
            return [f"{type(self).__name__}: {self}"]
        lines = [f"{self.headline}:"]
        for paragraph in self.message.split("\n"):
            lines += textwrap.wrap(paragraph, self.WIDTH, initial_indent="  ", subsequent_indent="  ") or [""]
        return lines


def is_empty(value) -> bool:
    """An empty list, set, Series or table: a mistake that finds nothing tells nothing of an empty answer
    (which a learner gives for many reasons)."""
    return hasattr(value, "__len__") and not isinstance(value, (str, tuple, dict)) and len(value) == 0


#: A mistake's id: a lowercase slug, stable across versions (a class's mistakes are reported by it).
MISTAKE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: how a learner computes it, and what to tell them when it alone explains theirs.

    ``id`` is a stable slug, unique within its question (``"median-not-mean"``): reports of a class's
    mistakes name it, so change the message freely but never the id.
    """

    id: str
    message: str
    answer: Callable[[Any], Any]

    def __post_init__(self):
        if not isinstance(self.id, str) or not MISTAKE_ID.fullmatch(self.id):
            raise ValueError(f"mistake id {self.id!r}: use a lowercase slug such as 'median-not-mean'")


@dataclass(frozen=True)
class Step(Mistake):
    """A step the question's text teaches (a screen, a smoothing, a floor, a minimum sample, a dedupe, a local
    clock, a per-account baseline...), dropped.

    ``teaches`` says the step in a few words; ``answer`` is the answer of a learner who writes the solution
    without this one step, the way a learner would write it. A dropped step is a typical mistake like any
    other: its ``message`` is shown when it alone explains the learner's answer. The step is load-bearing when
    that answer differs from the reference (tests/test_exercises_discrimination.py prints the step table).
    """

    teaches: str = ""

    def __post_init__(self):
        super().__post_init__()
        if not self.teaches.strip():
            raise ValueError(f"step {self.id!r}: say in a few words what the step does (teaches=...)")


@dataclass(frozen=True)
class Question:
    """One graded question.

    Parameters
    ----------
    id : str
        ``"q1"``, ``"q2"`` ... as used in the notebook.
    prompt : str
        One sentence: what to compute.
    variables : tuple of str
        Notebook variable(s) holding the answer; several variables are read as a tuple.
    reference : callable(Dataset) -> expected
        Computes the expected answer from the dataset in use.
    comparison : object with ``compare(answer, expected)``
    hints : tuple of str
        From gentle to explicit.
    solution : str
        Reference code shown by ``qN.solution()``.
    mistakes : tuple of Mistake
        Checked when the answer is wrong; a mistake's message is shown only when it is the
        only one that explains the answer.
    steps : tuple of Step
        The steps the question's text teaches, each with the answer of a learner who drops it. A dropped
        step is a typical mistake too (:attr:`known_mistakes` holds both); declare them next to the mistakes.
    points : int
    plain : callable(value) -> plain value, optional
        Turns a variable's value into plain data (a chart's Axes into its bars and labels) before
        it is compared, so answers leave the kernel as JSON/Arrow; must accept its own output.
    model_answer : str, optional
        A model answer for the written (manually graded) cell ``<id>_narrative`` that follows this
        question; ``solution()`` shows it once the learner's saved notebook has text in that cell.
    judgement : bool
        True when the learner must decide something (EXERCISES.md, bar 1): which comparison is fair,
        whether an effect is real, what to do next (insight cards, verdicts, a choice between rates, a
        test design). Counting, reshaping, computing a prescribed rate or drawing a prescribed chart
        is not. The written answer ``<id>_narrative`` that follows the question counts with it.
    """

    id: str
    prompt: str
    variables: tuple[str, ...]
    reference: Callable[[Any], Any]
    comparison: Any
    hints: tuple[str, ...]
    solution: str
    mistakes: tuple[Mistake, ...] = ()
    steps: tuple[Step, ...] = ()
    points: int = 1
    plain: Callable[[Any], Any] | None = None
    model_answer: str | None = None
    judgement: bool = False

    def __post_init__(self):
        if not self.hints:
            raise ValueError(f"question {self.id}: give at least one hint")
        if not self.variables:
            raise ValueError(f"question {self.id}: name the variable(s) holding the answer")
        if not all(isinstance(step, Step) for step in self.steps):
            raise ValueError(f"question {self.id}: steps are Step(...) objects")
        ids = [m.id for m in self.known_mistakes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"question {self.id}: mistake and step ids repeat: {sorted(ids)}")

    @property
    def known_mistakes(self) -> tuple[Mistake, ...]:
        """The dropped steps, then the other typical mistakes: every wrong answer the question recognises."""
        return self.steps + self.mistakes

    def answer(self, namespace: dict):
        """The learner's answer from ``namespace``; raises NotAttempted when unanswered."""
        values = []
        for name in self.variables:
            value = namespace.get(name, None)
            if value is None or value is Ellipsis:
                raise NotAttempted(f"set `{name}` to your answer, run the cell, then check again")
            values.append(self.plain_value(value))
        return values[0] if len(values) == 1 else tuple(values)

    def plain_value(self, value):
        """``value`` as plain data (see ``plain``); unchanged for questions without it."""
        return self.plain(value) if self.plain is not None else value

    def verify(self, namespace: dict, dataset, expected=None, mistake_answers=None) -> None:
        """Raise NotAttempted or CheckFailed unless the answer in ``namespace`` is right.

        ``expected`` (the reference on ``dataset``) and ``mistake_answers`` (a callable ``dataset -> dict``,
        :meth:`mistake_answers` by default, called only for a wrong answer) let a caller that checks often,
        a notebook session, compute them once per dataset.
        """
        answer = self.answer(namespace)
        if expected is None:
            expected = self.reference(dataset)
        problem = self.mismatch(answer, expected)
        if problem is None:
            return
        answers = (mistake_answers or self.mistake_answers)(dataset)
        raise CheckFailed(self.diagnose(answer, answers) or problem)

    def mistake_answers(self, dataset) -> dict:
        """Mistake (or step) id -> the answer it gives on ``dataset``, every known mistake."""
        return {m.id: m.answer(dataset) for m in self.known_mistakes}

    def diagnose(self, answer, mistake_answers: dict) -> str | None:
        """The message of the one typical mistake that explains ``answer``, else None.

        ``mistake_answers`` is :meth:`mistake_answers` of the dataset in use. When several mistakes give this
        answer, a targeted message would be a guess: the caller then shows the comparison's generic message
        instead. A mistake that finds nothing explains no empty answer (a learner gives one for many reasons).
        """
        explained = [m for m in self.known_mistakes
                     if not is_empty(value := mistake_answers[m.id]) and self.mismatch(answer, value) is None]
        return explained[0].message if len(explained) == 1 else None

    def mistake(self, mistake_id: str) -> Mistake:
        """The known mistake (or step) ``mistake_id``."""
        for m in self.known_mistakes:
            if m.id == mistake_id:
                return m
        raise KeyError(f"question {self.id} has no mistake {mistake_id!r}; known: "
                       + ", ".join(m.id for m in self.known_mistakes))

    def mistake_answer(self, mistake_id: str, dataset):
        """A learner answer that typical mistake ``mistake_id`` gives on ``dataset`` and that is wrong there.

        Among several (ties), one that only this mistake explains comes first, so that its message is
        the one shown. None when the mistake gives the right answer on this dataset.
        """
        mistake = self.mistake(mistake_id)
        expected, answers = self.reference(dataset), self.mistake_answers(dataset)
        wrong = [v for v in self.answers_of(answers[mistake_id]) if self.mismatch(v, expected)]
        unique = [v for v in wrong if self.diagnose(v, answers) == mistake.message]
        return (unique or wrong or [None])[0]

    def answers_of(self, value) -> list:
        """The learner answers an expected-style ``value`` stands for (a reference or a mistake's answer).

        Insight references are sets of accepted labels (ties): each element is one answer.
        """
        if hasattr(self.comparison, "answers"):
            return self.comparison.answers(value)
        if isinstance(value, set):
            return sorted(value, key=str)
        return [value]

    def mismatch(self, answer, expected) -> str | None:
        """The comparison's message, or None when ``answer`` matches ``expected``."""
        try:
            self.comparison.compare(answer, expected)
        except Mismatch as e:
            return str(e)
        except (TypeError, ValueError, AttributeError, KeyError) as e:
            return f"could not compare your answer ({type(e).__name__}: {e}); check its type"
        return None


@dataclass(frozen=True)
class Exercise:
    """The questions of one notebook and the tables their references read."""

    name: str
    title: str
    questions: tuple[Question, ...]
    tables: tuple[str, ...]

    def __post_init__(self):
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"exercise {self.name}: duplicate question ids {ids}")

    def __getitem__(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"exercise {self.name} has no question {question_id!r}; questions: "
                       + ", ".join(q.id for q in self.questions))

    def setup(self, namespace: dict, dataset=None) -> list[BoundQuestion]:
        """Bind the questions to a notebook's variables: ``q1, q2, ... = ex.setup(globals())``.

        ``dataset``: the Dataset to check against; by default the one the
        notebook's ``ds`` variable was loaded from, else ``sandbox.load_dataset()``.
        """
        session = Session(self, namespace, dataset)
        return [BoundQuestion(q, session) for q in self.questions]


@dataclass
class Session:
    """One notebook's binding: its namespace and the dataset used for expected answers."""

    exercise: Exercise
    namespace: dict
    dataset: Any = None
    _expected: dict = field(default_factory=dict)
    _mistakes: dict = field(default_factory=dict)

    def get_dataset(self):
        if self.dataset is not None:
            return self.dataset
        return resolve_dataset(self.namespace.get("ds"), self.exercise.tables)

    def expected(self, question: Question, dataset):
        """The question's reference on ``dataset``, computed once."""
        return self._remember(self._expected, question.reference, question, dataset)

    def mistake_answers(self, question: Question, dataset) -> dict:
        """The question's typical-mistake answers on ``dataset``, computed once, at the first wrong answer."""
        return self._remember(self._mistakes, question.mistake_answers, question, dataset)

    @staticmethod
    def _remember(memory: dict, compute, question: Question, dataset):
        key = (question.id, id(dataset))
        if key not in memory:
            memory[key] = (dataset, compute(dataset))  # holding the dataset keeps its id from being reused
        return memory[key][1]

    def not_attempted(self) -> list[str]:
        """Ids of the questions whose answer variables are not set yet."""
        todo = []
        for question in self.exercise.questions:
            try:
                question.answer(self.namespace)
            except NotAttempted:
                todo.append(question.id)
        return todo

    def verify(self, question: Question) -> None:
        question.answer(self.namespace)  # not attempted: say so before loading any data
        dataset = self.get_dataset()
        question.verify(self.namespace, dataset, self.expected(question, dataset),
                        functools.partial(self.mistake_answers, question))


_LOADED: dict = {}


def resolve_dataset(notebook_ds, tables: tuple[str, ...]):
    """A pristine copy of the dataset the notebook uses (cached per kernel).

    A learner may add columns to ``ds.posts`` or filter it; expected answers
    must not move with that, so the dataset is reloaded from its folder
    (only the tables the exercise needs). A dataset that lives only in memory
    (``sandbox.generate(...)`` without saving) is used as it is.
    """
    from ..dataset import Dataset
    from ..loading import default_dataset_dir, load_dataset

    if isinstance(notebook_ds, Dataset) and notebook_ds.path is None:
        return notebook_ds
    folder = Path(notebook_ds.path) if isinstance(notebook_ds, Dataset) else default_dataset_dir()
    meta = folder / "dataset.json"
    stamp = meta.stat().st_mtime_ns if meta.exists() else None
    key = (str(folder.resolve()), stamp, tables)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load_dataset(folder, tables=tables)
    return _LOADED[key]


class BoundQuestion:
    """A question bound to a notebook: what the learner calls."""

    def __init__(self, question: Question, session: Session):
        self.question = question
        self.session = session

    @property
    def id(self) -> str:
        return self.question.id

    def __repr__(self) -> str:
        q = self.question
        names = ", ".join(f"`{v}`" for v in q.variables)
        return (f"{q.id} ({q.points} point{'s' if q.points != 1 else ''}): {q.prompt} Answer in {names}. "
                f"Then {q.id}.check(); stuck? {q.id}.hint(), {q.id}.hint(2), {q.id}.solution()")

    def result(self) -> _view.Result:
        """Check the answer and return the outcome as a Result (never raises on a wrong answer)."""
        q = self.question
        try:
            self.session.verify(q)
        except NotAttempted as e:
            return _view.Result(q.id, _view.NOT_ATTEMPTED, str(e), q.points)
        except CheckFailed as e:
            return _view.Result(q.id, _view.FAILED, str(e), q.points)
        return _view.Result(q.id, _view.PASSED, "", q.points)

    def check(self) -> _view.Result | None:
        """Check your answer; shows passed, what is wrong, or 'not attempted'.

        In JupyterLab it returns the Result (shown below the cell) and never raises, so Run All
        shows every check. Under nbgrader (``NBGRADER_EXECUTION`` is set while validating and
        autograding) the cell is a test cell: a wrong or missing answer raises GradeFailure with
        the learner-facing message, so the Validate button lists exactly the wrong questions, and a
        right one is displayed, not returned (nbgrader reads a returned value as a partial score).
        """
        result = self.result()
        mode = os.environ.get(NBGRADER_EXECUTION)
        if not mode:
            return result
        if mode == "validate":
            # Validate lists every failing test cell, in order. A learner midway needs the wrong answers,
            # not one row per question still to do before them: the last question's cell lists those once.
            todo = self.session.not_attempted() if self.question is self.session.exercise.questions[-1] else []
            if todo:
                done = "" if result.status == _view.NOT_ATTEMPTED else (
                    f"{self.id} {result.status}: {result.message}\n" if not result.passed else "")
                raise GradeFailure(f"not attempted yet ({len(todo)} of {len(self.session.exercise.questions)})",
                                   done + ", ".join(todo))
            if result.status == _view.NOT_ATTEMPTED:
                _view.show(result)
                return None
        if not result.passed:
            raise GradeFailure(f"{self.id} {result.status}", result.message)
        _view.show(result)
        return None

    def grade(self) -> None:
        """The nbgrader hidden test: raise GradeFailure with the learner-facing message."""
        result = self.result()
        if not result.passed:
            raise GradeFailure(f"{self.id} {result.status}", result.message)

    def hint(self, level: int = 1) -> _view.Hint:
        """Hint number ``level`` (1 is gentle, the last one nearly gives the code)."""
        hints = self.question.hints
        if not current_policy().hints:
            return _view.Hint(self.id, 1, 1, HINTS_OFF)
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(f"hint level must be 1..{len(hints)}, got {level!r}")
        level = min(level, len(hints))
        return _view.Hint(self.id, level, len(hints), hints[level - 1])

    def solution(self) -> _view.Solution:
        """The reference code, and the model written answer once you wrote yours (unless the course hides solutions)."""
        q = self.question
        if not current_policy().solutions:
            return _view.Solution(q.id, f"# {SOLUTIONS_HIDDEN}")
        if q.model_answer is None:
            return _view.Solution(q.id, q.solution)
        written = written_answer(self.session.namespace.get("__session__"), f"{q.id}_narrative")
        if written:
            return _view.Solution(q.id, q.solution, q.model_answer)
        return _view.Solution(q.id, q.solution, note="write your own answer in the written-answer cell and save "
                                                     "the notebook; then this shows a model answer too")


#: What nbgrader leaves in a written-answer cell of the student copy (``ClearSolutions.text_stub``).
TEXT_STUB = "YOUR ANSWER HERE"


def written_answer(notebook_path, grade_id: str) -> str | None:
    """The learner's text in the written-answer cell ``grade_id`` of their saved notebook, or None.

    JupyterLab tells the kernel which notebook it runs (``__session__``); without it (a script,
    ``sandbox check``) or while the cell still holds nbgrader's stub, there is no written answer.
    """
    if not notebook_path or not Path(notebook_path).is_file():
        return None
    import json

    try:
        cells = json.loads(Path(notebook_path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for cell in cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            text = "".join(cell.get("source", "")).strip()
            return text if text and text != TEXT_STUB else None
    return None

