"""``sandbox progress DIR``: a self-learner's own progress, from the checks saved in their notebooks.

``qN.check()`` in JupyterLab leaves its verdict as the cell's output, and JupyterLab saves outputs
with the notebook: so a learner's saved notebooks hold their latest check of every question they
checked (the output of the cell run last, by execution count). Nothing else is written while they
learn. ``sandbox check`` runs a notebook without saving it: its results are printed, not kept.
A typical mistake is read from the message the check showed (:mod:`sandbox.exercises._diagnosis`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..exercises import NOTEBOOKS, get_exercise
from ..exercises._diagnosis import diagnosed_mistake, outcome
from ..exercises._view import ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result
from . import PROGRESS_FILE
from .render import page_path, render_html, write_atomically
from .summary import Summary, summarize
from .table import outcome_table

#: The outcome of a question of a checked notebook whose check was never run.
NOT_CHECKED = "not checked"
LEARNER = "you"
#: ``repr(Result)`` as a saved output shows it: icon, question, status, then the message.
CHECK_OUTPUT = re.compile(rf"^\S (?P<id>\w+): (?P<status>{PASSED}|{FAILED}|{NOT_ATTEMPTED}|{ERROR})"
                          r"(?: - (?P<message>.*))?\Z", re.S)


@dataclass
class Progress:
    """A learner's checked notebooks, their outcomes and what the HTML page shows."""

    folder: Path
    checked: dict[str, Path]  # exercise -> the notebook its checks were read from
    table: pd.DataFrame
    summary: Summary
    html: Path | None = None
    unchecked: list[str] = field(default_factory=list)  # exercise notebooks in the folder without a saved check


def saved_checks(path: Path) -> tuple[str, dict[str, Result]] | None:
    """(exercise, question id -> the latest saved check) of the notebook ``path``; None if it is no exercise."""
    import nbformat

    from ..exercises.runner import exercise_name

    try:
        nb = nbformat.read(path, as_version=4)
        name = exercise_name(nb, path)
    except Exception:  # not a notebook, or not one of the exercises: nothing of the learner's progress
        return None
    exercise = get_exercise(name)
    points = {q.id: q.points for q in exercise.questions}
    latest: dict[str, tuple[tuple, Result]] = {}
    for position, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain", "") if out.get("output_type") in (
                "execute_result", "display_data") else ""
            found = CHECK_OUTPUT.match("".join(text) if isinstance(text, list) else text)
            if not found or found["id"] not in points:
                continue
            when = (cell.get("execution_count") or 0, position)
            if found["id"] not in latest or when >= latest[found["id"]][0]:
                result = Result(found["id"], found["status"], found["message"] or "", points[found["id"]])
                latest[found["id"]] = (when, result)
    return name, {qid: result for qid, (_, result) in latest.items()}


def progress_rows(name: str, results: dict[str, Result]) -> list[dict]:
    """The outcome rows (:mod:`.table`) of one notebook's saved checks; unchecked questions earn nothing."""
    rows = []
    for q in get_exercise(name).questions:
        result = results.get(q.id)
        mistake = diagnosed_mistake(q, result) if result else None
        kind = outcome(result.status, mistake) if result else NOT_CHECKED
        rows.append({"student": LEARNER, "assignment": name, "notebook": name, "question": q.id, "outcome": kind,
                     "mistake": mistake or "", "message": result.message if result else "", "points": q.points,
                     "earned": q.points if kind == PASSED else 0, "judgement": bool(q.judgement)})
    return rows


