"""Every question of notebooks 01-12 on 20 tiny worlds: the solution code passes, generic wrong answers fail;
charts and realistic wrong answers get the right message. Plain pytest, no notebooks (see
test_exercises_nbgrader.py for those; typical mistakes and dropped steps are test_exercises_lessons.py)."""

import copy
import dataclasses
import functools
import json
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import seaborn as sns

from sandbox.exercises import NOTEBOOKS, CheckFailed, get_exercise

SEEDS = range(20)


def once_per_world(compute):
    """``compute(ds)``, computed once per dataset object (the worlds live for the whole session)."""
    done = {}

    def remembered(ds):
        if id(ds) not in done:
            done[id(ds)] = (ds, compute(ds))  # holding ds keeps its id from being reused
        return done[id(ds)][1]
    return remembered


@functools.cache
def remembering_exercise(notebook):
    """The exercise, with each question's reference and known-mistake answers computed once per world.

    The same product code checks every answer (``verify``, ``diagnose``, ``mismatch``); only the answers it
    derives from a world are remembered: each test here asks again for the references of the same 20 worlds
    (a copy without truth is another object, so its answers are computed anew).
    """
    exercise = get_exercise(notebook)

    def remembered(mistakes):
        return tuple(dataclasses.replace(m, answer=once_per_world(m.answer)) for m in mistakes)

    return dataclasses.replace(exercise, questions=tuple(
        dataclasses.replace(q, reference=once_per_world(q.reference), steps=remembered(q.steps),
                            mistakes=remembered(q.mistakes))
        for q in exercise.questions))


@pytest.fixture(scope="module")
def worlds(world_cache):
    return world_cache.many(SEEDS, "tiny")


@functools.cache
def notebook_imports(name: str) -> str:
    """The import lines of the solution notebook ``name`` (its setup cell), so a snippet sees what the notebook's
    kernel sees (``np``, ``ticker``...)."""
    nb = json.loads((Path(__file__).resolve().parents[1] / "solutions" / f"{name}.ipynb").read_text())
    lines = [line for cell in nb["cells"] if cell["cell_type"] == "code"
             for line in "".join(cell["source"]).splitlines() if line.startswith(("import ", "from "))]
    return "\n".join(lines)


def solved_namespace(exercise, ds) -> dict:
    """Run every question's solution snippet in order, as a learner working down the notebook would."""
    module = __import__(f"sandbox.exercises.ex{exercise.name}", fromlist=["EXERCISE"])
    matplotlib.use("Agg")
    plt.close("all")  # a chart answer draws on the current figure: start each notebook on a fresh one
    ns = {}
    exec(notebook_imports(exercise.name), ns)
    ns.update({"ds": ds, "pd": pd, "plt": plt, "sns": sns, "ex": module})
    for q in exercise.questions:
        exec(q.solution, ns)
        plt.close("all")  # a kernel closes the figures after each cell: the next chart starts on a fresh one
    return ns


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_solutions_pass_on_20_seeds(notebook, worlds):
    exercise = remembering_exercise(notebook)
    for ds in worlds:
        ns = solved_namespace(exercise, ds)
        for q in exercise.questions:
            q.verify(ns, ds)  # raises CheckFailed with the learner message if the solution is wrong


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_generic_wrong_answers_fail(notebook, worlds):
    """Answers that are off in a way no mistake describes still fail, with a message that names the variable."""
    exercise = remembering_exercise(notebook)
    ds = worlds[0]
    ns = solved_namespace(exercise, ds)
    for q in exercise.questions:
        spoiled = dict(ns)
        for name in q.variables:
            value = q.plain_value(ns[name])
            if isinstance(value, dict) and {"labels", "values"} <= set(value):  # a bar chart: drop its first bar
                spoiled[name] = {**value, "labels": value["labels"][1:], "values": value["values"][1:]}
            elif isinstance(value, (pd.Series, pd.DataFrame)):
                spoiled[name] = value.iloc[1:]
            elif isinstance(value, list):
                spoiled[name] = value + ["youtube"] if "youtube" not in value else value[:-1]
            elif isinstance(value, str):
                spoiled[name] = "not-" + value
            elif isinstance(value, pd.Timestamp):  # a week off: some dates are read to a day either way (07.q6)
                spoiled[name] = value + pd.Timedelta("7D")
            elif isinstance(value, dict):  # the facts of a chart: one fact missing
                spoiled[name] = dict(list(value.items())[1:])
            else:
                spoiled[name] = value + 1000
        with pytest.raises(CheckFailed):
            q.verify(spoiled, ds)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_solutions_pass_without_truth(notebook, worlds):
    """Course datasets ship without truth.json: insight questions then follow the data alone."""
    exercise = remembering_exercise(notebook)
    for ds in worlds[:3]:
        blind = copy.copy(ds)
        blind.truth = {}
        ns = solved_namespace(exercise, blind)
        for q in exercise.questions:
            q.verify(ns, blind)


