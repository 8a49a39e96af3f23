"""Questions of notebook 10, influencer vetting: engagement for the size, bought followers, value for money.

Definitions used throughout (``ds.influencers`` is a marketplace listing, one row per creator; prices are in
the marketplace's one listing currency, ``ds.influencers['currency']``, whatever the creator's country):

- a creator's engagement rate (ER) = (avg_likes + avg_comments) / followers, the displayed followers;
- the follower band: nano under 10,000 displayed followers, micro under 100,000, macro under 1,000,000,
  mega from there (``BAND_EDGES``, ``BANDS``); ER falls with size, so a creator's ER is judged against the
  median ER of the creators of its band on its platform (the ER index);
- a creator looks as if it bought followers when its best week of follower growth is more than JUMP
  times the marketplace's median best week (bought followers arrive at once) or its share of followers in
  its home country is below HOME times the median share (bought followers live elsewhere). Medians, so
  that the cheaters' own jumps do not move the yardstick. A low ER is no clean tell: bought followers
  lower it, but ER also falls with size and varies by creator, and most cheaters bought a few likes;
- cost per engagement (CPE) = rate_per_post / (avg_likes + avg_comments), what one engagement costs; the
  marketplace sorts by CPM, rate_per_post per 1,000 displayed followers, which counts bought followers as
  real ones and ignores how many followers engage;
- the hire: the instagram creator (the brand's platform) with the lowest CPE among those not flagged;
  creators within NEAR_TIE of the best value (engagements per unit of money) are ties;
- the card: is the marketplace's cheapest instagram creator by CPM a deal? 'bought followers' when it is
  flagged, else 'poor value' when its CPE is POOR times the hire's or more, else 'good value'.

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis as an
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import AnyOf, ChoiceAndBest, MemberOf, Scalar, SeriesMatch, Several, Values
from ._question import Exercise, Mistake, Question, Step

#: Follower bands by displayed followers: [0, 10k) nano, [10k, 100k) micro, [100k, 1M) macro, 1M+ mega.
BANDS = ("nano", "micro", "macro", "mega")
BAND_EDGES = (0, 10_000, 100_000, 1_000_000, float("inf"))
#: The brand sells on instagram: it hires instagram creators.
PLATFORM = "instagram"
#: A best week of follower growth above JUMP times the marketplace's median best week is a bought jump.
JUMP = 4
#: A home-country audience share below HOME times the marketplace's median share is a bought audience.
HOME = 0.7
#: Creators within 10% of the best (highest ER index, most engagements per unit of money) are ties.
NEAR_TIE = 0.10
#: The CPM pick is poor value when each of its engagements costs POOR times the hire's, or more.
POOR = 1.5
#: Ratios within this factor of POOR accept both claims around it.
CLAIM_BAND = 1.1
MEASURES = ("er", "er_index")
BASES = ("cpe", "cpm")
CLAIMS = ("bought followers", "poor value", "good value")


# ---------------------------------------------------------------- engagement for the size


def table(ds) -> pd.DataFrame:
    """ds.influencers indexed by influencer_id."""
    return ds.influencers.set_index("influencer_id")


def engagements(ds, likes_only: bool = False) -> pd.Series:
    """Average engagements per post: avg_likes + avg_comments (``likes_only``: a mistake)."""
    inf = table(ds)
    return inf["avg_likes"] if likes_only else inf["avg_likes"] + inf["avg_comments"]


def engagement_rate(ds, likes_only: bool = False, percent: bool = False) -> pd.Series:
    """Each creator's ER, engagements per post / displayed followers (``percent``: x 100, a mistake)."""
    return engagements(ds, likes_only) / table(ds)["followers"] * (100 if percent else 1)


def band(ds) -> pd.Series:
    """Each creator's follower band (an ordered categorical of BANDS)."""
    return pd.cut(table(ds)["followers"], BAND_EDGES, labels=list(BANDS), right=False)


def er_by_band(ds, how: str = "median", percent: bool = False) -> pd.Series:
    """The chart's bars: ``how`` of the ER per follower band (bands that hold a creator)."""
    values = engagement_rate(ds, percent=percent).groupby(band(ds), observed=True).agg(how)
    return values.rename(index=str)


