"""The outcome table: one row per learner, notebook and question, which every view of a report counts.

Columns (:data:`COLUMNS`): ``student``, ``assignment``, ``notebook``, ``question``, ``outcome``
(passed, not attempted, mistake, wrong, or :data:`NO_SUBMISSION`), ``mistake`` (the typical
mistake's id, "" for other outcomes), ``message`` (what the learner was shown), ``points``,
``earned`` and ``judgement`` (the question rewards a decision, EXERCISES.md bar 1).
"""

from __future__ import annotations

import pandas as pd

from ..exercises._diagnosis import outcome
from ..exercises._view import PASSED

#: The outcome of every question of an assignment a student did not hand in (or that could not be graded).
NO_SUBMISSION = "no submission"
COLUMNS = ["student", "assignment", "notebook", "question", "outcome", "mistake", "message", "points", "earned",
           "judgement"]


def record_rows(student: str, assignment: str, record: dict) -> list[dict]:
    """The rows of one notebook's verdict record (:mod:`sandbox.course.grade.verdicts`)."""
    rows = []
    for q in record["questions"]:
        kind = outcome(q["status"], q.get("mistake"))
        points = int(q["points"])
        rows.append({"student": student, "assignment": assignment, "notebook": record["notebook"],
                     "question": q["question"], "outcome": kind, "mistake": q.get("mistake") or "",
                     "message": q.get("message") or "", "points": points, "earned": points if kind == PASSED else 0,
                     "judgement": bool(q.get("judgement"))})
    return rows


def unsubmitted_rows(student: str, assignment: str, exercise) -> list[dict]:
    """The rows of an assignment ``student`` has no graded submission of: every question earns 0."""
    return [{"student": student, "assignment": assignment, "notebook": exercise.name, "question": q.id,
             "outcome": NO_SUBMISSION, "mistake": "", "message": "", "points": q.points, "earned": 0,
             "judgement": bool(q.judgement)} for q in exercise.questions]


def outcome_table(rows: list[dict]) -> pd.DataFrame:
    """The table of ``rows``, in a stable order (student, assignment, notebook, question as numbered)."""
    table = pd.DataFrame(rows, columns=COLUMNS).astype(
        {"points": "int64", "earned": "int64", "judgement": "bool"})
    number = table["question"].str.extract(r"(\d+)$", expand=False).astype("float64")
    order = table.assign(_n=number).sort_values(["student", "assignment", "notebook", "_n", "question"], kind="stable")
    return order.drop(columns="_n").reset_index(drop=True)
