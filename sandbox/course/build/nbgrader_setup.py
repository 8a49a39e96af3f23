"""``python -m sandbox.course.build.nbgrader_setup COURSE ASSIGNMENT...``: nbgrader's side of a build, in one process.

nbgrader's ``generate_assignment`` for every assignment, then the roster's students (``COURSE/roster.csv``)
into the gradebook. One process pays nbgrader's imports once; a ``nbgrader generate_assignment`` process
per assignment paid them (and jsonschema's IRI grammar) every time: 4.5-9 CPU seconds each, most of a
small course's build. A separate process, not the caller's, because skipping the IRI grammar changes
``sys.modules``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..kernel.inside.kernel_run import skip_iri_grammar


def setup(course_dir: Path, assignments: list[str]) -> None:
    """Generate the student version of ``assignments`` and add the roster's students to the gradebook."""
    from nbgrader.api import Gradebook

    from ..nbgrader_adapter import load_api
    from .roster import read_roster
    from .settings import CourseSettings

    api = load_api(course_dir)
    for name in assignments:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.get('log', '')}\n"
                               f"{result.get('error', '')}")
    roster = course_dir / "roster.csv"
    if roster.is_file():
        with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", CourseSettings.load(course_dir).course_id) as gb:
            for s in read_roster(roster):
                gb.update_or_create_student(s.student_id, **s.gradebook_fields())


def main(argv=None) -> int:
    course_dir, *assignments = argv if argv is not None else sys.argv[1:]
    setup(Path(course_dir).resolve(), assignments)
    return 0


if __name__ == "__main__":
    skip_iri_grammar()
    sys.exit(main())
