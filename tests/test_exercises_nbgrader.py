"""Notebooks 01-03 under real nbgrader: two temporary courses, each graded by one autograde run, side by side.

Students (each submits all three notebooks):

- ``solution_default``: the solutions on the default dataset, plus a cell that writes to stderr
  and raises a warning (must cost nothing);
- ``solution_seed11`` / ``solution_seed12``: the solutions on freshly generated worlds
  (a ``data/`` folder beside the notebooks, which ``sandbox.load_dataset()`` picks up);
- ``untouched``: the released student notebooks as handed out;
- ``wrong_odd`` / ``wrong_even``: the solutions with a typical wrong answer to every odd / even
  question (each wrong answer is undone right after its test cell, so it cannot spill over).
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import sandbox
from sandbox.exercises import CheckFailed, get_exercise
from sandbox.exercises.release import ASSIGNMENT, run_nbgrader, write_course

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
FRESH_SEEDS = (11, 12)
GROUPS = {"wrong_odd": 1, "wrong_even": 0}


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def cell_index(nb, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def pick_mistake(question, ds):
    """(index, learner message) of the first mistake that is really wrong on ``ds``."""
    expected = question.reference(ds)
    for k, mistake in enumerate(question.mistakes):
        value = mistake.answer(ds)
        if isinstance(value, set):
            value = sorted(value - expected, key=str)
            if not value:
                continue
            value = value[0]
        if question.mismatch(value, expected) is None:
            continue
        ns = dict(zip(question.variables, value)) if len(question.variables) > 1 else {question.variables[0]: value}
        try:
            question.verify(ns, ds)
        except CheckFailed as e:
            return k, str(e)
    raise AssertionError(f"{question.id}: no typical mistake differs from the right answer on this dataset")


def spoil(nb, notebook: str, question, k: int) -> None:
    """Make ``question``'s answer the k-th typical mistake, and restore the right value after its test."""
    names = ", ".join(question.variables) + ("," if len(question.variables) == 1 else "")
    answer = nb.cells[cell_index(nb, f"{question.id}_answer")]
    answer.source += (
        "\nfrom sandbox.exercises import get_exercise as _get_exercise\n"
        f"_q = _get_exercise({notebook!r})[{question.id!r}]\n"
        f"_wrong = _q.mistakes[{k}].answer(ds)\n"
        "if isinstance(_wrong, set):\n"
        "    _wrong = sorted(_wrong - _q.reference(ds), key=str)[0]\n"
        f"_right_{question.id} = ({names})\n"
        f"{names} = _wrong if isinstance(_wrong, tuple) else (_wrong,)\n")
    restore = nbformat.v4.new_code_cell(f"{names} = _right_{question.id}")
    nb.cells.insert(cell_index(nb, question.id) + 1, restore)


def noisy(nb) -> None:
    """Add stderr output and a warning right after the setup cell."""
    cell = nbformat.v4.new_code_cell(
        "import sys, warnings\nprint('some noise on stderr', file=sys.stderr)\n"
        "warnings.warn('a harmless warning')")
    nb.cells.insert(cell_index(nb, "setup") + 1, cell)


