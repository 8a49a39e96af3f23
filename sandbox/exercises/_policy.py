"""What a course lets ``qN.solution()`` and ``qN.hint()`` show: a small file beside the notebook.

`sandbox course build` writes ``exercise_settings.json`` into every student's
release folder (and autograde into the kernel's folder). Solutions are hidden
unless the course was built with ``--show-solutions``; hints stay on unless
built with ``--hints off``. Without the file (self-learners), both are shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

POLICY_FILE = "exercise_settings.json"
HINT_MODES = ("on", "off")
SOLUTIONS_HIDDEN = "solutions are hidden in this course; ask your instructor"
HINTS_OFF = "hints are turned off in this course"


@dataclass(frozen=True)
class Policy:
    """``solutions``: show reference code; ``hints``: show hints."""

    solutions: bool = True
    hints: bool = True

    def write(self, folder) -> None:
        (Path(folder) / POLICY_FILE).write_text(json.dumps(asdict(self)) + "\n")


def current_policy(folder=None) -> Policy:
    """The policy of the notebook folder ``folder`` (the working directory by default)."""
    path = Path(folder or Path.cwd()) / POLICY_FILE
    try:
        data = json.loads(path.read_text())
        return Policy(solutions=data.get("solutions") is True, hints=data.get("hints") is not False)
    except (OSError, ValueError, AttributeError):
        return Policy()