def on_platform(ds) -> pd.Series:
    """True for the creators on PLATFORM, the brand's platform."""
    return table(ds)["platform"].astype(str) == PLATFORM


def er_index(ds, how: str = "median", pooled: bool = False) -> pd.Series:
    """ER of each PLATFORM creator over the ``how`` ER of the PLATFORM creators of its band.

    ``pooled``: over the band's creators of every platform, ``how="mean"``: over their mean (mistakes).
    """
    er, mine = engagement_rate(ds), on_platform(ds)
    peers = er if pooled else er.where(mine)
    typical = peers.groupby(band(ds), observed=True).transform(how)
    return (er / typical)[mine]


def fair_best(ds, measure: str = "er_index", how: str = "median", pooled: bool = False) -> tuple:
    """q3's card: ({measure}, the best PLATFORM creators by ``measure`` and their near-ties, values)."""
    values = er_index(ds, how, pooled) if measure == "er_index" else engagement_rate(ds)[on_platform(ds)]
    return {measure}, an.near_best(values, NEAR_TIE), values


def index_of_raw_best(ds) -> tuple:
    """q3's mistake, as a learner writes it: 'er_index' named, the creator picked by the raw rate
    (``ig['er'].idxmax()``), its index quoted."""
    return {"er_index"}, {engagement_rate(ds)[on_platform(ds)].idxmax()}, er_index(ds)


def best_anywhere(ds) -> tuple:
    """q3's mistake: each creator's ER over the median of its band on its own platform, the best of every platform
    (no instagram filter)."""
    inf, er = table(ds), engagement_rate(ds)
    values = er / er.groupby([band(ds), inf["platform"]], observed=True).transform("median")
    return {"er_index"}, {values.idxmax()}, values


# ---------------------------------------------------------------- bought followers


def suspicious(ds, baseline: str = "median", signals: str = "either", yardstick_platform: bool = False) -> list:
    """influencer_ids flagged as buyers: a jump above JUMP x the ``baseline`` best week, or a home share
    below HOME x the ``baseline`` share.

    ``yardstick_platform``: the medians of the PLATFORM creators alone (a variant the text accepts: the platforms
    of the listing do not differ in either sign). ``baseline="mean"``, ``signals="jump"`` / ``"home"`` (one signal
    only) and ``"both"`` (both signals required) are mistakes.
    """
    inf = table(ds)
    gain, home = inf["max_weekly_gain_pct"], inf["audience_home_share"]
    peers = inf[on_platform(ds)] if yardstick_platform else inf
    jump = gain > JUMP * peers["max_weekly_gain_pct"].agg(baseline)
    abroad = home < HOME * peers["audience_home_share"].agg(baseline)
    flag = {"either": jump | abroad, "both": jump & abroad, "jump": jump, "home": abroad}[signals]
    return list(inf.index[flag])


def suspicious_lists(ds) -> list:
    """q4's reference: the flags of each accepted yardstick, the marketplace's medians first, then those of the
    PLATFORM creators alone (the same typical values here: the platforms do not differ in either sign)."""
    return [suspicious(ds), suspicious(ds, yardstick_platform=True)]


def one_list(**kw):
    """A typical mistake's answer of q4, as AnyOf reads it: the list of ``suspicious(ds, **kw)``."""
    return lambda ds: [suspicious(ds, **kw)]


# ---------------------------------------------------------------- value for money


def cost_per_engagement(ds, likes_only: bool = False) -> pd.Series:
    """rate_per_post / engagements per post: what one engagement costs."""
    return table(ds)["rate_per_post"] / engagements(ds, likes_only)


def cpm(ds) -> pd.Series:
    """rate_per_post per 1,000 displayed followers, the marketplace's price tag."""
    inf = table(ds)
    return inf["rate_per_post"] / inf["followers"] * 1000


def candidates(ds, platform_only: bool = True, screened: bool = True) -> pd.Series:
    """True for the creators a brand may hire: not flagged, on PLATFORM (``platform_only=False``: anywhere,
    ``screened=False``: flagged ones kept)."""
    keep = ~table(ds).index.isin(suspicious(ds) if screened else [])
    return pd.Series(keep, index=table(ds).index) & (on_platform(ds) if platform_only else True)


