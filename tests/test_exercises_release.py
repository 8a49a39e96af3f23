"""`sandbox exercises release` keeps every copy of a question's facts in line with its Question (EXERCISES.md,
bar 10): the committed copies are in line (`--check`), drift in each kind of copy is named without writing,
release repairs it to the committed bytes, and a second run changes nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from sandbox.cli import main
from sandbox.exercises.release import DOCS_ROW, DOCS_TABLE, Layout, ReleaseError, apply

pytestmark = pytest.mark.slow  # real nbgrader generate_assignment

ROOT = Path(__file__).resolve().parents[1]
#: The notebooks of the small checkout the tests break and repair.
PICKED = ("01_first_look", "02_engagement_kpis")


def test_the_committed_copies_are_in_line(capsys):
    """The checkout's solutions/, exercises/ and docs table agree with the Questions (what CI runs)."""
    code = main(["exercises", "release", "--check"])
    captured = capsys.readouterr()
    assert code == 0, f"run `sandbox exercises release`:\n{captured.err}"
    assert "in line" in captured.out


def small_checkout(root: Path) -> Layout:
    """A copy of the checkout's copies of PICKED: solutions, exercises, the docs table with their rows only."""
    for kind in ("solutions", "exercises"):
        (root / kind).mkdir(parents=True)
        for name in PICKED:
            shutil.copy(ROOT / kind / f"{name}.ipynb", root / kind)
    docs = root / DOCS_TABLE
    docs.parent.mkdir(parents=True)
    text = (ROOT / DOCS_TABLE).read_text()
    docs.write_text(DOCS_ROW.sub(lambda row: row.group(0) if row.group("name") in PICKED else "", text))
    return Layout(root / "solutions", root / "exercises", docs)


def cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def edit(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def break_every_kind_of_copy(root: Path) -> None:
    """Drift in each copy: points, a heading, an answer cell, a written answer's heading, the setup line, a student
    notebook, a stale student notebook, the docs' count."""
    def solution_01(nb):
        cell(nb, "q1")["metadata"]["nbgrader"]["points"] = 7
        cell(nb, "q2_answer").source = cell(nb, "q2_answer").source.replace("### END SOLUTION", "x = 1\n### END SOLUTION")
        for c in nb.cells:
            c.source = c.source.replace("### Question 3 (1 point)", "### Question 3 (4 points)")
            c.source = re.sub(r"\(2 points, graded by your instructor\)", "(5 points, graded by your instructor)", c.source)
            c.source = c.source.replace("q8, q9 = ex.setup", "q8 = ex.setup")

    edit(root / "solutions" / "01_first_look.ipynb", solution_01)
    edit(root / "exercises" / "02_engagement_kpis.ipynb", lambda nb: nb.cells.append(nbformat.v4.new_code_cell("1")))
    shutil.copy(root / "exercises" / "02_engagement_kpis.ipynb", root / "exercises" / "99_old.ipynb")
    docs = root / DOCS_TABLE
    docs.write_text(docs.read_text().replace("| 9 + a written answer |", "| 3 + a written answer |", 1))


def test_release_names_the_drift_repairs_it_and_then_changes_nothing(tmp_path):
    layout = small_checkout(tmp_path)
    committed = files(tmp_path)
    break_every_kind_of_copy(tmp_path)
    broken = files(tmp_path)

    drift = "\n".join(apply(layout, check=True))
    assert files(tmp_path) == broken, "--check wrote something"
    for said in ("q1: nbgrader points 7 != 1", "q2: the answer cell differs", "q3: the heading does not say '(1 point)'",
                 "q9_narrative: the heading says '5 points', nbgrader points 2", "the setup cell binds q1, q2",
                 "02_engagement_kpis.ipynb: differs from nbgrader's release", "99_old.ipynb: no solution notebook",
                 "01_first_look: the table says 3 graded questions, the Exercise has 9"):
        assert said in drift, (said, drift)

    assert len(apply(layout)) == 4  # solutions/01, exercises/02, the docs, the stale notebook (exercises/01 was in line)
    assert files(tmp_path) == committed  # the committed bytes exactly, the stale notebook gone
    assert apply(layout, check=True) == []  # a second run would write nothing: it writes what --check lists


def test_release_refuses_what_only_an_author_can_fix_and_writes_nothing(tmp_path):
    layout = small_checkout(tmp_path)
    edit(layout.solutions / "02_engagement_kpis.ipynb",
         lambda nb: nb.cells.remove(cell(nb, "q4")))  # a question without its test cell
    layout.docs.write_text(DOCS_ROW.sub(lambda row: "" if row.group("name") == "01_first_look" else row.group(0),
                                        layout.docs.read_text()))
    shutil.copy(layout.solutions / "01_first_look.ipynb", layout.solutions / "99_unregistered.ipynb")
    before = files(tmp_path)
    with pytest.raises(ReleaseError) as refused:
        apply(layout)
    said = str(refused.value)
    assert "q4: no answer cell `q4_answer` or test cell `q4`" in said
    assert "no exercise for notebook '99_unregistered'" in said and "sandbox.exercises.NOTEBOOKS" in said
    assert "no row for 01_first_look.ipynb" in said
    assert files(tmp_path) == before
