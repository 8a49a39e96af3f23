"""Questions of notebook 06, campaigns and creative A/B tests: ad KPIs, lifts with intervals, power.

Definitions used throughout (one row of ``ds.campaigns`` is one campaign, an A/B test is two
campaigns with the same ``test_id``, variants A and B):

- CTR = clicks / impressions, CPC = spend / clicks, CPA = spend / conversions, ROAS = revenue / spend;
  per objective they are ratios of sums (pooled), never averages of per-campaign ratios;
- money is in each brand's currency (``campaigns.currency``); per campaign the KPIs stay in it, and before
  money of several brands is added up every amount is divided by its currency's ``fx_rates.units_per_base``
  (the world's base currency);
- an A/B test compares conversion rates (conversions / clicks); its lift is rate B / rate A - 1, with
  the 95% interval of the ratio from ``statsmodels`` (``confint_proportions_2indep(..., compare="ratio")``);
- a test whose interval excludes 0 has a winner; an inconclusive test is "underpowered" when its
  traffic gave less than POWER to detect a MIN_LIFT lift (``NormalIndPower``), else "no difference".

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import analysis as an
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import FrameMatch, Scalar, SeriesMatch, Several, Values
from ._question import Exercise, Mistake, Question, Step

#: The smallest relative lift worth acting on: tests are planned (and judged underpowered) against it.
MIN_LIFT = 0.2
#: Significance level and power of every test in the notebook.
ALPHA = 0.05
POWER = 0.8
VERDICTS = ("B wins", "A wins", "no difference", "underpowered")
KPI_COLUMNS = ["ctr", "cpc", "cpa", "roas"]


# ---------------------------------------------------------------- KPIs


def kpis(frame: pd.DataFrame, roas_inverted: bool = False, cpa_by_clicks: bool = False,
         infinite_cpa: bool = False) -> pd.DataFrame:
    """CTR, CPC, CPA and ROAS of each row of ``frame`` (campaigns, or sums per group); no conversions, no CPA (NaN).

    ``infinite_cpa``: spend / 0 left as infinity (a mistake).
    """
    conversions = frame["conversions"] if infinite_cpa else frame["conversions"].where(frame["conversions"] > 0)
    return pd.DataFrame({
        "ctr": frame["clicks"] / frame["impressions"],
        "cpc": frame["spend"] / frame["clicks"],
        "cpa": frame["spend"] / (frame["clicks"] if cpa_by_clicks else conversions),
        "roas": frame["spend"] / frame["revenue"] if roas_inverted else frame["revenue"] / frame["spend"],
    })


def campaign_kpis(ds, **mistake) -> pd.DataFrame:
    return kpis(ds.campaigns.set_index("campaign_id"), **mistake)


def campaigns_in(ds, rates: str = "divide") -> pd.DataFrame:
    """The campaigns with spend and revenue in the world's base currency.

    ``rates="none"``: amounts left in each brand's currency; ``"multiply"``: multiplied by the rate (mistakes).
    """
    c = ds.campaigns
    if rates == "none":
        return c
    if rates == "multiply":
        rate = c["currency"].map(ds.fx_rates.set_index("currency")["units_per_base"])
        return c.assign(spend=c["spend"] * rate, revenue=c["revenue"] * rate)
    return an.in_base_currency(c, ds.fx_rates, ("spend", "revenue"))


def objective_kpis(ds, how: str | None = None, rates: str = "divide") -> pd.DataFrame:
    """KPIs per objective from summed spend, impressions, clicks, conversions and revenue, money in the base
    currency.

    ``how="mean"`` / ``"median"``: the average of per-campaign ratios instead; ``rates``: see
    :func:`campaigns_in` (mistakes).
    """
    c = campaigns_in(ds, rates)
    if how:
        return kpis(c.set_index("campaign_id")).groupby(c["objective"].to_numpy()).agg(how)
    sums = c.groupby("objective", observed=True)[["spend", "impressions", "clicks", "conversions", "revenue"]].sum()
    return kpis(sums)


# ---------------------------------------------------------------- A/B tests


def arms(ds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arm A and arm B of every A/B test, indexed by test_id in the same order."""
    c = ds.campaigns.dropna(subset=["test_id"])
    a = c[c["variant"] == "A"].set_index("test_id").sort_index()
    b = c[c["variant"] == "B"].set_index("test_id").loc[a.index]
    return a, b


