"""`sandbox check` prints the report and nothing the learner did not cause (no kernel warnings).

Run as a user runs it: the venv's `sandbox` by absolute path, PATH reduced to the system, from a
folder outside the checkout (a kernel must start wherever the notebook lives).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.exercises import get_exercise

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = Path(sys.executable).parent / "sandbox"

pytestmark = pytest.mark.slow


def test_sandbox_check_prints_no_kernel_warning(tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "solutions" / "03_when_to_post.ipynb", work / "mine.ipynb")
    run = subprocess.run([str(SANDBOX), "check", "mine.ipynb"], cwd=work, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=600)
    output = run.stdout + run.stderr
    total = sum(q.points for q in get_exercise("03_when_to_post").questions)
    assert f"score: {total}/{total}" in run.stdout, output
    noise = [line for line in output.splitlines()
             if "WARNING" in line or "encryption" in line.lower() or "IPKernelApp" in line]
    assert not noise, noise