def learner_progress(folder, out=None) -> Progress:
    """Read the checks saved in the exercise notebooks of ``folder`` and write the progress page.

    ``out``: the HTML file (by default ``folder/progress.html``). For each exercise, the notebook
    (of several copies) whose checks were saved last counts. ValueError when no notebook holds a check.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder; give the folder holding your exercise notebooks")
    html = page_path(out, folder / PROGRESS_FILE)
    found: dict[str, tuple[float, Path, dict]] = {}
    present = set()
    for path in sorted(folder.glob("*.ipynb")):
        checks = saved_checks(path)
        if checks is None:
            continue
        name, results = checks
        present.add(name)
        if results and (name not in found or path.stat().st_mtime > found[name][0]):
            found[name] = (path.stat().st_mtime, path, results)
    if not found:
        raise ValueError(f"no checked exercise notebook in {folder}: run a question's check (q1.check()) in a "
                         "notebook and save it; its result is what this reads")
    order = [n for n in NOTEBOOKS if n in found]
    table = outcome_table([row for name in order for row in progress_rows(name, found[name][2])])
    progress = Progress(folder, {n: found[n][1] for n in order}, table, summarize(table),
                        unchecked=sorted(present - set(found)))
    progress.html = html
    write_atomically(progress.html, render_html("progress.html.j2", **page_context(progress)))
    return progress


def notebook_scores(progress: Progress) -> list[dict]:
    """Per checked notebook: name, title, points earned and available, and its questions' rows."""
    scores = []
    for name, path in progress.checked.items():
        rows = progress.table[progress.table["notebook"] == name]
        scores.append({"name": name, "title": get_exercise(name).title, "file": path.name,
                       "earned": int(rows["earned"].sum()), "available": int(rows["points"].sum()),
                       "questions": [{**r, "prompt": get_exercise(name)[r["question"]].prompt}
                                     for r in rows.to_dict("records")]})
    return scores


def page_context(progress: Progress) -> dict:
    """What progress.html.j2 shows."""
    from .charts import data_uri, skill_chart

    skills = progress.summary.skills
    assessed = skills.dropna(subset=["share"])
    revisit = progress.summary.mistakes.sort_values(["points_lost"], ascending=False, kind="stable")
    return {
        "folder": str(progress.folder), "notebooks": notebook_scores(progress), "unchecked": progress.unchecked,
        "revisit": [{**m, "prompt": get_exercise(m["notebook"])[m["question"]].prompt}
                    for m in revisit.to_dict("records")],
        "skills": skills.to_dict("records"),
        "skills_chart": {"uri": data_uri(skill_chart(skills, "Your share of judgement points earned, per skill")),
                         "alt": "; ".join(f"{s['skill']}: {100 * s['share']:.0f}%" for s in assessed.to_dict("records"))}
        if len(assessed) else None,
    }


def progress_text(progress: Progress) -> str:
    """The terminal view: a line per checked notebook, the skills, what to revisit first."""
    from .render import percent, terminal_text

    icons = {PASSED: "✓", "mistake": "✗", "wrong": "✗", NOT_ATTEMPTED: "…", NOT_CHECKED: "·"}
    lines = [f"Your progress in {progress.folder}: {len(progress.checked)} of {len(NOTEBOOKS)} exercise notebooks "
             "checked (read from the checks saved in them)"]
    for nb in notebook_scores(progress):
        marks = " ".join(f"{icons[q['outcome']]}{q['question']}" for q in nb["questions"])
        lines.append(f"  {nb['name']:<28} {nb['earned']:>2}/{nb['available']:<2} points  {marks}")
    if progress.unchecked:
        lines.append(f"  no saved check yet: {', '.join(progress.unchecked)}")
    lines.append("  (✓ passed, ✗ wrong, … not attempted, · not checked)")
    skills = progress.summary.skills
    lines.append("Judgement points earned, per skill: " + " · ".join(
        f"{s['skill']} {percent(s['share'])}" if s["available"] else f"{s['skill']} not started"
        for s in skills.to_dict("records")))
    mistakes = progress.summary.mistakes.sort_values("points_lost", ascending=False, kind="stable")
    if len(mistakes):
        lines.append("Revisit first (a typical mistake explains your answer):")
        for m in mistakes.to_dict("records"):
            lines.append(f"  {m['notebook']} {m['question']} ({m['points']} point{'s' if m['points'] != 1 else ''}): "
                         f"{terminal_text(m['message'])}")
    return "\n".join(lines)
