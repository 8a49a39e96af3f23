"""Synthetic submissions for tests and benchmarks/bench_autograde.py: a student's released notebook with the
reference solutions filled in, optionally with some answers replaced (planted mistakes)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def solution_answers(source_notebook) -> dict[str, str]:
    """grade_id -> the reference answer (code or text) of every solution cell of an nbgrader source notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    answers = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        found = SOLUTION.findall(cell.source)
        answers[meta["grade_id"]] = "\n".join(m.strip("\n") for m in found) if found else cell.source
    return answers


def submit(course_dir, student_id: str, assignment: str, overrides: dict[str, str] | None = None) -> Path:
    """Copy release_students/<id>/<assignment>/ to submitted/<id>/<assignment>/ with answers filled in.

    Every answer is the reference solution except those in ``overrides``
    (grade_id -> code). Returns the submitted folder.
    """
    course_dir = Path(course_dir)
    dest = course_dir / "submitted" / student_id / assignment
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(course_dir / "release_students" / student_id / assignment, dest)
    answers = solution_answers(course_dir / "source" / assignment / f"{assignment}.ipynb")
    answers.update(overrides or {})
    for path in dest.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        nbformat.write(nb, path)
    return dest


# --- A class with planted typical mistakes (the class report's test and benchmarks/bench_autograde.py) ---

MISTAKE, NOT_ATTEMPTED, WRONG = "mistake", "not attempted", "wrong"
#: The answer a "wrong" plant gives to every variable of its question: wrong, and no typical mistake gives it.
NONSENSE = "not sure"
#: Which students get the planted mistakes of the n-th assignment: student i gets mistake j when
#: i % (MISTAKE_EVERY[j] + n) == j (in the first assignment about a half, a third and a fifth of the class;
#: fewer in later ones), so that counts differ and the mistakes rank clearly.
MISTAKE_EVERY = (2, 3, 5)
LEFT_RULE, WRONG_RULE = (lambda i: i % 7 == 3), (lambda i: i % 11 == 4)


@dataclass(frozen=True)
class Plant:
    """One planted answer: the typical mistake (or dropped step) ``mistake`` (its id) of ``question``, the
    question left (its variables kept as ``...``), or a wrong answer no typical mistake explains."""

    question: str
    kind: str
    mistake: str | None = None


def mistake_answer(question, mistake_id: str, learner_world, grading_world=None):
    """The answer typical mistake ``mistake_id`` gives on ``learner_world``, if the judge names that mistake
    for it on ``grading_world`` (the same world by default), else None."""
    from sandbox.exercises import CheckFailed

    value = question.mistake_answer(mistake_id, learner_world)
    if value is None:
        return None
    try:
        question.verify(as_namespace(question, value), grading_world if grading_world is not None else learner_world)
    except CheckFailed as e:
        return value if str(e) == question.mistake(mistake_id).message else None
    return None


def as_namespace(question, value) -> dict:
    """Variable -> value of an answer (a tuple for a question of several variables)."""
    return dict(zip(question.variables, value)) if len(question.variables) > 1 else {question.variables[0]: value}


def leaf_questions(exercise) -> list:
    """The questions of ``exercise`` whose answer variables no later code cell of its notebook reads.

    A grader judges the variables' values at the end of the notebook, so a planted answer to another
    question would also change the answers computed from it: its count would not be the planted one.
    """
    from sandbox.course.build.course import SOLUTIONS_DIR

    cells = [c for c in nbformat.read(SOLUTIONS_DIR / f"{exercise.name}.ipynb", as_version=4).cells
             if c.cell_type == "code"]
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
    leaves = []
    for q in exercise.questions:
        later = [c.source for c, gid in zip(cells[ids.index(f"{q.id}_answer") + 1:], ids[ids.index(f"{q.id}_answer") + 1:])
                 if gid != q.id]
        if not any(re.search(rf"\b{re.escape(v)}\b", source) for v in q.variables for source in later):
            leaves.append(q)
    return leaves


def class_plants(exercise, world, grading_world=None) -> list[Plant]:
    """The plants of one exercise: typical mistakes, then the question left, then the wrong one.

    Only questions no later answer reads (:func:`leaf_questions`): three typical mistakes of three of them
    (judgement questions first) that the judge names on ``grading_world`` (``world`` by default) for the
    answer they give on ``world``, the data a student's kernel sees; the last other one is left unanswered;
    the first remaining one gets NONSENSE.
    """
    from sandbox.exercises import CheckFailed

    leaves = leaf_questions(exercise)
    plants, used = [], set()
    for q in sorted(leaves, key=lambda q: not q.judgement):
        found = next((m.id for m in q.known_mistakes if mistake_answer(q, m.id, world, grading_world) is not None),
                     None)
        if found is not None and len(plants) < len(MISTAKE_EVERY):
            plants.append(Plant(q.id, MISTAKE, found))
            used.add(q.id)
    left = [q for q in leaves if q.id not in used][-1]
    plants.append(Plant(left.id, NOT_ATTEMPTED))
    for q in leaves:
        if q.id in used or q.id == left.id:
            continue
        try:
            q.verify({v: NONSENSE for v in q.variables}, grading_world if grading_world is not None else world)
        except CheckFailed as e:
            if str(e) not in {m.message for m in q.known_mistakes}:
                plants.append(Plant(q.id, WRONG))
                break
    return plants


def missing_submission(students: list[str], assignments: list[str]) -> tuple[str, str] | None:
    """The one (student, assignment) of a synthetic class handed in empty-handed: the 4th student's second."""
    return (students[3], assignments[1]) if len(students) > 3 and len(assignments) > 1 else None


