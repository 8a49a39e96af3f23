"""What a report says, counted from the outcome table (:mod:`.table`): no files, no drawing.

- ``questions``: per assignment and question, how many passed, left it, made a typical mistake or
  were wrong in a way no single mistake explains;
- ``mistakes``: each typical mistake with its count, the students who made it and the message they
  saw, most common first within each question;
- ``skills``: per skill of :data:`sandbox.exercises.SKILLS`, the share of judgement points earned;
- ``learners``: per student, judgement points earned and the mistakes made; ``needs_help`` marks
  those under :data:`HELP_BELOW` of the judgement points;
- ``reteach``: the :data:`RETEACH` mistakes that cost the class the most points.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ..exercises import NOTEBOOKS, SKILLS, get_exercise
from ..exercises._diagnosis import MISTAKE, OUTCOMES, WRONG
from ..exercises._view import NOT_ATTEMPTED
from .table import NO_SUBMISSION

#: A student under this share of the judgement points may need help.
HELP_BELOW = 0.5
#: How many mistakes "re-teach first" lists.
RETEACH = 3
QUESTION_KEYS = ["assignment", "notebook", "question"]


@dataclass(frozen=True)
class Summary:
    """The counted views of one outcome table (see the module docstring)."""

    questions: pd.DataFrame
    mistakes: pd.DataFrame
    skills: pd.DataFrame
    learners: pd.DataFrame
    reteach: pd.DataFrame


def summarize(table: pd.DataFrame, skills: dict = SKILLS) -> Summary:
    """Every view of ``table``; ``skills`` maps each skill to the notebooks that train it."""
    questions = question_counts(table)
    mistakes = mistake_counts(table, questions)
    return Summary(questions, mistakes, skill_shares(table, skills), learner_scores(table, skills),
                   reteach_first(mistakes))


def question_counts(table: pd.DataFrame) -> pd.DataFrame:
    """One row per question, in the table's order: ``points``, ``judgement``, ``prompt``, how many graded
    submissions had each outcome, ``answered`` (graded submissions) and ``no submission``."""
    out = table.drop_duplicates(QUESTION_KEYS)[QUESTION_KEYS + ["points", "judgement"]].reset_index(drop=True)
    out.insert(3, "prompt", [prompt_of(nb, q) for nb, q in zip(out["notebook"], out["question"])])
    keys = question_keys(out)
    for kind in (*OUTCOMES, NO_SUBMISSION):
        counts = Counter(question_keys(table[table["outcome"] == kind]))
        out[kind] = [counts[k] for k in keys]
    out["answered"] = out[list(OUTCOMES)].sum(axis=1)
    return out


def question_keys(frame: pd.DataFrame) -> list[tuple]:
    """(assignment, notebook, question) of each row of ``frame``."""
    return list(zip(*(frame[k] for k in QUESTION_KEYS)))


def prompt_of(notebook: str, question_id: str) -> str:
    """The question's prompt, from the installed exercises ("" for a notebook or question they do not have)."""
    if notebook not in NOTEBOOKS:
        return ""
    try:
        return get_exercise(notebook)[question_id].prompt
    except KeyError:
        return ""


def mistake_counts(table: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """One row per (question, typical mistake) made at least once: ``count``, ``share`` of the question's
    graded submissions, ``points_lost``, ``students`` (sorted) and ``message`` (the one most students saw)."""
    made = table[table["outcome"] == MISTAKE]
    columns = QUESTION_KEYS + ["mistake", "message", "points", "count", "share", "points_lost", "students"]
    if made.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for key, group in made.groupby(QUESTION_KEYS + ["mistake"], sort=False):
        rows.append({**dict(zip(QUESTION_KEYS + ["mistake"], key)),
                     "message": group["message"].value_counts().index[0], "points": int(group["points"].iloc[0]),
                     "count": len(group), "students": sorted(group["student"].unique())})
    out = pd.DataFrame(rows)
    answered = dict(zip(question_keys(questions), questions["answered"]))
    position = {k: i for i, k in enumerate(question_keys(questions))}
    out["share"] = [count / answered[k] for count, k in zip(out["count"], question_keys(out))]
    out["points_lost"] = out["count"] * out["points"]
    out["_position"] = [position[k] for k in question_keys(out)]
    out = out.sort_values(["_position", "count", "mistake"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_position")[columns].reset_index(drop=True)


def reteach_first(mistakes: pd.DataFrame, n: int = RETEACH) -> pd.DataFrame:
    """The ``n`` mistakes that cost the most points (then the most students), from :func:`mistake_counts`."""
    order = mistakes.sort_values(["points_lost", "count"], ascending=False, kind="stable")
    return order.head(n).reset_index(drop=True)


def skill_shares(table: pd.DataFrame, skills: dict) -> pd.DataFrame:
    """One row per skill: the ``notebooks`` of it in the table, judgement points ``earned`` of ``available``
    and their ``share`` (NaN where none of its notebooks is in the table)."""
    judged = table[table["judgement"]]
    rows = []
    for skill, notebooks in skills.items():
        part = judged[judged["notebook"].isin(notebooks)]
        earned, available = int(part["earned"].sum()), int(part["points"].sum())
        rows.append({"skill": skill, "notebooks": [nb for nb in notebooks if nb in set(part["notebook"])],
                     "earned": earned, "available": available,
                     "share": earned / available if available else float("nan")})
    return pd.DataFrame(rows, columns=["skill", "notebooks", "earned", "available", "share"])


def learner_scores(table: pd.DataFrame, skills: dict) -> pd.DataFrame:
    """One row per student, lowest judgement share first: judgement and all points earned of available,
    the share per skill (``skill: NAME``), the mistakes made (``notebook question: mistake``), how many
    questions were left or wrong without a diagnosis, the assignments without a graded submission, and
    ``needs_help`` (judgement share under HELP_BELOW)."""
    by_student = table.groupby("student")
    out = pd.DataFrame({"earned": by_student["earned"].sum(), "available": by_student["points"].sum()})
    judged = table[table["judgement"]]
    out["judgement_earned"] = judged.groupby("student")["earned"].sum().reindex(out.index, fill_value=0)
    out["judgement_available"] = judged.groupby("student")["points"].sum().reindex(out.index, fill_value=0)
    out["judgement_share"] = out["judgement_earned"] / out["judgement_available"].where(out["judgement_available"] > 0)
    for skill, notebooks in skills.items():
        part = judged[judged["notebook"].isin(notebooks)].groupby("student")
        out[f"skill: {skill}"] = (part["earned"].sum() / part["points"].sum()).reindex(out.index)
    made = table[table["outcome"] == MISTAKE]
    mistakes = {student: [] for student in out.index}
    for student, nb, q, m in zip(made["student"], made["notebook"], made["question"], made["mistake"]):
        mistakes[student].append(f"{nb} {q}: {m}")
    out["mistakes"] = pd.Series(mistakes)
    for kind, column in ((NOT_ATTEMPTED, "not_attempted"), (WRONG, "wrong")):
        out[column] = (table["outcome"] == kind).groupby(table["student"]).sum()
    unsubmitted = table[table["outcome"] == NO_SUBMISSION].groupby("student")["assignment"].unique()
    out["no_submission"] = pd.Series({s: sorted(unsubmitted.get(s, [])) for s in out.index})
    out["needs_help"] = out["judgement_share"] < HELP_BELOW
    out = out.reset_index().sort_values(["judgement_share", "student"], na_position="last", kind="stable")
    first = ["student", "judgement_earned", "judgement_available", "judgement_share", "earned", "available"]
    return out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)
