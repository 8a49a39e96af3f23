"""The nbgrader cells of a question, generated from its :class:`~sandbox.exercises.Question`.

A question's points and solution code live in the Question only. A solution notebook repeats them: the
"### Question N (P points)" heading, the answer cell (a ``name = ...`` stub per variable, then the solution
between ``BEGIN/END SOLUTION``), the test cell and its nbgrader ``points``, the model written answer in the
``<id>_narrative`` cell, and the question ids in the setup cell's ``q1, ..., qN = ex.setup(globals())``. A
written answer's points live in its nbgrader metadata only; the "(P points, graded by your instructor)"
heading above it repeats them. :func:`drift` lists where a notebook differs from these sources and
:func:`sync` rewrites the copies from them; ``sandbox exercises release`` calls both (``release.py``).
"""

from __future__ import annotations

import re

from ._question import Exercise, Question

HEADING_RE = re.compile(r"^### Question (\d+) \((\d+) points?\)", re.MULTILINE)
#: The heading of a written answer, which nbgrader grades by hand: "### Written answer (2 points, graded by ...)".
WRITTEN_HEADING_RE = re.compile(r"^(### .+?) \((\d+) points?(, graded by your instructor\))", re.MULTILINE)
#: The setup cell's line that binds the questions.
SETUP_RE = re.compile(r"^(\w+(?:, *\w+)*) = ex\.setup\(globals\(\)\)", re.MULTILINE)


def points_text(points: int) -> str:
    return f"{points} point{'s' if points != 1 else ''}"


def answer_source(question: Question) -> str:
    """The answer cell: one ``name = ...`` stub per variable, then the solution between nbgrader markers."""
    stubs = "".join(f"{name} = ...\n" for name in question.variables)
    return f"{stubs}### BEGIN SOLUTION\n{question.solution}\n### END SOLUTION"


def test_source(question: Question) -> str:
    """The test cell: the learner's check, then the hidden nbgrader test."""
    return f"{question.id}.check()\n### BEGIN HIDDEN TESTS\n{question.id}.grade()\n### END HIDDEN TESTS"


def setup_line(exercise: Exercise) -> str:
    """The setup cell's binding: ``q1, q2, ... = ex.setup(globals())``."""
    return f"{', '.join(q.id for q in exercise.questions)} = ex.setup(globals())"


def question_number(question: Question) -> str | None:
    """The N of "### Question N" for a question id ``qN`` (None for another id)."""
    found = re.fullmatch(r"q(\d+)", question.id)
    return found.group(1) if found else None


def _cells_by_grade_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: (i, c) for i, c in enumerate(nb.cells)
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _heading_index(nb, cell_index: int, pattern=HEADING_RE) -> int | None:
    """The markdown cell with a heading of ``pattern`` right before the cell at ``cell_index``."""
    for i in range(cell_index - 1, -1, -1):
        if nb.cells[i].cell_type == "markdown" and pattern.search(nb.cells[i].source):
            return i
        if nb.cells[i].cell_type == "code":
            return None
    return None


def _written_answers(cells: dict) -> dict:
    """grade_id -> (index, cell) of the hand-graded written answers (``<id>_narrative``)."""
    return {gid: found for gid, found in cells.items() if gid.endswith("_narrative")}


