"""Warm grading workers forked from the run's zygote: imported once, replaced at once, and started the slow way
when the zygote is gone."""

import subprocess

import psutil
import pytest

from sandbox.course.grade.grade_worker import TEMPLATE_DB
from sandbox.course.build.settings import CONFIG_FILE, SETTINGS_FILE
from sandbox.course.grade.warm import ForkedWorker, WarmWorker, WorkerZygote

MEMORY = 2**30


@pytest.fixture
def course(tmp_path):
    """A course with no submission: every job is answered "missing" (no notebook runs)."""
    course, run = tmp_path / "course", tmp_path / "run"
    course.mkdir()
    run.mkdir()
    for name in (CONFIG_FILE, SETTINGS_FILE):
        (course / name).write_text("")
    (run / TEMPLATE_DB).write_bytes(b"")
    return course, run


def missing(worker: WarmWorker, student="ann") -> bool:
    return worker.grade(student, ["a1"], 120)["a1"]["status"] == "missing"


def test_workers_are_forked_by_the_zygote_and_replaced_by_it(course):
    zygote = WorkerZygote(*course, "none", MEMORY)
    workers = [WarmWorker(*course, "none", MEMORY, f".worker-{i}", zygote=zygote) for i in range(2)]
    try:
        for w in workers:
            assert missing(w)
            assert isinstance(w.proc, ForkedWorker) and psutil.Process(w.proc.pid).ppid() == zygote.proc.pid
        killed = workers[0].proc.pid
        workers[0].stop()  # as for a worker that overran its time limit
        assert not psutil.pid_exists(killed) or psutil.Process(killed).status() == psutil.STATUS_ZOMBIE
        assert missing(workers[0], "bob")
        assert workers[0].proc.pid != killed and psutil.Process(workers[0].proc.pid).ppid() == zygote.proc.pid

        ending = workers[1].proc
        workers[1].close()  # end of input ends its job loop, as a closed pipe does
        assert ending.poll() is not None
    finally:
        for w in workers:
            w.stop(final=True)
        zygote.close()


def test_without_its_zygote_a_worker_starts_as_a_process_of_its_own(course):
    zygote = WorkerZygote(*course, "none", MEMORY)
    worker = WarmWorker(*course, "none", MEMORY, ".worker-0", zygote=zygote)
    try:
        zygote.close()
        assert missing(worker)
        assert isinstance(worker.proc, subprocess.Popen)
    finally:
        worker.stop(final=True)
        zygote.close()
