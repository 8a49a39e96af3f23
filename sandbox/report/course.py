"""``sandbox course report``: what a class got wrong, for its instructor, from the verdicts autograde kept.

The class is every student ``autograde_status.json`` lists; an assignment a student did not hand in
(or that could not be graded) earns them nothing. Only ``sandbox course autograde`` keeps verdicts
(:mod:`sandbox.course.grade.verdicts`): plain ``nbgrader autograde`` runs checks in the student's
kernel and leaves none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..course.build.settings import RUN_KEY, STATUS_FILE, CourseError, CourseSettings
from ..course.grade.verdicts import read_verdicts
from ..exercises import NOTEBOOKS, get_exercise
from . import REPORT_FILE
from .render import page_path, render_html, write_atomically, write_csv
from .summary import HELP_BELOW, Summary, summarize
from .table import NO_SUBMISSION, outcome_table, record_rows, unsubmitted_rows

#: How many students the page names under a re-teach mistake (all of them are in the CSV).
NAMES_SHOWN = 40
#: Submission statuses that leave a student without a graded submission.
WITHOUT = ("missing", "ungradable")


@dataclass
class ClassOutcomes:
    """A class's outcome table (:mod:`.table`) and how many submissions of each assignment it rests on."""

    course: str
    assignments: list[str]
    table: pd.DataFrame
    submissions: dict[str, dict[str, int]] = field(default_factory=dict)  # assignment -> status -> count
    unrecorded: list[tuple[str, str]] = field(default_factory=list)  # (student, assignment) graded without verdicts


@dataclass
class CourseReport:
    """What :func:`course_report` wrote, and what it counted."""

    html: Path
    csv: list[Path]
    outcomes: ClassOutcomes
    summary: Summary


def read_status(course_dir: Path) -> dict:
    """Student -> assignment -> {status, message} of the course's autograde runs."""
    path = course_dir / STATUS_FILE
    if not path.is_file():
        raise CourseError(f"{course_dir} has not been graded yet (no {STATUS_FILE}); "
                          f"run `sandbox course autograde {course_dir}` first")
    return {k: v for k, v in json.loads(path.read_text()).items() if k != RUN_KEY}


def class_outcomes(course_dir, assignments: list[str] | None = None) -> ClassOutcomes:
    """The outcomes of every graded question of ``assignments`` (default: every assignment graded so far)."""
    course_dir = Path(course_dir)
    settings = CourseSettings.load(course_dir)
    status = read_status(course_dir)
    graded = [a for a in settings.assignments if any(a in s for s in status.values())]
    for a in assignments or []:
        if a not in settings.assignments:
            raise CourseError(f"unknown assignment {a!r}; assignments: {', '.join(settings.assignments)}")
        if a not in graded:
            raise CourseError(f"{a} has not been graded yet; run `sandbox course autograde {course_dir} "
                              f"--assignment {a}` first")
    chosen = [a for a in graded if a in assignments] if assignments else graded
    exercises = {a: assignment_exercises(course_dir, a) for a in chosen}
    rows, unrecorded = [], []
    submissions = {a: {"graded": 0, **dict.fromkeys(WITHOUT, 0)} for a in chosen}
    for student in sorted(status):
        for a in chosen:
            state = status[student].get(a, {}).get("status")
            if state == "graded":
                records = read_verdicts(course_dir, student, a)
                if not records:
                    unrecorded.append((student, a))
                    continue
                rows += [row for record in records for row in record_rows(student, a, record)]
            elif state in WITHOUT:
                rows += [row for exercise in exercises[a] for row in unsubmitted_rows(student, a, exercise)]
            else:  # not graded yet, or not a student of the course
                continue
            submissions[a][state] += 1
    if not any(row["outcome"] != NO_SUBMISSION for row in rows):
        raise CourseError(f"no verdicts to report in {course_dir}: only `sandbox course autograde` keeps them, "
                          "for the sandbox's exercises; grade again with it")
    return ClassOutcomes(settings.course_id, chosen, outcome_table(rows), submissions, unrecorded)


