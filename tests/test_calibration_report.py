"""The calibration report measures every calibrated figure; worlds sit inside the published ranges."""

from __future__ import annotations

import collections

import pytest

import sandbox
from sandbox.calibration_report import FIGURES, MONEY_FIGURES, calibration_report, format_report
from sandbox.cli import main


def test_default_world_is_calibrated(tiny_dataset):
    report = calibration_report(sandbox.load_dataset())
    # the default world's LinkedIn campaigns are all of US brands: nothing to measure LinkedIn abroad on
    english = {f.name for f in FIGURES if "French" not in f.name and "Latin American" not in f.name
               and not f.name.startswith("LinkedIn CPM by brand country outside the US")}
    assert set(report["figure"]) == english, "every figure is measured on the default world (en_US)"
    assert (report["status"] == "in").all(), format_report(report[report["status"] == "out"])


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en_US", "fr_FR", "es_ES"])
def test_twenty_seeds_are_calibrated(small_world, locale):
    """Every figure, the data model v3 ones included (what a practitioner sees at a glance), on 20 seeds."""
    from sandbox.calibration_report import REALISM_FIGURES

    outs = collections.Counter()
    seen = set()
    for seed in range(20):
        ds = small_world(seed) if locale == "en_US" else sandbox.generate(seed=seed, scale="small", locale=locale)
        report = calibration_report(ds)
        seen |= set(report["figure"])
        outs.update(f"{r.figure} / {r.platform}" for r in report.itertuples() if r.status == "out")
    # a per-platform figure of a small world rests on ~10 accounts or a handful of campaigns:
    # each may miss its range on at most 1 seed of 20 (95%)
    assert all(n <= 1 for n in outs.values()), outs
    if locale != "en_US":  # French and Spanish worlds hold LinkedIn campaigns of brands abroad
        assert any(name.startswith("LinkedIn CPM by brand country outside the US") for name in seen)
    mine = {"en_US": (), "fr_FR": ("French",), "es_ES": ("Latin American",)}[locale]
    expected = {f.name for f in REALISM_FIGURES if not any(w in f.name for w in ("French", "Latin American"))
                or any(w in f.name for w in mine)}
    assert expected <= seen, expected - seen


def test_report_flags_a_figure_out_of_range(tiny_dataset):
    """The report is not vacuous: a world with clicks on organic instagram posts is flagged."""
    import copy

    ds = copy.copy(tiny_dataset)
    posts = tiny_dataset.posts.copy()
    organic_ig = (posts["platform"] == "instagram") & ~posts["is_boosted"]
    posts.loc[organic_ig, "link_clicks"] = 1
    ds.posts = posts
    report = calibration_report(ds)
    row = report[report["figure"].str.startswith("organic instagram/tiktok") & (report["platform"] == "instagram")]
    assert len(row) == 0 or (row["status"] == "out").all()
    ratio = report[report["figure"].str.startswith("ER per impression")]
    assert len(ratio) and {"measured", "low", "high", "source"} <= set(report.columns)


def test_cli_describe_calibration(tiny_dataset, tmp_path, capsys):
    out = tiny_dataset.save(tmp_path / "w")
    assert main(["describe", str(out), "--calibration"]) == 0
    text = capsys.readouterr().out
    assert "calibrated figures inside their published range" in text
    assert "ER per impression" in text and "Buffer 2025" in text


def campaign_world(seed: int, locale: str, scale: str = "small"):
    """The tables the money figures read (brands, campaigns, rates), drawn without the posts."""
    import types

    from sandbox.generator.world import plan_world, public

    plan = plan_world(seed, scale, locale)
    return types.SimpleNamespace(**{t: public(t, getattr(plan, t)) for t in ("brands", "campaigns", "fx_rates")})


#: Figures of paid campaigns that need no posts: the data model v3 money figures and the campaign benchmarks.
CAMPAIGN_FIGURES = tuple(f for f in FIGURES if f in MONEY_FIGURES or f.name.startswith(("ad ", "conversion rate",
                                                                                      "A/B", "revenue per")))


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en_US", "fr_FR", "es_ES"])
def test_money_figures_are_calibrated_on_twenty_seeds_in_each_locale(locale):
    """Currencies, ROAS, delivery and rates hold in every locale: each campaign figure misses its range on at
    most 1 seed of 20 (the en_US worlds' full report is checked above)."""
    outs, measured = collections.Counter(), collections.Counter()
    for seed in range(20):
        report = calibration_report(campaign_world(seed, locale), CAMPAIGN_FIGURES)
        measured.update(report["figure"])
        outs.update(f"{r.figure} / {r.platform}" for r in report.itertuples() if r.status == "out")
    assert all(n <= 1 for n in outs.values()), outs
    expected = {f.name for f in MONEY_FIGURES if f.measure.__name__ != "_boosted_ctr"}
    assert expected <= set(measured), expected - set(measured)


def test_per_platform_roas_is_calibrated_on_medium_worlds():
    """Small worlds hold few conversion campaigns per platform; medium worlds show every platform's median ROAS."""
    for locale in ("en_US", "fr_FR", "es_ES"):
        for seed in range(3):
            report = calibration_report(campaign_world(seed, locale, "medium"), MONEY_FIGURES)
            roas = report[report["figure"].str.startswith("ROAS")]
            assert set(roas["platform"]) == {"meta", "tiktok", "linkedin", "youtube", "x", "all"}
            assert (report["status"] == "in").all(), format_report(report[report["status"] == "out"])


def test_money_figures_see_a_world_that_pools_currencies_wrongly(tiny_dataset):
    """The report is not vacuous: a world whose Colombian pesos were written as euros is flagged (a medium world:
    a small one may hold too few Colombian brands' Meta campaigns to measure)."""
    world = campaign_world(0, "es_ES", "medium")
    wrong = world.fx_rates.copy()
    wrong["units_per_base"] = 1.0
    world.fx_rates = wrong
    report = calibration_report(world, MONEY_FIGURES)
    cpm = report[report["figure"].str.startswith("Meta CPM")]
    assert (cpm["status"] == "out").any(), cpm
