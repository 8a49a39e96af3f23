"""Session-scoped fixtures shared by the test files.

Fixtures are shared across tests: never modify them in place (copy first).
"""

from __future__ import annotations

import fcntl
import functools
import os
import pickle
import shutil
from pathlib import Path

import pytest

import sandbox
from work_units import work_unit

ROOT = Path(__file__).resolve().parents[1]
#: What a build of the package does not read (MANIFEST.in says what it does); copying it would only cost time.
NOT_SOURCES_ANYWHERE = shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".pytest_cache")
#: The same, at the top of the checkout only (sandbox/course/build/ is source).
NOT_SOURCES_AT_TOP = {".venv", "venv", "build", "dist", ".cache-xdg", "datasets", "benchmarks", "tests"}


def not_sources(folder, names):
    top = NOT_SOURCES_AT_TOP if Path(folder).resolve() == ROOT else set()
    return set(NOT_SOURCES_ANYWHERE(folder, names)) | (top & set(names))


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory) -> Path:
    """A copy of the checkout holding what a build reads, as a user's clone would (parallel workers never
    share a build/ folder)."""
    copy = tmp_path_factory.mktemp("repository") / "src"
    shutil.copytree(ROOT, copy, ignore=not_sources)
    return copy


#: Seeds of the tiny worlds that the many-seed tests run on.
TINY_SEEDS = tuple(range(10))


class Worlds:
    """``world_cache(seed, scale)``: a generated world, made once per test run and shared by the xdist workers.

    The first worker to need a world generates it (the others wait for it) and leaves a pickled copy in a folder of this run that every
    worker sees; the others load it (a small world costs about 2-3 CPU s to generate, 0.01 s to unpickle, and
    pickling keeps every dtype). Each process keeps the worlds it used in memory. Shared: never modify one
    (copy first).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.kept: dict = {}

    def __call__(self, seed: int, scale: str):
        if (seed, scale) not in self.kept:
            path = self.folder / f"{scale}-{seed}.pickle"
            with open(path.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # a worker asking while another generates it waits, then loads it
                if path.is_file():
                    world = pickle.loads(path.read_bytes())
                else:
                    world = sandbox.generate(seed=seed, scale=scale)
                    staged = path.with_name(f".{path.name}.{os.getpid()}")
                    staged.write_bytes(pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL))
                    os.replace(staged, path)
            self.kept[(seed, scale)] = world
        return self.kept[(seed, scale)]

    def many(self, seeds, scale: str) -> list:
        """The worlds of ``seeds``, in that order. The k-th of n xdist workers starts at the k/n-th seed, so
        workers that need the same worlds at once generate different ones instead of waiting for each other."""
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        k = int(worker[2:]) if worker[2:].isdigit() else 0
        seeds = list(seeds)
        start = k * len(seeds) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        made = {seed: self(seed, scale) for seed in seeds[start:] + seeds[:start]}
        return [made[seed] for seed in seeds]


@pytest.fixture(scope="session")
def world_cache(tmp_path_factory) -> Worlds:
    """Generated worlds shared by the whole run (see Worlds)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "worlds"  # xdist: one per worker
    folder.mkdir(exist_ok=True)
    return Worlds(folder)


@pytest.fixture(scope="session")
def tiny_dataset(world_cache):
    """The tiny world of seed 0, in memory."""
    return world_cache(0, "tiny")


@pytest.fixture(scope="session")
def tiny_datasets(world_cache):
    """Tiny worlds for every seed of TINY_SEEDS (the first is ``tiny_dataset``)."""
    return world_cache.many(TINY_SEEDS, "tiny")


#: Fresh seeds of the discrimination table (the default world is seed 0).
FRESH_SEEDS = tuple(range(1, 21))


@pytest.fixture(scope="session")
def default_world():
    """The committed default world (small scale, seed 0), as the notebooks load it."""
    return sandbox.load_dataset()


@pytest.fixture(scope="session")
def small_world(world_cache):
    """``small_world(seed)``: the small world of ``seed``, generated once per test run (see Worlds).

    The many-seed files look at the same seeds (0-20: effects, calibration, discrimination, lessons, generator,
    dirty) and are spread over the workers. Shared: never modify it (copy first).
    """
    return functools.partial(world_cache, scale="small")


@pytest.fixture(scope="session")
def fresh_worlds(world_cache):
    """Small worlds of FRESH_SEEDS, generated once per session."""
    return world_cache.many(FRESH_SEEDS, "small")



#: Test files that take longest, longest first (CPU seconds per file, benchmarks/suite_cpu.py): the work units
#: (below) are handed out in this order, so the long ones start early and the many short ones fill in at the end
#: (a long unit left for the end would run alone while the other core idles).
LONGEST_FILES_FIRST = ("test_exercises_nbgrader.py", "test_exercises_lessons.py", "test_course_solutions.py",
                       "test_course_neighbours.py", "test_readme.py", "test_exercises_charts.py",
                       "test_course_integrity.py", "test_dirty.py", "test_course_scale.py", "test_course_attacks.py",
                       "test_exercises_checks.py", "test_cli_as_user.py", "test_effects.py",
                       "test_exercises_discrimination.py", "test_course_autograde.py", "test_kernel_template.py",
                       "test_generator.py", "test_partitioned.py", "test_validate.py", "test_calibration_report.py",
                       "test_dask.py", "test_exercises_roundtrip.py", "test_install.py")


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: none without the plugin (-p no:xdist)
def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject.toml): a worker per core, plus one. Much of the suite waits rather than computes (the
    course tests' cell time limits and the attacks' sleeps, pip installing the README's environment, kernels
    starting): with one worker per core, a core idles while its worker waits; the extra worker fills it
    (benchmarks/README.md, the test suite). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides where it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses == "logical":
        return None  # pytest-xdist's own answer
    import psutil  # the test extra brings it (pytest-xdist counts cores with it too)

    return (psutil.cpu_count(logical=False) or os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items):
    """Run the longest test files first (the same order on every worker, as xdist requires)."""
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FILES_FIRST.index(name) if name in LONGEST_FILES_FIRST else len(LONGEST_FILES_FIRST)
    items.sort(key=rank)  # stable: the collection order within each rank


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (pyproject.toml) by work unit (tests/work_units.py): a file, or a group of notebooks
    of a file split by notebook."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class WorkUnitScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)
