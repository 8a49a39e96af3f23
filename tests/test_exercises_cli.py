"""`sandbox check` and `sandbox exercises release` through the CLI entry point."""

from pathlib import Path

import nbformat
import pytest

import sandbox

from sandbox.cli import build_parser, main
from sandbox.exercises import get_exercise
from sandbox.exercises._notebook import hand_graded_points

ROOT = Path(__file__).resolve().parents[1]


def test_commands_have_help_with_an_example():
    parser = build_parser()
    for argv in (["check", "--help"], ["exercises", "release", "--help"], ["exercises", "--help"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    for name in ("check", "exercises"):
        sub = parser._subparsers._group_actions[0].choices[name]
        assert "example:\n  sandbox " in sub.epilog


def test_check_rejects_missing_and_unknown_notebooks(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.ipynb")]) == 2
    assert "no notebook at" in capsys.readouterr().err
    other = tmp_path / "homework.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), other)
    assert main(["check", str(other)]) == 2
    err = capsys.readouterr().err
    assert "not one of the exercise notebooks" in err and "01_first_look" in err
    assert main(["check", str(other), "--timeout", "0"]) == 2
    solution = str(ROOT / "solutions" / "01_first_look.ipynb")
    assert main(["check", solution, "--dataset", str(tmp_path)]) == 2
    assert "is not a dataset folder" in capsys.readouterr().err


def test_release_refuses_an_empty_solutions_folder(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["exercises", "release", "--solutions", str(tmp_path), "--out", str(out)]) == 2
    assert "no NN_slug.ipynb notebooks" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_check_reports_passed_failed_and_not_attempted(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SANDBOX_DATASET", raising=False)
    nb = nbformat.read(ROOT / "solutions" / "01_first_look.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "q1_answer":
            cell.source = "n_posts = 5"
        if gid == "q5_answer":
            cell.source = "boosted_share = ..."
    nb.cells.append(nbformat.v4.new_code_cell("assert ds.meta['seed'] == 5, ds.meta"))
    path = tmp_path / "my_copy.ipynb"  # renamed: the notebook metadata says which exercise it is
    nbformat.write(nb, path)
    sandbox.generate(seed=5, scale="tiny").save(tmp_path / "world")
    assert main(["check", str(path), "--dataset", str(tmp_path / "world")]) == 0
    captured = capsys.readouterr()
    assert "q1: failed - your value 5 is too low" in captured.out
    assert "q5: not attempted - set `boosted_share`" in captured.out
    points = {q.id: q.points for q in get_exercise("01_first_look").questions}
    score = sum(points.values()) - points["q1"] - points["q5"]
    by_hand = hand_graded_points(nb)  # the written answer: graded by hand, said so, as formgrader counts it
    assert by_hand > 0 and "q2: passed" in captured.out
    assert (f"score: {score}/{sum(points.values())} autograded, plus {by_hand} points graded by hand (written "
            f"answers; {sum(points.values()) + by_hand} in all)") in captured.out
    assert "cells that raised an error" not in captured.err  # the kernel used the --dataset world


@pytest.mark.slow
def test_check_exits_1_when_the_kernel_dies(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.metadata["sandbox"] = {"exercise": "01_first_look"}
    nb.cells = [nbformat.v4.new_code_cell("import os\nos._exit(1)")]
    path = tmp_path / "crash.ipynb"
    nbformat.write(nb, path)
    assert main(["check", str(path), "--timeout", "60"]) == 1
    assert "could not run" in capsys.readouterr().err
