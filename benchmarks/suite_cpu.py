"""What each test file costs, and the suite's wall time on 2 idle cores estimated from it.

Wall time on the shared 2-core machine says little (other engineers load it), so this pytest plugin records, for
each work unit (a test file, or a group of notebooks of a split file: tests/work_units.py) on the xdist worker
that ran it (fixtures included):

- CPU seconds, user + system, of the worker and of its finished (waited-for) subprocesses: nbgrader, kernels;
- the worker's own run-queue delay (``/proc/self/schedstat``): the time it was ready to run but another process
  had the core, which an idle machine would not have;
- wall seconds.

Run the suite with it, then read the report::

    PYTHONPATH=benchmarks SUITE_CPU_DIR=/tmp/cpu .venv/bin/python -m pytest -p suite_cpu
    .venv/bin/python benchmarks/suite_cpu.py /tmp/cpu

The report lists the units by CPU, each worker's total, and two estimates of the wall time on 2 idle cores,
replaying the units in the order pytest-xdist hands them out (the next unit to whichever worker is free first):

- the CPU critical path: a unit lasts its CPU seconds (a lower bound: it leaves out waits, sleeps, timeouts);
- the idle-wall estimate: a unit lasts its wall time minus the run-queue delays, its subprocesses' taken at the
  worker's own rate of delay per CPU second (their delay is not recorded), and at least its CPU over 2 cores.

Each is also replayed with the longest unit first (what tests/conftest.py's LONGEST_FILES_FIRST aims at). A run
stopped halfway leaves the figures of the tests it finished.

Both estimates give each worker a core of its own. With more workers than cores (tests/conftest.py starts one more:
much of the suite waits for subprocesses, timeouts and sleeps), ``shared_cores`` replays the units on W workers
that share 2 cores: a unit runs at most as fast as on an idle machine (its idle-wall estimate), and when the units
running at once want more than 2 cores, each gets a share in proportion to what it wants.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import pytest


def cpu_seconds() -> tuple[float, float]:
    """(user + system CPU of this process, of its finished subprocesses)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run_delay() -> float:
    """Seconds this process has waited for a core while ready to run (0 where the kernel does not say)."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def snapshot() -> dict:
    own, children = cpu_seconds()
    return {"cpu_self": own, "cpu_children": children, "delay": run_delay(), "wall": time.monotonic()}


def unit_of(nodeid: str) -> str:
    """The work unit of a test: tests/work_units.py's where the suite has it, else its file."""
    units = sys.modules.get("work_units")
    return units.work_unit(nodeid) if units else nodeid.split("::")[0]


class Recorder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.start = snapshot()
        self.units: dict[str, dict] = {}
        self.order: list[str] = []

    def pytest_collection_finish(self, session):
        """The units in the order xdist hands them out (the collection order, which the suite's conftest sets)."""
        self.order = list(dict.fromkeys(unit_of(item.nodeid) for item in session.items))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        before = snapshot()
        yield
        after = snapshot()
        entry = self.units.setdefault(unit_of(item.nodeid), {k: 0.0 for k in before} | {"tests": 0})
        for key in before:
            entry[key] += after[key] - before[key]
        entry["tests"] += 1
        self.write()  # after each test: a run stopped halfway still leaves its figures

    def pytest_sessionfinish(self, session):
        self.write()

    def write(self):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        end = snapshot()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{worker}.json").write_text(json.dumps({
            "worker": worker, "order": self.order, "units": self.units,  # units in the order the worker ran them
            "total": {k: end[k] - self.start[k] for k in end}}, indent=1))


def pytest_configure(config):
    folder = os.environ.get("SUITE_CPU_DIR")
    if folder:  # on each xdist worker (the controller runs no test and records nothing)
        config.pluginmanager.register(Recorder(Path(folder)), "suite_cpu_recorder")


def replay(durations: list[float], workers: int = 2) -> tuple[float, list[list[int]]]:
    """Wall time of units of ``durations``, handed out in order to whichever of ``workers`` is free first."""
    free_at, runs = [0.0] * workers, [[] for _ in range(workers)]
    for i, seconds in enumerate(durations):
        w = min(range(workers), key=free_at.__getitem__)
        free_at[w] += seconds
        runs[w].append(i)
    return max(free_at), runs


