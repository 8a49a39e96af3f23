"""`sandbox course autograde`: grade every submission in parallel, safely.

nbgrader's sqlite gradebook does not take concurrent writers, so each worker
process grades one student in a private copy of the course (its own gradebook
copy, a copy of the submission without its data/ folder), runs nbgrader's own
autograde and generate_feedback there (:mod:`sandbox.course.grade_worker`, in a
process that is killed if it overruns), and the parent merges the grades into
the course's gradebook one student at a time.

Inside the worker, each notebook runs in an isolated kernel (the strongest
mode of :mod:`sandbox.course.isolation` this machine allows) and only its answer
values come back; the verdicts are computed in the worker (see
:class:`sandbox.course.nbgrader_ext.IsolatedExecute`).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from . import isolation
from .gradebook import course_students, merge_submission, record_zero_submission
from .grades import write_grades
from .grading_data import student_dataset
from .nbgrader_adapter import run_python
from .roster import SAFE_ID
from .settings import CONFIG_FILE, GRADING_DATA_DIR, SETTINGS_FILE, CourseError, CourseSettings

WORK_DIR = ".autograde_work"
LOCK_FILE = ".autograde.lock"
STATUS_FILE = "autograde_status.json"
#: Key of autograde_status.json holding facts about the last run (not a student).
RUN_KEY = "_autograde"
UNKNOWN = "unknown student"
#: Seconds allowed to nbgrader itself (start-up, kernel start, bookkeeping) on top of the cells.
NBGRADER_OVERHEAD = 120


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    student_id: str
    assignment: str
    status: str  # "graded", "missing", "ungradable" or "unknown student"
    message: str = ""


@dataclass
class AutogradeReport:
    course_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    grades_csv: Path | None = None
    isolation: str = "none"

    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "graded" or o.message]


def autograde_course(course_dir, jobs: int = 1, assignments: list[str] | None = None,
                     progress: bool = True, memory: int = isolation.DEFAULT_MEMORY,
                     allow_unknown_students: bool = False, mode: str | None = None) -> AutogradeReport:
    """Grade ``submitted/<student>/<assignment>/`` for every student and assignment.

    Writes ``autograded/``, ``feedback/<student>/<assignment>/*.html``, the
    gradebook, ``grades.csv`` and ``autograde_status.json``; returns what
    happened to each submission.

    Parameters
    ----------
    memory : int
        Memory limit of each student's kernel, in bytes.
    allow_unknown_students : bool
        Grade submission folders of ids that are not in the gradebook (the
        roster); by default they are reported and not graded.
    mode : str, optional
        Isolation mode (:data:`sandbox.course.isolation.MODES`); the strongest
        that works on this machine by default.
    """
    course_dir = Path(course_dir).resolve()
    settings = CourseSettings.load(course_dir)
    if jobs < 1:
        raise CourseError(f"--jobs must be at least 1, got {jobs}")
    if memory < 256 * 2**20:
        raise CourseError(f"--memory must be at least 256 MB, got {memory} bytes")
    if mode is not None and mode not in isolation.MODES:
        raise CourseError(f"unknown isolation mode {mode!r}; modes: {', '.join(isolation.MODES)}")
    chosen = list(settings.assignments) if not assignments else list(assignments)
    unknown = [a for a in chosen if a not in settings.assignments]
    if unknown:
        raise CourseError(f"unknown assignment {unknown[0]!r}; assignments: {', '.join(settings.assignments)}")
    with course_lock(course_dir):
        isolation.close_to_others(course_dir)
        mode = mode or isolation.detect_mode()
        if mode == "none":
            print("autograde: no isolation available on this machine (no bubblewrap, not root): students' code "
                  "runs as this user and can read and write what you can; answers are still judged outside "
                  "their kernels", file=sys.stderr)
        grading = Grading(settings, chosen, mode, memory, allow_unknown_students)
        return grade_all(course_dir, grading, jobs, progress)


@dataclass(frozen=True)
class Grading:
    """What one autograde run applies to every submission."""

    settings: CourseSettings
    assignments: list[str]
    isolation: str
    memory: int
    allow_unknown_students: bool


@contextmanager
def course_lock(course_dir: Path):
    """Hold an exclusive lock on the course (released when the process ends, even on a crash)."""
    with open(course_dir / LOCK_FILE, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(f"another autograde is running on {course_dir}; wait for it to finish") from None
        yield


def grade_all(course_dir: Path, grading: Grading, jobs: int, progress: bool) -> AutogradeReport:
    settings, chosen = grading.settings, grading.assignments
    students, outcomes = find_students(course_dir, grading.allow_unknown_students)
    work = course_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    template_db = run_dir / "gradebook.db"
    shutil.copyfile(course_dir / "gradebook.db", template_db)
    try:
        bar = tqdm(total=len(students), desc="autograde", unit="student", disable=not progress)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_student, course_dir, run_dir, sid, grading): sid
                       for sid in students}
            for future in as_completed(futures):
                sid = futures[future]
                try:
                    results = future.result()
                except Exception as e:  # a worker crash must not stop the others
                    results = [Outcome(sid, a, "ungradable", f"grading crashed: {e!r}") for a in chosen]
                collect_student(course_dir, run_dir, settings, results)
                outcomes.extend(results)
                bar.update()
        bar.close()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        if not any(work.iterdir()):
            work.rmdir()
    status = save_status(course_dir, outcomes, grading.isolation)
    grades_csv = write_grades(course_dir, settings, {k: v for k, v in status.items() if k != RUN_KEY})
    return AutogradeReport(course_dir, outcomes, grades_csv, grading.isolation)


def find_students(course_dir: Path, allow_unknown: bool = False) -> tuple[list[str], list[Outcome]]:
    """Students of the gradebook (the roster), plus submitted/ folders of other ids if ``allow_unknown``.

    Unusable folder names and ids not on the roster (unless allowed) are reported, not graded.
    """
    roster = set(course_students(course_dir))
    students, rejected = set(roster), []
    submitted = course_dir / "submitted"
    if submitted.is_dir():
        for d in sorted(submitted.iterdir()):
            if not d.is_dir():
                continue
            if not (SAFE_ID.match(d.name) and ".." not in d.name):
                rejected.append(Outcome(d.name, "*", "ungradable", "folder name is not a valid student id"))
            elif d.name in roster or allow_unknown:
                students.add(d.name)
            else:
                rejected.append(Outcome(d.name, "*", UNKNOWN, f"submitted/{d.name}/ is not on the roster: not "
                                        "graded (add the student, or rerun with --allow-unknown-students)"))
    return sorted(students), rejected


def grade_student(course_dir: Path, run_dir: Path, student_id: str, grading: Grading) -> list[Outcome]:
    """Worker: grade one student's assignments in a private copy of the course."""
    settings, assignments = grading.settings, grading.assignments
    private = run_dir / student_id
    make_private_course(course_dir, run_dir, private)
    outcomes, ready, notes = {}, [], {}
    for assignment in assignments:
        refused = prepare_submission(course_dir, private, student_id, assignment, notes)
        if refused:
            outcomes[assignment] = refused
        else:
            ready.append(assignment)
    if ready:
        student_dataset(private, student_id)  # generated before nbgrader's clock starts
    while ready:
        limit = sum(time_limit(course_dir / "source" / a, settings) for a in ready)
        results, run = run_grade_worker(private, student_id, ready, limit, grading)
        for a in ready[: len(results)]:
            r = results[a]
            if r["ok"]:
                said = notes.get(a, []) + ([r["stopped"]] if r.get("stopped") else [])
                outcomes[a] = Outcome(student_id, a, "graded", "; ".join(said))
            else:
                tail = "\n".join(r["log"].strip().splitlines()[-15:])
                outcomes[a] = Outcome(student_id, a, "ungradable", f"nbgrader {r['step']} failed:\n{tail}")
        ready = ready[len(results):]
        if ready:  # the process died or was killed while grading ready[0]
            tail = "\n".join(run.output.strip().splitlines()[-15:])
            outcomes[ready[0]] = Outcome(student_id, ready[0], "ungradable", f"grading stopped:\n{tail}")
            ready = ready[1:]
    return [outcomes[a] for a in assignments]


def make_private_course(course_dir: Path, run_dir: Path, private: Path) -> None:
    """A minimal course folder for one worker: config, settings, a gradebook copy, links to source and worlds."""
    private.mkdir(parents=True)
    for name in (CONFIG_FILE, SETTINGS_FILE):
        shutil.copyfile(course_dir / name, private / name)
    shutil.copyfile(run_dir / "gradebook.db", private / "gradebook.db")
    (private / "source").symlink_to(course_dir / "source")
    (course_dir / GRADING_DATA_DIR).mkdir(exist_ok=True)
    (private / GRADING_DATA_DIR).symlink_to(course_dir / GRADING_DATA_DIR)


def prepare_submission(course_dir: Path, private: Path, student_id: str, assignment: str,
                       notes: dict) -> Outcome | None:
    """Copy a submission (without its data/) into the private course; an Outcome if it cannot be graded."""
    submission = course_dir / "submitted" / student_id / assignment
    if not submission.is_dir():
        return Outcome(student_id, assignment, "missing", f"no submission (submitted/{student_id}/{assignment}/)")
    copy = private / "submitted" / student_id / assignment
    shutil.copytree(submission, copy, symlinks=True, ignore=submission_ignore)
    expected = sorted(p.name for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    problems, valid = [], []
    for name in expected:
        path = copy / name
        if not path.is_file():
            problems.append(f"{name} was not submitted (scored 0)")
            continue
        error = notebook_error(path)
        if error:
            path.unlink()  # nbgrader then scores it 0, like a missing notebook
            problems.append(f"{name} is not a valid notebook ({error}) (scored 0)")
        else:
            valid.append(name)
    if not valid:
        return Outcome(student_id, assignment, "ungradable", "; ".join(problems) or "no notebooks submitted")
    notes[assignment] = problems
    return None


def submission_ignore(folder: str, names: list[str]) -> list[str]:
    """shutil.copytree ignore function: no data/, caches or symlinks (which could point at any file)."""
    skip = {"data", ".ipynb_checkpoints", "__pycache__"}
    return [n for n in names if n in skip or (Path(folder) / n).is_symlink()]


def run_grade_worker(private: Path, student_id: str, assignments: list[str], limit: float, grading: Grading):
    """Run grade_worker on ``assignments``; return ({assignment: result} in order, the run)."""
    run = run_python(["-m", "sandbox.course.grade_worker", str(private), student_id, grading.isolation,
                      str(grading.memory), *assignments], private, time_limit=limit)
    results = {}
    for line in run.stdout.splitlines():
        if line.startswith('{"assignment"'):
            r = json.loads(line)
            results[r["assignment"]] = r
    return results, run


def notebook_error(path: Path) -> str | None:
    """Why ``path`` cannot be graded as a notebook, or None."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # NotJSONError, ValidationError, UnicodeDecodeError, ...
        return f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    return None


def time_limit(source_dir: Path, settings: CourseSettings) -> float:
    """Seconds after which an nbgrader run is killed: every code cell may use its whole timeout."""
    cells = 0
    for path in source_dir.glob("*.ipynb"):
        cells += sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    return NBGRADER_OVERHEAD + cells * (settings.cell_timeout + 15)


def collect_student(course_dir: Path, run_dir: Path, settings: CourseSettings, outcomes: list[Outcome]) -> None:
    """Parent: merge a worker's grades into the gradebook and move its notebooks and feedback in."""
    for o in outcomes:
        private = run_dir / o.student_id
        if o.status == "graded":
            merge_submission(private / "gradebook.db", course_dir / "gradebook.db", settings.course_id,
                             o.student_id, o.assignment)
            for kind in ("autograded", "feedback"):
                src = private / kind / o.student_id / o.assignment
                dest = course_dir / kind / o.student_id / o.assignment
                if dest.exists():
                    shutil.rmtree(dest)
                if src.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    # feedback carries the rendered notebooks only, never files a submission brought
                    keep = shutil.ignore_patterns("data") if kind == "autograded" else only_html
                    shutil.copytree(src, dest, symlinks=True, ignore=keep)
        elif o.status == "ungradable" and o.assignment in settings.assignments:
            record_zero_submission(course_dir / "gradebook.db", settings.course_id, o.student_id, o.assignment)
    if outcomes:
        shutil.rmtree(run_dir / outcomes[0].student_id, ignore_errors=True)


def only_html(folder: str, names: list[str]) -> list[str]:
    """shutil.copytree ignore function: skip everything but .html files."""
    return [n for n in names if not n.endswith(".html") or (Path(folder) / n).is_symlink()]


def save_status(course_dir: Path, outcomes: list[Outcome], mode: str = "none") -> dict:
    """Update autograde_status.json (student -> assignment -> status, message) and return it.

    The ``_autograde`` entry records the last run: its isolation mode and the
    submission folders of students not on the roster.
    """
    path = course_dir / STATUS_FILE
    status = json.loads(path.read_text()) if path.is_file() else {}
    status[RUN_KEY] = {"isolation": mode,
                       "unknown_students": sorted(o.student_id for o in outcomes if o.status == UNKNOWN)}
    for o in outcomes:
        status.setdefault(o.student_id, {})[o.assignment] = {"status": o.status, "message": o.message}
    path.write_text(json.dumps(status, indent=2, sort_keys=True) + "\n")
    return status