def ab_table(ds, per: str = "clicks", swap: bool = False, compare: str = "ratio",
             subtract_one: bool = True) -> pd.DataFrame:
    """Per test: conversion rates, relative lift of B over A and its 95% interval (statsmodels).

    ``per="impressions"``: rates per impression; ``swap``: A over B; ``compare="diff"``: the interval
    of the difference of rates; ``subtract_one=False``: the bounds of the ratio kept as the lift's (mistakes).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    a, b = arms(ds)
    if swap:
        a, b = b, a
    low, high = confint_proportions_2indep(b["conversions"], b[per], a["conversions"], a[per],
                                           compare=compare, alpha=ALPHA)
    shift = 1.0 if compare == "ratio" and subtract_one else 0.0
    rate_a, rate_b = a["conversions"] / a[per], b["conversions"] / b[per]
    return pd.DataFrame({"rate_a": rate_a, "rate_b": rate_b, "lift": rate_b / rate_a - 1,
                         "lift_low": np.asarray(low) - shift, "lift_high": np.asarray(high) - shift},
                        index=a.index)


def ab_wald(ds) -> pd.DataFrame:
    """The hand-written Wald interval of the difference divided by A's rate (a mistake)."""
    from scipy import stats

    a, b = arms(ds)
    pa, pb = a["conversions"] / a["clicks"], b["conversions"] / b["clicks"]
    se = np.sqrt(pa * (1 - pa) / a["clicks"] + pb * (1 - pb) / b["clicks"])
    q = stats.norm.ppf(1 - ALPHA / 2)
    return pd.DataFrame({"rate_a": pa, "rate_b": pb, "lift": pb / pa - 1,
                         "lift_low": (pb - pa - q * se) / pa, "lift_high": (pb - pa + q * se) / pa})


def power_at(rate_a: pd.Series, clicks_a: pd.Series, clicks_b: pd.Series, lift: float | pd.Series,
             alternative: str = "two-sided") -> pd.Series:
    """Power of each test to detect a relative ``lift`` of its A rate (two-sided unless ``alternative``, ALPHA)."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    lifts = lift if isinstance(lift, pd.Series) else pd.Series(lift, index=rate_a.index)
    effect = np.abs(proportion_effectsize(rate_a * (1 + lifts), rate_a))
    return pd.Series([NormalIndPower().power(e, nobs1=n, alpha=ALPHA, ratio=r, alternative=alternative)
                      for e, n, r in zip(effect, clicks_a, clicks_b / clicks_a)], index=rate_a.index)


def verdicts(ds, ignore_power: bool | str = False, by_estimate: bool = False, swap: bool = False,
             observed_lift: bool = False, alternative: str = "two-sided", both_arms: bool = False) -> pd.Series:
    """Each test's verdict (VERDICTS): a winner when the interval excludes 0, else underpowered or no difference.

    Mistakes: ``ignore_power`` (True: every inconclusive test "no difference"; "underpowered": every one that);
    ``by_estimate``, ``swap``; the power for the lift each test observed (``observed_lift``, which gives the
    answer of ``ignore_power="underpowered"``), one-sided (``alternative="larger"``) or with both arms' clicks as
    nobs1 and equal arms (``both_arms``).
    """
    t = ab_table(ds)
    a, b = arms(ds)
    clicks_a, clicks_b = (a["clicks"] + b["clicks"], a["clicks"] + b["clicks"]) if both_arms else (a["clicks"], b["clicks"])
    power = power_at(t["rate_a"], clicks_a, clicks_b, t["lift"] if observed_lift else MIN_LIFT, alternative)
    if ignore_power:
        power = power * 0 + (0.0 if ignore_power == "underpowered" else 1.0)
    inconclusive = np.where(power >= POWER, "no difference", "underpowered")
    b_wins, a_wins = (t["lift"] > 0, t["lift"] <= 0) if by_estimate else (t["lift_low"] > 0, t["lift_high"] < 0)
    if swap:
        b_wins, a_wins = a_wins, b_wins
    return pd.Series(np.where(b_wins, "B wins", np.where(a_wins, "A wins", inconclusive)), index=t.index,
                     name="verdict")


# ---------------------------------------------------------------- test design


def baseline_rate(ds, pooled: bool = True, per: str = "clicks") -> float:
    """Conversion rate of the A arms: pooled (sum of conversions / sum of clicks), or the mean of the rates."""
    a, _ = arms(ds)
    if pooled:
        return float(a["conversions"].sum() / a[per].sum())
    return float((a["conversions"] / a[per]).mean())


def clicks_needed(ds, absolute: bool = False, arms_count: int = 1, alternative: str = "two-sided",
                  pooled: bool = True, per: str = "clicks", rounding=math.ceil) -> float:
    """Clicks per arm a new test needs to detect a MIN_LIFT relative lift over the baseline rate, rounded up.

    ``absolute``: the lift added as 0.2 to the rate; ``arms_count=2``: both arms together;
    ``alternative="larger"``: a one-sided test; ``rounding=int``: the decimals dropped (mistakes).
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    base = baseline_rate(ds, pooled, per)
    target = min(base + MIN_LIFT, 0.99) if absolute else base * (1 + MIN_LIFT)
    n = NormalIndPower().solve_power(proportion_effectsize(target, base), alpha=ALPHA, power=POWER, ratio=1.0,
                                     alternative=alternative)
    return float(rounding(n) * arms_count)


