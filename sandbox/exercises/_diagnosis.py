"""What a verdict says of a learner's answer, in terms a class can be counted by.

A check shows a typical mistake's message exactly when that mistake alone explains the learner's
answer (:meth:`Question.diagnose`); otherwise it shows the comparison's generic message. So the
verdict's message names the mistake, and no second diagnosis is needed: neither in the grader
(``sandbox course report``) nor from a learner's saved notebook (``sandbox progress``).

A mistake is counted by its stable id, never by its message, which may be reworded.
"""

from __future__ import annotations

from ._view import FAILED, NOT_ATTEMPTED, PASSED, Result

#: A wrong answer that one typical mistake explains, and one that none does (or several do).
MISTAKE, WRONG = "mistake", "wrong"
#: What a question's verdict says, for counting: passed, not attempted, a typical mistake, or wrong.
OUTCOMES = (PASSED, NOT_ATTEMPTED, MISTAKE, WRONG)


def known_mistakes(question) -> tuple:
    """Every typical mistake ``question`` recognises (with the question model's dropped steps, once it has them)."""
    return getattr(question, "known_mistakes", question.mistakes)


def mistake_id(question, mistake) -> str:
    """The stable id of ``mistake``: its own ``id`` where the question model gives one, else its position
    (``mistake-2``), which holds only while the question's mistakes keep their order."""
    return getattr(mistake, "id", None) or f"mistake-{question.mistakes.index(mistake) + 1}"


def diagnosed_mistake(question, result: Result) -> str | None:
    """The id of the typical mistake the verdict ``result`` of ``question`` named, else None."""
    if result.status != FAILED:
        return None
    named = [m for m in known_mistakes(question) if m.message == result.message]
    return mistake_id(question, named[0]) if len(named) == 1 else None


def outcome(status: str, mistake: str | None) -> str:
    """One of OUTCOMES for a verdict's status and the mistake it named (an error is a wrong answer too)."""
    if status in (PASSED, NOT_ATTEMPTED):
        return status
    return MISTAKE if mistake else WRONG
