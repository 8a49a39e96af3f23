"""Installed as a package, not only from a checkout (issue 8, section 5).

The wheel is built from a copy of the checkout, installed into a fresh venv (pip resolves the
dependencies as for any user), and the commands run from a folder outside the checkout with
PATH reduced to the system folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sandbox._notebooks import KINDS, authored_dir, notebook_paths

ROOT = Path(__file__).resolve().parents[1]
USER_PATH = "/usr/bin:/bin"
#: Not part of what a build reads; copying them would only cost time.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                                     ".pytest_cache", "datasets", "benchmarks", "tests")


def user_env() -> dict:
    drop = {"PATH", "VIRTUAL_ENV", "PYTHONPATH", "SANDBOX_DATASET"}
    return {k: v for k, v in os.environ.items() if k not in drop} | {"PATH": USER_PATH}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built by pip from a copy of the checkout (parallel workers never share a build/)."""
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, tmp / "src", ignore=NOT_SOURCES)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                          str(tmp / "src")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_ships_the_authored_notebooks(wheel):
    with zipfile.ZipFile(wheel) as zf:
        for kind in KINDS:
            authored = notebook_paths(authored_dir(kind))
            shipped = sorted(n for n in zf.namelist() if n.startswith(f"sandbox/notebooks/{kind}/"))
            assert shipped == [f"sandbox/notebooks/{kind}/{nb.name}" for nb in authored]
            for nb in authored:
                assert zf.read(f"sandbox/notebooks/{kind}/{nb.name}") == nb.read_bytes(), nb
        assert not [n for n in zf.namelist() if n.startswith(("solutions/", "exercises/"))]


@pytest.mark.slow
def test_an_installed_sandbox_works_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # --no-compile: byte-compiling every dependency is a third of the install time and proves nothing here
    # (what the commands below import is compiled as they import it)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    print(f"fresh venv + pip install of the wheel: {time.perf_counter() - started:.0f} s")
    work = tmp_path / "work"
    work.mkdir()

    def sandbox(*args) -> subprocess.CompletedProcess:
        run = subprocess.run([str(venv / "bin" / "sandbox"), *args], cwd=work, env=user_env(),
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stdout + run.stderr
        return run

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import sandbox; print(sandbox.__file__)"],
                           cwd=work, env=user_env(), capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(venv), where  # not the checkout's sandbox

    (work / "roster.csv").write_text("student_id\nann\n")
    sandbox("course", "build", "c", "--roster", "roster.csv", "--scale", "tiny", "--exercises", "01", "--jobs", "1")
    assert (work / "c" / "release_students" / "ann" / "01_first_look" / "01_first_look.ipynb").is_file()

    got = sandbox("exercises", "get", "mine", "--seed", "3", "--scale", "tiny")
    assert [p.name for p in notebook_paths(work / "mine")] == [p.name for p in notebook_paths(authored_dir("exercises"))]
    assert str(venv / "bin" / "jupyter") in got.stdout

    checked = sandbox("check", "mine/01_first_look.ipynb")
    assert "01_first_look" in checked.stdout and "score: 0/" in checked.stdout
    assert "cells that raised an error" not in checked.stderr