def parallel(calls) -> list:
    """Run blocking calls (nbgrader processes) side by side: the machine has 2 cores and one kernel uses one."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def new_course(root: Path) -> Path:
    write_course(root)
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", source)
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory, monkeypatch_module):
    """Two courses graded side by side: right answers in one, untouched and wrong ones in the other.

    Returns (course root of each student, released notebooks folder, expected message per wrong answer).
    """
    monkeypatch_module.delenv("SANDBOX_DATASET", raising=False)
    base = tmp_path_factory.mktemp("nbgrader")
    right, wrong = new_course(base / "right"), new_course(base / "wrong")
    parallel([lambda r=r: run_nbgrader(r, "generate_assignment", ASSIGNMENT, "--force") for r in (right, wrong)])
    released = wrong / "release" / ASSIGNMENT
    default = sandbox.load_dataset()
    roots, expected_messages = {}, {}

    def submit(root: Path, student: str, edit=None, data_seed=None, from_release=False):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name in NOTEBOOKS:
            nb = read((released if from_release else root / "source" / ASSIGNMENT) / f"{name}.ipynb")
            if edit:
                edit(nb, name)
            nbformat.write(nb, folder / f"{name}.ipynb")
        if data_seed is not None:
            sandbox.generate(seed=data_seed, scale="small").save(folder / "data")
        roots[student] = root

    submit(right, "solution_default", edit=lambda nb, name: noisy(nb))
    for seed in FRESH_SEEDS:
        submit(right, f"solution_seed{seed}", data_seed=seed)
    submit(wrong, "untouched", from_release=True)
    for student, parity in GROUPS.items():
        def edit(nb, name, parity=parity, student=student):
            for i, q in enumerate(get_exercise(name).questions, start=1):
                if i % 2 == parity:
                    k, message = pick_mistake(q, default)
                    spoil(nb, name, q, k)
                    expected_messages[(student, name, q.id)] = (message, q.mistakes[k].message)
        submit(wrong, student, edit=edit)

    parallel([lambda r=r: run_nbgrader(r, "autograde", ASSIGNMENT, "--force", timeout=900) for r in (right, wrong)])
    return roots, released, expected_messages


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def scores(roots: dict, student: str, notebook: str) -> dict:
    """grade_id -> (score, max_score) of the autograded cells."""
    root = roots[student]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(notebook, ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in nb.grades if g.cell_type == "code"}


def errors(roots: dict, student: str, notebook: str) -> dict:
    """grade_id -> error text of the autograded notebook's test cells."""
    nb = read(roots[student] / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb")
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                out[gid] = f"{o.ename}: {o.evalue}\n" + "\n".join(o.traceback)
    return out


@pytest.mark.parametrize("student", ["solution_default"] + [f"solution_seed{s}" for s in FRESH_SEEDS])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_solutions_get_full_marks(course, notebook, student):
    roots, _, _ = course
    got = scores(roots, student, notebook)
    assert len(got) == len(get_exercise(notebook).questions)
    assert all(score == top for score, top in got.values()), (got, errors(roots, student, notebook))


def test_fresh_seeds_were_really_used(course):
    roots, _, _ = course
    for seed in FRESH_SEEDS:
        student = f"solution_seed{seed}"
        nb = read(roots[student] / "autograded" / student / ASSIGNMENT / "01_first_look.ipynb")
        shown = nb.cells[cell_index(nb, "setup")].outputs[0].data["text/plain"]
        assert f"seed={seed}," in shown


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_untouched_student_copy_scores_zero(course, notebook):
    roots, _, _ = course
    got = scores(roots, "untouched", notebook)
    assert got and all(score == 0 for score, _ in got.values()), got
    messages = errors(roots, "untouched", notebook)
    questions = get_exercise(notebook).questions
    for q in questions:
        assert "not attempted" in messages[q.id] and "Traceback" not in messages[q.id]
    assert set(messages) == {q.id for q in questions}, "only the hidden tests may fail: Run All must work"


@pytest.mark.parametrize("student", GROUPS)
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_wrong_answer_loses_exactly_its_points(course, notebook, student):
    roots, _, expected = course
    got = scores(roots, student, notebook)
    messages = errors(roots, student, notebook)
    for q in get_exercise(notebook).questions:
        score, top = got[q.id]
        if (student, notebook, q.id) in expected:
            message, targeted = expected[(student, notebook, q.id)]
            assert message == targeted  # the typical mistake is recognised as such
            assert score == 0 and message in messages[q.id], messages.get(q.id)
            assert "BEGIN HIDDEN TESTS" not in messages[q.id]
        else:
            assert score == top, (q.id, messages.get(q.id))


def test_grade_cells_match_the_questions():
    """Every question has a test cell with its id and points; every test cell is a question."""
    for name in NOTEBOOKS:
        nb = read(ROOT / "solutions" / f"{name}.ipynb")
        cells = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
        questions = {q.id: q.points for q in get_exercise(name).questions}
        assert {gid: meta["points"] for gid, meta in cells.items()} == questions
        assert nb.metadata["sandbox"]["exercise"] == name


def comparable(nb) -> list:
    """What must match between the committed and a fresh release (no outputs, counts or ids)."""
    return [nb.metadata.get("sandbox"), nb.metadata.get("kernelspec")] + [
        (c.cell_type, c.source, c.metadata.get("nbgrader"), c.metadata.get("editable"), c.metadata.get("deletable"))
        for c in nb.cells]


def test_committed_exercises_are_not_stale(course):
    _, released, _ = course
    committed = sorted(p.stem for p in (ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
    assert committed == NOTEBOOKS, "exercises/ and solutions/ hold different notebooks; run `sandbox exercises release`"
    for name in NOTEBOOKS:
        fresh, mine = read(released / f"{name}.ipynb"), read(ROOT / "exercises" / f"{name}.ipynb")
        assert comparable(mine) == comparable(fresh), f"exercises/{name}.ipynb is stale: run `sandbox exercises release`"
