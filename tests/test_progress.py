"""`sandbox progress DIR`: a self-learner's progress, read from the checks saved in their notebooks.

One exercise notebook is run as JupyterLab runs it (a kernel, every cell in turn, the outputs saved
with the notebook), with the synthetic class's planted answers: three typical mistakes, a question
left, a wrong answer no mistake explains.
"""

from __future__ import annotations

import os
import shutil
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import nbformat
import pytest

from sandbox.cli import main
from sandbox.exercises import get_exercise
from sandbox.report.progress import saved_checks
from synthetic import MISTAKE, NOT_ATTEMPTED, WRONG, answer_code, class_plants, solution_answers
from test_class_report import Page
from test_exercises_checks import remembering_exercise

ROOT = Path(__file__).resolve().parents[1]
A = "01_first_look"


def run_as_jupyterlab(path: Path) -> None:
    """Execute the notebook in a kernel started in its folder and save it with its outputs."""
    from nbclient import NotebookClient

    from sandbox._environment import tool_env
    from sandbox.exercises.runner import quiet_kernel

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True, **quiet_kernel(),
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=tool_env())
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def learner(tmp_path_factory, tiny_dataset):
    """A learner's folder: notebook 01 checked with planted answers (and an older copy of it, all right),
    notebook 02 as handed out, a notebook of their own. Returns (folder, plants)."""
    saved = os.environ.pop("SANDBOX_DATASET", None)
    folder = tmp_path_factory.mktemp("learner") / "my_exercises"
    folder.mkdir()
    tiny_dataset.save(folder / "data")  # the notebooks' sandbox.load_dataset() reads it
    plants = class_plants(remembering_exercise(A), tiny_dataset)
    exercise = get_exercise(A)
    answers = solution_answers(ROOT / "solutions" / f"{A}.ipynb")
    nb = nbformat.read(ROOT / "exercises" / f"{A}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        planted = next((p for p in plants if f"{p.question}_answer" == gid), None)
        if planted:
            cell.source = answer_code(A, exercise[planted.question], planted, answers[gid])
    nbformat.write(nb, folder / f"{A}.ipynb")
    shutil.copy(ROOT / "exercises" / "02_engagement_kpis.ipynb", folder)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), folder / "scratch.ipynb")
    try:
        run_as_jupyterlab(folder / f"{A}.ipynb")
    finally:
        if saved is not None:
            os.environ["SANDBOX_DATASET"] = saved
    copy = nbformat.read(folder / f"{A}.ipynb", as_version=4)  # an older copy whose every check passed
    for cell in copy.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result" and cell.source.strip().endswith(".check()"):
                out["data"] = {"text/plain": f"✓ {cell.source.strip().split('.')[0]}: passed"}
    nbformat.write(copy, folder / f"{A}-Copy1.ipynb")
    os.utime(folder / f"{A}-Copy1.ipynb", (1e9, 1e9))
    return folder, plants


def test_progress_shows_each_saved_check_with_the_mistake_it_named(learner):
    folder, plants = learner
    out = StringIO()
    with redirect_stdout(out):
        assert main(["progress", str(folder)]) == 0
    text = out.getvalue()
    exercise = get_exercise(A)
    _, results = saved_checks(folder / f"{A}.ipynb")
    assert set(results) == {q.id for q in exercise.questions}  # every check ran and was saved
    planted = {p.question: p for p in plants}
    for q in exercise.questions:
        p = planted.get(q.id)
        expected = "passed" if p is None else {MISTAKE: "failed", WRONG: "failed", NOT_ATTEMPTED: "not attempted"}[p.kind]
        assert results[q.id].status == expected, (q.id, results[q.id])
    line = next(line for line in text.splitlines() if line.strip().startswith(A))
    for q in exercise.questions:
        p = planted.get(q.id)
        mark = "✓" if p is None else ("…" if p.kind == NOT_ATTEMPTED else "✗")
        assert f"{mark}{q.id}" in line.split()
    lost = sum(q.points for q in exercise.questions if q.id in planted)
    total = sum(q.points for q in exercise.questions)
    assert f"{total - lost:>2}/{total:<2} points" in line
    revisit = text.split("Revisit first")[1]
    for p in plants:
        if p.kind == MISTAKE:
            assert exercise[p.question].mistake(p.mistake).message in revisit
    assert "no saved check yet: 02_engagement_kpis" in text


def test_the_progress_page_names_each_mistake_and_escapes_the_messages(learner):
    folder, plants = learner
    with redirect_stdout(StringIO()):
        assert main(["progress", str(folder), "--out", str(folder / "mine.html")]) == 0
    text = (folder / "mine.html").read_text()
    page = Page(text)
    assert not page.errors and page.tags["script"] == 0
    assert all(value.startswith("data:image/png;base64,") for name, value in page.attrs if name == "src")
    shown = " ".join(page.text)
    exercise = get_exercise(A)
    for p in plants:
        if p.kind == MISTAKE:
            q = exercise[p.question]
            assert " ".join(q.mistake(p.mistake).message.replace("`", "").split()) in " ".join(shown.split())
    assert "Revisit first" in shown and "Skills" in shown


def test_a_page_is_never_written_over_a_folder(learner, capsys):
    folder, _ = learner
    assert main(["progress", str(folder), "--out", str(folder)]) == 2
    assert "is a folder; give the HTML file to write" in capsys.readouterr().err


def test_the_latest_check_of_a_question_counts(tmp_path):
    """The check run last (by execution count, not by place in the notebook) counts; printed text is no check."""
    from sandbox.exercises import Result

    nb = nbformat.v4.new_notebook(metadata={"sandbox": {"exercise": A}})
    early = nbformat.v4.new_code_cell("q1.check()", execution_count=7)
    early.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": repr(Result("q1", "passed"))},
                                            execution_count=7)]
    late = nbformat.v4.new_code_cell("q1.check()", execution_count=3)
    late.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": repr(Result("q1", "failed", "too\nlow"))},
                                           execution_count=3)]
    other = nbformat.v4.new_code_cell("print('✗ q2: failed - not a check')", execution_count=9)
    other.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✗ q2: failed - not a check\n")]
    nb.cells = [late, early, other]
    nbformat.write(nb, tmp_path / "mine.ipynb")
    name, results = saved_checks(tmp_path / "mine.ipynb")
    assert name == A and list(results) == ["q1"] and results["q1"].status == "passed"
    early.execution_count = 1
    nbformat.write(nb, tmp_path / "mine.ipynb")
    assert saved_checks(tmp_path / "mine.ipynb")[1]["q1"] == Result("q1", "failed", "too\nlow", 1)


def test_a_folder_without_checks_is_a_clear_error(tmp_path, capsys):
    shutil.copy(ROOT / "exercises" / f"{A}.ipynb", tmp_path)
    assert main(["progress", str(tmp_path)]) == 2
    assert "no checked exercise notebook" in capsys.readouterr().err
    assert main(["progress", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{A}.ipynb"]