def tests_with(labels: pd.Series, *verdict: str) -> list:
    return sorted(labels.index[labels.isin(verdict)])


def card(ds, act=("B wins", "A wins"), rerun=("underpowered",), labels=None, n=None) -> tuple:
    labels = verdicts(ds) if labels is None else labels
    return (tests_with(labels, *act), tests_with(labels, *rerun), clicks_needed(ds) if n is None else n)


# ---------------------------------------------------------------- questions

SOLUTION_Q4 = (
    "from statsmodels.stats.proportion import confint_proportions_2indep\n"
    "tests = ds.campaigns.dropna(subset=['test_id'])\n"
    "arm_a = tests[tests['variant'] == 'A'].set_index('test_id').sort_index()\n"
    "arm_b = tests[tests['variant'] == 'B'].set_index('test_id').loc[arm_a.index]\n"
    "low, high = confint_proportions_2indep(arm_b['conversions'], arm_b['clicks'],\n"
    "                                       arm_a['conversions'], arm_a['clicks'], compare='ratio')\n"
    "ab = pd.DataFrame({'rate_a': arm_a['conversions'] / arm_a['clicks'],\n"
    "                   'rate_b': arm_b['conversions'] / arm_b['clicks']})\n"
    "ab['lift'] = ab['rate_b'] / ab['rate_a'] - 1\n"
    "ab['lift_low'] = low - 1\n"
    "ab['lift_high'] = high - 1")

Q1 = Question(
    "q1", "Per campaign: CTR, CPC, CPA and ROAS (money in the campaign's own currency; a campaign without "
    "conversions has no CPA: missing, NaN), a DataFrame indexed by campaign_id with columns ctr, cpc, cpa, roas.",
    ("campaign_kpis",),
    reference=campaign_kpis, comparison=FrameMatch(rtol=1e-6),
    hints=("Each KPI divides one column of ds.campaigns by another: clicks per impression, cost per click, "
           "cost per conversion, revenue per unit of spend.",
           "Index by campaign_id first (`.set_index('campaign_id')`), then build a DataFrame from the four "
           "divisions: ctr from clicks and impressions, cpc and cpa with spend on top, roas with revenue on top. "
           "`c['conversions'].where(c['conversions'] > 0)` turns 0 conversions into NaN before dividing."),
    solution=("c = ds.campaigns.set_index('campaign_id')\n"
              "campaign_kpis = pd.DataFrame({'ctr': c['clicks'] / c['impressions'],\n"
              "                              'cpc': c['spend'] / c['clicks'],\n"
              "                              'cpa': c['spend'] / c['conversions'].where(c['conversions'] > 0),\n"
              "                              'roas': c['revenue'] / c['spend']})"),
    mistakes=(
        Mistake("roas-upside-down",
                "ROAS is upside down: it is revenue / spend (return per unit spent)",
                lambda ds: campaign_kpis(ds, roas_inverted=True)),
        Mistake("cpa-per-click",
                "CPA is the cost per conversion (acquisition), not per click: spend / conversions",
                lambda ds: campaign_kpis(ds, cpa_by_clicks=True)),
        Mistake("infinite-cpa",
                "a campaign without conversions has no CPA, not an infinite one: make its conversions missing "
                "(NaN) before dividing", lambda ds: campaign_kpis(ds, infinite_cpa=True)),
    ),
)

