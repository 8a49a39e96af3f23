"""One student's grading, run as its own process.

``python -m sandbox.course.grade_worker COURSE STUDENT ISOLATION MEMORY A...``

Runs nbgrader's autograde (with :class:`~sandbox.course.nbgrader_ext.IsolatedExecute`:
the notebook runs in an isolated kernel, answers are judged here) and
generate_feedback through nbgrader's Python API, so nbgrader is imported once
per student, for each assignment in turn, in the course folder COURSE (the
worker's private copy). Prints one JSON line per assignment:
{"assignment", "ok", "step", "log", "stopped"}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .nbgrader_adapter import load_api
from .nbgrader_ext import RUN_NOTES


def main(argv=None) -> int:
    course, student, mode, memory, *assignments = argv if argv is not None else sys.argv[1:]
    api = load_api(Path(course).resolve(), isolation=mode, memory=int(memory))
    for assignment in assignments:
        RUN_NOTES.clear()
        result = api.autograde(assignment, student, force=True, create=True)
        step = "autograde"
        if result["success"]:
            step = "generate_feedback"
            result = api.generate_feedback(assignment, student, force=True)
        log = (result.get("log") or "") + (result.get("error") or "")
        print(json.dumps({"assignment": assignment, "ok": bool(result["success"]), "step": step,
                          "log": log[-4000:], "stopped": "; ".join(n for n in RUN_NOTES if n)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
