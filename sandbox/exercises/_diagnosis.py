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


def diagnosed_mistake(question, result: Result) -> str | None:
    """The id of the typical mistake (or dropped step) the verdict ``result`` of ``question`` named, else None."""
    if result.status != FAILED:
        return None
    named = [m for m in question.known_mistakes if m.message == result.message]
    return named[0].id if len(named) == 1 else None


def outcome(status: str, mistake: str | None) -> str:
    """One of OUTCOMES for a verdict's status and the mistake it named (an error is a wrong answer too)."""
    if status in (PASSED, NOT_ATTEMPTED):
        return status
    return MISTAKE if mistake else WRONG