Q2 = Question(
    "q2", "Per objective: CTR, CPC, CPA and ROAS of all its campaigns together, money in the world's base "
    "currency (divide each campaign's spend and revenue by its currency's fx_rates.units_per_base, sum the counts "
    "and money per objective, then divide), a DataFrame indexed by objective with columns ctr, cpc, cpa, roas.",
    ("objective_kpis",),
    reference=objective_kpis, comparison=FrameMatch(rtol=1e-6),
    hints=("An objective's CTR is all its clicks over all its impressions: a big campaign should weigh more "
           "than a small one. And money adds up only in one currency: a peso is not a pound.",
           "`ds.fx_rates.set_index('currency')['units_per_base']` maps a currency to its rate; "
           "`ds.campaigns['currency'].map(...)` gives each campaign's. Divide spend and revenue by it.",
           "Then group the converted campaigns by objective and `.sum()` spend, impressions, clicks, conversions "
           "and revenue; divide those sums the way q1 divides one campaign's numbers."),
    solution=("rates = ds.campaigns['currency'].map(ds.fx_rates.set_index('currency')['units_per_base'])\n"
              "in_base = ds.campaigns.assign(spend=ds.campaigns['spend'] / rates,\n"
              "                              revenue=ds.campaigns['revenue'] / rates)\n"
              "sums = in_base.groupby('objective', observed=True)[\n"
              "    ['spend', 'impressions', 'clicks', 'conversions', 'revenue']].sum()\n"
              "conversions = sums['conversions'].where(sums['conversions'] > 0)\n"
              "objective_kpis = pd.DataFrame({'ctr': sums['clicks'] / sums['impressions'],\n"
              "                               'cpc': sums['spend'] / sums['clicks'],\n"
              "                               'cpa': sums['spend'] / conversions,\n"
              "                               'roas': sums['revenue'] / sums['spend']})"),
    mistakes=(
        Mistake("mean-of-ratios",
                "these are averages of the campaigns' ratios, where a small campaign counts as much as one a "
                "hundred times its size; sum the counts and money per objective, then divide",
                lambda ds: objective_kpis(ds, "mean")),
        Mistake("median-of-ratios",
                "these are medians of the campaigns' ratios; sum the counts and money per objective, then divide",
                lambda ds: objective_kpis(ds, "median")),
        Mistake("mixed-currencies",
                "you added up amounts in different currencies (pounds, dollars, euros...), as if they were one: "
                "divide each campaign's spend and revenue by its currency's units_per_base (ds.fx_rates) before "
                "summing", lambda ds: objective_kpis(ds, rates="none")),
        Mistake("rates-multiplied",
                "you multiplied by the rates: units_per_base is how many units of a currency one unit of the base "
                "currency buys, so an amount in the base currency is amount / units_per_base",
                lambda ds: objective_kpis(ds, rates="multiply")),
    ),
    points=2,
)

