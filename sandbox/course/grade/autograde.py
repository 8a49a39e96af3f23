"""`sandbox course autograde`: grade every submission in parallel, safely.

nbgrader's sqlite gradebook does not take concurrent writers, so each warm
worker process (:mod:`sandbox.course.grade.grade_worker`, nbgrader imported once,
killed and replaced if it overruns) grades one submission after another, each
in a private copy of the course (its own gradebook copy, a copy of the
submission without its data/ folder), running nbgrader's own autograde and
generate_feedback there; the parent merges the grades into the course's
gradebook one submission at a time, as they finish. Jobs go assignment by
assignment (every student's first assignment, then every student's second), so
that a student's submissions rarely run at once and the last job of a run is
one submission, not a whole student. With a Dask scheduler, the students are
tasks on the cluster's workers instead (:mod:`sandbox.course.grade.dask_grading`).

Inside the worker, each notebook runs in an isolated kernel (the strongest
mode of :mod:`sandbox.course.kernel.isolation` this machine allows) and only its answer
values come back; the verdicts are computed in the worker (see
:class:`sandbox.course.grade.nbgrader_ext.IsolatedExecute`).
"""

from __future__ import annotations

import fcntl
import json
import queue
import shutil
import signal
import sys
import threading
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from ..build.roster import SAFE_ID
from ..build.settings import RUN_KEY, STATUS_FILE, CourseError, CourseSettings
from ..kernel import isolation
from ..kernel.kernel_template import SERVER_ENV, TemplateServer
from ..kernel.leftovers import remove_stale_folders
from ..kernel.limits import DEFAULT_MEMORY
from .grade_worker import TEMPLATE_DB, job_folder
from .gradebook import course_students, merge_submissions, open_gradebook, record_zero_submission
from .grades import write_grades
from .verdicts import VERDICTS_DIR, verdicts_folder
from .warm import Outcome, WarmWorker, WorkerZygote, grade_with, refuse_network

WORK_DIR = ".autograde_work"
LOCK_FILE = ".autograde.lock"
UNKNOWN = "unknown student"
#: Seconds allowed to nbgrader itself (start-up, kernel start, bookkeeping) on top of the cells.
NBGRADER_OVERHEAD = 120
#: sandbox_grades.csv and autograde_status.json are rewritten at most this often (seconds) while a run goes on, and at its end.
GRADES_EVERY = 10


@dataclass
class AutogradeReport:
    course_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    grades_csv: Path | None = None
    isolation: str = "none"
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (student, assignment) left as they were (--resume)

    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "graded" or o.message]


