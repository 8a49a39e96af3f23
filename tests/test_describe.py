"""`sandbox describe`: a readable summary of a dataset folder."""

from __future__ import annotations

import statistics

import pytest

from sandbox.cli import main
from sandbox.datadict import render_markdown
from sandbox.describe import platform_medians


@pytest.fixture(scope="module")
def saved(tiny_dataset, tmp_path_factory):
    return tiny_dataset.save(tmp_path_factory.mktemp("describe") / "ds")


def test_summary_lists_tables_dates_platforms_and_dictionary(tiny_dataset, saved, capsys):
    assert main(["describe", str(saved)]) == 0
    out = capsys.readouterr().out
    summary, dictionary = out.split("# Datasets and data dictionary")
    for name, df in tiny_dataset.tables.items():
        line = next(line for line in summary.splitlines() if line.startswith(name + " "))
        assert line.split()[1:] == [str(len(df)), str(len(df.columns))]
    period = tiny_dataset.truth["period"]
    assert f"{period['start']} .. {period['end']}" in summary
    for platform in tiny_dataset.accounts["platform"].astype("str").unique():
        assert any(line.startswith(platform + " ") for line in summary.splitlines())
    assert "# Datasets and data dictionary" + dictionary == render_markdown()


def test_no_dictionary(saved, capsys):
    assert main(["describe", str(saved), "--no-dictionary"]) == 0
    out = capsys.readouterr().out
    assert "Per platform" in out and "data dictionary" not in out


def test_platform_medians_match_a_direct_computation(tiny_dataset):
    table = platform_medians(tiny_dataset)
    posts = tiny_dataset.posts
    for platform, row in table.iterrows():
        mine = posts[posts["platform"] == platform]
        accounts = tiny_dataset.accounts[tiny_dataset.accounts["platform"] == platform]
        eng = mine["likes"] + mine["comments"] + mine["shares"] + mine["saves"]
        by_impressions = (100 * eng / mine["impressions"])[mine["impressions"] > 0].median()
        by_reach = (100 * eng / mine["reach"])[mine["reach"] > 0].median()
        per_account = [int((mine["account_id"] == a).sum()) for a in accounts["account_id"]]
        assert row["accounts"] == len(accounts)
        assert row["posts_per_account"] == pytest.approx(statistics.median(per_account))
        assert row["impressions"] == mine["impressions"].median()
        assert row["reach"] == mine["reach"].median()
        assert row["er_impressions_pct"] == pytest.approx(by_impressions)
        assert row["er_reach_pct"] == pytest.approx(by_reach)


def test_not_a_dataset_exits_2(tmp_path, capsys):
    assert main(["describe", str(tmp_path)]) == 2
    assert "not a dataset folder" in capsys.readouterr().err


def test_dir_required_without_dictionary(capsys):
    assert main(["describe"]) == 2
    assert "DIR is required" in capsys.readouterr().err
