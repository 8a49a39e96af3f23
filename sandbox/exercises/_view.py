"""Learner-facing views: small records that render as HTML in Jupyter and as text in a terminal.

Checking (``_question.py``) raises exceptions; these classes turn the outcome
into something friendly to read. They hold no logic beyond formatting.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"

_COLOURS = {PASSED: "#1b7f3b", FAILED: "#b3261e", NOT_ATTEMPTED: "#6b6b6b", ERROR: "#8a5a00"}
_ICONS = {PASSED: "✓", FAILED: "✗", NOT_ATTEMPTED: "…", ERROR: "!"}


_CODE_RE = re.compile(r"`([^`]+)`")


def markdown_html(text: str) -> str:
    """``text`` escaped for HTML, with `backtick` spans rendered as code (the text view keeps them)."""
    return _CODE_RE.sub(r"<code>\1</code>", html.escape(text))


def show(obj) -> None:
    """Display ``obj`` below the running cell (rich in Jupyter, repr elsewhere) without returning it."""
    try:
        from IPython.display import display
    except ImportError:  # plain Python: nothing richer to show
        print(repr(obj))
        return
    display(obj)


def _box(colour: str, title: str, body_html: str = "") -> str:
    body = f"<div style='margin-top:4px'>{body_html}</div>" if body_html else ""
    return (f"<div style='border-left:4px solid {colour};padding:6px 10px;margin:4px 0;"
            f"background:rgba(0,0,0,0.03)'><b style='color:{colour}'>{title}</b>{body}</div>")


@dataclass(frozen=True)
class Result:
    """The outcome of one ``qN.check()``."""

    question_id: str
    status: str
    message: str = ""
    points: int = 1

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        text = f"{_ICONS[self.status]} {self.question_id}: {self.status}"
        return f"{text} - {self.message}" if self.message else text

    def _repr_html_(self) -> str:
        title = f"{_ICONS[self.status]} {html.escape(self.question_id)}: {self.status}"
        return _box(_COLOURS[self.status], title, markdown_html(self.message))


@dataclass(frozen=True)
class Hint:
    """Hint number ``level`` of ``total`` for one question."""

    question_id: str
    level: int
    total: int
    text: str

    def _more(self) -> str:
        if self.level < self.total:
            return f"(more: {self.question_id}.hint({self.level + 1}))"
        return f"(last hint; the answer: {self.question_id}.solution())"

    def __repr__(self) -> str:
        return f"Hint {self.level}/{self.total} for {self.question_id}: {self.text} {self._more()}"

    def _repr_html_(self) -> str:
        return _box("#1f5fa8", f"Hint {self.level}/{self.total} for {html.escape(self.question_id)}",
                    f"{markdown_html(self.text)} <i>{markdown_html(self._more())}</i>")


@dataclass(frozen=True)
class Solution:
    """The reference code of one question, with a model written answer or a note about it."""

    question_id: str
    code: str
    model_answer: str | None = None
    note: str | None = None

    def __repr__(self) -> str:
        text = f"Solution for {self.question_id}:\n{self.code}"
        if self.model_answer:
            text += f"\nModel written answer:\n{self.model_answer}"
        if self.note:
            text += f"\n({self.note})"
        return text

    def _repr_html_(self) -> str:
        body = f"<pre style='margin:0'>{html.escape(self.code)}</pre>"
        if self.model_answer:
            body += f"<p><b>Model written answer</b></p><p>{markdown_html(self.model_answer)}</p>"
        if self.note:
            body += f"<p><i>{markdown_html(self.note)}</i></p>"
        return _box("#1f5fa8", f"Solution for {html.escape(self.question_id)}", body)


@dataclass(frozen=True)
class Report:
    """Results of several questions with the score (``sandbox check``).

    ``by_hand``: the points of the notebook's written answers, which no check grades (an instructor does, in
    formgrader); the score line says so, so that 2/13 reads as 2 of the 13 autograded points, with the
    written answers still to come, as formgrader's total of 15 counts them.
    """

    title: str
    results: tuple[Result, ...]
    by_hand: int = 0

    @property
    def score(self) -> int:
        return sum(r.points for r in self.results if r.passed)

    @property
    def max_score(self) -> int:
        return sum(r.points for r in self.results)

    def score_line(self) -> str:
        """``score: 2/13`` or, with written answers, ``score: 2/13 autograded, plus 2 points graded by hand
        (written answers; 15 in all)``."""
        line = f"score: {self.score}/{self.max_score}"
        if self.by_hand:
            points = f"{self.by_hand} point{'s' if self.by_hand != 1 else ''}"
            line += (f" autograded, plus {points} graded by hand (written answers; "
                     f"{self.max_score + self.by_hand} in all)")
        return line

    def __repr__(self) -> str:
        lines = [self.title] + [f"  {r!r}" for r in self.results]
        lines.append(self.score_line())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(r._repr_html_() for r in self.results)
        return f"<h4>{html.escape(self.title)}</h4>{rows}<p><b>{html.escape(self.score_line())}</b></p>"
