"""Dataset.save / load_dataset: CSV and Parquet keep every table, dtype and value."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sandbox
from sandbox._schema import TABLES
from sandbox.dataset import DatasetError


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_keeps_tables_dtypes_truth_and_labels(tiny_dataset, tmp_path, fmt):
    loaded = sandbox.load_dataset(tiny_dataset.save(tmp_path / fmt, format=fmt))
    for name in TABLES:
        pd.testing.assert_frame_equal(loaded[name], tiny_dataset[name], check_exact=True)
    for name, df in tiny_dataset.labels.items():
        pd.testing.assert_frame_equal(loaded.labels[name], df)
    assert loaded.truth == json.loads(json.dumps(tiny_dataset.truth))
    posts = loaded.posts
    assert str(posts["posted_at"].dtype) == "datetime64[us, UTC]"
    assert str(posts["video_views"].dtype) == "Int64" and posts["video_views"].isna().any()
    assert isinstance(posts["platform"].dtype, pd.CategoricalDtype)
    assert list(posts["platform"].cat.categories) == list(TABLES["posts"].column("platform").categories)
    assert posts["campaign_id"].isna().any() and (posts["hashtags"] == "").any()
    assert str(loaded.followers_daily["date"].dtype) == "datetime64[us]"


def test_load_only_some_tables(tiny_dataset, tmp_path):
    path = tiny_dataset.save(tmp_path / "w")
    ds = sandbox.load_dataset(path, tables=["posts"])
    assert len(ds.posts) == len(tiny_dataset.posts) and ds.comments.empty
    assert list(ds.comments.columns) == TABLES["comments"].column_names


def test_loading_a_folder_that_is_not_a_dataset_says_what_it_is(tmp_path):
    with pytest.raises(DatasetError, match="is not a dataset folder: it is empty; `sandbox generate --out .*` makes one there"):
        sandbox.load_dataset(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DatasetError, match=r"not a dataset folder \(no dataset.json; it holds notes.txt\)$"):
        sandbox.load_dataset(tmp_path)  # no command pointed at a folder holding someone's files


def test_loading_a_dataset_with_a_missing_table_names_it(tiny_dataset, tmp_path):
    path = tiny_dataset.save(tmp_path / "w")
    (path / "comments.csv").unlink()
    with pytest.raises(DatasetError, match="no table 'comments'"):
        sandbox.load_dataset(path)


def test_save_refuses_unknown_format(tiny_dataset, tmp_path):
    with pytest.raises(DatasetError, match="unknown format 'xls'; allowed: csv, parquet"):
        tiny_dataset.save(tmp_path / "w", format="xls")
    assert not (tmp_path / "w").exists()


def test_dataset_items_and_repr(tiny_dataset):
    assert tiny_dataset["posts"] is tiny_dataset.posts
    with pytest.raises(KeyError, match="no table 'post'"):
        tiny_dataset["post"]
    assert "posts=" in repr(tiny_dataset) and "seed=0" in repr(tiny_dataset)


def test_load_dataset_with_the_dask_engine(tiny_dataset, tmp_path):
    pytest.importorskip("dask.dataframe")
    path = tiny_dataset.save(tmp_path / "w", format="parquet")
    lazy = sandbox.load_dataset(path, engine="dask")
    pd.testing.assert_frame_equal(lazy.posts.compute().reset_index(drop=True), tiny_dataset.posts)
    with pytest.raises(DatasetError, match="unknown engine 'spark'; allowed: pandas, dask"):
        sandbox.load_dataset(path, engine="spark")
