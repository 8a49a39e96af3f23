"""The committed default dataset is exactly what the generator makes for seed 0, small scale."""

from __future__ import annotations

import filecmp

import sandbox
from sandbox.loading import repo_default_dir
from sandbox.validate import validate_dir

REGENERATE = "python -m sandbox generate --seed 0 --scale small --out datasets/default --force"


def test_committed_default_dataset_is_up_to_date(tmp_path):
    committed = repo_default_dir()
    fresh = sandbox.generate(seed=0, scale="small").save(tmp_path / "default")
    names = sorted(str(p.relative_to(fresh)) for p in fresh.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(committed)) for p in committed.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(committed, fresh, names, shallow=False)
    assert not mismatch and not errors, f"datasets/default is stale ({mismatch}); run: {REGENERATE}"


def test_default_dataset_is_valid_and_small_enough():
    committed = repo_default_dir()
    report = validate_dir(committed)
    assert report.ok, report.format()
    size = sum(p.stat().st_size for p in committed.rglob("*") if p.is_file())
    assert size < 20 * 2**20


def test_load_dataset_without_argument_finds_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SANDBOX_DATASET", raising=False)
    monkeypatch.chdir(tmp_path)
    ds = sandbox.load_dataset()
    assert ds.path == repo_default_dir()
    assert ds.meta["seed"] == 0 and ds.meta["scale"] == "small"


def test_load_dataset_prefers_env_then_local_data_folder(monkeypatch, tmp_path, tiny_dataset):
    tiny_dataset.save(tmp_path / "data")
    other = tiny_dataset.save(tmp_path / "other")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SANDBOX_DATASET", raising=False)
    assert sandbox.load_dataset().path == (tmp_path / "data").resolve()
    monkeypatch.setenv("SANDBOX_DATASET", str(other))
    assert sandbox.load_dataset().path == other


def test_every_scale_default_is_the_one_default_scale(monkeypatch, tmp_path):
    """The library, the course and the cached default world all default to ``DEFAULT_SCALE``."""
    import inspect

    from sandbox import generator, loading
    from sandbox._scales import DEFAULT_SCALE, SCALES
    from sandbox.course import build_course
    from sandbox.course.build.settings import CourseSettings
    from sandbox.generator.world import plan_world

    assert DEFAULT_SCALE in SCALES
    for function in (sandbox.generate, plan_world, build_course):
        assert inspect.signature(function).parameters["scale"].default == DEFAULT_SCALE, function.__qualname__
    assert CourseSettings(course_id="c", salt="s").scale == DEFAULT_SCALE
    from sandbox._locales import DEFAULT_LOCALE
    from sandbox.dask import read_world
    from sandbox.generator.pools import get_pools
    from sandbox.partitioned import write_world

    for function in (sandbox.generate, plan_world, get_pools, write_world, read_world):  # one default locale too
        assert inspect.signature(function).parameters["locale"].default == DEFAULT_LOCALE, function.__qualname__
    asked = []
    monkeypatch.setattr(generator, "generate", lambda **kw: asked.append(kw) or sandbox.generate(seed=0, scale="tiny"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    loading.cached_default_dir()
    assert asked == [{"seed": 0, "scale": DEFAULT_SCALE}]