Q3 = Question(
    "q3", "Chart: draw a seaborn bar chart of ROAS per objective from your objective_kpis (one bar per objective, "
    "on a linear value axis), with a title and a label on the value axis; keep its Axes.",
    ("roas_chart",),
    reference=lambda ds: objective_kpis(ds)["roas"],
    comparison=BarChart("objective", ignore_zero=True, measure=("roas", "return", "revenue")), plain=bar_chart,
    hints=("Plot the pooled table of q2, not the campaigns: sns.barplot over the campaigns would draw each "
           "objective's MEAN campaign ROAS.",
           "sns.barplot with x= the objectives (as text) and y= the roas column of objective_kpis; it returns "
           "the Axes. Set a title and the axis labels with `.set(title=..., xlabel=..., ylabel=...)`."),
    solution=("roas_chart = sns.barplot(x=objective_kpis.index.astype(str), y=objective_kpis['roas'],\n"
              "                         color='tab:blue')\n"
              "roas_chart.set(xlabel='objective', ylabel='ROAS (revenue / spend)',\n"
              "               title='Return on ad spend per objective');"),
    mistakes=(
        Mistake("mean-campaign-roas",
                "the bars are each objective's MEAN campaign ROAS (what sns.barplot computes over the campaigns); "
                "plot the pooled ROAS of objective_kpis", lambda ds: objective_kpis(ds, "mean")["roas"]),
        measure_unnamed(lambda ds: objective_kpis(ds)["roas"]),
    ),
)

Q4 = Question(
    "q4", "Per A/B test (index test_id): conversion rates rate_a and rate_b (conversions / clicks), the lift "
    "rate_b / rate_a - 1, and its 95% interval lift_low, lift_high from statsmodels' "
    "confint_proportions_2indep(..., compare='ratio') (B first, then A; subtract 1 from the ratio's bounds).",
    ("ab",),
    reference=ab_table, comparison=FrameMatch(rtol=1e-6),
    hints=("An A/B test is two rows of ds.campaigns with the same test_id: variant A and variant B. Put the "
           "two arms side by side, one row per test.",
           "Keep the rows with a test_id; arm A and arm B are each indexed by test_id (B in A's order). "
           "confint_proportions_2indep takes (count1, nobs1, count2, nobs2): conversions and clicks of B, then A.",
           "With compare='ratio' it returns the low and high bounds of rate_b / rate_a; the lift's bounds are "
           "those minus 1."),
    solution=SOLUTION_Q4,
    mistakes=(
        Mistake("per-impression",
                "these rates are conversions per IMPRESSION; a test compares conversions per click "
                "(conversions / clicks)", lambda ds: ab_table(ds, per="impressions")),
        Mistake("lift-upside-down",
                "the lift is the wrong way round: it is B's rate over A's (B is the new creative)",
                lambda ds: ab_table(ds, swap=True)),
        Mistake("diff-interval",
                "the interval is that of the DIFFERENCE of the rates (compare='diff'); the lift is a ratio: "
                "use compare='ratio' and subtract 1", lambda ds: ab_table(ds, compare="diff")),
        Mistake("normal-approximation",
                "that interval is the hand-made normal approximation divided by A's rate; use statsmodels' "
                "confint_proportions_2indep with compare='ratio'", ab_wald),
        Mistake("ratio-bounds",
                "lift_low and lift_high are the bounds of the RATIO rate_b / rate_a; subtract 1 from each to get "
                "the bounds of the lift", lambda ds: ab_table(ds, subtract_one=False)),
    ),
    points=2,
)

