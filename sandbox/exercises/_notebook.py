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

import hashlib
import re

import nbformat

from ._question import Exercise, Question

HEADING_RE = re.compile(r"^### Question (\d+) \((\d+) points?\)", re.MULTILINE)
#: The heading of a written answer, which nbgrader grades by hand: "### Written answer (2 points, graded by ...)".
WRITTEN_HEADING_RE = re.compile(r"^(### .+?) \((\d+) points?(, graded by your instructor\))", re.MULTILINE)
#: The setup cell's line that binds the questions.
SETUP_RE = re.compile(r"^(\w+(?:, *\w+)*) = ex\.setup\(globals\(\)\)", re.MULTILINE)
#: Points of a written answer in a new notebook (its nbgrader metadata holds them; edit them there).
WRITTEN_POINTS = 2


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

    A question with neither answer nor test cell gets its cells (heading, answer, test), after the previous
    question's; a question with a ``model_answer`` and no ``<id>_narrative`` cell gets a written answer after its
    test cell. Anything else missing is left for :func:`drift` to report.
    """
    _add_missing_cells(nb, exercise)
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


def _add_missing_cells(nb, exercise: Exercise) -> None:
    name = exercise.name
    for q in exercise.questions:
        cells = _cells_by_grade_id(nb)
        ids = [f"{q.id}_answer", q.id]
        if not any(i in cells for i in ids):
            before = [gid for gid in cells if gid == "setup" or gid.removesuffix("_narrative") in
                      {p.id for p in exercise.questions[:exercise.questions.index(q)]}]
            at = max((cells[gid][0] for gid in before), default=len(nb.cells) - 1) + 1
            nb.cells[at:at] = question_cells(q, name)
        elif q.model_answer is not None and f"{q.id}_narrative" not in cells and q.id in cells:
            at = cells[q.id][0] + 1
            nb.cells[at:at] = written_cells(q, name)


def _cell(kind: str, source: str, notebook: str, key: str, **nbgrader):
    """A new cell, an nbgrader cell with grade_id ``key`` when ``nbgrader`` says how; its id is derived from the
    notebook and ``key``, so a new cell is the same bytes every time."""
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    cell.id = hashlib.sha1(f"{notebook}/{key}".encode()).hexdigest()[:8]
    if nbgrader:
        cell.metadata["nbgrader"] = {"grade": False, "grade_id": key, "locked": False, "schema_version": 3,
                                     "solution": False, "task": False, **nbgrader}
    return cell


def question_cells(q: Question, notebook: str) -> list:
    """A new question's cells: its heading with its prompt, its answer cell, its test cell (and its written answer)."""
    stored = ", ".join(f"`{v}`" for v in q.variables)
    cells = [
        _cell("markdown", f"### Question {question_number(q) or q.id} ({points_text(q.points)})\n\n{q.prompt} "
                          f"Store it in {stored}.", notebook, f"{q.id}_heading"),
        _cell("code", answer_source(q), notebook, f"{q.id}_answer", solution=True),
        _cell("code", test_source(q), notebook, q.id, grade=True, locked=True, points=q.points),
    ]
    return cells + (written_cells(q, notebook) if q.model_answer is not None else [])


def written_cells(q: Question, notebook: str) -> list:
    """A new written answer after question ``q``: its heading with a brief, and the model answer (graded by hand)."""
    return [
        _cell("markdown", f"### Written answer ({points_text(WRITTEN_POINTS)}, graded by your instructor)\n\n"
                          f"In three or four sentences for the manager: what you found in question "
                          f"{question_number(q) or q.id}, and what to do about it.", notebook, f"{q.id}_written"),
        _cell("markdown", q.model_answer, notebook, f"{q.id}_narrative", grade=True, solution=True,
              points=WRITTEN_POINTS),
    ]


#: How every notebook's introduction ends: how to answer and check, and which data the checks use.
HOW_IT_WORKS = """\
**How this notebook works.** Each question asks you to store your answer in a variable
(`{example} = ...`): replace the `...`, run the cell, then run the check cell under it.
`q1.check()` says *passed*, what is wrong, or *not attempted*. Stuck? `q1.hint()`, then
`q1.hint(2)` for a more explicit one, and `q1.solution()` as a last resort. `sandbox check
NOTEBOOK.ipynb` in a terminal runs the whole notebook and prints your score.

**Which data?** `sandbox.load_dataset()` takes, in this order: the folder named by the
`SANDBOX_DATASET` environment variable, a `data/` folder next to this notebook, the committed
default world. Every check computes its expected answer from that same dataset, so after
`sandbox generate --seed 123 --out data` this notebook works unchanged on a brand-new world."""


def new_notebook(exercise: Exercise, module: str):
    """A solution notebook for ``exercise`` (its Python module ``module``), laid out as every notebook is: a title
    and how the notebook works, the locked setup cell, then each question's cells (:func:`question_cells`). The
    prose is the author's to write (an introduction, the questions' full text, the written answers' briefs);
    :func:`sync` keeps the rest."""
    name = exercise.name
    package, _, leaf = module.rpartition(".")
    setup = f"import sandbox\nfrom {package} import {leaf} as ex\n\nds = sandbox.load_dataset()\n{setup_line(exercise)}"
    title = f"# {name[:2]} · {exercise.title}\n\n{HOW_IT_WORKS.format(example=exercise.questions[0].variables[0])}"
    nb = nbformat.v4.new_notebook(cells=[_cell("markdown", title, name, "title"),
                                         _cell("code", setup, name, "setup", locked=True)])
    nb.metadata.update({"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                        "language_info": {"name": "python"}, "sandbox": {"exercise": name}})
    return sync(nb, exercise)


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