def hire(ds, basis: str = "cpe", platform_only: bool = True, likes_only: bool = False, screened: bool = True) -> tuple:
    """q6's card: ({basis}, the candidates with the best value and their near-ties, ``basis`` per candidate).

    Value is engagements per unit of money (1 / CPE); ``basis="cpm"`` ranks by the price per 1,000
    followers instead; ``platform_only=False``, ``likes_only`` and ``screened=False`` (the suspicious creators
    kept) are mistakes too.
    """
    keep = candidates(ds, platform_only, screened)
    price = cpm(ds) if basis == "cpm" else cost_per_engagement(ds, likes_only)
    values = price[keep]
    return {basis}, an.near_best(1 / values, NEAR_TIE), values


def hires_best_first(ds, screened: bool = True) -> list:
    """The accepted hires, the data's best first (``screened=False``: the suspicious creators kept, a mistake)."""
    _, accepted, values = hire(ds, screened=screened)
    best = values.idxmin()
    return [best] + sorted(accepted - {best})


def cpm_pick(ds, screened: bool = False) -> str:
    """The marketplace's cheapest PLATFORM creator by CPM (the marketplace does not flag anyone; ``screened``: the
    cheapest of those not flagged, a mistake)."""
    return str(cpm(ds)[candidates(ds, screened=screened)].idxmin())


def claims_for(flagged: bool, ratio: float) -> set:
    """The claims the evidence supports; ratios within CLAIM_BAND of POOR accept both around it."""
    if flagged:
        return {"bought followers"}
    accepted = set()
    if ratio >= POOR / CLAIM_BAND:
        accepted.add("poor value")
    if ratio < POOR * CLAIM_BAND:
        accepted.add("good value")
    return accepted


def cpm_cards(ds, ratio: str = "cpe", screened: bool = True, pick_screened: bool = False) -> list[tuple]:
    """({CPM pick}, accepted claims, the pick's CPE / the hire's CPE), one per accepted hire, the best first.

    ``ratio="inverted"`` (the hire's CPE / the pick's), ``ratio="cpm"`` (their CPMs), ``screened=False`` (no
    bought-followers screen: nobody flagged, the hire the cheapest of all) and ``pick_screened`` (the CPM pick
    made among the creators not flagged) are mistakes.
    """
    pick = cpm_pick(ds, pick_screened)
    flagged = screened and pick in set(suspicious(ds))
    price = cpm(ds) if ratio == "cpm" else cost_per_engagement(ds)
    cards = []
    for chosen in hires_best_first(ds, screened):
        value = float(price[chosen] / price[pick] if ratio == "inverted" else price[pick] / price[chosen])
        cards.append(({pick}, claims_for(flagged, value), value))
    return cards


# ---------------------------------------------------------------- questions

Q1 = Question(
    "q1", "Each creator's engagement rate: (avg_likes + avg_comments) / followers, a fraction, as a Series "
    "indexed by influencer_id.", ("er",),
    reference=engagement_rate, comparison=SeriesMatch(rtol=1e-6),
    hints=("Engagements per post are the likes and the comments a post gets on average; divide them by the "
           "displayed followers.",
           "Work on inf, the listing indexed by influencer_id (the question's first line): column arithmetic "
           "keeps that index, so the result is already one value per influencer_id."),
    solution=("inf = ds.influencers.set_index('influencer_id')\n"
              "er = (inf['avg_likes'] + inf['avg_comments']) / inf['followers']"),
    mistakes=(
        Mistake("likes-only", "your rate counts likes only; engagements are likes + comments",
                lambda ds: engagement_rate(ds, likes_only=True)),
        Mistake("percentage", "your rate is a percentage (x 100); give a fraction such as 0.03",
                lambda ds: engagement_rate(ds, percent=True)),
    ),
)

