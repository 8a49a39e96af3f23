"""Each question's verdict, kept for the instructor: what ``sandbox course report`` counts.

:class:`~sandbox.course.grade.nbgrader_ext.IsolatedExecute` writes one record per judged
notebook into the private course it grades in, ``verdicts/<student>/<assignment>/<notebook>.json``;
autograde's ``collect`` moves it into the course beside ``autograded/`` and ``feedback/`` (a Dask
worker sends it back with them), so it survives ``--resume`` as they do. It never reaches
feedback: a student sees only their own messages, in their own feedback.

A record::

    {"version": 1, "notebook": "01_first_look",
     "questions": [{"question": "q3", "status": "failed", "mistake": "mistake-2",
                    "message": "...", "points": 1, "judgement": false}, ...]}

``status`` is the judge's verdict (passed, not attempted, failed, error), ``message`` what the
student was shown, ``mistake`` the stable id of the typical mistake that message named (None when
no single mistake explains the answer).
"""

from __future__ import annotations

import json
from pathlib import Path

from ...exercises._diagnosis import diagnosed_mistake
from ..build.settings import CourseError

VERDICTS_DIR = "verdicts"
RECORD_VERSION = 1


def verdict_record(exercise, results: dict) -> dict:
    """The record of one notebook: ``results`` (question id -> Result) with each question's mistake id."""
    questions = []
    for q in exercise.questions:
        r = results[q.id]
        questions.append({"question": q.id, "status": r.status, "mistake": diagnosed_mistake(q, r),
                          "message": r.message, "points": q.points, "judgement": bool(q.judgement)})
    return {"version": RECORD_VERSION, "notebook": exercise.name, "questions": questions}


def verdicts_folder(course_dir, student_id: str, assignment: str) -> Path:
    return Path(course_dir) / VERDICTS_DIR / student_id / assignment


def write_verdicts(course_dir, student_id: str, assignment: str, notebook: str, exercise, results: dict) -> Path:
    """Write the record of ``notebook`` of a submission into ``course_dir`` (replaced whole, never half-written)."""
    folder = verdicts_folder(course_dir, student_id, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(verdict_record(exercise, results), indent=1) + "\n")
    tmp.replace(path)
    return path


def read_verdicts(course_dir, student_id: str, assignment: str) -> list[dict]:
    """The records of a submission's notebooks (empty when it has none); CourseError for a damaged one."""
    records = []
    for path in sorted(verdicts_folder(course_dir, student_id, assignment).glob("*.json")):
        try:
            record = json.loads(path.read_text())
            if record.get("version") != RECORD_VERSION or not isinstance(record.get("questions"), list):
                raise ValueError(f"not a version {RECORD_VERSION} verdict record")
        except (ValueError, OSError, AttributeError) as e:
            raise CourseError(f"{path} is damaged ({e}); grade the submission again: "
                              f"`sandbox course autograde {course_dir} --assignment {assignment}`") from None
        records.append(record)
    return records