def assignment_exercises(course_dir: Path, assignment: str) -> list:
    """The sandbox exercises among the source notebooks of ``assignment``."""
    names = sorted(p.stem for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    return [get_exercise(n) for n in names if n in NOTEBOOKS]


def course_report(course_dir, assignments: list[str] | None = None, out=None) -> CourseReport:
    """Write what the class got wrong as a self-contained HTML page and CSV files; return where and what.

    Parameters
    ----------
    course_dir : path
        A course folder graded by ``sandbox course autograde``.
    assignments : list of str, optional
        Report these assignments only; by default every assignment graded so far.
    out : path, optional
        The HTML file (by default ``COURSE/class_report.html``). The CSV files go beside it:
        ``NAME.csv`` (every question's outcomes and mistakes), ``NAME_students.csv`` and ``NAME_skills.csv``.
    """
    course_dir = Path(course_dir)
    outcomes = class_outcomes(course_dir, assignments)  # first: is it a course, graded?
    html = page_path(out, course_dir / REPORT_FILE)
    summary = summarize(outcomes.table)
    csv = {html.with_name(f"{html.stem}{name}.csv"): frame for name, frame in
           (("", question_rows(summary)), ("_students", summary.learners), ("_skills", summary.skills))}
    page = render_html("class_report.html.j2", **page_context(outcomes, summary, html.stem))
    for path, frame in csv.items():  # everything is computed before the first file is written
        write_csv(path, frame)
    write_atomically(html, page)
    return CourseReport(html, list(csv), outcomes, summary)


def question_rows(summary: Summary) -> pd.DataFrame:
    """The report's main CSV: per question, one row per outcome (typical mistakes one row each), with counts,
    shares of the graded submissions, points lost, the message students saw and who they are."""
    rows = []
    for q in summary.questions.to_dict("records"):
        base = {k: q[k] for k in ("assignment", "notebook", "question", "points", "judgement")}
        made = summary.mistakes[(summary.mistakes["assignment"] == q["assignment"])
                                & (summary.mistakes["question"] == q["question"])]
        for kind in ("passed", "not attempted", "wrong"):
            rows.append({**base, "outcome": kind, "mistake": "", "count": q[kind], "answered": q["answered"],
                         "points_lost": 0 if kind == "passed" else q[kind] * q["points"], "message": "", "students": []})
        for m in made.to_dict("records"):
            rows.append({**base, "outcome": "mistake", "mistake": m["mistake"], "count": m["count"],
                         "answered": q["answered"], "points_lost": m["points_lost"], "message": m["message"],
                         "students": m["students"]})
    out = pd.DataFrame(rows)
    out.insert(out.columns.get_loc("answered") + 1, "share", out["count"] / out["answered"].where(out["answered"] > 0))
    return out


def page_context(outcomes: ClassOutcomes, summary: Summary, name: str) -> dict:
    """What class_report.html.j2 shows, charts drawn; ``name``: of the report's files, for the CSV names."""
    from .charts import outcome_chart, skill_chart

    questions, mistakes = summary.questions, summary.mistakes
    by_question = {(q["assignment"], q["question"]): q for q in questions.to_dict("records")}
    assignments = []
    for a in outcomes.assignments:
        own_questions, own_mistakes = questions[questions["assignment"] == a], mistakes[mistakes["assignment"] == a]
        rows = [{**q, "not_attempted": q["not attempted"], "passed_share": q["passed"] / q["answered"] if q["answered"]
                 else None, "mistakes": own_mistakes[own_mistakes["question"] == q["question"]].to_dict("records")}
                for q in own_questions.to_dict("records")]
        counts = outcomes.submissions[a]
        assignments.append({
            "name": a, "title": get_exercise(a).title if a in NOTEBOOKS else "", "graded": counts["graded"],
            "without": [(kind, n) for kind, n in counts.items() if kind != "graded" and n], "questions": rows,
            "chart": chart(outcome_chart(own_questions, own_mistakes, f"{a}: students by outcome"), chart_alt(rows))
            if counts["graded"] else None})
    assessed = summary.skills.dropna(subset=["share"])
    learners = summary.learners
    return {
        "course": outcomes.course, "students": outcomes.table["student"].nunique(), "assignments": assignments,
        "notes": unrecorded_notes(outcomes.unrecorded), "help_below": HELP_BELOW, "names_shown": NAMES_SHOWN,
        "questions_csv": f"{name}.csv", "students_csv": f"{name}_students.csv",
        "reteach": [{**by_question[(m["assignment"], m["question"])], **m} for m in summary.reteach.to_dict("records")],
        "skills": summary.skills.to_dict("records"),
        "skills_chart": chart(skill_chart(summary.skills, "Share of judgement points earned, per skill"),
                              "; ".join(f"{s['skill']}: {100 * s['share']:.0f}%" for s in assessed.to_dict("records")))
        if len(assessed) else None,
        "needing_help": [{**s, "mistakes": mistakes_by_notebook(s["mistakes"])}
                         for s in learners[learners["needs_help"]].to_dict("records")],
    }


def unrecorded_notes(unrecorded: list[tuple[str, str]]) -> list[str]:
    if not unrecorded:
        return []
    shown = ", ".join(f"{s} {a}" for s, a in unrecorded[:10]) + (" ..." if len(unrecorded) > 10 else "")
    return [f"{len(unrecorded)} graded submission(s) have no verdicts (graded before verdicts were kept) and are "
            f"left out: {shown}. Grade them again to count them."]


def mistakes_by_notebook(mistakes: list[str]) -> list[str]:
    """``["01 q8: m-1", "01 q9: m-2"]`` as ``["01: q8 m-1, q9 m-2"]``, one line per notebook."""
    lines: dict[str, list[str]] = {}
    for entry in mistakes:
        where, _, mistake = entry.partition(": ")
        notebook, _, question = where.rpartition(" ")
        lines.setdefault(notebook, []).append(f"{question} {mistake}")
    return [f"{notebook}: {', '.join(items)}" for notebook, items in lines.items()]


def chart(fig, alt: str) -> dict:
    """An inline image of ``fig`` for the page, with ``alt`` as its text."""
    from .charts import data_uri

    return {"uri": data_uri(fig), "alt": alt}


def chart_alt(rows: list[dict]) -> str:
    """An assignment chart's data in words (for a screen reader, and for a check that the picture holds it)."""
    parts = []
    for q in rows:
        made = "".join(f", {m['mistake']} {m['count']}" for m in q["mistakes"])
        parts.append(f"{q['question']}: passed {q['passed']}{made}, wrong {q['wrong']}, "
                     f"not attempted {q['not_attempted']}")
    return "; ".join(parts)