Q2 = Question(
    "q2", "Chart: a seaborn bar chart of the median engagement rate per follower band (one bar per band, no "
    "error bars), with a title and a label on the rate axis; keep its Axes.", ("er_chart",),
    reference=er_by_band, comparison=BarChart("band", measure=("engagement", "er", "like")),
    plain=bar_chart,
    hints=("Give every creator its band with `pd.cut` on the followers, the edges ex.BAND_EDGES and the labels "
           "ex.BANDS (right=False: 10,000 followers is micro, not nano).",
           "sns.barplot with the bands as x and your er as y; its `estimator` says how a bar summarises the "
           "creators of a band, errorbar=None drops the error bars. Name the chart and its axes with "
           "`.set(title=..., xlabel=..., ylabel=...)` and store the Axes in er_chart."),
    solution=("band = pd.cut(inf['followers'], ex.BAND_EDGES, labels=ex.BANDS, right=False)\n"
              "er_chart = sns.barplot(x=band, y=er, estimator='median', errorbar=None)\n"
              "er_chart.set(title='Median engagement rate per follower band', xlabel='follower band',\n"
              "             ylabel='(likes + comments) / followers');"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEANS, seaborn's default estimator, which a few creators with extreme rates move; "
                "pass estimator='median'", lambda ds: er_by_band(ds, "mean")),
        Mistake("percentages", "the bars are percentages (x 100); chart the rate as a fraction, your er",
                lambda ds: er_by_band(ds, percent=True)),
        measure_unnamed(er_by_band),
    ),
)

Q3 = Question(
    "q3", "Judgement: which instagram creator engages best for its size? Choose the fair measure, 'er' or "
    "'er_index' (fair_measure), then the best creator by it (top_engager) and its value (top_engager_value). "
    "Creators within NEAR_TIE (10%) of the best are ties.",
    ("fair_measure", "top_engager", "top_engager_value"),
    reference=fair_best, comparison=ChoiceAndBest(MEASURES, choice="fair measure", describe="creator"),
    hints=("Your chart shows that small creators engage a larger share of their followers. A raw rate would "
           "crown a nano creator for being small; which measure compares a creator with creators of its size?",
           "Keep the instagram creators only (typical rates differ between platforms); divide each one's er by "
           "the median er of the instagram creators in its band.",
           "A DataFrame of er and band for the instagram creators; `groupby('band', observed=True)['er']"
           ".transform('median')` gives each row its band's median. `idxmax()` names the best, `max()` is its "
           "value."),
    solution=("fair_measure = 'er_index'\n"
              "mine = inf['platform'] == 'instagram'\n"
              "ig = pd.DataFrame({'er': er[mine], 'band': band[mine]})\n"
              "ig['er_index'] = ig['er'] / ig.groupby('band', observed=True)['er'].transform('median')\n"
              "top_engager = ig[fair_measure].idxmax()\n"
              "top_engager_value = ig[fair_measure].max()"),
    mistakes=(
        Mistake("raw-rate",
                "the raw rate rewards creators for being small (it falls with size, as your chart shows); compare "
                "each creator with the median rate of the creators of its size",
                lambda ds: fair_best(ds, "er")),
        Mistake("band-over-platforms",
                "your index divides by the band's median over every platform; typical rates differ a lot between "
                "platforms: divide by the median of the instagram creators of the band",
                lambda ds: fair_best(ds, pooled=True)),
        Mistake("mean-baseline",
                "your index divides by the band's MEAN rate, which a few extreme creators move; divide by its "
                "median", lambda ds: fair_best(ds, how="mean")),
        Mistake("raw-pick",
                "your creator has the highest raw rate, not the highest value of the measure you chose: pick the best "
                "by that measure", index_of_raw_best),
        Mistake("best-anywhere",
                "that creator is not on instagram, the brand's platform: look for the best among the instagram "
                "creators", best_anywhere),
    ),
    points=2,
    judgement=True,
)

