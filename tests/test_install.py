"""The wheel ships what an installed sandbox needs (issue 8, section 5).

That the installed package works outside the checkout, by absolute path with PATH reduced to the
system folders, is tests/test_readme.py's job: it installs the project as the README says and runs
the README's quick starts.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sandbox._notebooks import KINDS, authored_dir, notebook_paths


@pytest.fixture(scope="module")
def wheel(source_tree, tmp_path_factory) -> Path:
    """The project's wheel, built by pip from a copy of the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                          str(source_tree)], capture_output=True, text=True)
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


def test_the_wheel_ships_every_module(wheel):
    """Every module of the source tree is in the wheel (a folder the copy or the build leaves out fails here)."""
    package = Path(__file__).resolve().parents[1] / "sandbox"
    sources = sorted(str(p.relative_to(package.parent)) for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    with zipfile.ZipFile(wheel) as zf:
        shipped = set(zf.namelist())
    assert [s for s in sources if s not in shipped] == []