def learner_message(notebook, qid, ns, ds) -> str:
    with pytest.raises(CheckFailed) as err:
        get_exercise(notebook)[qid].verify(ns, ds)
    return str(err.value)


def test_realistic_wrong_answers_get_the_right_diagnosis(default_world):
    ds = default_world
    ns = solved_namespace(get_exercise("02_engagement_kpis"), ds)
    # a percentage, although zero-engagement posts match at any scale
    msg = learner_message("02_engagement_kpis", "q2", {"er_reach": ns["er_reach"] * 100}, ds)
    assert "percentage" in msg and "differ" not in msg
    # a filter on 'Instagram' matches nothing
    engagements = ns["engagements"]
    empty = engagements[ds.posts["platform"] == "Instagram"]
    msg = learner_message("02_engagement_kpis", "q6", {"instagram_mean_to_median": empty.mean() / empty.median()}, ds)
    assert "no rows" in msg and "lowercase" in msg and "too low" not in msg
    # capitalised platform names pass; the message never tells how many platforms are expected
    q8 = get_exercise("02_engagement_kpis")["q8"]
    q8.verify({"vs_benchmark": ns["vs_benchmark"], "above_benchmark": [p.title() for p in ns["above_benchmark"]]}, ds)
    msg = learner_message("02_engagement_kpis", "q8", {"vs_benchmark": ns["vs_benchmark"], "above_benchmark": []}, ds)
    assert "missing" in msg and not any(ch.isdigit() for ch in msg)


def test_best_hour_rejects_other_clocks_off_by_one_and_totals(default_world):
    """03.q5 is the market's local hour: the old card (every brand, UTC), the market in UTC, every brand on
    the market's clock, Paris time, a neighbour hour, totals and the right hour with the wrong evidence fail."""
    ds = default_world
    ex3 = __import__("sandbox.exercises.ex03_when_to_post", fromlist=["x"])
    q = get_exercise("03_when_to_post")["q5"]
    best, values = q.reference(ds)
    wrong = {
        "every brand, UTC": q.answers_of(ex3.best_hours(ds, clock=ex3.UTC, every_brand=True))[0],
        "market, UTC": q.answers_of(ex3.best_hours(ds, clock=ex3.UTC))[0],
        "every brand, market clock": q.answers_of(ex3.best_hours(ds, every_brand=True))[0],
        "Paris time": q.answers_of(ex3.best_hours(ds, clock=ex3.OWN_ZONE))[0],
        "off by one": (max(best) + 1, float(values.get(max(best) + 1, 0.0))),
        "total engagements": q.answers_of(ex3.best_hour_by_total(ds))[0],
        "right hour, wrong evidence": (min(best), float(ex3.instagram(ds)["er"].median())),
    }
    for what, answer in wrong.items():
        assert q.mismatch(answer, (best, values)) is not None, what


def test_topic_chart_is_read_from_the_axes(default_world):
    """04.q6 checks the learner's Axes like learntools: bars per topic with the right heights and a title,
    in either orientation; other kinds of chart, mean bars, split bars and untitled charts fail."""
    ds, q = default_world, get_exercise("04_what_to_post")["q6"]
    matplotlib.use("Agg")
    topic = ds.posts["topic"].astype(str)
    rel = get_exercise("04_what_to_post")["q4"].reference(ds)

    def draw(plot, title="Fair comparison", **kw):
        plt.close("all")
        ax = plot(**kw)
        ax.set_title(title)
        return {"topic_chart": ax}

    right = dict(estimator="median", errorbar=None)
    q.verify(draw(sns.barplot, x=topic, y=rel, **right), ds)
    q.verify(draw(sns.barplot, y=topic, x=rel, **right), ds)
    wrong = {
        "mean bars": draw(sns.barplot, x=topic, y=rel, errorbar=None),
        "a line": draw(sns.lineplot, x=topic, y=rel, estimator="median", errorbar=None),
        "bars split by platform": draw(sns.barplot, x=topic, y=rel, hue=ds.posts["platform"].astype(str), **right),
        "no title": draw(sns.barplot, x=topic, y=rel, title="", **right),
        "not a chart": {"topic_chart": rel.groupby(topic).median()},
    }
    messages = {}
    for what, ns in wrong.items():
        with pytest.raises(CheckFailed) as err:
            q.verify(ns, ds)
        messages[what] = str(err.value)
    assert "MEANS" in messages["mean bars"] and "title" in messages["no title"]
    assert "bar chart" in messages["a line"] and "bar chart" in messages["not a chart"]
    plt.close("all")