Q4 = Question(
    "q4", "The creators who look as if they bought followers: a best week above JUMP (4) times the marketplace's "
    "median best week, or a home-country share below HOME (0.7) times the median share (medians over the whole "
    "listing, or over the instagram creators alone: both are accepted); a list of influencer_id.", ("suspicious",),
    reference=suspicious_lists, comparison=AnyOf(Values()),
    hints=("Bought followers arrive at once (a huge week in max_weekly_gain_pct) and live elsewhere (a low "
           "audience_home_share). A creator showing either sign is suspicious.",
           "The yardstick of each column is its median over all the creators (a robust baseline: the cheaters' "
           "own jumps barely move it). Build one True/False Series per sign and combine them with `|`.",
           "`inf.index[flags]` keeps the influencer_ids where flags is True; turn them into a list."),
    solution=("jump = inf['max_weekly_gain_pct'] > ex.JUMP * inf['max_weekly_gain_pct'].median()\n"
              "abroad = inf['audience_home_share'] < ex.HOME * inf['audience_home_share'].median()\n"
              "suspicious = list(inf.index[jump | abroad])"),
    steps=(
        Step("mean-yardsticks", teaches="robust yardsticks: the medians, which the cheaters' own values barely move",
             message="your yardsticks are MEANS: the cheaters' own jumps and foreign audiences pull a mean towards "
                     "them and hide some of them; compare with the medians",
             answer=one_list(baseline="mean")),
    ),
    mistakes=(
        Mistake("jump-only", "your list uses the follower jump only; a creator whose audience lives mostly abroad is "
                "suspicious too: flag either sign", one_list(signals="jump")),
        Mistake("home-share-only",
                "your list uses the home-country share only; a creator whose followers jumped in one week is "
                "suspicious too: flag either sign", one_list(signals="home")),
        Mistake("both-signs", "your list flags the creators showing both signs; either sign is enough (|, not &)",
                one_list(signals="both")),
    ),
    points=2,
)

Q5 = Question(
    "q5", "Each creator's cost per engagement: rate_per_post / (avg_likes + avg_comments), in the marketplace's "
    "currency, as a Series indexed by influencer_id.", ("cpe",),
    reference=cost_per_engagement, comparison=SeriesMatch(rtol=1e-6),
    hints=("What does one like or comment cost when you pay the asking price for a post?",
           "Divide the price of a post by the engagements a post gets on average, column by column on inf."),
    solution="cpe = inf['rate_per_post'] / (inf['avg_likes'] + inf['avg_comments'])",
    mistakes=(
        Mistake("likes-only", "your cost counts likes only; engagements are likes + comments",
                lambda ds: cost_per_engagement(ds, likes_only=True)),
        Mistake("cpm",
                "that is the price per 1,000 displayed followers (CPM), the marketplace's price tag; the cost per "
                "engagement divides the price by the engagements a post gets", cpm),
    ),
)

Q6 = Question(
    "q6", "Judgement: whom to hire for the instagram campaign? Choose the basis, 'cpe' or 'cpm' (basis), then "
    "the instagram creator not in your suspicious list with the best value on it (hire) and its cost per "
    "engagement (hire_cpe). Creators within NEAR_TIE (10%) of the best value are ties.",
    ("basis", "hire", "hire_cpe"),
    reference=hire, comparison=ChoiceAndBest(BASES, choice="basis", describe="creator"),
    hints=("The brand pays for people who react to its post, not for a follower count that may be bought. "
           "Which price says what that costs?",
           "Keep the instagram creators who are not in suspicious (`~inf.index.isin(suspicious)`); the best "
           "value is the lowest cost per engagement.",
           "Filter cpe with both conditions; `idxmin()` names the creator and `min()` is its cost."),
    solution=("basis = 'cpe'\n"
              "candidates = cpe[mine & ~inf.index.isin(suspicious)]\n"
              "hire = candidates.idxmin()\n"
              "hire_cpe = candidates.min()"),
    steps=(
        Step("screen", teaches="leave the creators of your suspicious list out before looking for the cheapest",
             message="that creator is in your suspicious list: bought likes make an engagement look cheap. Leave "
                     "the suspicious creators out before you look for the best value",
             answer=lambda ds: hire(ds, screened=False)),
    ),
    mistakes=(
        Mistake("cpm", "the price per 1,000 followers ignores how many of them react (and bought followers count as "
                "followers); the value of a post is what each like or comment costs",
                lambda ds: hire(ds, "cpm")),
        Mistake("other-platform", "that creator is not on instagram, the brand's platform; keep the instagram creators",
                lambda ds: hire(ds, platform_only=False)),
        Mistake("likes-only", "your cost per engagement counts likes only; engagements are likes + comments",
                lambda ds: hire(ds, likes_only=True)),
    ),
    points=2,
    judgement=True,
)

