"""Verdicts, computed in the trusted grader from the student's values and their own world.

Nothing here runs in the student's kernel, and nothing the kernel said is used
except the answer values (plain data, see :mod:`sandbox.course.grade.answers`). The
expected values come only from the world regenerated from (course salt,
student id). The same :class:`~sandbox.exercises.Question` objects as in the
notebook decide, through ``question.verify``; an instructor's own questions
(the course's ``questions.py``, see :mod:`sandbox.course.build.questions`) are judged the same way.

The verdict of each question is a :class:`~sandbox.exercises.Result`: passed,
not attempted, failed or error, with the learner-facing message (at most
:data:`MAX_MESSAGE` characters). The judge is bounded: the answers were
size-checked when read, and the questions are judged in a child process with
:data:`JUDGE_SECONDS` of time and :data:`JUDGE_MEMORY` of memory for the whole
submission. A question whose judging runs out of either is that question's
failure; the others are judged as usual.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from dataclasses import asdict

from ...exercises import NOTEBOOKS, CheckFailed, Exercise, NotAttempted, get_exercise
from ...exercises._view import ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result
from .answers import Unsupported

PLAIN_DATA = "a number, text, a timestamp, a list, a Series or a DataFrame"
#: Longest message of one verdict (characters): a comparison's message may quote the answer.
MAX_MESSAGE = 1000
#: Seconds and memory (bytes, beyond what the grader holds) the judge may spend on one submission.
JUDGE_SECONDS = 120
JUDGE_MEMORY = 2 * 2**30
OUT_OF_BOUNDS = ("your answer could not be checked within the judge's limits ({limit}); "
                 "answers are small values and tables")


def exercise_of(notebook: str) -> Exercise | None:
    """The sandbox Exercise of notebook ``notebook`` (``01_first_look``), None for any other notebook."""
    return get_exercise(notebook) if notebook in NOTEBOOKS else None


def answer_variables(exercise: Exercise) -> list[str]:
    """Every variable the exercise's questions read, in question order."""
    return list(dict.fromkeys(v for q in exercise.questions for v in q.variables))


def judge(exercise: Exercise, answers: dict, dataset) -> dict[str, Result]:
    """Question id -> Result for ``answers`` (variable -> value), expected values from ``dataset``.

    The questions are judged in turn in a child process (see the module docstring); if it dies or
    overruns on a question, that question fails and a new child judges the rest.
    """
    results: dict[str, Result] = {}
    deadline = time.monotonic() + JUDGE_SECONDS
    todo = list(exercise.questions)
    while todo:
        results.update(_judge_in_child(todo, answers, dataset, deadline))
        todo = [q for q in todo if q.id not in results]
        if todo:
            q, limit = todo.pop(0), "time" if time.monotonic() >= deadline else "memory"
            results[q.id] = Result(q.id, ERROR, OUT_OF_BOUNDS.format(limit=limit), q.points)
    return {q.id: results[q.id] for q in exercise.questions}


def judge_question(q, answers: dict, dataset) -> Result:
    """The verdict on one question (in the judge's child process)."""
    odd = [_unsupported(v, answers[v]) for v in q.variables if isinstance(answers.get(v), Unsupported)]
    try:
        if odd:
            raise CheckFailed("; ".join(odd))
        q.verify({v: answers.get(v) for v in q.variables}, dataset)
    except NotAttempted as e:
        return Result(q.id, NOT_ATTEMPTED, _short(str(e)), q.points)
    except CheckFailed as e:
        return Result(q.id, FAILED, _short(str(e)), q.points)
    except Exception as e:  # a value the comparison cannot handle is a wrong answer, never a crash
        return Result(q.id, ERROR, f"could not check your answer ({type(e).__name__}); "
                      f"check its type: {PLAIN_DATA}", q.points)
    return Result(q.id, PASSED, "", q.points)


def _unsupported(variable: str, value: Unsupported) -> str:
    if value.too_large:
        return f"`{variable}` is too large to judge: {value.reason}; answers are small values and tables"
    return f"`{variable}` is a {value.type_name}: an answer must be plain data ({PLAIN_DATA})"


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 20] + " [... message cut]"


def _judge_in_child(questions: list, answers: dict, dataset, deadline: float) -> dict[str, Result]:
    """Verdicts on ``questions``, judged in order in a forked child, for as many as it finished in time."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: judge, write one JSON line per verdict, exit without the parent's clean-up
        code = 0
        try:
            os.close(read)
            _limit_child(deadline)
            with os.fdopen(write, "w") as out:
                for q in questions:
                    out.write(json.dumps(asdict(judge_question(q, answers, dataset))) + "\n")
                    out.flush()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    results, buffer = {}, b""
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read], [], [], left)[0]:
                break
            chunk = os.read(read, 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                result = Result(**json.loads(line))
                results[result.question_id] = result
    finally:
        os.close(read)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    return results


def _limit_child(deadline: float) -> None:
    """The judge's child may use JUDGE_MEMORY more than the grader holds, and the time left to the deadline."""
    with open("/proc/self/statm") as f:
        held = int(f.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (held + JUDGE_MEMORY, held + JUDGE_MEMORY))
    seconds = max(1, int(deadline - time.monotonic()) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