def test_first_post_read_as_text_is_refused(default_world):
    """01.q2 follows the lesson on parsing dates: timestamps read from the CSV as text are not yet an answer."""
    ds, q = default_world, get_exercise("01_first_look")["q2"]
    text = ds.posts["posted_at"].astype(str)
    msg = learner_message("01_first_look", "q2", {"first_post": text.min(), "last_post": text.max()}, ds)
    assert "is text, not a timestamp" in msg and "pd.to_datetime" in msg
    parsed = pd.to_datetime(text, utc=True)
    q.verify({"first_post": parsed.min(), "last_post": parsed.max()}, ds)


def test_power_for_an_absolute_lift_is_not_told_to_compute_power(default_world):
    """06.q5: a learner who computed power for 20 percentage points (or with impressions) finds every
    test well powered; the message must not say they skipped power, only what power to compute."""
    ds = default_world
    ex6 = __import__("sandbox.exercises.ex06_campaigns_ab_tests", fromlist=["x"])
    t, (a, b) = ex6.ab_table(ds), ex6.arms(ds)
    wrong_power = {
        "20 points": ex6.power_at(t["rate_a"], a["clicks"], b["clicks"], ex6.MIN_LIFT / t["rate_a"]),
        "impressions": ex6.power_at(t["rate_a"], a["impressions"], b["impressions"], ex6.MIN_LIFT),
    }
    for what, power in wrong_power.items():
        inconclusive = (t["lift_low"] <= 0) & (t["lift_high"] >= 0)
        assert (power[inconclusive] >= ex6.POWER).all(), what  # the learner's power says: nothing underpowered
        verdict = ex6.verdicts(ds).where(~inconclusive, "no difference")
        msg = learner_message("06_campaigns_ab_tests", "q5", {"verdict": verdict}, ds)
        assert "OF ITS A RATE" in msg and "relative" in msg and "check each" not in msg, what


def test_hour_chart_on_a_numeric_axis_is_read_by_bar_position(default_world):
    """05.q6: bars drawn at their hour on a numeric axis (plt.bar(hours, ...), barplot(native_scale=True))
    are one bar per hour, not several bars sharing the axis's few round ticks."""
    ds, q = default_world, get_exercise("05_audience_local_time")["q6"]
    matplotlib.use("Agg")
    by_hour = q.reference(ds)

    def chart(draw):
        plt.close("all")
        fig, ax = plt.subplots()
        draw(ax)
        ax.set(title="Instagram: median ER by reach per local hour", ylabel="median ER by reach")
        return {"hour_chart": ax}

    q.verify(chart(lambda ax: ax.bar(by_hour.index, by_hour.to_numpy())), ds)
    q.verify(chart(lambda ax: sns.barplot(x=by_hour.index, y=by_hour.to_numpy(), native_scale=True, ax=ax)), ds)
    msg = learner_message("05_audience_local_time", "q6", chart(lambda ax: ax.bar(by_hour.index, by_hour * 2)), ds)
    assert msg.startswith("bar heights:") and "several bars" not in msg
    plt.close("all")


def test_learner_charts_of_notebooks_01_to_03_are_read_from_real_axes(default_world):
    """01.q7, 02.q7 and 03.q4 on Axes drawn by seaborn: the solutions pass (02's on a log axis); bars drawn with
    seaborn's default estimator (the mean) get the MEANS message, an untitled chart is told to add a title."""
    ds = default_world
    matplotlib.use("Agg")
    for notebook, qid in (("01_first_look", "q7"), ("02_engagement_kpis", "q7"), ("03_when_to_post", "q4")):
        ns = solved_namespace(get_exercise(notebook), ds)
        q = get_exercise(notebook)[qid]
        plt.close("all")
        exec(q.solution, ns)
        (name,) = q.variables
        q.verify(ns, ds)
        mean_bars = re.sub(r"estimator='median',\s*", "", q.solution)
        assert mean_bars != q.solution
        plt.close("all")
        exec(mean_bars, ns)
        with pytest.raises(CheckFailed, match="MEAN"):
            q.verify(ns, ds)
        plt.close("all")
        exec(q.solution, ns)
        ns[name].set_title("")
        with pytest.raises(CheckFailed, match="title"):
            q.verify(ns, ds)
        plt.close("all")


