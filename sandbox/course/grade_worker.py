"""One student's grading, run as its own process: ``python -m sandbox.course.grade_worker COURSE STUDENT A...``.

Runs nbgrader's autograde and generate_feedback (through nbgrader's Python API,
so nbgrader is imported once per student, not twice per assignment) for each
assignment in turn, in the course folder COURSE (the worker's private copy),
and prints one JSON line per assignment: {"assignment", "ok", "step", "log"}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load_api(course_dir: Path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    config.CourseDirectory.root = str(course_dir)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def main(argv=None) -> int:
    course, student, *assignments = argv if argv is not None else sys.argv[1:]
    api = load_api(Path(course).resolve())
    for assignment in assignments:
        result = api.autograde(assignment, student, force=True, create=True)
        step = "autograde"
        if result["success"]:
            step = "generate_feedback"
            result = api.generate_feedback(assignment, student, force=True)
        log = (result.get("log") or "") + (result.get("error") or "")
        print(json.dumps({"assignment": assignment, "ok": bool(result["success"]), "step": step,
                          "log": log[-4000:]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
