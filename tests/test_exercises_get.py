"""`sandbox exercises get DIR`: a self-learner's copy of the notebooks, and where notebooks are found."""

from __future__ import annotations

import json

import pytest

import sandbox
from sandbox import _notebooks
from sandbox._notebooks import authored_dir, notebook_paths, notebooks_dir
from sandbox.cli import main
from sandbox.exercises import NOTEBOOKS


def test_a_checkout_finds_its_own_folders():
    for kind in _notebooks.KINDS:
        assert notebooks_dir(kind) == authored_dir(kind) == _notebooks.CHECKOUT_DIR / kind
        assert [p.stem for p in notebook_paths(notebooks_dir(kind))] == sorted(NOTEBOOKS)
    with pytest.raises(ValueError, match="allowed: solutions, exercises"):
        notebooks_dir("answers")


def test_an_installed_package_finds_the_shipped_copies(tmp_path, monkeypatch):
    monkeypatch.setattr(_notebooks, "PACKAGED_DIR", tmp_path / "notebooks")
    monkeypatch.setattr(_notebooks, "CHECKOUT_DIR", tmp_path / "site-packages")
    (tmp_path / "notebooks" / "solutions").mkdir(parents=True)
    assert notebooks_dir("solutions") == tmp_path / "notebooks" / "solutions"
    with pytest.raises(FileNotFoundError, match="pass the folder explicitly"):
        authored_dir("exercises")  # nothing to release into


def test_get_copies_the_student_notebooks_and_a_fresh_world(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["exercises", "get", str(target), "--seed", "4", "--scale", "tiny"]) == 0
    out = capsys.readouterr().out
    shipped = notebook_paths(notebooks_dir("exercises"))
    assert [p.name for p in notebook_paths(target)] == [p.name for p in shipped]
    for nb in shipped:
        assert (target / nb.name).read_bytes() == nb.read_bytes()
    meta = json.loads((target / "data" / "dataset.json").read_text())
    assert meta["seed"] == 4
    assert sandbox.load_dataset(target / "data").posts.equals(sandbox.generate(seed=4, scale="tiny").posts)
    assert f"cd {target} && " in out and "jupyter lab" in out


def test_get_without_seed_copies_only_the_notebooks(tmp_path, capsys):
    assert main(["exercises", "get", str(tmp_path)]) == 0
    assert not (tmp_path / "data").exists()
    assert "default world" in capsys.readouterr().out


def test_get_never_overwrites_work_or_writes_half(tmp_path, capsys):
    first = notebook_paths(notebooks_dir("exercises"))[0].name
    (tmp_path / first).write_text("my work")
    assert main(["exercises", "get", str(tmp_path), "--seed", "1", "--scale", "tiny"]) == 2
    assert f"already holds {first}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [first]  # no world, no other notebook
    assert (tmp_path / first).read_text() == "my work"

    other = tmp_path / "other"
    (other / "data").mkdir(parents=True)
    (other / "data" / "notes.txt").write_text("keep")
    assert main(["exercises", "get", str(other), "--seed", "1", "--scale", "tiny"]) == 2
    assert "holds files that are not part of a dataset (notes.txt)" in capsys.readouterr().err
    assert sorted(p.name for p in other.iterdir()) == ["data"]

    for argv, message in ((["--seed", "-1"], "seed must be a non-negative integer"),
                          (["--seed", "1", "--scale", "huge"], "unknown scale 'huge'; allowed: tiny"),
                          (["--scale", "tiny"], "scale sizes the world of seed; give a seed too")):
        assert main(["exercises", "get", str(tmp_path / "new"), *argv]) == 2
        assert message in capsys.readouterr().err
        assert not (tmp_path / "new").exists()
