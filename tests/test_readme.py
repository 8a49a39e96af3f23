"""The README runs as written (issue 23): its install block, then every quick start, by absolute path.

The install block runs in a copy of the repository with the system's ``python3`` (on Debian and
Ubuntu, the externally managed one) and ``PATH=/usr/bin:/bin``, as a newcomer types it; ``HOME`` is a
new temporary folder, so ``~/sandbox-env`` and ``~/my_exercises`` are fresh. The later shell blocks
run in that home folder, one after the other (the course block uses nothing of the earlier ones), and
the Python blocks with the new environment's ``python``. A block marked "not run" starts a server.
The first block, the project's own two commands, is what ``.ci/run`` runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
USER_PATH = "/usr/bin:/bin"
NOT_RUN = "<!-- not run by tests/test_readme.py"
IN_REPOSITORY = "<!-- tests/test_readme.py runs this block in a copy of the repository"
BLOCK = re.compile(r"(?P<before>[^\n]*)\n```(?P<lang>\w*)\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    lang: str
    code: str
    comment: str  # the line above the block

    @property
    def runs(self) -> bool:
        return self.lang in ("bash", "python") and not self.comment.startswith(NOT_RUN)


def readme_blocks() -> list[Block]:
    return [Block(m["lang"], m["code"], m["before"].strip()) for m in BLOCK.finditer(README.read_text())]


def user_env(home: Path) -> dict:
    """A newcomer's environment: a new home folder, the system folders on PATH, no trace of our venv."""
    pip_cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    drop = {"PATH", "VIRTUAL_ENV", "PYTHONPATH", "SANDBOX_DATASET", "XDG_CACHE_HOME", "HOME"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | {"PATH": USER_PATH, "HOME": str(home)}
    if pip_cache.returncode == 0:  # the packages pip downloaded before, not the network again
        env["PIP_CACHE_DIR"] = pip_cache.stdout.strip()
    return env


def test_the_first_block_is_what_ci_runs():
    first = readme_blocks()[0]
    ci = (ROOT / ".ci" / "run").read_text()
    install, tests = first.code.strip().splitlines()
    assert install in ci.splitlines()
    assert f"env PATH={USER_PATH} {tests}" in ci.splitlines()


def test_the_install_block_is_marked_and_every_other_block_is_run_or_said_not_to_be():
    blocks = readme_blocks()[1:]
    assert [b.comment.startswith(IN_REPOSITORY) for b in blocks].count(True) == 1
    assert all(b.runs or b.comment.startswith(NOT_RUN) for b in blocks if b.lang in ("bash", "python"))
    assert not [b for b in blocks if b.lang not in ("bash", "python", "")], "a block the test cannot run"


@pytest.mark.slow
def test_the_readme_runs_as_written(source_tree, tmp_path):
    source, home = source_tree, tmp_path / "home"
    home.mkdir()
    env = user_env(home)
    venv_python = home / "sandbox-env" / "bin" / "python"
    ran, printed = [], ""
    for block in readme_blocks()[1:]:
        if not block.runs:
            continue
        if block.lang == "bash":
            command, cwd = ["bash", "-euo", "pipefail", "-c", block.code], source if block.comment.startswith(IN_REPOSITORY) else home
        else:
            command, cwd = [str(venv_python), "-c", block.code], home
        run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
        ran.append(block.code.splitlines()[0])
        printed += run.stdout
        assert run.returncode == 0 and "Traceback" not in run.stderr, (
            f"README block failed (exit {run.returncode}):\n{block.code}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}")
    assert ran and (home / "sandbox-env" / "bin" / "sandbox").is_file()
    assert Path(subprocess.run([str(venv_python), "-c", "import sandbox; print(sandbox.__file__)"], cwd=home, env=env,
                               capture_output=True, text=True).stdout.strip()).is_relative_to(home / "sandbox-env")
    # what the quick starts promise is there
    assert str(home / "sandbox-env" / "bin" / "jupyter") in printed  # `exercises get` says how to open them
    assert "01_first_look" in printed and "score: 0/" in printed    # `sandbox check` of an untouched notebook
    assert (home / "my_exercises" / "data" / "dataset.json").is_file()
    grades = (home / "stats101" / "sandbox_grades.csv").read_text()
    assert grades.startswith("student_id,") and "\nann," in grades and "\nbob," in grades
    canvas = (home / "stats101" / "grades-canvas.csv").read_text().splitlines()
    assert canvas[0].startswith("Student,ID,SIS User ID,SIS Login ID,Section,") and len(canvas) == 2 + 2
    assert list((home / "stats101" / "feedback" / "ann").rglob("*.html"))