def planted_class(students: list[str], plants: dict[str, list[Plant]]) -> dict[tuple[str, str], list[Plant]]:
    """(student, assignment) -> the plants of that submission, by the student's position in ``students``.

    ``plants``: assignment -> :func:`class_plants`, in the course's order. Typical mistakes go to the students
    MISTAKE_EVERY says, the question left to those of LEFT_RULE, the wrong answer to those of WRONG_RULE.
    """
    planted = {}
    for n, (assignment, candidates) in enumerate(plants.items()):
        mistakes = [p for p in candidates if p.kind == MISTAKE]
        rules = {p: (lambda i, j=j, n=n: i % (MISTAKE_EVERY[j] + n) == j) for j, p in enumerate(mistakes)}
        rules.update({p: LEFT_RULE if p.kind == NOT_ATTEMPTED else WRONG_RULE for p in candidates if p.kind != MISTAKE})
        for i, sid in enumerate(students):
            chosen = [p for p in candidates if rules[p](i)]
            if chosen:
                planted[(sid, assignment)] = chosen
    return planted


def answer_code(notebook: str, question, plant: Plant, solution: str = "") -> str:
    """The answer cell (grade id ``<question>_answer``) of a submission with ``plant``: the ``solution`` (so that
    whatever else it defines is there), then the planted answer; a typical mistake is computed in the
    student's kernel, on the data the notebook loaded (``ds``)."""
    if plant.kind == NOT_ATTEMPTED:
        planted = "".join(f"{v} = ...\n" for v in question.variables)
    elif plant.kind == WRONG:
        planted = "".join(f"{v} = {NONSENSE!r}\n" for v in question.variables)
    else:
        planted = ("from sandbox.exercises import get_exercise as _get_exercise\n"
                   f"_wrong = _get_exercise({notebook!r})[{question.id!r}].mistake_answer({plant.mistake!r}, ds)\n"
                   f"{', '.join(question.variables)} = _wrong\n")
    return f"{solution}\n{planted}" if solution else planted


def answer_values(question, plant: Plant | None, world) -> dict:
    """Variable -> value of the answer to ``question`` on ``world``: the reference answer without a plant."""
    if plant is None:
        return as_namespace(question, question.answers_of(question.reference(world))[0])
    if plant.kind == MISTAKE:
        return as_namespace(question, question.mistake_answer(plant.mistake, world))
    if plant.kind == NOT_ATTEMPTED:
        return {}
    return {v: NONSENSE for v in question.variables}


def holds_on(plant: Plant, question, learner_world, grading_world) -> bool:
    """Whether ``plant`` gives the outcome it stands for on a student's worlds (the kernel's, the judge's)."""
    from sandbox.exercises import CheckFailed

    if plant.kind == MISTAKE:
        return mistake_answer(question, plant.mistake, learner_world, grading_world) is not None
    if plant.kind == WRONG:
        try:
            question.verify({v: NONSENSE for v in question.variables}, grading_world)
        except CheckFailed as e:
            return str(e) not in {m.message for m in question.known_mistakes}
        return False
    return True


def submit_planted_class(course, students: list[str], assignments: list[str]) -> tuple[dict, tuple | None]:
    """Hand in the synthetic class with planted mistakes (benchmarks/bench_autograde.py).

    The plants are chosen on the first student's worlds; each student gets those of :func:`planted_class` that
    hold on their own worlds (the released data their kernel reads, the regenerated world the judge uses).
    Returns (student, assignment) -> the plants handed in, and the submission left out
    (:func:`missing_submission`).
    """
    import sandbox
    from sandbox.course.build.worlds import student_dataset
    from sandbox.exercises import get_exercise

    course = Path(course)

    exercises = {a: get_exercise(a) for a in assignments}
    solutions = {a: solution_answers(course / "source" / a / f"{a}.ipynb") for a in assignments}

    def worlds(sid: str, assignment: str):
        """The student's released data of ``assignment`` (what their kernel reads) and their grading world."""
        tables = exercises[assignment].tables
        return (sandbox.load_dataset(course / "release_students" / sid / assignment / "data", tables=tables),
                sandbox.load_dataset(student_dataset(course, sid), tables=tables))

    plants = {a: class_plants(exercises[a], *worlds(students[0], a)) for a in assignments}
    planted, missing, handed_in = planted_class(students, plants), missing_submission(students, assignments), {}
    for sid in students:
        for a in assignments:
            if (sid, a) == missing:
                continue
            mine = planted.get((sid, a), [])
            if mine:
                learner, grading = worlds(sid, a)
                mine = [p for p in mine if holds_on(p, exercises[a][p.question], learner, grading)]
            submit(course, sid, a, {f"{p.question}_answer": answer_code(a, exercises[a][p.question], p,
                                                                        solutions[a][f"{p.question}_answer"])
                                    for p in mine})
            if mine:
                handed_in[(sid, a)] = mine
    return handed_in, missing


def planted_counts(submissions: dict) -> "Counter":
    """(assignment, question, outcome, mistake id) -> how many of ``submissions`` ((student, assignment) ->
    plants) were given it: what a class report of them must count."""
    from collections import Counter

    counts = Counter()
    for (_, a), plants in submissions.items():
        for p in plants:
            counts[(a, p.question, p.kind, p.mistake or "")] += 1
    return counts


def reported_counts(report_csv) -> "Counter":
    """The same key -> count from a class report's main CSV (every outcome but passed, counts above 0)."""
    import csv
    from collections import Counter

    with open(report_csv, newline="") as f:
        return Counter({(r["assignment"], r["question"], r["outcome"], r["mistake"]): int(r["count"])
                        for r in csv.DictReader(f) if r["outcome"] != "passed" and int(r["count"])})