Q5 = Question(
    "q5", "Judgement: a verdict per test (Series indexed by test_id): 'B wins' or 'A wins' when the interval "
    "excludes 0; otherwise 'underpowered' when the test had less than POWER (80%) to detect a MIN_LIFT (20%) "
    "lift of its A rate, else 'no difference'.",
    ("verdict",),
    reference=verdicts, comparison=SeriesMatch(),
    hints=("A lift whose interval contains 0 is not a result yet. Whether it is a real 'no difference' depends on "
           "how much traffic the test had: could it have seen a lift that matters?",
           "Power: `proportion_effectsize(rate_a * (1 + ex.MIN_LIFT), rate_a)` is the effect size of a 20% lift; "
           "`NormalIndPower().power(effect, nobs1=clicks of A, alpha=ex.ALPHA, ratio=clicks of B / clicks of A)` "
           "is the chance the test had to detect it (one call per test).",
           "Build the labels with `np.where`: lift_low above 0 first, then lift_high below 0, then power below "
           "ex.POWER."),
    solution=("import numpy as np\n"
              "from statsmodels.stats.power import NormalIndPower\n"
              "from statsmodels.stats.proportion import proportion_effectsize\n"
              "effect = proportion_effectsize(ab['rate_a'] * (1 + ex.MIN_LIFT), ab['rate_a'])\n"
              "power = pd.Series([NormalIndPower().power(e, nobs1=n, alpha=ex.ALPHA, ratio=r) for e, n, r in\n"
              "                   zip(effect, arm_a['clicks'], arm_b['clicks'] / arm_a['clicks'])], index=ab.index)\n"
              "verdict = pd.Series(np.where(ab['lift_low'] > 0, 'B wins',\n"
              "                    np.where(ab['lift_high'] < 0, 'A wins',\n"
              "                    np.where(power < ex.POWER, 'underpowered', 'no difference'))), index=ab.index)"),
    steps=(
        # also the answer of a power computed for 20 percentage points, or with impressions: say nothing of how
        Step("no-underpowered",
             "every inconclusive test came out 'no difference', yet an interval that contains 0 is not proof of no "
             f"difference: compute each one's power to detect a lift of {MIN_LIFT:.0%} OF ITS A RATE (rate_a * "
             f"{1 + MIN_LIFT:g}, a relative lift) with the CLICKS of its two arms; below {POWER:.0%} the test could "
             "not have seen it", lambda ds: verdicts(ds, ignore_power=True),
             teaches="judge an inconclusive test by its power to see a MIN_LIFT lift"),
        # also the answer of a power computed for the lift each test observed (always small when the interval
        # crosses 0): the message names both
        Step("all-underpowered",
             "every inconclusive test came out 'underpowered', yet some had the traffic to see a lift that matters: "
             f"compute each one's power to detect a {MIN_LIFT:.0%} lift OF ITS A RATE (not the lift it happened to "
             f"observe); at {POWER:.0%} or more a crossing interval means the creatives perform alike: that test "
             "is settled",
             lambda ds: verdicts(ds, ignore_power="underpowered"),
             teaches="judge an inconclusive test by its power to see a MIN_LIFT lift"),
    ),
    mistakes=(
        Mistake("point-estimate",
                "you judged the point estimate (lift above or below 0); a winner needs an interval that excludes 0",
                lambda ds: verdicts(ds, by_estimate=True)),
        Mistake("winners-swapped",
                "winners are swapped: the lift is B over A, so an interval above 0 means B wins",
                lambda ds: verdicts(ds, swap=True)),
        Mistake("one-sided-power",
                "that power is one-sided (alternative='larger'); the tests are two-sided: a new creative can also "
                "be worse", lambda ds: verdicts(ds, alternative="larger")),
        Mistake("both-arms-power",
                "that power counts the clicks of both arms as nobs1; nobs1 is the clicks of arm A and ratio the "
                "clicks of B over those of A", lambda ds: verdicts(ds, both_arms=True)),
    ),
    points=3,
    judgement=True,
)

#: A sample size is a whole number rounded up: the one exact answer (a click less, as int() or round() may give,
#: falls short of the power asked).
CLICKS_PER_ARM = Scalar(rtol=0.0, atol=1e-9, percent=False, round_up=True)

