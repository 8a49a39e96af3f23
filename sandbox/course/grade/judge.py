"""Verdicts, computed in the trusted grader from the student's values and their own world.

Nothing here runs in the student's kernel, and nothing the kernel said is used
except the answer values (plain data, see :mod:`sandbox.course.grade.answers`). The
expected values come only from the world regenerated from (course salt,
student id). The same :class:`~sandbox.exercises.Question` objects as in the
notebook decide, through ``question.verify``.
"""

from __future__ import annotations

from ...exercises import NOTEBOOKS, CheckFailed, Exercise, NotAttempted, get_exercise
from ...exercises._view import ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result
from .answers import Unsupported

PLAIN_DATA = "a number, text, a timestamp, a list, a Series or a DataFrame"


def exercise_of(notebook: str) -> Exercise | None:
    """The sandbox Exercise of notebook ``notebook`` (``01_first_look``), None for any other notebook."""
    return get_exercise(notebook) if notebook in NOTEBOOKS else None


def answer_variables(exercise: Exercise) -> list[str]:
    """Every variable the exercise's questions read, in question order."""
    return list(dict.fromkeys(v for q in exercise.questions for v in q.variables))


def judge(exercise: Exercise, answers: dict, dataset) -> dict[str, Result]:
    """Question id -> Result for ``answers`` (variable -> value), expected values from ``dataset``."""
    results = {}
    for q in exercise.questions:
        odd = [f"`{v}` is a {answers[v].type_name}" for v in q.variables if isinstance(answers.get(v), Unsupported)]
        try:
            if odd:
                raise CheckFailed(f"{'; '.join(odd)}: an answer must be plain data ({PLAIN_DATA})")
            q.verify({v: answers.get(v) for v in q.variables}, dataset)
        except NotAttempted as e:
            results[q.id] = Result(q.id, NOT_ATTEMPTED, str(e), q.points)
        except CheckFailed as e:
            results[q.id] = Result(q.id, FAILED, str(e), q.points)
        except Exception as e:  # a value the comparison cannot handle is a wrong answer, never a crash
            results[q.id] = Result(q.id, ERROR, f"could not check your answer ({type(e).__name__}); "
                                   f"check its type: {PLAIN_DATA}", q.points)
        else:
            results[q.id] = Result(q.id, PASSED, "", q.points)
    return results