def shared_cores(units: list[tuple[float, float]], workers: int, cores: float = 2.0) -> float:
    """Wall time of ``units`` ((CPU seconds, idle-wall seconds) each), handed out in order to whichever of
    ``workers`` is free first, the workers sharing ``cores`` (see the module's docstring)."""
    pending, running, now = list(units), {}, 0.0  # running: worker -> [CPU s left, wants (cores), idle s left]
    while pending or running:
        for w in range(workers):
            if w not in running and pending:
                cpu, idle = pending.pop(0)
                idle = max(idle, cpu / cores, 1e-9)
                running[w] = [cpu, cpu / idle, idle]
        wanted = sum(r[1] for r in running.values())
        slow = max(1.0, wanted / cores)  # each unit runs at 1/slow of its idle speed
        # the next unit to finish: its idle seconds left, stretched by the sharing
        step = min(r[2] * slow for r in running.values())
        now += step
        for w, r in list(running.items()):
            r[2] -= step / slow
            r[0] -= r[1] * step / slow
            if r[2] <= 1e-9:
                del running[w]
    return now


def idle_wall(entry: dict, delay_rate: float) -> float:
    """A file's wall time without waiting for a core (see the module's docstring)."""
    cpu = entry["cpu_self"] + entry["cpu_children"]
    return max(entry["wall"] - entry["delay"] - entry["cpu_children"] * delay_rate, cpu / 2)


def report(folder: Path) -> None:
    runs = [run for p in sorted(Path(folder).glob("*.json")) if (run := json.loads(p.read_text()))["units"]]
    units, idle = {}, {}
    for run in runs:
        rate = run["total"]["delay"] / max(run["total"]["cpu_self"], 1e-9)  # this worker's delay per CPU second
        for name, e in run["units"].items():
            units[name] = e
            idle[name] = idle_wall(e, rate)
    cpu = {name: e["cpu_self"] + e["cpu_children"] for name, e in units.items()}
    print(f"{'unit':<50} {'tests':>5} {'CPU s':>8} {'wall s':>8} {'idle s':>8}")
    for name in sorted(units, key=lambda n: -cpu[n]):
        print(f"{name:<50} {units[name]['tests']:>5} {cpu[name]:>8.1f} {units[name]['wall']:>8.1f} {idle[name]:>8.1f}")
    print(f"{'all units':<50} {sum(e['tests'] for e in units.values()):>5} {sum(cpu.values()):>8.1f}")
    for run in runs:
        t = run["total"]
        print(f"worker {run['worker']}: {sum(cpu[n] for n in run['units']):.1f} CPU s in {len(run['units'])} units "
              f"({t['cpu_self'] + t['cpu_children']:.1f} with start-up and collection), wall {t['wall']:.0f} s, "
              f"run-queue delay {t['delay']:.0f} s ({t['delay'] / max(t['cpu_self'], 1e-9):.1f} s per CPU s)")
    names = [n for n in runs[0]["order"] if n in units]
    for label, seconds in (("CPU critical path", cpu), ("idle-wall estimate", idle)):
        wall, split = replay([seconds[n] for n in names])
        print(f"{label}, replayed on 2 cores in the hand-out order: {wall:.0f} s ({wall / 60:.1f} min); "
              f"sum / 2 = {sum(seconds.values()) / 2:.0f} s; "
              f"longest unit first: {replay(sorted(seconds.values(), reverse=True))[0]:.0f} s")
        for w, idx in enumerate(split):
            print(f"  core {w}: {sum(seconds[names[i]] for i in idx):.0f} s: "
                  + ", ".join(names[i].removeprefix("tests/test_").replace(".py", "") for i in idx))
    for workers in (2, 3, 4):
        wall = shared_cores([(cpu[n], idle[n]) for n in names], workers)
        print(f"{workers} workers sharing 2 cores, in the hand-out order: {wall:.0f} s ({wall / 60:.1f} min)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/suite_cpu.py FOLDER  (the SUITE_CPU_DIR of a run)")
    report(Path(sys.argv[1]))