Q6 = Question(
    "q6", "Design the next creative test: the clicks per arm needed to detect a MIN_LIFT (20%) relative lift over "
    "the baseline conversion rate of all A arms pooled (their conversions / their clicks), two-sided, ALPHA 5%, "
    "POWER 80%, equal arms; rounded up to a whole number.",
    ("clicks_per_arm",),
    reference=clicks_needed, comparison=CLICKS_PER_ARM,
    hints=("The baseline is what the current creatives convert at; the new creative must beat it by 20% of it "
           "(relative), so the target rate is 1.2 times the baseline.",
           "`proportion_effectsize(target, baseline)` turns the two rates into an effect size; "
           "`NormalIndPower().solve_power(...)` solves for the missing one of effect_size, nobs1, alpha, power.",
           "Leave nobs1 out of solve_power (it is the unknown) and give ratio=1; it returns clicks for ONE arm. "
           "`math.ceil` rounds up."),
    solution=("import math\n"
              "baseline = arm_a['conversions'].sum() / arm_a['clicks'].sum()\n"
              "effect = proportion_effectsize(baseline * (1 + ex.MIN_LIFT), baseline)\n"
              "clicks_per_arm = math.ceil(NormalIndPower().solve_power(effect, alpha=ex.ALPHA, power=ex.POWER,\n"
              "                                                        ratio=1))"),
    steps=(
        Step("absolute-lift",
             "a 20% lift is relative (1.2 times the baseline rate), not 20 percentage points added to it",
             lambda ds: clicks_needed(ds, absolute=True), teaches="a lift relative to the baseline rate"),
        Step("averaged-baseline",
             "the baseline averages the tests' rates; pool them: all A conversions over all A clicks",
             lambda ds: clicks_needed(ds, pooled=False), teaches="the baseline of all A arms pooled"),
        Step("round-up",
             "that number is rounded down (int() drops the decimals, round() goes down below .5): a test a click "
             "short of the size falls short of the power asked; round up with math.ceil", lambda ds: clicks_needed(ds, rounding=int),
             teaches="round the clicks up to a whole number"),
    ),
    mistakes=(
        Mistake("both-arms",
                "that is the total of both arms; the question asks for the clicks of ONE arm",
                lambda ds: clicks_needed(ds, arms_count=2)),
        Mistake("one-sided",
                "that is a one-sided test; the tests here are two-sided (a new creative can also be worse)",
                lambda ds: clicks_needed(ds, alternative="larger")),
        Mistake("per-impression",
                "that baseline is conversions per IMPRESSION; the tests compare conversions per click",
                lambda ds: clicks_needed(ds, per="impressions")),
    ),
    points=2,
    judgement=True,
)

#: The model written answer of question 7, shown by q7.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "Roll out the B creatives of the tests whose whole interval is above 0, for example a lift of +45% "
    "(95% interval +20% to +75%), and keep the A creatives where the interval is below 0. The tests whose "
    "interval crosses 0 with little traffic stay open: they had less than an 80% chance to see even a 20% "
    "lift, so rerun them with the clicks per arm of question 6 before deciding. A crossing interval only "
    "says the data cannot tell the creatives apart; with few clicks a real 20% lift would often look like "
    "that too, so \"no winner\" is not \"no difference\" unless the test had the power to see one."
)


Q7 = Question(
    "q7", "Insight card: the tests to act on (a winner: roll out B, or keep A), the tests to rerun with more "
    "traffic (underpowered), both as sorted lists of test_id, and the clicks per arm the rerun needs (your q6).",
    ("act_on", "rerun", "rerun_clicks_per_arm"),
    reference=card, comparison=Several(("act_on", "rerun", "rerun_clicks_per_arm"),
                                       (Values(), Values(), CLICKS_PER_ARM)),
    hints=("Read it off your verdicts: a winner in either direction is a decision; an underpowered test is a "
           "question still open; a well-powered 'no difference' is closed too.",
           "Select the test ids whose verdict is one of the winners (`verdict.isin([...])`), and those that are "
           "underpowered; `sorted(...)` of the index gives the lists."),
    solution=("act_on = sorted(verdict.index[verdict.isin(['B wins', 'A wins'])])\n"
              "rerun = sorted(verdict.index[verdict == 'underpowered'])\n"
              "rerun_clicks_per_arm = clicks_per_arm"),
    mistakes=(
        Mistake("ignores-a-wins",
                "an A win is a decision too (keep A, drop B); act on both kinds of winner",
                lambda ds: card(ds, act=("B wins",))),
        Mistake("reruns-settled-tests",
                "`rerun` holds the well-powered 'no difference' tests: those are settled; rerun the underpowered "
                "ones", lambda ds: card(ds, rerun=("no difference",))),
        Mistake("reruns-every-inconclusive",
                "`rerun` holds every test without a winner; a well-powered 'no difference' is settled, rerun only "
                "the underpowered ones", lambda ds: card(ds, rerun=("underpowered", "no difference"))),
        Mistake("point-estimate",
                "you act on every test whose lift is above or below 0; only intervals that exclude 0 are results",
                lambda ds: card(ds, labels=verdicts(ds, by_estimate=True))),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("06_campaigns_ab_tests", "Campaigns and creative A/B tests", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("campaigns", "fx_rates"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
