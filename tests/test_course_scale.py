"""Grading at scale: grades.csv and status written as students finish, --resume after an
interrupted run, and grading on a Dask cluster, each checked against one uninterrupted local run.

The course is the tiny fixture notebook of test_course_autograde, for 3 students (the faults
themselves are tested there).
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

from sandbox.course import autograde_course, build_course
from sandbox.course.nbgrader_adapter import nbgrader_env
from test_course_autograde import A, SALT, fixture_notebook, submit

pytestmark = pytest.mark.slow

STUDENTS = ["ann", "bob", "dia"]
VENV_SANDBOX = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "sandbox"
OUTPUTS = ("sandbox_grades.csv", "autograde_status.json", "autograded", "feedback")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with 3 submissions (two wrong answers), graded once locally with 2 jobs.

    Returns (course, grades.csv text of that run, clean gradebook copy).
    """
    base = tmp_path_factory.mktemp("scale")
    solutions = base / "solutions"
    solutions.mkdir()
    nbformat.write(fixture_notebook(), solutions / f"{A}.ipynb")
    roster = base / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{s}\n" for s in STUDENTS))
    course = base / "c"
    # the fixture's test cells are plain nbgrader asserts, run in the kernel: unprotected, on purpose
    build_course(course, roster=roster, salt=SALT, scale="tiny", cell_timeout=10, solutions_dir=solutions,
                 jobs=2, progress=False, allow_kernel_tests=True)
    submit(course, "ann")
    submit(course, "bob", {"q1_answer": "total_likes = 0"})
    submit(course, "dia", {"q3_answer": "def engagement(df):\n    return df['likes']"})
    clean = base / "gradebook.clean.db"
    shutil.copyfile(course / "gradebook.db", clean)
    autograde_course(course, jobs=2, progress=False)
    return course, (course / "sandbox_grades.csv").read_text(), clean


def reset(course: Path, clean: Path) -> None:
    for name in OUTPUTS:
        path = course / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    shutil.copyfile(clean, course / "gradebook.db")


def test_reference_run_scores_the_planted_mistakes(graded):
    course, grades, _ = graded
    rows = {line.split(",")[0]: line.split(",") for line in grades.splitlines()[1:]}
    assert rows["ann"][1:4] == ["1", "1", "2"]
    assert rows["bob"][1:4] == ["0", "1", "2"]
    assert rows["dia"][1:4] == ["1", "1", "0"]


def test_interrupted_run_resumes_without_regrading_and_gives_the_same_grades(graded):
    course, expected, clean = graded
    reset(course, clean)
    status = course / "autograde_status.json"
    cmd = [str(VENV_SANDBOX), "course", "autograde", str(course), "--jobs", "1"]
    proc = subprocess.Popen(cmd, env=nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if list((course / "autograded").glob(f"*/{A}")):  # a submission merged (its status is saved every 10 s)
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted: " + proc.communicate()[1]
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    first = set(json.loads(status.read_text())) - {"_autograde"}
    assert 1 <= len(first) < len(STUDENTS)
    assert not (course / ".autograde_work").exists()
    kept = {sid: (course / "autograded" / sid / A / f"{A}.ipynb").stat().st_mtime_ns for sid in first}

    run = subprocess.run(cmd + ["--resume"], env=nbgrader_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"left {len(first)} submission(s)" in run.stdout
    assert f"graded {len(STUDENTS) - len(first)} submission(s)" in run.stdout
    assert "submissions/s" in run.stdout
    for sid, mtime in kept.items():  # what the interrupted run finished was not graded again
        assert (course / "autograded" / sid / A / f"{A}.ipynb").stat().st_mtime_ns == mtime
    assert (course / "sandbox_grades.csv").read_text() == expected


def worker_folders(pids) -> list[Path]:
    """The private folders (course salt, students' worlds) of the Dask worker processes ``pids``."""
    tmp = Path(tempfile.gettempdir())
    return [path for pid in pids for path in tmp.glob(f"sandbox-grading-{os.getuid()}-{pid}-*")]


def kill_a_busy_worker(cluster, after: float = 2.0, wait: float = 120) -> int | None:
    """SIGKILL the worker process of a grading task that has run ``after`` seconds in the worker's unpacked
    course (so it leaves a folder and a warm grader behind); its pid, None if none was seen grading."""
    seen, deadline = {}, time.monotonic() + wait
    while time.monotonic() < deadline:
        for key, task in list(cluster.scheduler.tasks.items()):
            if str(key).startswith("grade-") and task.state == "processing" and task.processing_on:
                address = task.processing_on.address
                nanny = next(n for n in cluster.workers.values() if n.worker_address == address)
                pid = nanny.process.process.pid
                if not worker_folders([pid]):
                    continue
                first = seen.setdefault(key, time.monotonic())
                if time.monotonic() - first >= after:
                    os.kill(pid, signal.SIGKILL)
                    return pid
        time.sleep(0.1)
    return None


def test_dask_cluster_grades_like_local_workers_even_when_a_worker_is_lost(graded):
    distributed = pytest.importorskip("distributed")
    course, expected, clean = graded
    reset(course, clean)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        done = {}
        run = threading.Thread(target=lambda: done.update(
            report=autograde_course(course, progress=False, scheduler=cluster.scheduler_address)))
        run.start()
        killed = kill_a_busy_worker(cluster)
        run.join(timeout=600)
        pids = [killed] + [nanny.process.process.pid for nanny in cluster.workers.values() if nanny.process]
        # the lost worker's folder is gone while the cluster still runs: its replacement removes it as it
        # starts, which may end after the run does (the survivor can grade everything first)
        deadline = time.monotonic() + 60
        while worker_folders([killed]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not worker_folders([killed])
    assert killed, "no grading task was seen running long enough to kill its worker"
    report = done["report"]
    # each student merged once: the lost worker's student was graded again elsewhere, not twice
    assert sorted(o.student_id for o in report.outcomes) == STUDENTS
    assert all(o.status == "graded" for o in report.outcomes)
    assert (course / "sandbox_grades.csv").read_text() == expected
    for sid in STUDENTS:
        html = (course / "feedback" / sid / A / f"{A}.html").read_text()
        assert "HIDDEN-MARKER" not in html
    assert not (course / ".autograde_work").exists()
    assert not worker_folders(pids), "a Dask worker left its folder (course salt) behind"


def test_an_unreachable_scheduler_is_a_clear_error_and_changes_nothing(graded):
    from sandbox.course.build.settings import CourseError

    course, expected, _ = graded
    before = (course / "gradebook.db").read_bytes()
    with pytest.raises(CourseError, match="cannot use the Dask scheduler 'tcp://127.0.0.1:1'"):
        autograde_course(course, progress=False, scheduler="tcp://127.0.0.1:1")
    assert (course / "gradebook.db").read_bytes() == before
    assert not (course / ".autograde_work").exists()


def test_a_dask_worker_keeps_its_folder_while_running_and_removes_it_when_it_closes():
    """Registering the folder plugin again (a second run on the cluster) does not remove a running worker's
    folder; closing the worker does."""
    distributed = pytest.importorskip("distributed")
    from sandbox.course.grade import dask_grading

    kit = {"key": "0123456789abcdef", "files": {"course.json": b"{}", "gradebook.db": b""}}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.register_plugin(dask_grading.RemoveStaleFolders())
        [(pid, folder)] = client.run(lambda: (os.getpid(), str(dask_grading.unpacked_course(kit)[0].parent))).values()
        client.register_plugin(dask_grading.RemoveStaleFolders())
        assert worker_folders([pid]) == [Path(folder)]
    assert not worker_folders([pid])