#: The learner bar charts, all read and checked by ``_chart.BarChart``.
BAR_CHARTS = [("01_first_look", "q7"), ("02_engagement_kpis", "q7"), ("03_when_to_post", "q4"),
              ("04_what_to_post", "q6"), ("05_audience_local_time", "q6"), ("06_campaigns_ab_tests", "q3"),
              ("07_growth_and_crisis", "q4"), ("08_anomalies", "q4"), ("09_comments_sentiment", "q6"),
              ("10_influencer_vetting", "q2"), ("11_dirty_export", "q6"), ("12_capstone_insight_report", "q2"),
              ("12_capstone_insight_report", "q4")]


def test_every_bar_chart_question_is_listed():
    from sandbox.exercises._chart import BarChart

    charts = [(n, q.id) for n in NOTEBOOKS for q in get_exercise(n).questions if isinstance(q.comparison, BarChart)]
    assert charts == BAR_CHARTS


@pytest.mark.parametrize("notebook, qid", BAR_CHARTS)
def test_a_chart_without_a_value_axis_label_is_told_to_label_it(notebook, qid, default_world):
    """A manager's chart says what its bars measure: with the right bars and a title but no label on the
    value axis (x for horizontal bars, y for upright ones), the check names that axis; the category axis
    label alone does not count."""
    ds, q = default_world, get_exercise(notebook)[qid]
    ns = solved_namespace(get_exercise(notebook), ds)
    (name,) = q.variables
    exec(q.solution, ns)
    ax = ns[name]
    q.verify(ns, ds)
    axis = "y" if q.plain(ax)["vertical"] else "x"
    for nothing in ("", "None"):  # seaborn writes "None" for a Series without a name
        getattr(ax, f"set_{axis}label")(nothing)
        msg = learner_message(notebook, qid, ns, ds)
        assert msg == (f"the bars are right; the value axis (the {axis} axis) has no label: say what the bar heights "
                       f"measure (ax.set_{axis}label)"), msg
    plt.close("all")


#: Charts whose text asks for one bar per label and no error bars, and whose solution, without errorbar=None,
#: draws seaborn's default error bars (bars over several values each).
DEFAULT_ERROR_BARS = set(BAR_CHARTS) - {("06_campaigns_ab_tests", "q3"), ("12_capstone_insight_report", "q2"),
                                        ("12_capstone_insight_report", "q4")}


@pytest.mark.parametrize("notebook, qid", BAR_CHARTS)
def test_error_bars_are_refused(notebook, qid, default_world):
    """01.q7, 03.q4, 04.q6, 05.q6... ask for no error bars: their solutions without errorbar=None (seaborn's default
    95% intervals) fail with a message that names the error bars; a chart whose bars hold one value each draws
    none and passes."""
    ds, q = default_world, get_exercise(notebook)[qid]
    ns = solved_namespace(get_exercise(notebook), ds)
    (name,) = q.variables
    plt.close("all")
    exec(re.sub(r",?\s*errorbar=None", "", q.solution), ns)
    drawn = q.plain(ns[name])["error_bars"]
    if drawn:
        assert "error bars" in learner_message(notebook, qid, ns, ds)
    else:
        q.verify(ns, ds)
    assert bool(drawn) == ((notebook, qid) in DEFAULT_ERROR_BARS)
    plt.close("all")


@pytest.mark.parametrize("notebook, qid", BAR_CHARTS)
def test_bars_on_a_log_axis_are_refused(notebook, qid, default_world):
    """On a log axis a bar's length is not proportional to its value (it depends on where the axis starts)."""
    ds, q = default_world, get_exercise(notebook)[qid]
    ns = solved_namespace(get_exercise(notebook), ds)
    (name,) = q.variables
    exec(q.solution, ns)
    ax = ns[name]
    axis = "y" if q.plain(ax)["vertical"] else "x"
    getattr(ax, f"set_{axis}scale")("log")
    msg = learner_message(notebook, qid, ns, ds)
    assert msg == (f"the bars are right, on a log axis: there a bar's length is not proportional to its value; "
                   f"keep the value axis linear (ax.set_{axis}scale('linear'))"), msg
    plt.close("all")
