"""The nbgrader cells of a question, generated from its :class:`~sandbox.exercises.Question`.

A question's points and solution code live in the Question only. The solution
notebooks repeat them in three places (the "### Question N (P points)"
heading, the answer cell between ``BEGIN/END SOLUTION`` and the test cell's
nbgrader metadata), and its model written answer in the ``<id>_narrative``
cell; :func:`drift` lists where a notebook differs from its questions and
:func:`sync` rewrites those cells from them. A test keeps the committed
notebooks in sync.
"""

from __future__ import annotations

import re

from ._question import Exercise, Question

HEADING_RE = re.compile(r"^### Question (\d+) \((\d+) points?\)", re.MULTILINE)


def points_text(points: int) -> str:
    return f"{points} point{'s' if points != 1 else ''}"


def answer_source(question: Question) -> str:
    """The answer cell: one ``name = ...`` stub per variable, then the solution between nbgrader markers."""
    stubs = "".join(f"{name} = ...\n" for name in question.variables)
    return f"{stubs}### BEGIN SOLUTION\n{question.solution}\n### END SOLUTION"


def test_source(question: Question) -> str:
    """The test cell: the learner's check, then the hidden nbgrader test."""
    return f"{question.id}.check()\n### BEGIN HIDDEN TESTS\n{question.id}.grade()\n### END HIDDEN TESTS"


def _cells_by_grade_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: (i, c) for i, c in enumerate(nb.cells)
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _heading_index(nb, answer_index: int) -> int | None:
    """The markdown cell with the question heading right before the answer cell."""
    for i in range(answer_index - 1, -1, -1):
        if nb.cells[i].cell_type == "markdown" and HEADING_RE.search(nb.cells[i].source):
            return i
        if nb.cells[i].cell_type == "code":
            return None
    return None


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
        if q.model_answer is not None:
            narrative = cells.get(f"{q.id}_narrative")
            if narrative is None or narrative[1].source != q.model_answer:
                problems.append(f"{q.id}: the written-answer cell `{q.id}_narrative` differs from Question.model_answer")
    graded = {gid for gid, (_, c) in cells.items() if c.cell_type == "code" and c.metadata["nbgrader"].get("grade")}
    extra = graded - {q.id for q in exercise.questions}
    if extra:
        problems.append(f"test cells without a question: {sorted(extra)}")
    return problems


def sync(nb, exercise: Exercise):
    """Rewrite ``nb``'s answer cells, test cells and headings from ``exercise``; returns ``nb``."""
    cells = _cells_by_grade_id(nb)
    for q in exercise.questions:
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
            cell.source = HEADING_RE.sub(lambda m: f"### Question {m.group(1)} ({points_text(q.points)})",
                                         cell.source, count=1)
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