#: The model written answer of question 7, shown by q7.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "Hire I00097 for the instagram campaign: one like or comment on its posts costs about 0.17 (in the "
    "marketplace's currency), the best value among the 105 instagram creators who show no sign of bought "
    "followers, and four others come within 10% of it. The cheapest engagement of the whole listing, I00058 "
    "at 0.06, is a trap: its followers jumped by 61% in one week and only 27% of its audience lives in its "
    "home country, so its likes are bought as well as its followers. The marketplace's cheapest creator per "
    "1,000 followers, I00237, shows no sign of bought followers and is good value too: each of its "
    "engagements costs 1.24 times the hire's. A price per follower is still not a price per reaction, and the "
    "highest raw engagement rate shows why: it belongs to a creator of 1,604 followers whose followers jumped "
    "in one week, with 3 comments for 128 likes. I screened with two robust signs, a week of follower growth "
    "above 4 times the median best week and a home audience below 0.7 times the median share: 64 of the 300 "
    "creators show one. Before signing, ask the creator for its audience statistics and its follower history."
)

Q7 = Question(
    "q7", "Insight card for the manager: the marketplace's cheapest instagram creator by CPM (cpm_pick), the "
    "claim about it (one of CLAIMS) and its cost per engagement divided by your hire's (cpm_ratio). Ratios "
    "within 10% of POOR (1.5) accept both claims around it.", ("cpm_pick", "claim", "cpm_ratio"),
    reference=cpm_cards,
    comparison=AnyOf(Several(("cpm_pick", "claim", "cpm_ratio"),
                             (MemberOf(str, "creator"), MemberOf(str, "claim", options=CLAIMS), Scalar(rtol=1e-6)))),
    hints=("The marketplace ranks creators by their price per 1,000 displayed followers. Find its cheapest "
           "instagram creator, then ask two questions: is it in your suspicious list, and what does one of its "
           "engagements cost compared with your hire's?",
           "CPM = rate_per_post / followers x 1,000 over the instagram creators; `idxmin()` is the pick. The "
           "ratio is the pick's cpe over hire_cpe.",
           "The claims are checked in the order of ex.CLAIMS: the first when the pick is in suspicious; otherwise "
           "the second from a ratio of ex.POOR up, else the third."),
    solution=("cpm = inf.loc[mine, 'rate_per_post'] / inf.loc[mine, 'followers'] * 1000\n"
              "cpm_pick = cpm.idxmin()\n"
              "cpm_ratio = cpe[cpm_pick] / hire_cpe\n"
              "if cpm_pick in suspicious:\n"
              "    claim = 'bought followers'\n"
              "elif cpm_ratio >= ex.POOR:\n"
              "    claim = 'poor value'\n"
              "else:\n"
              "    claim = 'good value'"),
    steps=(
        Step("screen", teaches="the bought-followers screen: a creator of your suspicious list is no deal",
             message="your card skips the screen of question 4: look up the CPM pick, and your hire, in your "
                     "suspicious list", answer=lambda ds: cpm_cards(ds, screened=False)),
    ),
    mistakes=(
        Mistake("upside-down", "cpm_ratio is upside down: divide the CPM pick's cost per engagement by your hire's",
                lambda ds: cpm_cards(ds, "inverted")),
        Mistake("cpm-ratio",
                "cpm_ratio compares the prices per 1,000 followers; compare what an engagement costs (cpe)",
                lambda ds: cpm_cards(ds, "cpm")),
        Mistake("screened-pick",
                "your CPM pick leaves out the creators of your suspicious list, but the marketplace flags no one: "
                "take its cheapest instagram creator by CPM over every instagram creator, then look it up in your "
                "list", lambda ds: cpm_cards(ds, pick_screened=True)),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("10_influencer_vetting", "Influencer vetting", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("influencers",))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