def drift(nb, exercise: Exercise) -> list[str]:
    """Where notebook ``nb`` differs from ``exercise``'s questions (empty when in sync)."""
    cells = _cells_by_grade_id(nb)
    problems = []
    for q in exercise.questions:
        if f"{q.id}_answer" not in cells or q.id not in cells:
            problems.append(f"{q.id}: no answer cell `{q.id}_answer` or test cell `{q.id}`")
            continue
        answer_at, answer = cells[f"{q.id}_answer"]
        _, test = cells[q.id]
        if answer.source != answer_source(q):
            problems.append(f"{q.id}: the answer cell differs from Question.solution")
        if test.source != test_source(q):
            problems.append(f"{q.id}: the test cell differs from the generated one")
        if test.metadata["nbgrader"].get("points") != q.points:
            problems.append(f"{q.id}: nbgrader points {test.metadata['nbgrader'].get('points')} != {q.points}")
        heading = _heading_index(nb, answer_at)
        found = HEADING_RE.search(nb.cells[heading].source) if heading is not None else None
        if found is None or int(found.group(2)) != q.points:
            problems.append(f"{q.id}: the heading does not say '({points_text(q.points)})'")
        elif question_number(q) not in (None, found.group(1)):
            problems.append(f"{q.id}: the heading says 'Question {found.group(1)}'")
        if q.model_answer is not None:
            narrative = cells.get(f"{q.id}_narrative")
            if narrative is None or narrative[1].source != q.model_answer:
                problems.append(f"{q.id}: the written-answer cell `{q.id}_narrative` differs from Question.model_answer")
    for gid, (at, cell) in _written_answers(cells).items():
        points = cell.metadata["nbgrader"].get("points")
        heading = _heading_index(nb, at, WRITTEN_HEADING_RE)
        found = WRITTEN_HEADING_RE.search(nb.cells[heading].source) if heading is not None else None
        if found is not None and int(found.group(2)) != points:
            problems.append(f"{gid}: the heading says '{points_text(int(found.group(2)))}', nbgrader points {points}")
    graded = {gid for gid, (_, c) in cells.items() if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")}
    extra = graded - {q.id for q in exercise.questions}
    if extra:
        problems.append(f"test cells without a question: {sorted(extra)}")
    setup = cells.get("setup")
    bound = SETUP_RE.search(setup[1].source) if setup else None
    if bound is None:
        problems.append(f"the setup cell has no line `{setup_line(exercise)}`")
    elif bound.group(0) != setup_line(exercise):
        problems.append(f"the setup cell binds {bound.group(1)}, the questions are {', '.join(q.id for q in exercise.questions)}")
    return problems


def sync(nb, exercise: Exercise):
    """Rewrite ``nb``'s answer cells, test cells, headings and setup line from ``exercise``; returns ``nb``.

    Only the copies :func:`drift` checks change; a question without its answer and test cells is left for
    :func:`drift` to report (its cells are authored, not generated).
    """
    cells = _cells_by_grade_id(nb)
    for q in exercise.questions:
        if f"{q.id}_answer" not in cells or q.id not in cells:
            continue
        answer_at, answer = cells[f"{q.id}_answer"]
        _, test = cells[q.id]
        answer.source = answer_source(q)
        test.source = test_source(q)
        test.metadata["nbgrader"]["points"] = q.points
        if q.model_answer is not None and f"{q.id}_narrative" in cells:
            cells[f"{q.id}_narrative"][1].source = q.model_answer
        heading = _heading_index(nb, answer_at)
        if heading is not None:
            cell = nb.cells[heading]
            cell.source = HEADING_RE.sub(
                lambda m: f"### Question {question_number(q) or m.group(1)} ({points_text(q.points)})",
                cell.source, count=1)
    for at, cell in _written_answers(cells).values():
        heading = _heading_index(nb, at, WRITTEN_HEADING_RE)
        points = cell.metadata["nbgrader"].get("points")
        if heading is not None and isinstance(points, int):
            nb.cells[heading].source = WRITTEN_HEADING_RE.sub(
                lambda m: f"{m.group(1)} ({points_text(points)}{m.group(3)}", nb.cells[heading].source, count=1)
    if "setup" in cells:
        setup = cells["setup"][1]
        setup.source = SETUP_RE.sub(setup_line(exercise), setup.source, count=1)
    return nb


def judgement_points(nb, exercise: Exercise) -> tuple[int, int]:
    """(points of judgement questions, all points) of notebook ``nb`` (EXERCISES.md, bar 1).

    Every graded cell counts: a question's test cell with its Question's points, and a written answer
    ``<id>_narrative`` with the points in its nbgrader metadata, as judgement when question ``<id>`` is.
    """
    judged = {q.id for q in exercise.questions if q.judgement}
    total = judgement = 0
    for gid, (_, cell) in _cells_by_grade_id(nb).items():
        meta = cell.metadata["nbgrader"]
        if not meta.get("grade"):
            continue
        points = int(meta.get("points") or 0)
        total += points
        if gid.removesuffix("_narrative") in judged:
            judgement += points
    return judgement, total


def hand_graded_points(nb) -> int:
    """Points of notebook ``nb``'s cells an instructor grades by hand (nbgrader's manually graded answers and
    tasks: the written answers), which no check scores."""
    total = 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and (meta.get("solution") or meta.get("task")):
            total += int(meta.get("points") or 0)
    return total