def autograde_course(course_dir, jobs: int = 1, assignments: list[str] | None = None,
                     progress: bool = True, memory: int = DEFAULT_MEMORY,
                     allow_unknown_students: bool = False, mode: str | None = None, resume: bool = False,
                     scheduler: str | None = None, allow_network: bool = False) -> AutogradeReport:
    """Grade ``submitted/<student>/<assignment>/`` for every student and assignment.

    Writes ``autograded/``, ``feedback/<student>/<assignment>/*.html``, the
    gradebook, ``sandbox_grades.csv``, ``autograde_status.json`` and each
    question's verdict for the instructor (``verdicts/``, see :mod:`.verdicts`);
    returns what happened to each submission. Folders that killed grading
    processes left in the temporary folder are removed first
    (:mod:`sandbox.course.kernel.leftovers`).

    Parameters
    ----------
    memory : int
        Memory limit of each student's kernel, in bytes.
    allow_unknown_students : bool
        Grade submission folders of ids that are not in the gradebook (the
        roster); by default they are reported and not graded.
    mode : str, optional
        Isolation mode (:data:`sandbox.course.kernel.isolation.MODES`); the strongest
        that works on this machine by default.
    resume : bool
        Leave alone the submissions that already have a status (an interrupted
        run's finished work) and grade the rest.
    scheduler : str, optional
        Address of a dask.distributed scheduler: grade on its workers
        (``jobs`` is then unused).
    allow_network : bool
        Grade even where the only isolation is ``nobody``, whose kernels reach the network
        (refused otherwise).
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
    if scheduler:
        try:
            from . import dask_grading  # noqa: F401
        except ImportError as e:
            raise CourseError(str(e)) from None
    with course_lock(course_dir):
        isolation.close_to_others(course_dir)
        remove_stale_folders()
        chosen_mode = mode or isolation.detect_mode()
        if not scheduler:  # a Dask worker checks its own mode
            refuse_network(chosen_mode, allow_network)
        if chosen_mode == "none":
            print("autograde: no isolation available on this machine (no bubblewrap, not root): students' code "
                  "runs as this user and can read and write what you can; answers are still judged outside "
                  "their kernels", file=sys.stderr)
        grading = Grading(settings, chosen, chosen_mode, memory, allow_unknown_students,
                          fixed_mode=mode is not None, allow_network=allow_network)
        return grade_all(course_dir, grading, jobs, progress, resume=resume, scheduler=scheduler)


@dataclass(frozen=True)
class Grading:
    """What one autograde run applies to every submission."""

    settings: CourseSettings
    assignments: list[str]
    isolation: str
    memory: int
    allow_unknown_students: bool
    fixed_mode: bool = False  # the isolation mode was chosen by the caller (else each machine detects its own)
    allow_network: bool = False  # grade in the nobody mode, whose kernels reach the network


def refresh_grades(course_dir) -> Path:
    """Rewrite sandbox_grades.csv from the gradebook (after manual grading in formgrader); returns its path.

    The statuses come from autograde_status.json. Refused while an autograde runs on the course (it
    rewrites the file itself).
    """
    course_dir = Path(course_dir).resolve()
    settings = CourseSettings.load(course_dir)
    with course_lock(course_dir):
        path = course_dir / STATUS_FILE
        status = json.loads(path.read_text()) if path.is_file() else {}
        return write_grades(course_dir, settings, students_status(status))


@contextmanager
def course_lock(course_dir: Path):
    """Hold an exclusive lock on the course (released when the process ends, even on a crash)."""
    with open(course_dir / LOCK_FILE, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(f"another autograde is running on {course_dir}; wait for it to finish") from None
        yield


def grade_all(course_dir: Path, grading: Grading, jobs: int, progress: bool, resume: bool = False,
              scheduler: str | None = None) -> AutogradeReport:
    """Grade every student's submissions with warm workers (or on a Dask cluster), merging as they finish.

    The gradebook is updated as each submission finishes (each student, on Dask),
    ``autograde_status.json`` and ``sandbox_grades.csv`` every few seconds and at the
    end (even when interrupted), so an interrupted run keeps what is done; with
    ``resume``, submissions that already have a status are not graded again.
    """
    settings, chosen = grading.settings, grading.assignments
    client = None
    if scheduler:
        from .dask_grading import connect, dask_results

        client = connect(scheduler)  # an unreachable scheduler fails before anything is written
    students, outcomes = find_students(course_dir, grading.allow_unknown_students)
    status = save_status(course_dir, outcomes, run={
        "isolation": grading.isolation,
        "unknown_students": sorted(o.student_id for o in outcomes if o.status == UNKNOWN)})
    skipped, todo = plan(students, chosen, status if resume else {})
    work = course_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    shutil.copyfile(course_dir / "gradebook.db", run_dir / TEMPLATE_DB)
    limits = {a: time_limit(course_dir / "source" / a, settings) for a in chosen}
    written = time.monotonic()
    bar = tqdm(total=len(todo), desc="autograde", unit="submission", disable=not progress,
               smoothing=0.1)
    results = iter(())
    # Statuses are saved every few seconds, not per submission: the file holds the whole class, and
    # rewriting it per submission is quadratic (0.1 s a time for 1,000 students x 12 notebooks). A
    # submission merged but not yet saved is graded again by --resume, which gives the same gradebook.
    unsaved: list[Outcome] = []
    gradebook = open_gradebook(course_dir / "gradebook.db", settings.course_id)  # one engine for the run's merges
    try:
        if client is not None:
            by_student: dict[str, list[str]] = {}
            for sid, a in todo:
                by_student.setdefault(sid, []).append(a)
            results = dask_results(client, course_dir, run_dir, by_student, grading, limits)
        else:
            results = local_results(course_dir, run_dir, todo, grading, limits, jobs)
        for private, finished in results:
            with interrupt_after():  # a Ctrl-C lands between two merges, never inside one
                collect(course_dir, private, settings, finished, gradebook)
                outcomes.extend(finished)
                unsaved.extend(finished)
            bar.update(len(finished))
            if time.monotonic() - written > GRADES_EVERY:
                status, unsaved = save_status(course_dir, unsaved), []
                write_grades(course_dir, settings, students_status(status))
                written = time.monotonic()
    finally:
        if hasattr(results, "close"):
            results.close()  # stops the workers now, even on Ctrl-C
        status = save_status(course_dir, unsaved)  # what was merged, even on Ctrl-C
        if client is not None:
            client.close()
        gradebook.close()
        bar.close()
        shutil.rmtree(run_dir, ignore_errors=True)
        if work.is_dir() and not any(work.iterdir()):
            work.rmdir()
    grades_csv = write_grades(course_dir, settings, students_status(status))
    return AutogradeReport(course_dir, outcomes, grades_csv, grading.isolation, skipped)


@contextmanager
def interrupt_after():
    """Hold a Ctrl-C (SIGINT) that arrives inside the block and raise it as KeyboardInterrupt at its end, so the
    block (merging one submission and recording it) is done whole or not at all. Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = []
    previous = signal.signal(signal.SIGINT, lambda *_: held.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def plan(students: list[str], assignments: list[str], status: dict) -> tuple[list, list]:
    """(submissions left as they are, submissions to grade), each as (student, assignment).

    A submission with a status in ``status`` is left; the rest go assignment by
    assignment (every student's first, then every student's second...).
    """
    pairs = [(s, a) for a in assignments for s in students]
    done = [(s, a) for s, a in pairs if a in status.get(s, {})]
    left = set(done)
    return done, [p for p in pairs if p not in left]


def local_results(course_dir: Path, run_dir: Path, todo: list[tuple[str, str]], grading: Grading,
                  limits: dict[str, float], jobs: int) -> Iterator[tuple[Path, list[Outcome]]]:
    """(private course folder, outcomes) of each (student, assignment) of ``todo``, in turn given to one of
    ``jobs`` warm workers, as soon as it is graded."""
    if not todo:
        return
    with ExitStack() as stack:
        env = {}
        if grading.isolation == "bwrap+nobody":  # the workers fork their kernels from one template between them
            server = TemplateServer()
            stack.callback(server.close)
            env = {SERVER_ENV: server.address}
        zygote = WorkerZygote(course_dir, run_dir, grading.isolation, grading.memory, env)  # imports once for all
        stack.callback(zygote.close)
        workers = [WarmWorker(course_dir, run_dir, grading.isolation, grading.memory, f".worker-{i}", env, zygote)
                   for i in range(min(jobs, len(todo)))]
        idle: queue.Queue[WarmWorker] = queue.Queue()
        for w in workers:
            idle.put(w)  # started by its first job

        def grade(sid: str, assignment: str) -> list[Outcome]:
            worker = idle.get()
            try:
                return grade_with(worker, sid, [assignment], limits, job_folder(sid, assignment))
            finally:
                idle.put(worker)

        pool = ThreadPoolExecutor(max_workers=len(workers))

        def shut_down() -> None:
            pool.shutdown(wait=False, cancel_futures=True)
            for w in workers:
                w.stop(final=True)  # unblocks the threads still waiting on a worker, and no thread restarts it
            pool.shutdown(wait=True)

        stack.callback(shut_down)  # first of the three: workers, then the zygote and the template
        futures = {pool.submit(grade, sid, a): (sid, a) for sid, a in todo}
        for future in as_completed(futures):
            sid, a = futures[future]
            try:
                outcomes = future.result()
            except Exception as e:  # a failure of ours must not stop the others
                outcomes = [Outcome(sid, a, "ungradable", f"grading crashed: {e!r}")]
            yield run_dir / job_folder(sid, a), outcomes


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


def time_limit(source_dir: Path, settings: CourseSettings) -> float:
    """Seconds after which an nbgrader run is killed: every code cell may use its whole timeout."""
    cells = 0
    for path in source_dir.glob("*.ipynb"):
        cells += sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
    return NBGRADER_OVERHEAD + cells * (settings.cell_timeout + 15)


def collect(course_dir: Path, private: Path, settings: CourseSettings, outcomes: list[Outcome],
            gradebook) -> None:
    """Parent: merge one student's grades from the private course ``private`` into the course's open ``gradebook``
    and move its notebooks and feedback in."""
    graded = [o.assignment for o in outcomes if o.status == "graded"]
    if graded:
        merge_submissions(private / "gradebook.db", gradebook, outcomes[0].student_id, graded)
    for o in outcomes:
        if o.status == "graded":
            for kind in ("autograded", "feedback", VERDICTS_DIR):
                src = private / kind / o.student_id / o.assignment
                dest = course_dir / kind / o.student_id / o.assignment
                if dest.exists():
                    shutil.rmtree(dest)
                if src.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    # feedback carries our rendering of the assignment's notebooks only, never a file a
                    # submission brought (an evil.html); the worker removed submitted copies of these names;
                    # verdicts, our record of each notebook
                    keep = (shutil.ignore_patterns("data") if kind == "autograded" else only_feedback(
                        feedback_names(course_dir, o.assignment, ".json" if kind == VERDICTS_DIR else ".html")))
                    shutil.copytree(src, dest, symlinks=True, ignore=keep)
        else:  # verdicts of an earlier grading of this submission no longer hold
            shutil.rmtree(verdicts_folder(course_dir, o.student_id, o.assignment), ignore_errors=True)
        if o.status == "ungradable" and o.assignment in settings.assignments:
            record_zero_submission(gradebook, o.student_id, o.assignment)
    shutil.rmtree(private, ignore_errors=True)


def feedback_names(course_dir: Path, assignment: str, suffix: str = ".html") -> set[str]:
    """The feedback files of an assignment: one ``<notebook>.html`` per source notebook (``.json``: its
    verdicts)."""
    return {f"{p.stem}{suffix}" for p in (course_dir / "source" / assignment).glob("*.ipynb")}


def only_feedback(names: set[str]):
    """shutil.copytree ignore function: skip everything but the files ``names`` (never a symlink)."""
    def ignore(folder: str, found: list[str]) -> list[str]:
        return [n for n in found if n not in names or (Path(folder) / n).is_symlink()]
    return ignore


def save_status(course_dir: Path, outcomes: list[Outcome], run: dict | None = None) -> dict:
    """Update autograde_status.json (student -> assignment -> status, message) and return it.

    ``run`` replaces the ``_autograde`` entry, which records the last run: its
    isolation mode and the submission folders of students not on the roster.
    The file is replaced whole, never left half-written.
    """
    path = course_dir / STATUS_FILE
    status = json.loads(path.read_text()) if path.is_file() else {}
    if run is not None:
        status[RUN_KEY] = run
    for o in outcomes:
        status.setdefault(o.student_id, {})[o.assignment] = {"status": o.status, "message": o.message}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(status, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return status


def students_status(status: dict) -> dict:
    """autograde_status.json without its ``_autograde`` entry."""
    return {k: v for k, v in status.items() if k != RUN_KEY}
