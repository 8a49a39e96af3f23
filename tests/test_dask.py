"""The optional Dask path: lazily generated worlds on a distributed cluster, partitioned folders read lazily."""

from __future__ import annotations

import pandas as pd
import pytest

dask = pytest.importorskip("dask")
pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import sandbox  # noqa: E402
import sandbox.dask as sd  # noqa: E402
from sandbox import partitioned  # noqa: E402
from sandbox._scales import Scale  # noqa: E402

#: Two blocks of brands (32 per block) over a short period.
TWO_BLOCKS = Scale("two-blocks", n_brands=40, days=35, n_influencers=50)
SEED = 7


@pytest.fixture(scope="module")
def expected():
    return sandbox.generate(seed=SEED, scale=TWO_BLOCKS)


def assert_same_world(frames: dict, labels: dict, expected) -> None:
    """Computed dask tables equal the in-memory world, dtypes included."""
    for name, df in expected.tables.items():
        pd.testing.assert_frame_equal(frames[name].reset_index(drop=True), df, check_exact=True, obj=name)
    assert set(labels) == set(expected.labels)
    for name, df in expected.labels.items():
        pd.testing.assert_frame_equal(labels[name].reset_index(drop=True), df, check_exact=True, obj=name)


def test_read_world_on_a_distributed_cluster_equals_generate(expected):
    ds = sd.read_world(seed=SEED, scale=TWO_BLOCKS)
    assert ds.posts.npartitions == 2, "one partition per block of brands"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        names = list(ds.tables) + list(ds.labels)
        computed = client.compute([*ds.tables.values(), *ds.labels.values()], sync=True)
        per_platform = ds.posts.groupby("platform", observed=True)["likes"].sum().compute()
        truth = ds.truth
    results = dict(zip(names, computed))
    assert_same_world({n: results[n] for n in ds.tables}, {n: results[n] for n in ds.labels}, expected)
    assert truth == expected.truth
    pd.testing.assert_series_equal(per_platform.sort_index(),
                                   expected.posts.groupby("platform", observed=True)["likes"].sum().sort_index())


def test_read_world_by_posts_matches_the_cli_size():
    ds = sd.read_world(seed=1, posts=30_000)
    assert ds.meta["scale"] == "posts-30000" and ds.posts.npartitions == ds.meta["n_blocks"] == 2
    with pytest.raises(ValueError, match="either scale or posts"):
        sd.read_world(scale="tiny", posts=30_000)


def test_read_dataset_reads_a_partitioned_folder_lazily(tmp_path, expected):
    out = partitioned.write_world(tmp_path / "world", seed=SEED, scale=TWO_BLOCKS)
    ds = sd.read_dataset(out)
    assert ds.posts.npartitions == 2 and ds.brands.npartitions == 1
    frames = dict(zip(ds.tables, dask.compute(*ds.tables.values(), scheduler="sync")))
    labels = dict(zip(ds.labels, dask.compute(*ds.labels.values(), scheduler="sync")))
    assert_same_world(frames, labels, expected)
    assert ds.truth == expected.truth and ds.meta["partitioned"] is True


def test_read_dataset_refuses_a_folder_without_a_dataset(tmp_path):
    with pytest.raises(sandbox.DatasetError, match="is not a dataset folder"):
        sd.read_dataset(tmp_path)
