"""Session-scoped fixtures shared by the test files.

Fixtures are shared across tests: never modify them in place (copy first).
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

import sandbox

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


@pytest.fixture(scope="session")
def tiny_dataset():
    """The tiny world of seed 0, in memory."""
    return sandbox.generate(seed=0, scale="tiny")


@pytest.fixture(scope="session")
def tiny_datasets(tiny_dataset):
    """Tiny worlds for every seed of TINY_SEEDS (the first is ``tiny_dataset``)."""
    return [tiny_dataset] + [sandbox.generate(seed=s, scale="tiny") for s in TINY_SEEDS[1:]]


#: Fresh seeds of the discrimination table (the default world is seed 0).
FRESH_SEEDS = tuple(range(1, 21))


@pytest.fixture(scope="session")
def default_world():
    """The committed default world (small scale, seed 0), as the notebooks load it."""
    return sandbox.load_dataset()


@functools.cache
def _small_world(seed: int):
    return sandbox.generate(seed=seed, scale="small")


@pytest.fixture(scope="session")
def small_world():
    """``small_world(seed)``: the small world of ``seed``, generated once per test process.

    The many-seed files look at the same seeds (0-20: effects, calibration, discrimination, generator, dirty);
    a small world costs about 3 s to generate and 15 MB to keep. Shared: never modify it (copy first).
    """
    return _small_world


@pytest.fixture(scope="session")
def fresh_worlds(small_world):
    """Small worlds of FRESH_SEEDS, generated once per session."""
    return [small_world(s) for s in FRESH_SEEDS]



#: Test files that take longest, longest first (pytest --durations on the 2-core machine, summed per file):
#: with --dist loadfile --no-loadscope-reorder (pyproject) a file runs on one worker and the files are
#: handed out in this order, so the long ones start early and the many short ones fill in at the end (a long
#: file left for the end would run alone while the other core idles).
LONGEST_FILES_FIRST = ("test_exercises_checks.py", "test_exercises_nbgrader.py", "test_exercises_lessons.py",
                       "test_course_attacks.py",
                       "test_exercises_discrimination.py", "test_dirty.py", "test_course_solutions.py",
                       "test_effects.py", "test_generator.py", "test_course_scale.py", "test_course_autograde.py",
                       "test_readme.py", "test_partitioned.py", "test_validate.py", "test_cli_as_user.py",
                       "test_exercises_charts.py", "test_calibration_report.py", "test_exercises_roundtrip.py", "test_install.py")


def pytest_collection_modifyitems(items):
    """Run the longest test files first (the same order on every worker, as xdist requires)."""
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FILES_FIRST.index(name) if name in LONGEST_FILES_FIRST else len(LONGEST_FILES_FIRST)
    items.sort(key=rank)  # stable: the collection order within each rank
