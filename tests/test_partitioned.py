"""Large worlds streamed to partitioned Parquet: same world as in memory, same bytes for any --jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sandbox
from sandbox import partitioned
from sandbox._scales import Scale, scale_for_posts
from sandbox.cli import main
from sandbox.validate import validate_dir

#: Three blocks of brands (32 per block), a short period: a few seconds to make.
THREE_BLOCKS = Scale("three-blocks", n_brands=70, days=40, n_influencers=60)
SEED = 5


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("partitioned") / "world"
    return partitioned.write_world(out, seed=SEED, scale=THREE_BLOCKS)


def test_partitioned_world_equals_the_in_memory_world(world_dir):
    expected = sandbox.generate(seed=SEED, scale=THREE_BLOCKS)
    got = sandbox.load_dataset(world_dir)
    for name, df in expected.tables.items():
        pd.testing.assert_frame_equal(got[name], df, check_exact=True, obj=name)
    assert set(got.labels) == set(expected.labels)
    for name, df in expected.labels.items():
        pd.testing.assert_frame_equal(got.labels[name], df, check_exact=True, obj=name)
    assert got.truth == expected.truth
    assert got.meta["rows"] == {name: len(df) for name, df in expected.tables.items()}
    assert got.meta["seed"] == SEED and got.meta["partitioned"] is True


def test_one_part_per_block_and_single_files_for_world_wide_tables(world_dir):
    n_blocks = sandbox.load_dataset(world_dir).meta["n_blocks"]
    assert n_blocks == 3
    for name in ("posts", "post_daily", "followers_daily", "audience", "comments",
                 "truth/post_labels", "truth/comment_labels"):
        assert sorted(p.name for p in (world_dir / name).iterdir()) == [f"part-{b:05d}.parquet" for b in range(n_blocks)]
    for name in ("brands", "accounts", "campaigns", "influencers", "truth/influencer_labels"):
        assert (world_dir / f"{name}.parquet").is_file()


def test_validator_passes_on_a_partitioned_folder(world_dir):
    report = validate_dir(world_dir)
    assert report.ok, report.format()


def test_jobs_do_not_change_a_byte(tmp_path, capsys):
    """Two worker processes through the CLI give the same files as one process."""
    posts = 28_000  # 34 brands: two blocks
    assert scale_for_posts(posts).n_brands > 32
    assert main(["generate", "--posts", str(posts), "--jobs", "2", "--seed", "3", "--quiet",
                 "--out", str(tmp_path / "two")]) == 0
    assert "partitioned parquet, 2 jobs" in capsys.readouterr().out
    partitioned.write_world(tmp_path / "one", seed=3, scale=scale_for_posts(posts), jobs=1)
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert "posts/part-00001.parquet" in one
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    n_posts = sandbox.load_dataset(tmp_path / "two", tables=["posts"]).meta["rows"]["posts"]
    assert 0.8 * posts <= n_posts <= 1.2 * posts, "--posts N gives about N posts"


def test_a_failed_run_leaves_nothing(tmp_path, monkeypatch):
    calls = []
    original = partitioned.write_table

    def failing_write(df, path, format):
        calls.append(path)
        if len(calls) == 8:
            raise OSError("disk full")
        original(df, path, format)

    monkeypatch.setattr(partitioned, "write_table", failing_write)
    with pytest.raises(OSError, match="disk full"):
        partitioned.write_world(tmp_path / "world", seed=1, scale=THREE_BLOCKS)
    assert list(tmp_path.iterdir()) == [], "neither the target nor the staging folder is left"


def test_an_interrupted_parallel_run_leaves_nothing(tmp_path):
    out = tmp_path / "world"
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "generate", "--posts", "200000", "--jobs", "2",
                             "--quiet", "--out", str(out)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".world.tmp-*/posts/part-*.parquet")):
        assert proc.poll() is None, f"finished before it could be interrupted: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "no part written within 120 s"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--jobs", "0"], "jobs must be a whole number >= 1, got 0"),
    (["--posts", "99"], "posts must be a whole number from 100 to"),
    (["--posts", "5000", "--scale", "tiny"], "posts sets a custom size; give it instead of scale"),
    (["--scale", "large", "--format", "csv"], "csv is limited to worlds up to the medium scale"),
    (["--posts", "2000000", "--format", "csv"], "write larger worlds as parquet"),
    (["--scale", "tiny", "--jobs", "2", "--format", "csv"], "jobs above 1 generate partitioned parquet"),
    (["--posts", "5000", "--format", "parquet", "--dirty", "0.1"], "a dirty export cannot be partitioned"),
])
def test_bad_size_arguments_exit_2_and_write_nothing(tmp_path, capsys, args, message):
    assert main(["generate", "--out", str(tmp_path / "never"), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("options, fmt, streamed", [
    ({}, "csv", False),
    ({"scale": "medium", "format": "parquet"}, "parquet", False),
    ({"scale": "large"}, "parquet", True),
    ({"posts": 10_000_000}, "parquet", True),
    ({"posts": 5000}, "csv", False),
    ({"scale": "tiny", "jobs": 2}, "parquet", True),
])
def test_large_worlds_are_streamed_as_parquet(options, fmt, streamed):
    spec = sandbox.plan_generate(**options)
    assert (spec.format, spec.partitioned) == (fmt, streamed)


def test_importing_sandbox_does_not_import_dask():
    code = "import sys, sandbox, sandbox.partitioned; sys.exit('dask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
